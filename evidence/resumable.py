"""Resumable uploads: a file sent in chunks that survives a dropped connection (the tus protocol's services).

The HTTP side is in evidence/views_tus.py; these functions hold the rules, whatever
speaks to them:

    upload = resumable_start(version=draft, by=cara, original_name="discussion.webm", length=12_000_000)
    result = resumable_append(upload=upload, offset=0, chunk=fp, size=5_242_880, by=cara)  # result.offset
    ...                                                  # after a drop: continue from upload.offset
    result.evidence_file                                 # set by the chunk that completes the file

The bytes so far live in the site's storage: appended to a partial file on a local
folder, or as the parts of an S3 multipart upload (every chunk but the last at least
`MIN_PART_SIZE`, S3's own minimum). The complete file goes through `services.file_add`,
the same checks as a form upload (type by content, PDF and photo cleaning, size, quota,
a draft of an open enrolment); refused, nothing of it is kept. Incomplete uploads expire
(`resumable_expire`, run by Celery beat), and their bytes with them.
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from candidates.models import Enrolment, User
from candidates.services import ensure_open
from evidence import services
from evidence.models import EvidenceFile, EvidenceVersion, ResumableUpload, VersionStatus
from evidence.uploads import CHUNK_SIZE, UploadRefused, clean_filename, format_size, too_big

#: S3 refuses a part under 5 MiB unless it is the last.
MIN_PART_SIZE = 5 * 1024 * 1024
PARTIAL_FOLDER = "uploads"


class ResumableRefused(ValidationError):
    """A chunk or an upload refused for a reason of the protocol; `code` says which (see `views_tus.STATUS`)."""


@dataclass(frozen=True)
class Appended:
    """What a chunk did: the bytes received so far, and the evidence file once the last chunk arrived."""

    offset: int
    expires_at: datetime.datetime
    evidence_file: EvidenceFile | None = None


def expiry_delay() -> datetime.timedelta:
    """How long an incomplete upload waits for its next chunk before its bytes are deleted."""
    return datetime.timedelta(hours=settings.EVIDENCE_RESUMABLE_EXPIRY_HOURS)


def max_chunk_size() -> int:
    """The most bytes one chunk may carry (a request body held on disk while it is stored)."""
    return int(settings.EVIDENCE_RESUMABLE_MAX_CHUNK)


# ---------------------------------------------------------------- where the bytes so far live


class _LocalPartial:
    """A partial file on a local folder, written at each chunk's offset."""

    min_part_size = 0

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def path(self, upload: ResumableUpload) -> Path:
        return Path(self.storage.path(upload.partial_name))

    def start(self, partial_name: str) -> str:
        path = Path(self.storage.path(partial_name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=False)
        return ""

    def append(self, upload: ResumableUpload, chunk: IO[bytes], size: int) -> list[dict[str, Any]]:
        with self.path(upload).open("r+b") as partial:
            # At the offset, not at the end: bytes of a chunk whose commit failed are written over.
            partial.seek(upload.offset)
            shutil.copyfileobj(chunk, partial, CHUNK_SIZE)
            partial.truncate(upload.offset + size)
        return upload.parts

    @contextmanager
    def complete(self, upload: ResumableUpload) -> Iterator[UploadedFile]:
        path = self.path(upload)
        with path.open("rb") as content:
            yield _PartialFile(content, name=upload.original_name, size=upload.length, path=path)

    def discard(self, upload: ResumableUpload) -> None:
        self.storage.delete(upload.partial_name)

    def sweep(self, *, before: datetime.datetime, keep: set[str]) -> int:
        return 0  # every partial file has its row: expiring the rows deletes them


class _PartialFile(UploadedFile):
    """The complete partial file as an upload; a local storage moves it into place rather than copying it."""

    def __init__(self, content: IO[bytes], *, name: str, size: int, path: Path) -> None:
        super().__init__(content, name=name, content_type="application/octet-stream", size=size)
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


class _S3Partial:
    """An S3 multipart upload: each chunk one part, completed when the last arrives."""

    min_part_size = MIN_PART_SIZE

    def __init__(self, storage: S3Storage) -> None:
        self.storage = storage
        self.client = storage.connection.meta.client
        self.bucket = storage.bucket_name

    def key(self, name: str) -> str:
        return str(self.storage._normalize_name(clean_name(name)))

    def start(self, partial_name: str) -> str:
        started = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=self.key(partial_name), ContentType="application/octet-stream"
        )
        return str(started["UploadId"])

    def append(self, upload: ResumableUpload, chunk: IO[bytes], size: int) -> list[dict[str, Any]]:
        # The part number follows from the parts recorded: a chunk whose commit failed is sent again as the same part.
        number = len(upload.parts) + 1
        part = self.client.upload_part(
            Bucket=self.bucket, Key=self.key(upload.partial_name), UploadId=upload.multipart_id,
            PartNumber=number, Body=chunk, ContentLength=size,
        )
        return [*upload.parts, {"PartNumber": number, "ETag": part["ETag"]}]

    @contextmanager
    def complete(self, upload: ResumableUpload) -> Iterator[UploadedFile]:
        key = self.key(upload.partial_name)
        self.client.complete_multipart_upload(
            Bucket=self.bucket, Key=key, UploadId=upload.multipart_id, MultipartUpload={"Parts": upload.parts}
        )
        # Read back to a local file: the checks (type, PDF, photo cleaning, hash) read it as any upload.
        with tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR, suffix=".upload") as content:
            self.client.download_fileobj(self.bucket, key, content)
            content.seek(0)
            yield UploadedFile(content, name=upload.original_name, content_type="application/octet-stream",
                               size=upload.length)

    def discard(self, upload: ResumableUpload) -> None:
        key = self.key(upload.partial_name)
        if upload.multipart_id:
            try:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload.multipart_id)
            except self.client.exceptions.NoSuchUpload:
                pass  # completed (or aborted) already: the object itself is deleted below
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def sweep(self, *, before: datetime.datetime, keep: set[str]) -> int:
        """Abort multipart uploads under the partial folder begun before `before` that no row knows (orphans)."""
        aborted = 0
        paginator = self.client.get_paginator("list_multipart_uploads")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.key(PARTIAL_FOLDER) + "/"):
            for started in page.get("Uploads", []):
                if started["Initiated"] < before and started["UploadId"] not in keep:
                    self.client.abort_multipart_upload(
                        Bucket=self.bucket, Key=started["Key"], UploadId=started["UploadId"]
                    )
                    aborted += 1
        return aborted


