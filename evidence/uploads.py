"""Storing an uploaded evidence file: check it, clean it, hash it, store it under a generated name.

The one entry point for the evidence services:

    from django.db import transaction
    from evidence.uploads import UploadRefused, discard_on_error, store_upload

    try:
        stored = store_upload(request.FILES["file"], used_bytes=bytes_used_by(candidate))
    except UploadRefused as refusal:      # a ValidationError: "<file name>: <reason>"
        form.add_error("file", refusal)
        ...
    # Enter discard_on_error BEFORE atomic(): it then also sees a failed commit.
    with discard_on_error(stored), transaction.atomic():
        EvidenceFile.objects.create(name=stored.name, original_name=stored.original_name, size=stored.size,
                                    sha256=stored.sha256, mime=stored.mime, kind=stored.kind,
                                    preview_name=stored.preview_name or "")

Files are read and written in chunks: memory does not grow with the file's size.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from evidence.images import clean_image
from evidence.serving import s3_object_headers
from evidence.sniff import Kind, UploadRefused, sniff
from evidence.storage import object_headers

__all__ = [
    "StoredUpload",
    "UploadRefused",
    "check_quota",
    "clean_filename",
    "discard",
    "discard_on_error",
    "format_size",
    "preview_name_for",
    "store_upload",
]

CHUNK_SIZE = 1024 * 1024
MAX_NAME_LENGTH = 150
_WINDOWS_RESERVED = re.compile(r'[<>:"|?*]')


@dataclass(frozen=True)
class StoredUpload:
    """A file now in storage, with what the evidence row records about it.

    `name` (and `preview_name`, a JPEG rendition for HEIC photos) are storage
    names; `sha256` and `size` are of the stored bytes, after location data
    was removed from photos; `original_name` is cleaned for display and download.
    """

    name: str
    original_name: str
    size: int
    sha256: str
    mime: str
    kind: Kind
    preview_name: str | None
    location_removed: bool = False
    preview_size: int = 0
    storage: Storage = field(default=default_storage, repr=False, compare=False)

    def discard(self) -> None:
        """Delete the stored file and its preview; safe to call twice."""
        for name in (self.name, self.preview_name):
            if name:
                self.storage.delete(name)


def discard(stored: StoredUpload) -> None:
    """Delete a stored upload (file and preview) from its storage."""
    stored.discard()


@contextmanager
def discard_on_error(*stored: StoredUpload) -> Iterator[None]:
    """Delete these stored uploads if the block raises, then re-raise.

    Put it before `transaction.atomic()` in the same `with` so a failed commit
    is seen too: `with discard_on_error(stored), transaction.atomic(): ...`.
    """
    try:
        yield
    except BaseException:
        for upload in stored:
            upload.discard()
        raise


def store_upload(
    uploaded: UploadedFile,
    *,
    storage: Storage | None = None,
    used_bytes: int = 0,
    quota: int | None = None,
    max_size: int | None = None,
    max_pixels: int | None = None,
) -> StoredUpload:
    """Check, clean and store one uploaded file; return what was stored, or raise `UploadRefused`.

    The content decides the type (see `evidence.sniff`); PDFs with active
    content are refused (`evidence.pdf`); photos lose their GPS data and
    whatever follows the picture's end (`evidence.images`); `used_bytes` is
    what the candidate already stores, checked against `quota` (default
    `EVIDENCE_QUOTA_PER_CANDIDATE`). `max_size` defaults to
    `EVIDENCE_MAX_FILE_SIZE`, `max_pixels` to `EVIDENCE_MAX_IMAGE_PIXELS`. A
    refusal or error leaves nothing in storage.
    """
    storage = storage or default_storage
    quota = settings.EVIDENCE_QUOTA_PER_CANDIDATE if quota is None else quota
    max_size = settings.EVIDENCE_MAX_FILE_SIZE if max_size is None else max_size
    max_pixels = settings.EVIDENCE_MAX_IMAGE_PIXELS if max_pixels is None else max_pixels
    original_name = clean_filename(uploaded.name or "")
    if uploaded.size is not None and uploaded.size > max_size:
        raise too_big(original_name, size=uploaded.size, max_size=max_size)
    uploaded.seek(0)
    file_type = sniff(uploaded, filename=original_name)
    if file_type.kind == "pdf":
        # Imported here: pypdf stays out of every process that never receives a PDF (manage.py commands).
        from evidence.pdf import check_pdf

        check_pdf(uploaded, filename=original_name)
    image = None
    content: BinaryIO = uploaded
    if file_type.kind == "image":
        image = clean_image(uploaded, filename=original_name, file_type=file_type, max_pixels=max_pixels)
        content = image.content
    try:
        size, sha256 = _size_and_sha256(content)
        preview_size = _size_and_sha256(image.preview)[0] if image and image.preview else 0
        _check_quota(original_name, size=size + preview_size, used_bytes=used_bytes, quota=quota)
        base = f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
        # An untouched upload is passed as itself: FileSystemStorage then moves its temporary file.
        with object_headers(s3_object_headers(mime=file_type.mime, original_name=original_name)):
            name = storage.save(f"{base}.{file_type.extension}", content if content is uploaded else File(content))
        stored = StoredUpload(
            name=name,
            original_name=original_name,
            size=size,
            sha256=sha256,
            mime=file_type.mime,
            kind=file_type.kind,
            preview_name=None,
            location_removed=bool(image and image.location_removed),
            storage=storage,
        )
        if image and image.preview:
            preview_headers = s3_object_headers(mime="image/jpeg", original_name=preview_name_for(original_name))
            with discard_on_error(stored), object_headers(preview_headers):
                preview_name = storage.save(f"{base}.preview.jpg", File(image.preview))
            stored = dataclasses.replace(stored, preview_name=preview_name, preview_size=preview_size)
    finally:
        if image:
            image.close()
    return stored


def preview_name_for(original_name: str) -> str:
    """The name a photo's JPEG preview is shown and downloaded under: `IMG_1.heic` gives `IMG_1.jpg`."""
    return f"{original_name.rsplit('.', 1)[0]}.jpg"


