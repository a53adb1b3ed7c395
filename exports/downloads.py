"""Stored files handed to the person who asked for them: exports, reports, personal-data copies."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponseBase, HttpResponseRedirect
from storages.backends.s3 import S3Storage

from evidence.serving import PRESIGNED_URL_SECONDS, content_disposition


def stored_file_download(file_name: str, *, mime: str, download_name: str) -> HttpResponseBase:
    """A stored export or report as a download: a short presigned URL on S3, else the file itself; never cached,
    never sniffed, never run."""
    disposition = content_disposition(download_name, inline=False)
    if isinstance(default_storage, S3Storage):
        url = default_storage.url(
            file_name,
            parameters={"ResponseContentType": mime, "ResponseContentDisposition": disposition},
            expire=PRESIGNED_URL_SECONDS,
        )
        response: HttpResponseBase = HttpResponseRedirect(url)
    else:
        response = FileResponse(default_storage.open(file_name, "rb"), content_type=mime)
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
