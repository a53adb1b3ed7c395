"""System checks: the broker must not hand a running export to a second worker while the first still works."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


@checks.register()
def visibility_timeout_covers_exports(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Redis redelivers an unacknowledged message after its visibility timeout; an export must finish before."""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    timeout = options.get("visibility_timeout")
    if timeout is not None and timeout <= settings.EXPORT_TIME_LIMIT_SECONDS:
        return [checks.Warning(
            f"CELERY_VISIBILITY_TIMEOUT ({timeout} s) is not longer than EXPORT_TIME_LIMIT_SECONDS "
            f"({settings.EXPORT_TIME_LIMIT_SECONDS} s): Redis may deliver a long export to a second worker.",
            id="exports.W001",
        )]
    return []
