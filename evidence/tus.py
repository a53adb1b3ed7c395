"""Reading the tus protocol's request headers (https://tus.io/protocols/resumable-upload, version 1.0.0).

A pure module: headers in, numbers and names out, or `TusRequestError` with the
HTTP status the protocol gives and a sentence saying what to send instead.

    length, filename = creation_headers(request.headers)                 # POST
    offset, size = chunk_headers(request.headers, request.META, max_size=64 * 2**20)   # PATCH
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from django.utils.translation import gettext as _

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination,expiration"
CHUNK_CONTENT_TYPE = "application/offset+octet-stream"
_MAX_DIGITS = 19  # a non-negative 64-bit integer


class TusRequestError(Exception):
    """A request the protocol does not allow: its HTTP status and what to do instead."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _check_version(headers: Mapping[str, str]) -> None:
    if headers.get("Tus-Resumable") != TUS_VERSION:
        raise TusRequestError(412, _("Send the header Tus-Resumable: %(version)s; this server speaks tus "
                                     "%(version)s only.") % {"version": TUS_VERSION})


def _number(headers: Mapping[str, str], name: str) -> int:
    value = (headers.get(name) or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > _MAX_DIGITS:
        raise TusRequestError(400, _("Send the header %(name)s as a whole number of bytes (0 or more).")
                              % {"name": name})
    return int(value)


def metadata(value: str) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64value` pairs (a value may be absent); undecodable ones refused."""
    pairs: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        key, _space, encoded = item.partition(" ")
        try:
            pairs[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise TusRequestError(400, _("The Upload-Metadata value of “%(key)s” is not base64 of UTF-8 text.")
                                  % {"key": key[:40]}) from None
    return pairs


def creation_headers(headers: Mapping[str, str]) -> tuple[int, str]:
    """The declared size and file name of an upload to create (POST); deferred lengths are not supported."""
    _check_version(headers)
    if "Upload-Defer-Length" in headers:
        raise TusRequestError(400, _("Give the file's size in Upload-Length; an upload of unknown length is not "
                                     "accepted."))
    length = _number(headers, "Upload-Length")
    filename = metadata(headers.get("Upload-Metadata", "")).get("filename", "")
    if not filename.strip():
        raise TusRequestError(400, _("Name the file: send Upload-Metadata with “filename” and the name in base64."))
    return length, filename


def chunk_headers(headers: Mapping[str, str], meta: Mapping[str, object], *, max_size: int) -> tuple[int, int]:
    """The offset a chunk claims to start at and its size in bytes (PATCH)."""
    _check_version(headers)
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type != CHUNK_CONTENT_TYPE:
        raise TusRequestError(415, _("Send each part with Content-Type: %(type)s.") % {"type": CHUNK_CONTENT_TYPE})
    offset = _number(headers, "Upload-Offset")
    size = _number({"Content-Length": str(meta.get("CONTENT_LENGTH") or "")}, "Content-Length")
    if size > max_size:
        raise TusRequestError(413, _("A part may carry at most %(max)d bytes; send smaller parts.")
                              % {"max": max_size})
    return offset, size
