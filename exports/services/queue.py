"""Asking for a portfolio export, retrying a failed one, and the sweep that enqueues the stalled ones again.

A request commits a `PortfolioExport` row and enqueues the task after commit; when the
broker is down the row stays queued and `exports_requeue_stalled` (a beat task, every
minute) enqueues it again once the broker is back.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.languages import supported
from candidates.models import Enrolment, User

from ..models import ExportFormat, ExportStage, ExportStatus, PortfolioExport
from .build import interrupted_message, mark_failed

logger = logging.getLogger(__name__)


def export_request(
    *, enrolment: Enrolment, by: User | None, format: str = ExportFormat.PDF, include_pdf_evidence: bool = False,
    language: str = "",
) -> PortfolioExport:
    """Record a request for `enrolment`'s portfolio and enqueue its build once the request commits.

    `language`: the PDF's (empty: the site's). The caller has checked that `by` may read the enrolment.
    Never fails because the broker is down.
    """
    if format not in ExportFormat.values:
        raise ValidationError(_("Choose PDF or ZIP."))
    language = language or settings.LANGUAGE_CODE
    if not supported(language):
        raise ValidationError(_("Choose one of the languages offered."), code="language")
    with transaction.atomic():
        export = PortfolioExport.objects.create(
            enrolment=enrolment, requested_by=by, format=format, include_pdf_evidence=include_pdf_evidence,
            language=language,
        )
        transaction.on_commit(lambda: enqueue_export(export_id=export.pk))
    return export


def export_retry(*, export: PortfolioExport, by: User) -> PortfolioExport:
    """Queue a failed export again (same options, same row); refuses one that did not fail."""
    with transaction.atomic():
        updated = PortfolioExport.objects.filter(pk=export.pk, status=ExportStatus.FAILED).update(
            status=ExportStatus.QUEUED, stage=ExportStage.QUEUED, progress=0, pages_done=0, error="",
            attempts=0, claimed_by="", heartbeat_at=None, started=None, finished=None, requested_by=by,
        )
        if not updated:
            raise ValidationError(_("Only a failed export can be tried again."))
        transaction.on_commit(lambda: enqueue_export(export_id=export.pk))
    export.refresh_from_db()
    return export


def enqueue_export(*, export_id: int) -> bool:
    """Send the build task to the broker; False (and a log line) when the broker cannot be reached.

    A row left queued is enqueued again by the sweep, so losing this message loses nothing.
    """
    from ..tasks import build_portfolio_export

    try:
        queue = {"queue": settings.EXPORT_TASK_QUEUE} if settings.EXPORT_TASK_QUEUE else {}
        build_portfolio_export.apply_async(
            (export_id,), retry=True, **queue,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        )
    except Exception:  # kombu raises OperationalError, redis ConnectionError, OSError...: all mean "not sent"
        logger.warning("Could not enqueue portfolio export %s; the sweep will retry.", export_id, exc_info=True)
        return False
    PortfolioExport.objects.filter(pk=export_id).update(enqueued_at=timezone.now())
    return True


def exports_requeue_stalled() -> list[int]:
    """Enqueue again every export queued for too long or running without a recent heartbeat.

    Exports past EXPORT_MAX_ATTEMPTS are marked failed instead. Returns the ids enqueued.
    """
    now = timezone.now()
    queued_before = now - timedelta(seconds=settings.EXPORT_REQUEUE_AFTER_SECONDS)
    stale_before = now - timedelta(seconds=settings.EXPORT_STALE_AFTER_SECONDS)
    # A queued row that reached the broker is normally just waiting its turn behind other exports:
    # send it again only after ten sweep delays (its message may have died with a broker that
    # kept nothing on disk), so a long queue does not fill with copies.
    resent_before = now - timedelta(seconds=10 * settings.EXPORT_REQUEUE_AFTER_SECONDS)
    stalled = (
        PortfolioExport.objects.filter(status=ExportStatus.QUEUED, created__lt=queued_before, enqueued_at=None)
        | PortfolioExport.objects.filter(status=ExportStatus.QUEUED, enqueued_at__lt=resent_before)
        | PortfolioExport.objects.filter(status=ExportStatus.RUNNING, heartbeat_at__lt=stale_before)
    )
    enqueued = []
    for export_id, attempts in stalled.values_list("pk", "attempts"):
        if attempts >= settings.EXPORT_MAX_ATTEMPTS:
            mark_failed(export_id, interrupted_message(attempts), claimed_by=None)
        elif enqueue_export(export_id=export_id):
            enqueued.append(export_id)
    return enqueued
