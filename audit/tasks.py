"""Periodic tasks of the audit trail (scheduled in settings.CELERY_BEAT_SCHEDULE); safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import trail


@shared_task(acks_late=True)  # type: ignore[untyped-decorator]  # Celery ships no type hints
def seal_audit() -> int:
    """Seal the chains' heads that moved and write the newest seal outside the database; returns its number."""
    return trail.export_head().sequence
