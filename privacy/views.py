"""People's data, for a centre's admin (and a superuser): the erasure dry run and run, a subject-access export.

Each view: the access gate (candidates/access.py) -> a form -> one service -> redirect or render.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from candidates import access
from candidates.models import Centre, User
from exports.downloads import stored_file_download
from exports.models import ExportStatus

from .forms import ErasureConfirmForm
from .models import SubjectAccessExport
from .services import erasure, subject_access


def _plan_page(request: HttpRequest, centre: Centre, form: ErasureConfirmForm, status: int = 200) -> HttpResponse:
    return render(request, "privacy/erasure_plan.html", {
        "centre": centre, "plan": erasure.erasure_plan(centre=centre), "form": form,
        "retention_days": settings.RETENTION_DAYS,
    }, status=status)


@login_required
@require_GET
def erasure_plan(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """The dry run: the centre's enrolments past the retention period and what erasing each removes."""
    centre = access.centre_for_admin(request.user, centre_pk)
    return _plan_page(request, centre, ErasureConfirmForm())


@login_required
@require_POST
def erasure_run(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """Erase what the dry run listed, once confirmed: one transaction per enrolment."""
    centre = access.centre_for_admin(request.user, centre_pk)
    form = ErasureConfirmForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, centre, form, status=400)
    assert isinstance(request.user, User)  # login_required let a person in
    try:
        erased = erasure.erase_expired(centre=centre, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("privacy:erasure_plan", centre_pk=centre.pk)
    messages.success(request, ngettext(
        "The personal data of %(count)d enrolment was erased; the erasure is recorded in the audit trail.",
        "The personal data of %(count)d enrolments was erased; each erasure is recorded in the audit trail.",
        len(erased)) % {"count": len(erased)} if erased else _("Nothing was due for erasure."))
    return redirect("privacy:erasure_plan", centre_pk=centre.pk)


def _exports_of(person: User, centre: Centre) -> list[SubjectAccessExport]:
    return list(SubjectAccessExport.objects.filter(person=person, centre=centre).select_related("requested_by")[:20])


@login_required
@require_GET
def person_data(request: HttpRequest, centre_pk: int, person_pk: int) -> HttpResponse:
    """One person's data: ask for a copy of all of it; the copies asked for, with their progress."""
    centre, person = access.person_for_admin(request.user, centre_pk, person_pk)
    return render(request, "privacy/person_data.html", {
        "centre": centre, "person": person, "exports": _exports_of(person, centre),
    })


@login_required
@require_POST
def person_data_export(request: HttpRequest, centre_pk: int, person_pk: int) -> HttpResponse:
    centre, person = access.person_for_admin(request.user, centre_pk, person_pk)
    assert isinstance(request.user, User)  # login_required let a person in
    subject_access.subject_access_request(person=person, centre=centre, by=request.user)
    messages.success(request, _("The copy is being prepared; it appears below when it is ready."))
    return redirect("privacy:person_data", centre_pk=centre.pk, person_pk=person.pk)


def _export_for(request: HttpRequest, pk: int) -> SubjectAccessExport:
    """Export `pk` if the user administers the centre that asked for it; 404 otherwise."""
    centres = access.centres_administered_by(request.user)
    return get_object_or_404(SubjectAccessExport.objects.filter(centre__in=centres), pk=pk)


@login_required
@require_GET
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "privacy/_status.html", {"export": _export_for(request, pk)})


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    export = _export_for(request, pk)
    if export.status != ExportStatus.DONE or not export.file_name:
        raise Http404(_("This export has no file yet."))
    return stored_file_download(export.file_name, mime="application/zip", download_name=export.download_name)
