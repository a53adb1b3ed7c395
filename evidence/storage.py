"""The S3 storage for evidence: each object stored with the type, disposition and caching its file response has.

    from evidence.storage import object_headers

    with object_headers(s3_object_headers(mime="image/png", original_name="site.png")):
        name = storage.save(name, content)      # the object carries ContentType, ContentDisposition, CacheControl

Settings name `evidence.storage.EvidenceS3Storage` as the default storage when a
bucket is configured. The headers travel in a context variable, so threads and
async tasks saving at the same time never see each other's. Other storages
ignore them. Without them django-storages would take the type the browser
claimed for the upload.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from boto3.s3.transfer import TransferConfig
from django.conf import settings
from storages.backends.s3 import S3Storage

_object_headers: ContextVar[dict[str, str] | None] = ContextVar("evidence_object_headers", default=None)


@contextmanager
def object_headers(headers: dict[str, str]) -> Iterator[None]:
    """Objects an EvidenceS3Storage writes inside this block carry these S3 parameters (ContentType, ...)."""
    token = _object_headers.set(headers)
    try:
        yield
    finally:
        _object_headers.reset(token)


class EvidenceS3Storage(S3Storage):
    def get_default_settings(self) -> dict[str, Any]:
        defaults: dict[str, Any] = super().get_default_settings()
        if defaults.get("transfer_config") is None:  # settings.AWS_S3_TRANSFER: one part in memory at a time
            defaults["transfer_config"] = TransferConfig(**settings.AWS_S3_TRANSFER)
        return defaults

    """S3Storage whose uploads carry the headers set by `object_headers` (django-storages' per-object hook)."""

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        parameters: dict[str, Any] = super().get_object_parameters(name)
        return {**parameters, **(_object_headers.get() or {})}
