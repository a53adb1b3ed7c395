"""Accounts (set a first password) and the centre admin's enrolment pages.

Each view: the access gate -> a form -> one service -> redirect or render.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET, require_POST

from . import access, services
from .forms import EnrolmentForm, EnrolmentUploadForm, ReassignForm
from .models import Enrolment, EnrolmentStatus, ReassignedField, RoleKind

BULK_SESSION_KEY = "bulk-enrolment-{centre}"
PAGE_SIZE = 50


class SetPasswordView(PasswordResetConfirmView):
    """The invitation link: set a first password (the link works once), then land signed in."""

    template_name = "registration/set_password.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("home")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password is set and you are signed in. Welcome.")
        return response


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
@require_GET
def centre_list(request: HttpRequest) -> HttpResponse:
    """The centres this person administers; straight to the enrolments when there is one."""
    centres = list(access.centres_administered_by(request.user))
    if not centres:
        raise PermissionDenied("Only centre administrators manage enrolments.")
    if len(centres) == 1:
        return redirect("candidates:enrolment_list", centre_pk=centres[0].pk)
    return render(request, "candidates/centre_list.html", {"centres": centres})


@login_required
@require_GET
def enrolment_list(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """A centre's enrolments, filtered by status and assessor; those past their planned end flagged."""
    centre = access.centre_for_admin(request.user, centre_pk)
    enrolments = access.enrolments_visible_to(request.user).filter(centre=centre).with_related()
    status = request.GET.get("status", "")
    if status in EnrolmentStatus.values:
        enrolments = enrolments.filter(status=status)
    assessors = access.people_with_role(centre, RoleKind.ASSESSOR)
    assessor = request.GET.get("assessor", "")
    if assessor.isdigit():
        enrolments = enrolments.filter(assessor_id=int(assessor))
    if request.GET.get("overdue") == "1":
        enrolments = enrolments.overdue()
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "candidates/enrolment_list.html", {
        "centre": centre, "page": page, "statuses": EnrolmentStatus.choices, "assessors": assessors,
        "filters": {"status": status, "assessor": assessor, "overdue": request.GET.get("overdue") == "1"},
    })


