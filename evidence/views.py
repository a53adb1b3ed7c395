"""Evidence pages: the library, an item and its versions, writing, uploading, mapping, submitting, revising, files.

Each view: the gate (evidence/access.py over candidates/access.py) -> a form -> one service -> redirect or render.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.access import Permission, enrolment_for, viewer_may
from evidence import access, reads, services
from evidence.forms import (
    EvidenceCreateForm,
    EvidenceTextForm,
    LibraryFilterForm,
    MappingForm,
    RecordCreateForm,
    fit_to_kind,
)
from evidence.models import ASSESSOR_KINDS, EvidenceFile, EvidenceItem, VersionStatus
from evidence.serving import file_response
from evidence.upload_handlers import refused_uploads
from evidence.uploads import UploadRefused, format_size, preview_name_for
from portfolio_site.paging import paged

PAGE_SIZE = 20


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _detail(item: EvidenceItem) -> HttpResponse:
    return redirect("evidence:detail", pk=item.pk)


@login_required
@require_GET
def library(request: HttpRequest, pk: int) -> HttpResponse:
    """Every item of an enrolment, filtered by kind, unit, status, assessable item and text; paginated."""
    enrolment = enrolment_for(request.user, pk)
    units = reads.units_for(enrolment)
    form = LibraryFilterForm(request.GET, units=units)
    filters = form.filters()
    query = request.GET.copy()
    query.pop("page", None)
    # Unfiltered, the list most asked for, its count and first pages are prepared reads (evidence.reads).
    items = reads.library(enrolment, **filters) if any(filters.values()) else reads.LibraryRows(enrolment, PAGE_SIZE)
    listed = paged(items, request.GET.get("page"), query=query.urlencode(), size=PAGE_SIZE)
    page = listed.page
    reads.attach_mappings(page.object_list)
    wanted = filters.get("assessable_item_id")
    item_filter = next((item for unit in units for item in unit.assessable_items() if item.pk == wanted), None)
    return render(request, "evidence/library.html", {
        "enrolment": enrolment, "form": form, "page": page, "paged": listed, "item_filter": item_filter,
        "filtered": any(filters.values()), "may_write": viewer_may(enrolment, Permission.WRITE_EVIDENCE),
    })


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new piece of evidence, saved as a draft; files and mapping come next on its page.

    With ``?record=1`` the assessor writes a record of their own (observation, professional discussion, questioning).
    """
    record = bool(request.GET.get("record"))
    enrolment = enrolment_for(request.user, pk, need=Permission.OBSERVE if record else Permission.WRITE_EVIDENCE)
    observer = viewer_may(enrolment, Permission.OBSERVE)
    form: EvidenceTextForm = (
        RecordCreateForm(request.POST or None) if record else EvidenceCreateForm(request.POST or None)
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.evidence_create(enrolment=enrolment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft record saved. Add any files, map it to what you assessed, then submit "
                                        "it.") if record else
                             _("Draft saved. Add files, map it to what it shows, then submit it."))
            return _detail(item)
    return render(request, "evidence/evidence_form.html", {
        "enrolment": enrolment, "form": form, "record": record, "observer": observer,
    })


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An item's current version: words, files, mappings, witness confirmation, the versions before it."""
    item = access.item_for(request.user, pk)
    return _render_version(request, item, item.current_version.number)


