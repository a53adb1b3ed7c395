"""Ask for a portfolio export, watch its progress, download it. Whoever may read the enrolment may export it.

A centre's reports the same way, for the centre's administrators only."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from apprenticeships.gateway.reads import gateway_of
from candidates.access import centre_for_admin, enrolment_for
from candidates.languages import supported
from candidates.models import Centre, Enrolment, User

from . import services
from .downloads import stored_file_download
from .forms import ExportRequestForm, ReportRequestForm
from .models import CentreReport, ExportFormat, ExportKind, ExportStatus, PortfolioExport, ReportFormat

MIME: dict[str, str] = {ExportFormat.PDF: "application/pdf", ExportFormat.ZIP: "application/zip"}


class SignedInRequest(HttpRequest):
    """A request as these views see it, for the type checker only: `login_required` let a user in,
    and django-htmx's middleware set `htmx`."""

    user: User
    htmx: HtmxDetails


def _export_for(request: HttpRequest, pk: int) -> PortfolioExport:
    """Export `pk` if the user may read its enrolment; 404 otherwise."""
    return get_object_or_404(
        PortfolioExport.objects.visible_to(request.user).select_related("enrolment__candidate"), pk=pk
    )


def _language_names(enrolment: Enrolment) -> dict[str, str]:
    """The request form's language choices named: the asker's language (the page's) and the candidate's."""
    candidates = enrolment.candidate.language
    return {"mine": translation.get_language() or settings.LANGUAGE_CODE,
            "candidates": candidates if candidates and supported(candidates) else settings.LANGUAGE_CODE}


@login_required
@require_GET
def export_list(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_for(request.user, pk)
    exports = enrolment.portfolio_exports.portfolios().select_related("requested_by", "enrolment__candidate")[:50]
    return render(request, "exports/export_list.html", {
        "enrolment": enrolment, "exports": exports, "form": ExportRequestForm(**_language_names(enrolment)),
    })


@login_required
@require_POST
def export_create(request: SignedInRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_for(request.user, pk)
    form = ExportRequestForm(request.POST, **_language_names(enrolment))
    if not form.is_valid():
        exports = enrolment.portfolio_exports.portfolios().select_related("requested_by", "enrolment__candidate")[:50]
        return render(request, "exports/export_list.html",
                      {"enrolment": enrolment, "exports": exports, "form": form}, status=400)
    services.export_request(enrolment=enrolment, by=request.user, **form.cleaned_data)
    return redirect("exports:export_list", pk=enrolment.pk)


@login_required
@require_GET
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "exports/_status.html", {"export": _export_for(request, pk)})


@login_required
@require_POST
def export_retry(request: SignedInRequest, pk: int) -> HttpResponse:
    export = _export_for(request, pk)
    try:
        services.export_retry(export=export, by=request.user)
    except ValidationError:
        pass  # already queued again (a double click): the page shows its state either way
    if request.htmx:
        export.refresh_from_db()
        return render(request, "exports/_status.html", {"export": export})
    return redirect("exports:export_list", pk=export.enrolment_id)


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    export = _export_for(request, pk)
    if export.status != ExportStatus.DONE or not export.file_name:
        raise Http404(_("This export has no file yet."))
    mime = MIME[ExportFormat.PDF if export.kind == ExportKind.GATEWAY_PACK else export.format]
    return stored_file_download(export.file_name, mime=mime, download_name=export.download_name)


@login_required
@require_GET
def gateway_packs(request: HttpRequest, pk: int) -> HttpResponse:
    """The enrolment's gateway packs with their progress, and the request for a new one once all three signed."""
    enrolment = enrolment_for(request.user, pk)
    return render(request, "exports/gateway_packs.html", {
        "enrolment": enrolment, "view": gateway_of(enrolment, timezone.localdate()),
        "exports": enrolment.portfolio_exports.gateway_packs().select_related(
            "requested_by", "enrolment__candidate")[:20],
    })


@login_required
@require_POST
def gateway_pack_create(request: SignedInRequest, pk: int) -> HttpResponse:
    """Ask for the gateway pack: built by the worker; the page shows its progress, then the download."""
    enrolment = enrolment_for(request.user, pk)
    try:
        services.gateway_pack_request(enrolment=enrolment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The gateway pack is being built: it is ready to download below in a moment."))
    return redirect("exports:gateway_packs", pk=enrolment.pk)


# --------------------------------------------------------------------------- a centre's reports

REPORT_MIME: dict[str, str] = {
    ReportFormat.CSV: "text/csv; charset=utf-8",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _report_for(request: HttpRequest, pk: int) -> CentreReport:
    """Report `pk` if the user administers its centre; 404 for anyone else."""
    return get_object_or_404(CentreReport.objects.visible_to(request.user).select_related("centre"), pk=pk)


def _report_page(request: HttpRequest, centre: Centre, form: ReportRequestForm, status: int = 200) -> HttpResponse:
    reports = CentreReport.objects.visible_to(request.user).filter(centre=centre).select_related(
        "requested_by", "centre")[:50]
    return render(request, "exports/report_list.html", {"centre": centre, "reports": reports, "form": form},
                  status=status)


@login_required
@require_GET
def report_list(request: HttpRequest, centre_pk: int) -> HttpResponse:
    centre = centre_for_admin(request.user, centre_pk)
    return _report_page(request, centre, ReportRequestForm())


@login_required
@require_POST
def report_create(request: SignedInRequest, centre_pk: int) -> HttpResponse:
    centre = centre_for_admin(request.user, centre_pk)
    form = ReportRequestForm(request.POST)
    if not form.is_valid():
        return _report_page(request, centre, form, status=400)
    services.report_request(centre=centre, by=request.user, **form.cleaned_data)
    return redirect("exports:report_list", centre_pk=centre.pk)


@login_required
@require_GET
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "exports/_report_status.html", {"report": _report_for(request, pk)})


@login_required
@require_GET
def report_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    report = _report_for(request, pk)
    if report.status != ExportStatus.DONE or not report.file_name:
        raise Http404(_("This report has no file yet."))
    return stored_file_download(report.file_name, mime=REPORT_MIME[report.format],
                                download_name=report.download_name)
