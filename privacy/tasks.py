"""Celery tasks of people's data: they take ids and call a service; safe to run twice."""

from __future__ import annotations

from exports.tasks import _shared_task

from .services.subject_access import subject_access_build


@_shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def build_subject_access_export(export_id: int) -> str:
    """Build one subject-access export; a second delivery of a finished one does nothing."""
    return subject_access_build(export_id=export_id)