@login_required
@require_GET
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Any version of an item, read-only once submitted; earlier versions stay readable."""
    item = access.item_for(request.user, pk)
    return _render_version(request, item, number)


def _render_version(request: HttpRequest, item: EvidenceItem, number: int) -> HttpResponse:
    version = access.version_of(item, number)
    may_write = access.may_write(item)
    if version.is_draft:
        # What the version before decided of each claim, said beside the draft's claims (kept, or judged again).
        before = reads.previous_statuses(version)
        for mapping in version.mappings.all():
            mapping.before = before.get(mapping.assessable_item_id, "")  # type: ignore[attr-defined]
    return render(request, "evidence/detail.html", {
        "record": item.kind in ASSESSOR_KINDS,
        "item": item, "version": version, "enrolment": item.enrolment,
        "versions": item.versions.only("number", "status", "submitted_at", "created_at").order_by("-number"),
        "is_current": version.pk == item.current_version_id, "may_write": may_write,
        "may_map_submitted": viewer_may(item.enrolment, Permission.OBSERVE),
        "may_write_draft": may_write and version.is_draft and version.pk == item.current_version_id,
        "max_upload_size": settings.EVIDENCE_MAX_FILE_SIZE,
        "max_upload_label": format_size(settings.EVIDENCE_MAX_FILE_SIZE),
        "resumable_expiry_hours": settings.EVIDENCE_RESUMABLE_EXPIRY_HOURS,
    })


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft's words; a submitted version is refused (start a new version)."""
    item = access.item_for(request.user, pk, need=Permission.WRITE_EVIDENCE)
    version = item.current_version
    initial = {field: getattr(version, field) for field in EvidenceTextForm.base_fields}
    form = fit_to_kind(EvidenceTextForm(request.POST or None, initial=initial), item.kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_update(version=version, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft saved."))
            return _detail(item)
    return render(request, "evidence/evidence_form.html", {
        "enrolment": item.enrolment, "item": item, "form": form, "record": item.kind in ASSESSOR_KINDS,
    })


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Add files to the draft: each stored or refused with its reason (JSON for the script, messages otherwise)."""
    item = access.item_for(request.user, pk, need=Permission.WRITE_EVIDENCE)
    results = [_refused(refusal) for refusal in refused_uploads(request)]
    for uploaded in request.FILES.getlist("files"):
        try:
            stored = services.file_add(version=item.current_version, uploaded=uploaded, by=request.user)
        except UploadRefused as refusal:
            results.append(_refused(refusal))
        except ValidationError as error:
            results.append({"name": uploaded.name, "ok": False, "message": _error_text(error)})
        else:
            results.append({"name": stored.original_name, "ok": True, "message": _stored_message(stored),
                            "html": render_to_string("evidence/_file.html", {
                                "file": stored, "may_remove": True, "enrolment": item.enrolment}, request=request)})
    if not results:
        results.append({"name": "", "ok": False, "message": _("Choose at least one file to upload.")})
    if request.headers.get("Accept", "").startswith("application/json"):
        # 200 even when every file was refused: the request worked, and each result says what became of its file.
        return JsonResponse({"results": results})
    for result in results:
        if result["ok"]:
            messages.success(request, _("%(name)s: %(message)s") % result)
        else:
            messages.error(request, _("%(name)s: %(message)s") % result if result["name"] else str(result["message"]))
    return _detail(item)


def _refused(refusal: UploadRefused) -> dict[str, object]:
    return {"name": refusal.filename, "ok": False, "message": refusal.reason}


def _stored_message(stored: EvidenceFile) -> str:
    duplicate = stored.duplicate_of
    if duplicate is not None:
        return _("saved; the same file is already uploaded in '%(title)s'.") % {"title": duplicate.version.title}
    return _("saved.")


@login_required
@require_POST
def file_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a file off the draft."""
    evidence_file = access.file_for(request.user, pk)
    item = access.item_for(request.user, evidence_file.version.item_id, need=Permission.WRITE_EVIDENCE)
    try:
        services.file_remove(evidence_file=evidence_file, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(name)s removed.") % {"name": evidence_file.original_name})
    return _detail(item)


@login_required
@require_GET
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored file, after the gate: inline for safe previews, an attachment otherwise."""
    evidence_file = access.file_for(request.user, pk)
    return file_response(request=request, storage=default_storage, name=evidence_file.name,
                         mime=evidence_file.mime, original_name=evidence_file.original_name)


@login_required
@require_GET
def file_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """An image's browser-friendly rendition (a JPEG for HEIC photos), else the file itself."""
    evidence_file = access.file_for(request.user, pk)
    if evidence_file.preview_name:
        return file_response(request=request, storage=default_storage, name=evidence_file.preview_name,
                             mime="image/jpeg", original_name=preview_name_for(evidence_file.original_name))
    return file_response(request=request, storage=default_storage, name=evidence_file.name,
                         mime=evidence_file.mime, original_name=evidence_file.original_name)


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick the assessable items this evidence shows, across the candidate's units."""
    item = access.item_for(request.user, pk, need=Permission.WRITE_EVIDENCE)
    version = item.current_version
    units = reads.units_for(item.enrolment)
    form = MappingForm(request.POST or None, items=[i for unit in units for i in unit.assessable_items()],
                       initial={"items": list(version.mappings.values_list("assessable_item_id", flat=True))})
    if request.method == "POST" and form.is_valid():
        try:
            services.mappings_set(version=version, assessable_item_ids=form.cleaned_data["items"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Mapping saved."))
            return _detail(item)
    return render(request, "evidence/mapping.html", {
        "item": item, "version": version, "enrolment": item.enrolment, "form": form,
        "units": [(unit, reads.unit_tree(unit)) for unit in units], "chosen": form.ticked(),
        "record": item.kind in ASSESSOR_KINDS,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit the draft for assessment (a testimony also goes to its witness to confirm)."""
    item = access.item_for(request.user, pk, need=Permission.WRITE_EVIDENCE)
    try:
        services.version_submit(version=item.current_version, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Submitted to your assessor. It can no longer be changed; a new version can."))
    return _detail(item)


@login_required
@require_POST
def revise(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a new draft version from the submitted one; the submitted version stays readable."""
    item = access.item_for(request.user, pk, need=Permission.WRITE_EVIDENCE)
    try:
        version = services.version_revise(item=item, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Version %(number)s started as a draft, with the same files and mapping.") % {
            "number": version.number})
    return _detail(item)


@login_required
@require_POST
def witness_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Email the witness a new confirmation link."""
    item = access.item_for(request.user, pk, need=Permission.WRITE_EVIDENCE)
    version = item.current_version
    try:
        if version.status != VersionStatus.SUBMITTED:
            raise ValidationError(_("Submit the testimony first; the witness confirms what was submitted."))
        services.witness_request(version=version)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("A confirmation link was sent to %(email)s.") % {"email": version.witness_email})
    return _detail(item)


@require_http_methods(["GET", "POST"])
def witness_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The witness's page: read the testimony, then confirm it (GET never confirms: mail scanners follow links)."""
    try:
        version = services.witness_confirm(token=token) if request.method == "POST" else services.witness_version(token)
    except ValidationError as error:
        return render(request, "evidence/witness_confirm.html", {"error": _error_text(error)}, status=400)
    return render(request, "evidence/witness_confirm.html", {
        "version": version, "confirmed": request.method == "POST", "already": version.witness_confirmed,
    })


@login_required
@require_http_methods(["GET", "POST"])
def witness_confirm_signed_in(request: HttpRequest, pk: int) -> HttpResponse:
    """An employer contact named as witness reads the testimony and confirms it in their own account."""
    version = access.testimony_for_witness(request.user, pk)
    if request.method == "POST":
        try:
            version = services.witness_confirm_signed_in(version=version, by=request.user)
        except ValidationError as error:
            return render(request, "evidence/witness_confirm.html", {"error": _error_text(error), "signed_in": True},
                          status=400)
        return render(request, "evidence/witness_confirm.html", {"version": version, "confirmed": True,
                                                                 "signed_in": True})
    return render(request, "evidence/witness_confirm.html", {
        "version": version, "already": version.witness_confirmed, "signed_in": True,
    })