def _partials(storage: Storage) -> _LocalPartial | _S3Partial:
    if isinstance(storage, S3Storage):
        return _S3Partial(storage)
    return _LocalPartial(storage)


# ---------------------------------------------------------------- the services


def _check_version(version: EvidenceVersion) -> Enrolment:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(services.NOT_A_DRAFT, code="not_draft")
    enrolment = Enrolment.objects.only("candidate_id", "status").get(pk=version.item.enrolment_id)
    ensure_open(enrolment)
    return enrolment


def _bytes_in_progress(candidate_id: int, *, now: datetime.datetime) -> int:
    """The declared sizes of a candidate's unfinished uploads: counted against the quota while they arrive."""
    total = ResumableUpload.objects.filter(
        version__item__enrolment__candidate_id=candidate_id, expires_at__gt=now
    ).aggregate(total=Sum("length"))["total"]
    return int(total or 0)


def resumable_start(*, version: EvidenceVersion, by: User, original_name: str, length: int) -> ResumableUpload:
    """Begin an upload of `length` bytes to a draft; refused (UploadRefused) over the size limit or the quota."""
    enrolment = _check_version(version)
    name = clean_filename(original_name)
    max_size = settings.EVIDENCE_MAX_FILE_SIZE
    if length > max_size:
        raise ResumableRefused(str(too_big(name, size=length, max_size=max_size)), code="too_big")
    if length == 0:
        raise UploadRefused(name, _("the file is empty. Check that it saved properly and upload it again."))
    now = timezone.now()
    used = services.bytes_used_by(enrolment.candidate_id) + _bytes_in_progress(enrolment.candidate_id, now=now)
    quota = settings.EVIDENCE_QUOTA_PER_CANDIDATE
    if used + length > quota:
        raise ResumableRefused(str(UploadRefused(name, _(
            "this file (%(size)s) would take your evidence past your storage allowance of %(quota)s (you have "
            "used %(used)s, counting uploads still arriving). Remove files you no longer need, or ask your centre "
            "to raise your allowance, and upload it again."
        ) % {"size": format_size(length), "quota": format_size(quota), "used": format_size(used)})), code="quota")
    token = uuid.uuid4()
    partial_name = f"{PARTIAL_FOLDER}/{token.hex}.part"
    partials = _partials(default_storage)
    multipart_id = partials.start(partial_name)
    upload = ResumableUpload(
        token=token, version=version, created_by=by, original_name=name, length=length,
        partial_name=partial_name, multipart_id=multipart_id, expires_at=now + expiry_delay(),
    )
    try:
        upload.save()
    except BaseException:
        partials.discard(upload)
        raise
    return upload


