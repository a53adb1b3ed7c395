"""A centre's reports: asking for one (a row, its task enqueued after commit) and the worker's build.

As with portfolio exports: `report_build` is idempotent (the row is claimed under a row lock; a finished
report is left alone, one a live worker holds is "busy"; the stored name is fixed by the report's id).
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from candidates import access
from candidates.models import Centre, RoleKind, User

from .. import reports
from ..models import CentreReport, ExportStatus, ReportFormat, ReportKind
from .build import _owner_alive, worker_identity

logger = logging.getLogger(__name__)


def report_request(*, centre: Centre, by: User, kind: str, format: str) -> CentreReport:
    """Record a request for `centre`'s report `kind` as `format` and enqueue its build once the request commits.

    The caller obtained `centre` through `access.centre_for_admin`. Never fails because the broker is down.
    """
    if kind not in ReportKind.values:
        raise ValidationError(_("Choose one of the reports."))
    if format not in ReportFormat.values:
        raise ValidationError(_("Choose CSV or XLSX."))
    with transaction.atomic():
        report = CentreReport.objects.create(centre=centre, requested_by=by, kind=kind, format=format)
        transaction.on_commit(lambda: enqueue_report(report_id=report.pk))
    return report


def enqueue_report(*, report_id: int) -> bool:
    """Send the build task to the broker; False (and a log line) when the broker cannot be reached."""
    from ..tasks import build_centre_report

    try:
        queue = {"queue": settings.EXPORT_TASK_QUEUE} if settings.EXPORT_TASK_QUEUE else {}
        build_centre_report.apply_async(
            (report_id,), retry=True, **queue,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        )
    except Exception:  # kombu raises OperationalError, redis ConnectionError, OSError...: all mean "not sent"
        logger.warning("Could not enqueue centre report %s; the sweep will retry.", report_id, exc_info=True)
        return False
    CentreReport.objects.filter(pk=report_id).update(enqueued_at=timezone.now())
    return True


def reports_requeue_stalled() -> list[int]:
    """Enqueue again every report queued for too long or running without a recent heartbeat (as
    `exports_requeue_stalled` does for exports); those past EXPORT_MAX_ATTEMPTS are marked failed. Returns the ids
    enqueued."""
    now = timezone.now()
    queued_before = now - timedelta(seconds=settings.EXPORT_REQUEUE_AFTER_SECONDS)
    resent_before = now - timedelta(seconds=10 * settings.EXPORT_REQUEUE_AFTER_SECONDS)
    stale_before = now - timedelta(seconds=settings.EXPORT_STALE_AFTER_SECONDS)
    stalled = (
        CentreReport.objects.filter(status=ExportStatus.QUEUED, created__lt=queued_before, enqueued_at=None)
        | CentreReport.objects.filter(status=ExportStatus.QUEUED, enqueued_at__lt=resent_before)
        | CentreReport.objects.filter(status=ExportStatus.RUNNING, heartbeat_at__lt=stale_before)
    )
    enqueued = []
    for report_id, attempts in stalled.values_list("pk", "attempts"):
        if attempts >= settings.EXPORT_MAX_ATTEMPTS:
            CentreReport.objects.filter(pk=report_id).exclude(status=ExportStatus.DONE).update(
                status=ExportStatus.FAILED, finished=now,
                error=ngettext("The report was interrupted %(n)d time and was given up. Ask for it again.",
                               "The report was interrupted %(n)d times and was given up. Ask for it again.",
                               attempts) % {"n": attempts})
        elif enqueue_report(report_id=report_id):
            enqueued.append(report_id)
    return enqueued


def _claim(report_id: int, worker: str) -> tuple[CentreReport | None, str]:
    with transaction.atomic():
        report = CentreReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.is_finished:
            return report, "finished"
        now = timezone.now()
        if report.status == ExportStatus.RUNNING and report.claimed_by:
            fresh = report.heartbeat_at and (now - report.heartbeat_at).total_seconds() < (
                settings.EXPORT_STALE_AFTER_SECONDS)
            if fresh and _owner_alive(report.claimed_by):
                return report, "busy"
        if report.attempts >= settings.EXPORT_MAX_ATTEMPTS:
            CentreReport.objects.filter(pk=report_id).update(
                status=ExportStatus.FAILED, finished=now,
                error=_("The report was interrupted %(n)d times and was given up. Ask for it again.")
                % {"n": report.attempts})
            return report, "finished"
        report.status, report.claimed_by, report.heartbeat_at = ExportStatus.RUNNING, worker, now
        report.attempts += 1
        report.progress = 2
        report.started = report.started or now
        report.save(update_fields=["status", "claimed_by", "heartbeat_at", "attempts", "progress", "started"])
        return report, "claimed"


def storage_name(report: CentreReport) -> str:
    """Where report `report` is stored: fixed by its id, so running twice overwrites, never duplicates."""
    return f"reports/{report.centre_id}/report-{report.pk}.{report.format}"


def report_build(*, report_id: int, worker: str | None = None) -> str:
    """Build report `report_id` and store its file. Returns "done", "failed", "finished" or "busy"."""
    worker = worker or worker_identity()
    report, outcome = _claim(report_id, worker)
    if outcome != "claimed":
        return outcome
    assert report is not None

    def progress(percent: int) -> None:
        CentreReport.objects.filter(pk=report_id, claimed_by=worker).update(
            progress=max(2, min(99, percent)), heartbeat_at=timezone.now())

    try:
        requester = report.requested_by
        if requester is None or not access.centres_administered_by(requester).filter(pk=report.centre_id).exists():
            raise ValidationError(_("Whoever asked for this report no longer administers the centre. "
                                    "Ask for it again."))
        enrolments = access.enrolments_visible_to(requester).filter(centre_id=report.centre_id)
        assessors = access.people_with_role(report.centre, RoleKind.ASSESSOR)
        table = reports.table_for(report.kind, enrolments, assessors, progress)
        if settings.EXPORT_TEST_GATHER_DELAY_SECONDS:
            time.sleep(settings.EXPORT_TEST_GATHER_DELAY_SECONDS)  # tests only: the progress page is seen
        with tempfile.TemporaryFile() as handle:
            rows = reports.write(table, report.format, handle)
            size = handle.tell()
            handle.seek(0)
            digest = hashlib.sha256()
            while block := handle.read(1 << 20):
                digest.update(block)
            handle.seek(0)
            name = storage_name(report)
            if default_storage.exists(name):
                default_storage.delete(name)  # a run that died after storing left it; the report is still ours
            saved = default_storage.save(name, File(handle, name=name.rsplit("/", 1)[-1]))
            if saved != name:
                default_storage.delete(saved)
                raise RuntimeError(f"Storage renamed {name} to {saved}")
    except ValidationError as error:
        _fail(report_id, worker, " ".join(error.messages))
        return "failed"
    except Exception:
        logger.exception("Centre report %s failed", report_id)
        _fail(report_id, worker, _("The report failed unexpectedly. Ask for it again; if it fails again, tell an "
                                   "administrator (report reference %(pk)d).") % {"pk": report_id})
        return "failed"
    updated = CentreReport.objects.filter(pk=report_id, claimed_by=worker, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE, progress=100, rows=rows, file_name=name, size=size, sha256=digest.hexdigest(),
        error="", finished=timezone.now(), heartbeat_at=timezone.now(),
    )
    return "done" if updated else "finished"


def _fail(report_id: int, worker: str, message: str) -> None:
    CentreReport.objects.filter(pk=report_id, claimed_by=worker).exclude(status=ExportStatus.DONE).update(
        status=ExportStatus.FAILED, error=message, finished=timezone.now())
