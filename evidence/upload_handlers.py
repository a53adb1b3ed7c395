"""The per-file size limit, enforced while the request body streams in.

`SizeLimitUploadHandler` sits first in FILE_UPLOAD_HANDLERS. It counts each
file's bytes as they arrive; past EVIDENCE_MAX_FILE_SIZE it drops that file
(its temporary file is closed and deleted, nothing more of it is kept) and
records the refusal on the request, so the view can name the file:

    refusals = refused_uploads(request)        # parses the body if not yet done
    for refusal in refusals:
        form.add_error("file", refusal)        # "film.mov: this file is more than the 500 MB limit..."

The other files of the same request go on to the next handlers as usual
(small ones in memory, the rest to a temporary file on disk).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from evidence.sniff import UploadRefused
from evidence.uploads import clean_filename, too_big

REFUSALS_ATTRIBUTE = "evidence_upload_refusals"


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts each uploaded file's bytes and skips the file once it passes EVIDENCE_MAX_FILE_SIZE."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.max_size: int = settings.EVIDENCE_MAX_FILE_SIZE
        self.received = 0

    def new_file(self, *args: object, **kwargs: object) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.max_size:
            # Its real size is unknown: the rest of it is never read into a file.
            refusal = too_big(clean_filename(self.file_name or ""), size=None, max_size=self.max_size)
            # Record before skipping: the parser discards the rest of this file's bytes without storing them.
            if self.request is not None:
                _refusals(self.request).append(refusal)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file object


def refused_uploads(request: HttpRequest) -> list[UploadRefused]:
    """The files of this request that were dropped for size, as refusals naming them (parses the body)."""
    request.FILES  # noqa: B018 - parsing is what runs the handlers
    return list(_refusals(request))


def _refusals(request: HttpRequest) -> list[UploadRefused]:
    if not hasattr(request, REFUSALS_ATTRIBUTE):
        setattr(request, REFUSALS_ATTRIBUTE, [])
    return getattr(request, REFUSALS_ATTRIBUTE)
