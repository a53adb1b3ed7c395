"""One enrolment's page and the centre admin's actions on it: reassign, pause, resume, withdraw.

Each view: the access gate -> a form -> one service -> redirect, or the page again with the
bound form (what was typed, and the error beside its field). Every action asks for a reason,
kept in the enrolment's history. Completing an enrolment is asked on the assessments app's
page (`assessments:enrolment_complete`), which knows whether the achieved units earn the qualification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from portfolio_site.form_errors import on_fields
from portfolio_site.prepared import prepared

from .. import access, services
from ..access import Permission
from ..forms.enrolment import EmployerContactForm, ReasonForm, ReassignForm
from ..models import EmployerContact, Enrolment, EnrolmentStatus, ReassignedField, Reassignment, RoleKind


@dataclass(frozen=True)
class StatusAction:
    """One change of status offered on the page: its URL name, button, the statuses it starts from."""

    name: str
    label: str
    button: str
    allowed_from: frozenset[str]


STATUS_ACTIONS = (
    StatusAction("pause", gettext_lazy("Pause"), "btn-outline-secondary", frozenset({EnrolmentStatus.ACTIVE})),
    StatusAction("resume", gettext_lazy("Resume"), "btn-outline-success", frozenset({EnrolmentStatus.PAUSED})),
    StatusAction("withdraw", gettext_lazy("Withdraw"), "btn-outline-danger",
                 frozenset({EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED})),
)


def _reassign_form(enrolment: Enrolment, role: str, data: object = None) -> ReassignForm:
    kind = RoleKind.ASSESSOR if role == ReassignedField.ASSESSOR else RoleKind.IQA
    return ReassignForm(data, centre=enrolment.centre, kind=kind, auto_id=f"id_{role}_%s")


def _status_form(action: StatusAction, data: object = None) -> ReasonForm:
    return ReasonForm(data, auto_id=f"id_{action.name}_%s")


# The page's lists of fixed shape, compiled once a process (portfolio_site.prepared).
_reassignments = prepared(lambda enrolment: Reassignment.objects.filter(enrolment_id=enrolment).select_related(
    "from_user", "to_user", "by"))
_employer_contacts = prepared(lambda enrolment: EmployerContact.objects.filter(enrolment_id=enrolment)
                              .select_related("user", "removed_by"))


def _detail_page(request: HttpRequest, enrolment: Enrolment, *, failed: str = "",
                 form: ReasonForm | ReassignForm | EmployerContactForm | None = None) -> HttpResponse:
    """The enrolment page; a management form that failed (named `failed`) comes back bound."""
    context: dict[str, object] = {
        "enrolment": enrolment,
        "reassignments": _reassignments(enrolment=enrolment.pk),
        "employer_contacts": _employer_contacts(enrolment=enrolment.pk),
        "may_manage": access.may_manage(request.user, enrolment),
        "may_act": access.viewer_may(enrolment, Permission.MANAGE),
    }
    if context["may_act"]:
        context["assessor_form"] = (form if failed == ReassignedField.ASSESSOR
                                    else _reassign_form(enrolment, ReassignedField.ASSESSOR))
        context["iqa_form"] = form if failed == ReassignedField.IQA else _reassign_form(enrolment, ReassignedField.IQA)
        context["contact_form"] = form if failed == "employer_contact" else EmployerContactForm(enrolment=enrolment)
        context["status_actions"] = [
            (action, form if failed == action.name else _status_form(action))
            for action in STATUS_ACTIONS if enrolment.status in action.allowed_from
        ]
    return render(request, "candidates/enrolment_detail.html", context)


@login_required
@require_GET
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An enrolment: who, on what, with whom, since when; its reassignments; management for the admin."""
    return _detail_page(request, access.enrolment_for(request.user, pk))


def _managed_enrolment(request: HttpRequest, pk: int) -> Enrolment:
    return access.enrolment_for(request.user, pk, need=Permission.MANAGE)



