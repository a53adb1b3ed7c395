"""The centre admin's pages of a centre: the centres they run, their enrolments, enrolling one or a CSV of many.

Each view: the access gate -> a form -> one service -> redirect or render.
"""

from __future__ import annotations

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from portfolio_site.paging import paged_by_key
from portfolio_site.prepared import prepared
from units.models import Qualification

from .. import access, services
from ..forms.enrolment import EnrolmentForm, EnrolmentUploadForm
from ..forms.safeguarding import SafeguardingLeadForm
from ..forms.search import EnrolmentSearchForm
from ..models import Centre, Enrolment, RoleKind

BULK_SESSION_KEY = "bulk-enrolment-{centre}"



@login_required
@require_GET
def centre_list(request: HttpRequest) -> HttpResponse:
    """The centres this person administers; straight to the enrolments when there is one."""
    centres = list(access.centres_administered_by(request.user))
    if not centres:
        raise PermissionDenied(_("Only centre administrators manage enrolments."))
    if len(centres) == 1:
        return redirect("candidates:enrolment_list", centre_pk=centres[0].pk)
    return render(request, "candidates/centre_list.html", {"centres": centres})


# The list's invitations, a read of fixed shape compiled once a process (portfolio_site.prepared).
_awaiting = prepared(lambda centre: access.invitations_awaiting(Centre(pk=centre)))


@login_required
@require_GET
def enrolment_list(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """A centre's enrolments, searched and filtered on the server, 50 to a page; a fixed number of queries."""
    centre = access.centre_for_admin(request.user, centre_pk)
    enrolments = access.enrolments_of_centre(request.user, centre)
    # The qualifications the centre enrols on, each found by one probe of an index (not by reading every enrolment).
    form = EnrolmentSearchForm(request.GET, qualifications=Qualification.objects.filter(
        Exists(enrolments.filter(qualification=OuterRef("pk")))).order_by("title", "version"),
        assessors=access.people_with_role(centre, RoleKind.ASSESSOR))
    search = form.search()
    listed = paged_by_key(search.apply(enrolments), request.GET.get("page"), query=search.querystring(),
                          # What the rows show, no more: 50 rows of seven related objects cost more than the SQL.
                          load=lambda keys: access.enrolments_by_key(centre, keys))
    return render(request, "candidates/enrolment_list.html", {
        "centre": centre, "paged": listed, "page": listed.page, "search_form": form, "search": search,
        "awaiting": _awaiting(centre=centre.pk),
    })


@login_required
def enrolment_create(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """Enrol one candidate at a centre."""
    centre = access.centre_for_admin(request.user, centre_pk)
    form = EnrolmentForm(request.POST or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrol_candidate(centre=centre, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for name, field_messages in error.message_dict.items():
                form.add_error(name if name in form.fields else None, field_messages)
        else:
            if isinstance(enrolment, Enrolment):
                messages.success(request, _("%(candidate)s is enrolled on %(qualification)s.") % {
                    "candidate": enrolment.candidate, "qualification": enrolment.qualification})
                return redirect("candidates:enrolment_detail", pk=enrolment.pk)
            # Someone known elsewhere: the centre sees only what it typed until they accept.
            messages.success(request, _("%(email)s has an account already, so they were asked to accept the "
                                        "enrolment on %(qualification)s; it starts when they do.") % {
                "email": enrolment.email, "qualification": enrolment.qualification})
            return redirect("candidates:enrolment_list", centre_pk=centre.pk)
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
    return _upload_page(request, centre, form, preview, digest)


def _upload_page(request: HttpRequest, centre: Centre, form: EnrolmentUploadForm,
                 preview: services.BulkPreview | None, digest: str = "") -> HttpResponse:
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
        messages.error(request, _("There is no checked file to confirm: upload it again."))
        return redirect("candidates:enrolment_upload", centre_pk=centre.pk)
    # The preview on screen must be the one checked last (another tab may have checked another file).
    if request.POST.get("digest") != stashed["digest"]:
        messages.error(request, _("Another file was checked since this preview: upload the file again."))
        return redirect("candidates:enrolment_upload", centre_pk=centre.pk)
    rows = [services.BulkRow(line=row["line"], values=row["values"]) for row in stashed["rows"]]
    try:
        enrolments = services.bulk_enrol(centre=centre, by=request.user, rows=rows)
    except ValidationError as error:
        # Rows that went bad since the preview: the preview again, each row's problems beside it.
        preview = services.check_rows(centre=centre, rows=rows)
        if preview.is_valid:  # refused for no row's sake (someone enrolled one of them a moment ago)
            messages.error(request, _("Nothing was saved. %(problems)s") % {"problems": " ".join(error.messages)})
            return redirect("candidates:enrolment_upload", centre_pk=centre.pk)
        request.session.pop(BULK_SESSION_KEY.format(centre=centre.pk), None)
        messages.error(request, _("Nothing was saved: some rows changed since you checked the file. Each row's "
                                  "problems are shown beside it; correct the file and check it again."))
        return _upload_page(request, centre, EnrolmentUploadForm(), preview)
    request.session.pop(BULK_SESSION_KEY.format(centre=centre.pk), None)
    enrolled = sum(isinstance(made, Enrolment) for made in enrolments)
    invited = len(enrolments) - enrolled
    messages.success(request, ngettext("%(count)d candidate enrolled.", "%(count)d candidates enrolled.", enrolled)
                     % {"count": enrolled})
    if invited:
        messages.info(request, ngettext(
            "%(count)d person had an account already and was asked to accept; their enrolment starts when they do.",
            "%(count)d people had an account already and were asked to accept; their enrolments start when they do.",
            invited) % {"count": invited})
    return redirect("candidates:enrolment_list", centre_pk=centre.pk)


@login_required
def centre_safeguarding(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """The centre admin names the designated safeguarding lead whom a progress review's concern alerts."""
    centre = access.centre_for_admin(request.user, centre_pk)
    form = SafeguardingLeadForm(request.POST or None, centre=centre,
                                initial={"person": centre.safeguarding_lead_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.safeguarding_lead_set(centre=centre, by=request.user, person=form.cleaned_data["person"])
        except ValidationError as error:
            form.add_error("person", error.messages)
        else:
            messages.success(request, _("The designated safeguarding lead is saved."))
            return redirect("candidates:centre_safeguarding", centre_pk=centre.pk)
    return render(request, "candidates/centre_safeguarding.html", {"centre": centre, "form": form})
