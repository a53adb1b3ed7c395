"""The response that hands a stored evidence file to a browser. Access is checked by the caller.

    from evidence.serving import file_response

    def evidence_file(request, pk):
        evidence_file = files_visible_to(request.user).get_object_or_404(pk=pk)   # the gate first
        return file_response(request=request, storage=default_storage, name=evidence_file.name,
                             mime=evidence_file.mime, original_name=evidence_file.original_name)

Images, PDF, audio and video are shown inline (for the preview); anything else
downloads as an attachment. Every response forbids content sniffing and
scripts. On S3 the response is a redirect to a presigned URL valid for at most
five minutes, with the content type, disposition and caching forced on S3's
side (the object itself was stored with the same three, see evidence.storage).

S3 cannot add other headers to a presigned GET: the bucket's response carries
no `X-Content-Type-Options: nosniff` and no Content-Security-Policy. What keeps
that safe: only the INLINE_TYPES below are shown inline (types browsers never
sniff as a web page), everything else is an attachment, and images are stored
cut at their own end (evidence.images), so no page hides behind a picture.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import IO
from urllib.parse import quote

from django.core.files.storage import Storage
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from storages.backends.s3 import S3Storage

INLINE_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/webp",
        "application/pdf",
        "audio/mpeg",
        "audio/mp4",
        "audio/wav",
        "audio/ogg",
        "audio/webm",
        "video/mp4",
        "video/quicktime",
    }
)
RANGE_TYPES = frozenset(t for t in INLINE_TYPES if t.startswith(("audio/", "video/")))
# A file shown on its own may not run anything; `sandbox` also gives it an opaque origin.
FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
# Chrome's PDF viewer refuses to run in a sandboxed document, so PDFs go without `sandbox`;
# default-src 'none' still forbids scripts, and frame-ancestors lets our own pages embed the preview.
PDF_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'"
CACHE_CONTROL = "private, no-store"
PRESIGNED_URL_SECONDS = 300
CHUNK_SIZE = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def file_response(
    *,
    storage: Storage,
    name: str,
    mime: str,
    original_name: str,
    request: HttpRequest | None = None,
) -> HttpResponse | StreamingHttpResponse:
    """A response delivering the stored file `name` as `original_name`, streamed (or an S3 redirect).

    Pass `request` to honour a single `Range: bytes=` request for audio and video
    (browsers need it to seek); without it the whole file is sent.
    """
    inline = mime in INLINE_TYPES
    disposition = content_disposition(original_name, inline=inline)
    if isinstance(storage, S3Storage):
        url = storage.url(
            name,
            parameters={
                "ResponseContentType": mime,
                "ResponseContentDisposition": disposition,
                "ResponseCacheControl": CACHE_CONTROL,
            },
            expire=min(PRESIGNED_URL_SECONDS, storage.querystring_expire or PRESIGNED_URL_SECONDS),
        )
        response: HttpResponse | StreamingHttpResponse = HttpResponseRedirect(url)
    else:
        file = storage.open(name, "rb")
        byte_range = _requested_range(request, size=storage.size(name)) if request and mime in RANGE_TYPES else None
        if byte_range == "unsatisfiable":
            file.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{storage.size(name)}"
        elif byte_range:
            start, end, size = byte_range
            response = StreamingHttpResponse(_read_range(file, start, end), status=206, content_type=mime)
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
            response["Content-Length"] = str(end - start + 1)
        else:
            response = FileResponse(file, content_type=mime)
        response["Content-Disposition"] = disposition
        if mime in RANGE_TYPES:
            response["Accept-Ranges"] = "bytes"
    _secure(response, mime=mime, inline=inline)
    return response


def s3_object_headers(*, mime: str, original_name: str) -> dict[str, str]:
    """The S3 object parameters matching what `file_response` sends for this file (see evidence.storage)."""
    return {
        "ContentType": mime,
        "ContentDisposition": content_disposition(original_name, inline=mime in INLINE_TYPES),
        "CacheControl": CACHE_CONTROL,
    }


def content_disposition(original_name: str, *, inline: bool) -> str:
    """An RFC 6266 header value: an ASCII `filename` fallback and the exact name in `filename*`."""
    # Accents drop to their base letter (Müller -> Muller); any other character outside the safe set becomes "_".
    decomposed = unicodedata.normalize("NFKD", original_name)
    fallback = "".join(character for character in decomposed if not unicodedata.combining(character))
    fallback = re.sub(r"[^A-Za-z0-9 ._()\-]", "_", fallback).strip() or "file"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(original_name, safe='')}"


def _secure(response: HttpResponse | StreamingHttpResponse, *, mime: str, inline: bool) -> None:
    # Set here, the site-wide CSP middleware leaves this header alone (it only fills a missing one).
    response["Content-Security-Policy"] = PDF_CSP if mime == "application/pdf" else FILE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = CACHE_CONTROL
    response["Referrer-Policy"] = "no-referrer"
    if inline:
        response["X-Frame-Options"] = "SAMEORIGIN"


def _requested_range(request: HttpRequest, *, size: int) -> tuple[int, int, int] | str | None:
    """(start, end, size) for one satisfiable byte range, "unsatisfiable", or None for the whole file."""
    header = request.headers.get("Range", "")
    match = _RANGE.match(header.strip())
    if not match or not any(match.groups()):
        return None  # absent, several ranges or malformed: the whole file is a valid answer
    first, last = match.groups()
    if first:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    else:
        start, end = max(size - int(last), 0), size - 1  # "bytes=-500": the last 500 bytes
    if start >= size or start > end:
        return "unsatisfiable"
    return start, end, size


def _read_range(file: IO[bytes], start: int, end: int) -> Iterator[bytes]:
    try:
        file.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            chunk = file.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        file.close()
