"""A centre's dashboard figures, computed by a worker and stored (`CentreFigures`, `AssessorFigures`).

`figures_compute` counts a whole centre with exports/figures.py (the functions the centre's reports use) and
writes the snapshot in one transaction; `figures_request` asks for a refresh, one waiting or running per centre
(`FiguresRefresh`), its task enqueued after commit on the default queue; `figures_refresh_stale`, run by beat,
asks for every centre whose figures are missing or older than FIGURES_MAX_AGE_SECONDS.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from candidates import access
from candidates.models import Centre, Enrolment, RoleKind, User

from .. import figures
from ..models import AssessorFigures, CentreFigures, FiguresRefresh

logger = logging.getLogger(__name__)


def _tallies(tallies: list[figures.Tally]) -> dict[str, int]:
    return {tally.key: tally.count for tally in tallies}


def _assessor_rows(snapshot: CentreFigures, loads: list[figures.AssessorLoad],
                   coverage: list[figures.AssessorCoverage]) -> list[AssessorFigures]:
    """One row per assessor: their caseload and response times, and their sign-offs' coverage (someone who signed
    off at the centre without being one of its assessors any more has a row too)."""
    rows: dict[int, AssessorFigures] = {}
    for load in loads:
        rows[load.assessor_id] = AssessorFigures(
            figures=snapshot, assessor_id=load.assessor_id, name=load.name[:320], sort_name=load.name.lower()[:320],
            active=load.active, paused=load.paused, awaiting=load.awaiting,
            oldest_waiting_hours=load.oldest_waiting_hours, decided=load.decided, median_hours=load.median_hours,
            within_target=load.within_target)
    for total in coverage:
        row = rows.get(total.assessor_id)
        if row is None:
            row = rows[total.assessor_id] = AssessorFigures(
                figures=snapshot, assessor_id=total.assessor_id, name=total.assessor[:320],
                sort_name=total.assessor.lower()[:320])
        row.signed, row.sampled = total.signed, total.sampled
        row.sampling_percent = total.percent if total.signed else None
    return list(rows.values())


def figures_compute(*, centre_id: int) -> CentreFigures | None:
    """Count centre `centre_id`'s figures now and store them as its newest snapshot; None when the centre is gone.

    Every enrolment of the centre is counted (what its administrators see). Running it twice makes two snapshots,
    the second the newest: nothing is counted twice.
    """
    centre = Centre.objects.filter(pk=centre_id).first()
    if centre is None:
        return None
    FiguresRefresh.objects.filter(centre=centre).update(started_at=timezone.now())
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now)
    enrolments = Enrolment.objects.filter(centre=centre)
    facts = figures.centre_facts(enrolments, today)
    stages = figures.stages(facts)
    risk = figures.at_risk(enrolments, facts, today)
    loads = figures.caseloads(enrolments, access.people_with_role(centre, RoleKind.ASSESSOR), now)
    coverage = figures.sampling_coverage(enrolments)
    pipe = figures.pipeline(enrolments, stages.by_stage)
    snapshot = CentreFigures(
        centre=centre, computed_at=now, total=stages.total,
        tallies={"stage": _tallies(stages.by_stage), "status": _tallies(stages.by_status),
                 "band": _tallies(stages.by_band), "risk": _tallies(risk.counts),
                 "exports": _tallies(pipe.exports), "units": _tallies(pipe.units)},
        at_risk_total=risk.total, at_risk_listed=[[e.pk, e.risk_keys] for e in risk.listed], eligible=pipe.eligible,
        sampling_rate=settings.IQA_SAMPLING_RATE, target_hours=settings.RESPONSE_TARGET_WORKING_HOURS,
    )
    with transaction.atomic():
        rows = _assessor_rows(snapshot, loads, coverage.assessors)
        snapshot.assessor_count = len(rows)
        snapshot.seconds = time.perf_counter() - started
        snapshot.save()
        AssessorFigures.objects.bulk_create(rows, batch_size=1000)
        # The one before stays until the next: a page that read it a moment ago still finds its rows.
        older = CentreFigures.objects.filter(centre=centre).exclude(pk=snapshot.pk).order_by("-computed_at", "-pk")
        kept = list(older.values_list("pk", flat=True)[:1])
        AssessorFigures.objects.filter(figures__in=older.exclude(pk__in=kept).values("pk")).delete()
        older.exclude(pk__in=kept).delete()
        FiguresRefresh.objects.filter(centre=centre).delete()
    _analyze()
    return snapshot


def _analyze() -> None:
    """PostgreSQL: refresh the planner's statistics of the rows just replaced. Their table changes wholesale at
    every refresh; planned on the statistics of an emptier table, the page's top-15 and page-of-50 reads sort every
    row of the centre instead of walking their index. Milliseconds (it samples at most 30,000 rows)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {CentreFigures._meta.db_table}, {AssessorFigures._meta.db_table}")