@login_required
@require_POST
def employer_contact_name(request: HttpRequest, pk: int) -> HttpResponse:
    """Name the apprentice's line manager or workplace mentor; a new person is invited to set a password."""
    enrolment = _managed_enrolment(request, pk)
    form = EmployerContactForm(request.POST, enrolment=enrolment)
    if form.is_valid():
        try:
            contact = services.name_employer_contact(enrolment=enrolment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if not on_fields(form, error):
                messages.error(request, " ".join(error.messages))
                return redirect("candidates:enrolment_detail", pk=enrolment.pk)
        else:
            messages.success(request, _("%(person)s is now an employer contact of %(candidate)s, and was told by "
                                        "email.") % {"person": contact.user, "candidate": enrolment.candidate})
            return redirect("candidates:enrolment_detail", pk=enrolment.pk)
    return _detail_page(request, enrolment, failed="employer_contact", form=form)


@login_required
@require_POST
def employer_contact_remove(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """End an employer contact: they no longer see the apprentice; the record of them stays."""
    enrolment = _managed_enrolment(request, pk)
    contact = get_object_or_404(EmployerContact.objects.filter(enrolment=enrolment).select_related("user"),
                                pk=contact_pk)
    try:
        services.remove_employer_contact(contact=contact, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(person)s no longer follows %(candidate)s.") % {
            "person": contact.user, "candidate": enrolment.candidate})
    return redirect("candidates:enrolment_detail", pk=enrolment.pk)


def _reassign(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    enrolment = _managed_enrolment(request, pk)
    kind = RoleKind.ASSESSOR if role == ReassignedField.ASSESSOR else RoleKind.IQA
    form = ReassignForm(request.POST, centre=enrolment.centre, kind=kind, auto_id=f"id_{role}_%s")
    if form.is_valid():
        try:
            services.reassign(enrolment=enrolment, role=role, to_user=form.cleaned_data["to_user"], by=request.user,
                              reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if not on_fields(form, error):
                messages.error(request, " ".join(error.messages))
                return redirect("candidates:enrolment_detail", pk=enrolment.pk)
        else:
            messages.success(request, _("Reassigned."))
            return redirect("candidates:enrolment_detail", pk=enrolment.pk)
    return _detail_page(request, enrolment, failed=role, form=form)


@login_required
@require_POST
def enrolment_reassign_assessor(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a new assessor; the change is recorded with who, when and why."""
    return _reassign(request, pk, ReassignedField.ASSESSOR)


@login_required
@require_POST
def enrolment_reassign_iqa(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a new IQA (or none); the change is recorded with who, when and why."""
    return _reassign(request, pk, ReassignedField.IQA)


def _change_status(request: HttpRequest, pk: int, name: str, move: Callable[..., Enrolment],
                   done: str) -> HttpResponse:
    enrolment = _managed_enrolment(request, pk)
    action = next(action for action in STATUS_ACTIONS if action.name == name)
    form = ReasonForm(request.POST, auto_id=f"id_{action.name}_%s")
    if form.is_valid():
        try:
            move(enrolment=enrolment, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if not on_fields(form, error):
                messages.error(request, " ".join(error.messages))
                return redirect("candidates:enrolment_detail", pk=enrolment.pk)
        else:
            messages.success(request, done % {"candidate": enrolment.candidate})
            return redirect("candidates:enrolment_detail", pk=enrolment.pk)
    return _detail_page(request, enrolment, failed=name, form=form)


@login_required
@require_POST
def enrolment_pause(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause an active enrolment: read-only for everyone until it is resumed."""
    return _change_status(request, pk, "pause", services.pause, _("The enrolment of %(candidate)s is paused."))


@login_required
@require_POST
def enrolment_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a paused enrolment active again."""
    return _change_status(request, pk, "resume", services.resume,
                          _("The enrolment of %(candidate)s is active again."))


@login_required
@require_POST
def enrolment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an active or paused enrolment: read-only for good."""
    return _change_status(request, pk, "withdraw", services.withdraw,
                          _("The enrolment of %(candidate)s is withdrawn."))
