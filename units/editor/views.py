"""The "Qualification specs" area: upload a spec file, see it checked and previewed, publish or discard it;
retire, reopen or delete a loaded version. For platform admins and accounts with the "spec editor" permission
(units.edit_specs); everyone else signed in gets 403.

An uploaded file is kept in the session (base64, with its SHA-256) between the preview and Publish, so nothing
is written to the catalogue before Publish; the publish form names the digest it was shown, so a stale page
cannot publish a different file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from units.forms import SpecUploadForm
from units.models import Qualification
from units.services.specs import check_spec, delete_spec, enrolment_count, publish_spec, retire_spec
from units.spec_preview import preview_of

SESSION_KEY = "units.spec_upload"

View = Callable[..., HttpResponse]


def may_edit_specs(user: Any) -> bool:
    return bool(user.is_superuser or user.has_perm("units.edit_specs"))


def spec_editor_required(view: View) -> View:
    """Signed in (else the sign-in page) and a spec editor (else 403)."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_edit_specs(request.user):
            raise PermissionDenied(_("Only platform admins and spec editors manage qualification specs."))
        return view(request, *args, **kwargs)

    return login_required(checked)


@require_GET
@spec_editor_required
def spec_list(request: HttpRequest) -> HttpResponse:
    """Every loaded version with its enrolment count (one query)."""
    versions = Qualification.objects.annotate(enrolled=Count("enrolments")).order_by("code", "version_order")
    return render(request, "units/specs/spec_list.html", {"versions": versions})


@require_http_methods(["GET", "POST"])
@spec_editor_required
def spec_upload(request: HttpRequest) -> HttpResponse:
    """The upload form; on POST the file is checked and either its problems or its preview are shown."""
    if request.method != "POST":
        return render(request, "units/specs/spec_upload.html", {"form": SpecUploadForm()})
    form = SpecUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "units/specs/spec_upload.html", {"form": form}, status=400)
    content: bytes = form.cleaned_data["file"]
    name = _file_name(request)
    check = check_spec(content=content, name=name)
    preview = preview_of(check, content)
    if preview is None:
        context = {"form": SpecUploadForm(), "problems": check.problems, "name": name}
        return render(request, "units/specs/spec_upload.html", context, status=400)
    digest = hashlib.sha256(content).hexdigest()
    request.session[SESSION_KEY] = {"name": name, "digest": digest, "content": base64.b64encode(content).decode()}
    context = {"check": check, "preview": preview, "digest": digest, "name": name,
               "unchanged": check.unchanged}
    return render(request, "units/specs/spec_preview.html", context)


def _file_name(request: HttpRequest) -> str:
    upload = request.FILES.get("file")
    name = str(getattr(upload, "name", "") or "spec.json")
    return name.replace("\x00", "")[:100]


def _held(request: HttpRequest, digest: str) -> tuple[str, bytes] | None:
    """The uploaded file kept for the preview, when it is the one the page showed."""
    held = request.session.get(SESSION_KEY)
    if not isinstance(held, dict) or held.get("digest") != digest:
        return None
    try:
        return str(held["name"]), base64.b64decode(held["content"], validate=True)
    except (KeyError, TypeError, binascii.Error):
        return None


@require_POST
@spec_editor_required
def spec_publish(request: HttpRequest) -> HttpResponse:
    """Publish the previewed file (audited by the loader)."""
    held = _held(request, request.POST.get("digest", ""))
    if held is None:
        messages.error(request, _("There is no checked file to publish (it was published or discarded, or the "
                                  "session ended): upload it again."))
        return redirect("units:spec_upload")
    name, content = held
    try:
        check = publish_spec(content=content, name=name, by=request.user)
    except ValidationError as error:
        context = {"form": SpecUploadForm(), "problems": error.messages, "name": name}
        return render(request, "units/specs/spec_upload.html", context, status=400)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("Published %(code)s version %(version)s.") % {
        "code": check.code, "version": check.version})
    return redirect("units:qualification_detail", code=check.code, version=check.version)


@require_POST
@spec_editor_required
def spec_discard(request: HttpRequest) -> HttpResponse:
    """Forget the uploaded file; nothing was written."""
    request.session.pop(SESSION_KEY, None)
    messages.info(request, _("The uploaded file was discarded; the catalogue is unchanged."))
    return redirect("units:spec_list")


def _version(code: str, version: str) -> Qualification:
    return get_object_or_404(Qualification, code=code, version=version)


def _retire_or_reopen(request: HttpRequest, code: str, version: str, *, retired: bool) -> HttpResponse:
    qualification = _version(code, version)
    if request.method != "POST":
        context = {"qualification": qualification, "retiring": retired,
                   "enrolled": enrolment_count(qualification)}
        return render(request, "units/specs/spec_retire.html", context)
    retire_spec(qualification=qualification, by=request.user, retired=retired)
    text = (_("%(label)s is retired: no new enrolments; those enrolled stay on it.") if retired
            else _("%(label)s is open for enrolment again."))
    messages.success(request, text % {"label": str(qualification)})
    return redirect("units:spec_list")


@require_http_methods(["GET", "POST"])
@spec_editor_required
def spec_retire(request: HttpRequest, code: str, version: str) -> HttpResponse:
    """Confirm, then stop new enrolments on a version."""
    return _retire_or_reopen(request, code, version, retired=True)


@require_http_methods(["GET", "POST"])
@spec_editor_required
def spec_reopen(request: HttpRequest, code: str, version: str) -> HttpResponse:
    """Confirm, then allow new enrolments on a retired version again."""
    return _retire_or_reopen(request, code, version, retired=False)


@require_http_methods(["GET", "POST"])
@spec_editor_required
def spec_delete(request: HttpRequest, code: str, version: str) -> HttpResponse:
    """Confirm, then delete a version nobody is enrolled on; refused (with the reason) otherwise."""
    qualification = _version(code, version)
    enrolled = enrolment_count(qualification)
    if request.method != "POST":
        return render(request, "units/specs/spec_delete.html", {"qualification": qualification, "enrolled": enrolled})
    try:
        delete_spec(qualification=qualification, by=request.user)
    except ValidationError as error:
        context = {"qualification": qualification, "enrolled": enrolled, "errors": error.messages}
        return render(request, "units/specs/spec_delete.html", context, status=400)
    messages.success(request, _("%(label)s is deleted.") % {"label": str(qualification)})
    return redirect("units:spec_list")