def latest_figures(centre: Centre) -> CentreFigures | None:
    """The newest figures of `centre`, with `refreshing` (a refresh is waiting or running). One query."""
    return (CentreFigures.objects.filter(centre=centre)
            .annotate(refreshing=Exists(FiguresRefresh.objects.filter(centre=OuterRef("centre"))))
            .order_by("-computed_at", "-pk").first())


def is_stale(snapshot: CentreFigures, now: datetime | None = None) -> bool:
    """Older than FIGURES_MAX_AGE_SECONDS."""
    now = now or timezone.now()
    return snapshot.computed_at < now - timedelta(seconds=settings.FIGURES_MAX_AGE_SECONDS)


def figures_request(*, centre: Centre, by: access.AnyUser | None = None) -> bool:
    """Ask for a refresh of `centre`'s figures, its task enqueued once the request commits. False when one is
    already waiting or running (asked less than FIGURES_REFRESH_LOST_AFTER_SECONDS ago: an older one was lost
    with its worker or message, and is asked again)."""
    requested_by = by if isinstance(by, User) else None
    now = timezone.now()
    lost_before = now - timedelta(seconds=settings.FIGURES_REFRESH_LOST_AFTER_SECONDS)
    with transaction.atomic():
        refresh, created = FiguresRefresh.objects.select_for_update().get_or_create(
            centre=centre, defaults={"requested_at": now, "requested_by": requested_by})
        if not created:
            if refresh.requested_at >= lost_before:
                return False
            FiguresRefresh.objects.filter(pk=refresh.pk).update(requested_at=now, requested_by=requested_by,
                                                                  started_at=None)
        centre_id = centre.pk
        transaction.on_commit(lambda: enqueue_figures(centre_id=centre_id))
    return True


def enqueue_figures(*, centre_id: int) -> bool:
    """Send the refresh task to the broker; when it cannot be reached, forget the request (and log it), so that
    the next page view, button or beat asks again."""
    from ..tasks import refresh_centre_figures

    try:
        refresh_centre_figures.apply_async(
            (centre_id,), retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        )
    except Exception:  # kombu raises OperationalError, redis ConnectionError, OSError...: all mean "not sent"
        logger.warning("Could not enqueue the figures of centre %s.", centre_id, exc_info=True)
        FiguresRefresh.objects.filter(centre_id=centre_id).delete()
        return False
    return True


def figures_refresh_stale() -> list[int]:
    """Ask for a refresh of every centre whose figures are missing or older than FIGURES_MAX_AGE_SECONDS. Returns
    the ids of the centres asked for."""
    cutoff = timezone.now() - timedelta(seconds=settings.FIGURES_MAX_AGE_SECONDS)
    stale = (Centre.objects.annotate(latest=Max("figures__computed_at"))
             .filter(Q(latest__isnull=True) | Q(latest__lt=cutoff)).order_by("pk"))
    return [centre.pk for centre in stale if figures_request(centre=centre)]