def too_big(filename: str, *, size: int | None, max_size: int) -> UploadRefused:
    """The refusal for a file over the per-file size limit; `size` None when only "too big" is known."""
    if size:
        reason = gettext(
            "this file is %(size)s, more than the %(limit)s limit for one file. "
            "Make it smaller (a video can be recorded at a lower resolution or split in parts) and upload it again."
        )
    else:
        reason = gettext(
            "this file is more than the %(limit)s limit for one file. "
            "Make it smaller (a video can be recorded at a lower resolution or split in parts) and upload it again."
        )
    return UploadRefused(filename, reason % {"size": format_size(size or 0), "limit": format_size(max_size)})


def check_quota(stored: StoredUpload, *, used_bytes: int, quota: int | None = None) -> None:
    """Raise `UploadRefused` if storing `stored` (file and preview) on top of `used_bytes` passes the quota.

    The services call it again under the candidate's row lock, with `used_bytes`
    read there: the check in `store_upload` alone lets parallel uploads all pass.
    """
    quota = settings.EVIDENCE_QUOTA_PER_CANDIDATE if quota is None else quota
    _check_quota(stored.original_name, size=stored.size + stored.preview_size, used_bytes=used_bytes, quota=quota)


def _check_quota(filename: str, *, size: int, used_bytes: int, quota: int) -> None:
    if used_bytes + size > quota:
        raise UploadRefused(
            filename,
            gettext(
                "this file (%(size)s) would take your evidence past your storage allowance of %(quota)s "
                "(you have used %(used)s). Remove files you no longer need, "
                "or ask your centre to raise your allowance, and upload it again."
            ) % {"size": format_size(size), "quota": format_size(quota), "used": format_size(used_bytes)},
        )


def _size_and_sha256(content: IO[bytes]) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in chunks from the start; the file is left at position 0."""
    content.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := content.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
    content.seek(0)
    return size, digest.hexdigest()


def clean_filename(name: str, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """A safe display name: no folders, no control or invisible characters, NFC, at most `max_length` characters.

    `../../etc/passwd` gives `passwd`; an empty result gives `file`. The
    extension is kept when the name is shortened.
    """
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Categories C*: control, format (e.g. the right-to-left override that disguises extensions), unassigned.
    name = "".join(character for character in name if not unicodedata.category(character).startswith("C"))
    name = _WINDOWS_RESERVED.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if not name:
        return "file"
    if len(name) <= max_length:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and 0 < len(extension) <= 10:
        return stem[: max_length - len(extension) - 1].rstrip(" .") + "." + extension
    return name[:max_length].rstrip(" .")


def format_size(size: int) -> str:
    """A size as people read it: 812 bytes, 4.2 MB, 1.5 GB (powers of 1000, as file managers show)."""
    if size < 1000:
        return ngettext("%(count)s byte", "%(count)s bytes", size) % {"count": size}
    value, unit = size / 1000, 0
    while value >= 1000 and unit < 3:
        value, unit = value / 1000, unit + 1
    rounded = round(value, 1)
    shown = number_format(int(rounded)) if rounded == int(rounded) else number_format(rounded, 1)
    # Translators: file sizes in powers of 1000, as file managers show them.
    units = (gettext("%(size)s KB"), gettext("%(size)s MB"), gettext("%(size)s GB"), gettext("%(size)s TB"))
    return units[unit] % {"size": shown}