@login_required
def enrolment_create(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """Enrol one candidate at a centre."""
    centre = access.centre_for_admin(request.user, centre_pk)
    form = EnrolmentForm(request.POST or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrol_candidate(
                centre=centre, by=request.user, base_url=_base_url(request), **form.cleaned_data
            )
        except ValidationError as error:
            for name, field_messages in error.message_dict.items():
                form.add_error(name if name in form.fields else None, field_messages)
        else:
            messages.success(request, f"{enrolment.candidate} is enrolled on {enrolment.qualification}.")
            return redirect("candidates:enrolment_detail", pk=enrolment.pk)
    return render(request, "candidates/enrolment_form.html", {"centre": centre, "form": form})


@login_required
def enrolment_upload(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """Upload a CSV and preview every row with its problems; nothing is saved here."""
    centre = access.centre_for_admin(request.user, centre_pk)
    form = EnrolmentUploadForm(request.POST or None, request.FILES or None)
    preview = None
    digest = ""
    if request.method == "POST" and form.is_valid():
        preview = services.parse_enrolment_csv(centre=centre, content=form.cleaned_data["file"].read())
        key = BULK_SESSION_KEY.format(centre=centre.pk)
        if preview.is_valid:
            rows = [{"line": row.line, "values": row.values} for row in preview.rows]
            digest = _digest(rows)
            request.session[key] = {"digest": digest, "rows": rows}
        else:
            request.session.pop(key, None)
    return render(request, "candidates/enrolment_upload.html", {
        "centre": centre, "form": form, "preview": preview, "columns": services.CSV_COLUMNS,
        "digest": digest,
    })


def _digest(rows: list[dict]) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


@login_required
@require_POST
def enrolment_upload_confirm(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """Save the previewed rows, all or nothing."""
    centre = access.centre_for_admin(request.user, centre_pk)
    stashed = request.session.get(BULK_SESSION_KEY.format(centre=centre.pk))
    if not stashed:
        messages.error(request, "There is no checked file to confirm: upload it again.")
        return redirect("candidates:enrolment_upload", centre_pk=centre.pk)
    # The preview on screen must be the one checked last (another tab may have checked another file).
    if request.POST.get("digest") != stashed["digest"]:
        messages.error(request, "Another file was checked since this preview: upload the file again.")
        return redirect("candidates:enrolment_upload", centre_pk=centre.pk)
    rows = [services.BulkRow(line=row["line"], values=row["values"]) for row in stashed["rows"]]
    try:
        enrolments = services.bulk_enrol(centre=centre, by=request.user, rows=rows, base_url=_base_url(request))
    except ValidationError as error:
        messages.error(request, "Nothing was saved. " + " ".join(error.messages))
        return redirect("candidates:enrolment_upload", centre_pk=centre.pk)
    request.session.pop(BULK_SESSION_KEY.format(centre=centre.pk), None)
    messages.success(request, f"{len(enrolments)} candidates enrolled.")
    return redirect("candidates:enrolment_list", centre_pk=centre.pk)


@login_required
@require_GET
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An enrolment: who, on what, with whom, since when; its reassignments; management for the admin."""
    enrolment = access.enrolment_for(request.user, pk)
    manage = access.may_manage(request.user, enrolment)
    context = {
        "enrolment": enrolment,
        "reassignments": enrolment.reassignments.select_related("from_user", "to_user", "by"),
        "may_manage": manage,
    }
    if manage:
        context["assessor_form"] = ReassignForm(centre=enrolment.centre, kind=RoleKind.ASSESSOR,
                                                auto_id="id_assessor_%s")
        context["iqa_form"] = ReassignForm(centre=enrolment.centre, kind=RoleKind.IQA, auto_id="id_iqa_%s")
    return render(request, "candidates/enrolment_detail.html", context)


def _managed_enrolment(request: HttpRequest, pk: int) -> Enrolment:
    return access.enrolment_for(request.user, pk, write=True, roles=access.MANAGERS)


def _reassign(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    enrolment = _managed_enrolment(request, pk)
    kind = RoleKind.ASSESSOR if role == ReassignedField.ASSESSOR else RoleKind.IQA
    form = ReassignForm(request.POST, centre=enrolment.centre, kind=kind)
    if not form.is_valid():
        messages.error(request, "Choose one of the centre's people: " + " ".join(
            message for errors in form.errors.values() for message in errors))
        return redirect("candidates:enrolment_detail", pk=enrolment.pk)
    try:
        services.reassign(enrolment=enrolment, role=role, to_user=form.cleaned_data["to_user"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Reassigned.")
    return redirect("candidates:enrolment_detail", pk=enrolment.pk)


@login_required
@require_POST
def enrolment_reassign_assessor(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a new assessor; the change is recorded with who and when."""
    return _reassign(request, pk, ReassignedField.ASSESSOR)


@login_required
@require_POST
def enrolment_reassign_iqa(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a new IQA (or none); the change is recorded with who and when."""
    return _reassign(request, pk, ReassignedField.IQA)


def _change_status(request: HttpRequest, pk: int, action: Callable[..., Enrolment], done: str) -> HttpResponse:
    enrolment = _managed_enrolment(request, pk)
    try:
        action(enrolment=enrolment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The enrolment of {enrolment.candidate} is {done}.")
    return redirect(reverse("candidates:enrolment_detail", kwargs={"pk": enrolment.pk}))


@login_required
@require_POST
def enrolment_pause(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause an active enrolment."""
    return _change_status(request, pk, services.pause, "paused")


@login_required
@require_POST
def enrolment_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a paused enrolment active again."""
    return _change_status(request, pk, services.resume, "active again")


@login_required
@require_POST
def enrolment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an active or paused enrolment."""
    return _change_status(request, pk, services.withdraw, "withdrawn")
