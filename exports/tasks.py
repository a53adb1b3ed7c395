"""Celery tasks of the export: they take ids and call a service; safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def build_portfolio_export(self, export_id: int) -> str:
    """Build one export. A second delivery of a finished export does nothing; of a running one, waits."""
    outcome = services.export_build(export_id=export_id)
    if outcome == "busy":
        # Another live worker holds it: look again once its heartbeat would have gone stale.
        raise self.retry(countdown=settings.EXPORT_STALE_AFTER_SECONDS)
    return outcome


@shared_task(ignore_result=True)
def requeue_stalled_exports() -> list[int]:
    """Beat, every minute: enqueue exports a broker outage or a crashed worker left behind."""
    return services.exports_requeue_stalled()
