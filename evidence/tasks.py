"""Celery tasks of the evidence app (run by beat; see CELERY_BEAT_SCHEDULE in settings)."""

from __future__ import annotations

from celery import shared_task

from evidence.resumable import resumable_expire


@shared_task
def expire_resumable_uploads() -> int:
    """Delete the resumable uploads whose next chunk is overdue, with their bytes; safe to run twice."""
    return resumable_expire()
