"""Celery tasks of the export: they take ids and call a service; safe to run twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, cast

from celery import Task, shared_task
from celery.result import AsyncResult
from django.conf import settings

from . import services


class QueuedTask(Protocol):
    """The part of a Celery task object this app uses: sending it to the broker, or running it here."""

    def apply_async(self, args: tuple[Any, ...] | None = None, **options: Any) -> AsyncResult: ...

    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...


def _shared_task(**options: Any) -> Callable[[Callable[..., object]], QueuedTask]:
    """Celery's `shared_task`, typed: Celery ships no type hints (mypy ignores its imports), so to mypy the
    decorator is Any and would leave every task untyped. The cast only names what it returns."""
    return cast(Callable[[Callable[..., object]], QueuedTask], shared_task(**options))


@_shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def build_portfolio_export(self: Task, export_id: int) -> str:
    """Build one export. A second delivery of a finished export does nothing; of a running one, waits."""
    outcome = services.export_build(export_id=export_id)
    if outcome == "busy":
        # Another live worker holds it: look again once its heartbeat would have gone stale.
        raise self.retry(countdown=settings.EXPORT_STALE_AFTER_SECONDS)
    return outcome


@_shared_task(ignore_result=True)
def requeue_stalled_exports() -> list[int]:
    """Beat, every minute: enqueue exports a broker outage or a crashed worker left behind."""
    return services.exports_requeue_stalled()


@_shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def build_centre_report(self: Task, report_id: int) -> str:
    """Build one centre report. A second delivery of a finished report does nothing; of a running one, waits."""
    outcome = services.report_build(report_id=report_id)
    if outcome == "busy":
        raise self.retry(countdown=settings.EXPORT_STALE_AFTER_SECONDS)
    return outcome


@_shared_task(ignore_result=True)
def requeue_stalled_reports() -> list[int]:
    """Beat, every minute: enqueue centre reports a broker outage or a crashed worker left behind."""
    return services.reports_requeue_stalled()


@_shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def refresh_centre_figures(centre_id: int) -> str:
    """Compute one centre's dashboard figures and store them as its newest snapshot (default queue)."""
    return "done" if services.figures_compute(centre_id=centre_id) is not None else "gone"


@_shared_task(ignore_result=True)
def refresh_stale_figures() -> list[int]:
    """Beat, every minute: ask for the figures of every centre whose snapshot is missing or too old."""
    return services.figures_refresh_stale()
