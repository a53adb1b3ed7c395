"""Periodic tasks of the audit trail (scheduled in settings.CELERY_BEAT_SCHEDULE); safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import trail


@shared_task(acks_late=True)  # type: ignore[untyped-decorator]  # Celery ships no type hints
def export_audit_head() -> int:
    """Write the audit chain's head outside the database; returns its sequence number."""
    return trail.export_head().sequence
