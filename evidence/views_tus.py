"""Resumable uploads over HTTP: the tus protocol 1.0.0 (https://tus.io), core with creation and termination.

    POST   /evidence/<pk>/uploads/     Upload-Length, Upload-Metadata: filename <base64>  -> 201, Location
    HEAD   /evidence/uploads/<token>/  -> 200, Upload-Offset, Upload-Length (what has arrived)
    PATCH  /evidence/uploads/<token>/  Upload-Offset, Content-Type: application/offset+octet-stream -> 204
    DELETE /evidence/uploads/<token>/  -> 204 (cancelled, its bytes deleted)

Each request passes the same gate as the form upload (evidence/access.py); the rules are
in evidence/resumable.py. A refusal answers with its status and the reason as plain text.
The PATCH that completes the file also answers `Evidence-File` (the new file's id) and
`Evidence-Message` (what became of it, percent-encoded).
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from email.utils import format_datetime
from functools import wraps
from typing import cast
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from candidates.access import Permission
from candidates.models import User
from evidence import access, resumable
from evidence.models import EvidenceVersion, ResumableUpload
from evidence.tus import TUS_EXTENSIONS, TUS_VERSION, TusRequestError, chunk_headers, creation_headers
from evidence.uploads import CHUNK_SIZE, UploadRefused
from evidence.views import _stored_message

#: The status each refusal answers with; a refused file's content is 422, its size or the quota 413.
STATUS = {
    "not_draft": 403, "frozen": 403, "offset_mismatch": 409, "complete": 409, "too_long": 413,
    "chunk_too_big": 413, "chunk_too_small": 400, "expired": 410, "too_big": 413, "quota": 413,
}


def _tus_response(status: int = 204, text: str = "", **headers: str) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _refusal(error: ValidationError) -> HttpResponse:
    if isinstance(error, UploadRefused):
        return _tus_response(422, str(error))  # the complete file, refused by the checks of every upload
    return _tus_response(STATUS.get(str(error.code), 400), " ".join(error.messages))


def _signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like login_required, but a script gets a sentence, not a redirect to the sign-in page it cannot follow."""
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return _tus_response(401, _("You are signed out. Sign in again, then choose the same file: the upload "
                                        "carries on where it stopped."))
        return view(request, *args, **kwargs)
    return wrapped


def _options() -> HttpResponse:
    return _tus_response(204, Tus_Version=TUS_VERSION, Tus_Extension=TUS_EXTENSIONS,
                         Tus_Max_Size=str(settings.EVIDENCE_MAX_FILE_SIZE))


@_signed_in
def create(request: HttpRequest, pk: int) -> HttpResponse:
    """Start an upload to the item's draft (POST), or say what this server supports (OPTIONS)."""
    item = access.item_for(request.user, pk, need=Permission.WRITE_EVIDENCE)
    if request.method == "OPTIONS":
        return _options()
    if request.method != "POST":
        return _tus_response(405, _("Start an upload with POST."), Allow="POST, OPTIONS")
    try:
        length, filename = creation_headers(request.headers)
        upload = resumable.resumable_start(
            version=cast(EvidenceVersion, item.current_version), by=cast(User, request.user),
            original_name=filename, length=length,
        )
    except TusRequestError as error:
        return _tus_response(error.status, error.message)
    except ValidationError as error:
        return _refusal(error)
    return _tus_response(201, Location=reverse("evidence:tus_upload", kwargs={"token": upload.token}),
                         Upload_Expires=format_datetime(upload.expires_at, usegmt=True))


@_signed_in
def upload(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """Where an upload stands (HEAD), its next chunk (PATCH), or its cancellation (DELETE)."""
    resumable_upload = access.resumable_for(request.user, token)
    if request.method == "HEAD":
        return _where(resumable_upload)
    if request.method == "PATCH":
        return _patch(request, resumable_upload)
    if request.method == "DELETE":
        resumable.resumable_terminate(upload=resumable_upload)
        return _tus_response(204)
    if request.method == "OPTIONS":
        return _options()
    return _tus_response(405, _("Use HEAD, PATCH or DELETE on an upload."), Allow="HEAD, PATCH, DELETE, OPTIONS")


def _where(upload: ResumableUpload) -> HttpResponse:
    return _tus_response(200, Upload_Offset=str(upload.offset), Upload_Length=str(upload.length),
                         Upload_Expires=format_datetime(upload.expires_at, usegmt=True))


def _patch(request: HttpRequest, upload: ResumableUpload) -> HttpResponse:
    try:
        offset, size = chunk_headers(request.headers, request.META, max_size=resumable.max_chunk_size())
    except TusRequestError as error:
        return _tus_response(error.status, error.message)
    with tempfile.SpooledTemporaryFile(max_size=CHUNK_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR) as chunk:
        received = _receive(request, chunk, size)
        if received < size:
            # The connection dropped mid-chunk: nothing of it is kept; the client resumes from the offset.
            return _tus_response(400, _("Only %(received)d of the part's %(size)d bytes arrived; nothing of it was "
                                        "kept. Send it again.") % {"received": received, "size": size})
        chunk.seek(0)
        try:
            appended = resumable.resumable_append(upload=upload, offset=offset, chunk=chunk, size=size,
                                                  by=cast(User, request.user))
        except ValidationError as error:
            return _refusal(error)
    response = _tus_response(204, Upload_Offset=str(appended.offset))
    if appended.evidence_file is None:
        response["Upload-Expires"] = format_datetime(appended.expires_at, usegmt=True)
    else:
        response["Evidence-File"] = str(appended.evidence_file.pk)
        response["Evidence-Message"] = quote(_stored_message(appended.evidence_file))
    return response


def _receive(request: HttpRequest, chunk: tempfile.SpooledTemporaryFile[bytes], size: int) -> int:
    """Copy the request body to `chunk`; the bytes that arrived (fewer than `size` when the connection dropped)."""
    received = 0
    try:
        while received < size and (data := request.read(min(CHUNK_SIZE, size - received))):
            chunk.write(data)
            received += len(data)
    except OSError:
        pass  # the client went away: `received` says how much came
    return received