def resumable_append(*, upload: ResumableUpload, offset: int, chunk: IO[bytes], size: int, by: User) -> Appended:
    """Store one chunk at `offset` (which must be the bytes received so far); the last one attaches the file.

    A refused chunk changes nothing: the upload continues from the same offset. A
    complete file refused by the checks is deleted with its upload (UploadRefused).
    """
    partials = _partials(default_storage)
    with transaction.atomic():
        # Locked: two requests carrying the same chunk (a client retrying) store it once.
        locked = ResumableUpload.objects.select_for_update().select_related("version__item").get(pk=upload.pk)
        _check_version(locked.version)
        _check_chunk(locked, offset=offset, size=size, min_part_size=partials.min_part_size)
        if size:
            locked.parts = partials.append(locked, chunk, size)
            locked.offset += size
        locked.expires_at = timezone.now() + expiry_delay()
        locked.save(update_fields=["parts", "offset", "expires_at"])
    if locked.offset < locked.length:
        return Appended(offset=locked.offset, expires_at=locked.expires_at)
    return Appended(offset=locked.offset, expires_at=locked.expires_at,
                    evidence_file=_finish(locked, by=by, partials=partials))


def _check_chunk(upload: ResumableUpload, *, offset: int, size: int, min_part_size: int) -> None:
    if upload.offset >= upload.length:
        raise ResumableRefused(_(
            "Every byte of this file has arrived; it is being checked and saved. Reload the page to see it."
        ), code="complete")
    if upload.expires_at <= timezone.now():
        raise ResumableRefused(_(
            "This upload waited too long for its next part and was cancelled. Choose the file and upload it again."
        ), code="expired")
    if offset != upload.offset:
        raise ResumableRefused(_(
            "This part starts at byte %(sent)d, but %(offset)d bytes have arrived so far. Ask where the upload "
            "stands (HEAD) and send the rest from there."
        ) % {"sent": offset, "offset": upload.offset}, code="offset_mismatch")
    if offset + size > upload.length:
        raise ResumableRefused(_(
            "This part would take the file past the %(length)d bytes declared when the upload started. "
            "Start the upload again with the file's real size."
        ) % {"length": upload.length}, code="too_long")
    if size > max_chunk_size():
        raise ResumableRefused(_(
            "This part is %(size)s, more than the %(limit)s one part may carry. Send it in smaller parts."
        ) % {"size": format_size(size), "limit": format_size(max_chunk_size())}, code="chunk_too_big")
    if size < min_part_size and offset + size < upload.length:
        raise ResumableRefused(_(
            "Every part but the last must be at least %(minimum)s here (this one is %(size)s). "
            "Send larger parts."
        ) % {"minimum": format_size(min_part_size), "size": format_size(size)}, code="chunk_too_small")


def _finish(upload: ResumableUpload, *, by: User, partials: _LocalPartial | _S3Partial) -> EvidenceFile:
    """The complete file through the form upload's checks and service; its partial bytes and row go either way."""
    try:
        with partials.complete(upload) as uploaded:
            return services.file_add(version=upload.version, uploaded=uploaded, by=by)
    finally:
        partials.discard(upload)
        upload.delete()


def resumable_terminate(*, upload: ResumableUpload) -> None:
    """Cancel an upload: its bytes so far and its row are deleted."""
    _partials(default_storage).discard(upload)
    upload.delete()


def resumable_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete every upload whose next chunk is overdue, with its bytes (S3: aborted); return how many went."""
    now = now or timezone.now()
    partials = _partials(default_storage)
    expired = 0
    for upload in ResumableUpload.objects.filter(expires_at__lte=now).order_by("pk").iterator():
        partials.discard(upload)
        upload.delete()
        expired += 1
    # Multipart uploads no row knows (a process died between starting one and saving its row).
    keep = set(ResumableUpload.objects.exclude(multipart_id="").values_list("multipart_id", flat=True))
    return expired + partials.sweep(before=now - expiry_delay(), keep=keep)
