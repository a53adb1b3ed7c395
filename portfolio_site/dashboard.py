"""The centre dashboard: the figures a worker stored (exports.services.centre_figures) as charts with their tables.

It reads the newest snapshot, the page of assessors shown and the few at the top of each chart: a fixed number of
queries, the same for a centre of 20 assessors as for one of 5,000.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from candidates import access
from candidates.models import Centre, EnrolmentStatus
from exports import figures, services
from exports.models import AssessorFigures, CentreFigures, CentreReport

from .charts import BarChart, bar_chart
from .paging import Paged, paged

#: The most bars a per-assessor chart draws: the assessors at the top of what it shows.
CHART_BARS = 15


@dataclass
class Dashboard:
    centre: Centre
    snapshot: CentreFigures | None  # None: none computed yet
    refreshing: bool  # a refresh is waiting or running
    stale: bool  # older than FIGURES_MAX_AGE_SECONDS
    as_of: str = ""  # when they were computed: the time today, else the date and time
    ago: str = ""  # how long ago, in words ("3 minutes")
    stages: figures.Stages | None = None
    at_risk: figures.AtRisk | None = None
    pipeline: figures.Pipeline | None = None
    assessors: Paged | None = None
    reports: list[CentreReport] | None = None
    target: int = 0
    charts: dict[str, BarChart] | None = None


class _Counted:
    """The snapshot's assessor rows, whose number was stored with it: Django's pager takes their `count()` from
    here instead of asking the database, and slices the rows for the page."""

    def __init__(self, rows: QuerySet[AssessorFigures], count: int) -> None:
        self.rows, self.number = rows, count

    def count(self) -> int:
        return self.number

    def __len__(self) -> int:
        return self.number

    def __getitem__(self, index: slice) -> QuerySet[AssessorFigures]:
        return self.rows[index]


def _tallies(stored: dict[str, int], labels: Iterable[tuple[str, str | Promise]]) -> list[figures.Tally]:
    """The stored counts of each key, labelled (in the reader's language), in the labels' order."""
    return [figures.Tally(key, label, stored.get(key, 0)) for key, label in labels]


def _tally_chart(slug: str, title: str | Promise, tallies: list[figures.Tally]) -> BarChart:
    return bar_chart(slug, title, [(t.key, t.label, t.count) for t in tallies])


def _caption(title: str) -> str:
    """The note under a per-assessor chart: what it shows, and where everyone is."""
    return gettext("%(title)s. Each bar is labelled with its figure; the table below lists every assessor.") % {
        "title": title}


def _assessor_charts(snapshot: CentreFigures) -> dict[str, BarChart]:
    """The three per-assessor charts, each of the CHART_BARS assessors at the top of what it shows. Three queries,
    each an index read."""
    rows = AssessorFigures.objects.filter(figures=snapshot)
    slowest = list(rows.filter(median_hours__isnull=False).order_by("-median_hours", "sort_name", "assessor_id")
                   [:CHART_BARS])
    busiest = list(rows.order_by("-active", "sort_name", "assessor_id")[:CHART_BARS])
    least_sampled = list(rows.filter(sampling_percent__isnull=False)
                         .order_by("sampling_percent", "sort_name", "assessor_id")[:CHART_BARS])
    target = snapshot.target_hours
    rate = snapshot.sampling_rate_percent
    # With no bar, the chart's usual title (it draws nothing but says what it would show).
    titles = {
        "response": ngettext("Median response time in working hours: the slowest assessor",
                             "Median response time in working hours: the %(count)s slowest assessors",
                             len(slowest)) % {"count": len(slowest)}
        if slowest else gettext("Median response time per assessor, in working hours"),
        "caseload": ngettext("Active candidates: the assessor with the most",
                             "Active candidates: the %(count)s assessors with the most",
                             len(busiest)) % {"count": len(busiest)}
        if busiest else gettext("Active candidates per assessor"),
        "sampling": ngettext("Share of unit sign-offs the IQA sampled: the assessor with the lowest",
                             "Share of unit sign-offs the IQA sampled: the %(count)s assessors with the lowest",
                             len(least_sampled)) % {"count": len(least_sampled)}
        if least_sampled else gettext("Share of each assessor's unit sign-offs the IQA sampled"),
    }
    return {
        "response": bar_chart(
            "response", titles["response"],
            [(str(row.assessor_id), row.name, row.median_hours or 0) for row in slowest],
            # Translators: after a number of hours on a chart's bar ("18.5 h"), with its leading space
            unit=gettext(" h"), marker=(_("target, %(hours)s working hours") % {"hours": target}, target),
            caption=_caption(titles["response"]),
        ),
        "caseload": bar_chart(
            "caseload", titles["caseload"],
            [(str(row.assessor_id), row.name, row.active) for row in busiest], caption=_caption(titles["caseload"]),
        ),
        "sampling": bar_chart(
            "sampling", titles["sampling"],
            [(str(row.assessor_id), row.name, row.percent) for row in least_sampled], unit="%", scale_to=100,
            marker=(_("sampling rate, %(rate)s%%") % {"rate": rate}, rate), caption=_caption(titles["sampling"]),
        ),
    }


def dashboard(user: access.AnyUser, centre: Centre, page: str | None = None) -> Dashboard:
    """What the centre's dashboard shows, for `user` who administers `centre` (`access.centre_for_admin`): its newest
    stored figures, with page `page` of its assessors. With none yet, or only stale ones, a refresh is asked for."""
    snapshot = services.latest_figures(centre)
    if snapshot is None:
        services.figures_request(centre=centre, by=user)
        return Dashboard(centre=centre, snapshot=None, refreshing=True, stale=False)
    refreshing = bool(getattr(snapshot, "refreshing", False))
    now = timezone.now()
    stale = services.is_stale(snapshot, now)
    if stale and not refreshing:
        refreshing = services.figures_request(centre=centre, by=user)
    tallies = snapshot.tallies
    stages = figures.Stages(
        by_stage=_tallies(tallies.get("stage", {}), figures.STAGE_LABELS.items()),
        by_status=_tallies(tallies.get("status", {}), EnrolmentStatus.choices),
        by_band=_tallies(tallies.get("band", {}), figures.PROGRESS_BANDS.items()),
        total=snapshot.total,
    )
    reasons = {pk: keys for pk, keys in snapshot.at_risk_listed}
    listed: list[Any] = list(access.enrolments_of_centre(user, centre).filter(pk__in=sorted(reasons))
                  .select_related("candidate", "qualification", "assessor").order_by("planned_end_date", "pk"))
    for enrolment in listed:
        enrolment.risks = [figures.RISK_LABELS[key] for key in reasons[enrolment.pk] if key in figures.RISK_LABELS]
    at_risk = figures.AtRisk(counts=_tallies(tallies.get("risk", {}), figures.RISK_LABELS.items()),
                             total=snapshot.at_risk_total, listed=listed)
    pipe = figures.Pipeline(exports=_tallies(tallies.get("exports", {}), figures.EXPORT_LABELS.items()),
                            units=_tallies(tallies.get("units", {}), figures.UNIT_LABELS.items()),
                            eligible=snapshot.eligible)
    rows = _Counted(AssessorFigures.objects.filter(figures=snapshot).order_by("sort_name", "assessor_id"),
                    snapshot.assessor_count)
    assessors = paged(cast("Sequence[AssessorFigures]", rows), page)  # a sequence as far as the pager reads it
    assessors.page.object_list = list(assessors.page.object_list)
    for row in assessors.page.object_list:
        row.figures = snapshot  # their properties read the target and the rate without a query each
    charts = {
        "stages": _tally_chart("stages", _("Candidates by stage"), stages.by_stage),
        "status": _tally_chart("status", _("Enrolments by status"), stages.by_status),
        "progress": _tally_chart("progress", _("Progress of active and paused enrolments"), stages.by_band),
        "risk": _tally_chart("risk", _("Active candidates at risk, by reason"), at_risk.counts),
        **_assessor_charts(snapshot),
        "exports": _tally_chart("exports", _("Portfolio exports by state"), pipe.exports),
        "units": _tally_chart("units", _("Unit sign-offs and the IQA"), pipe.units),
    }
    reports = list(CentreReport.objects.visible_to(user).filter(centre=centre)
                   .select_related("requested_by", "centre")[:5])
    computed = timezone.localtime(snapshot.computed_at)
    as_of = formats.date_format(computed, "TIME_FORMAT" if computed.date() == timezone.localdate(now)
                                else "DATETIME_FORMAT")
    return Dashboard(centre=centre, snapshot=snapshot, refreshing=refreshing, stale=stale, as_of=as_of,
                     ago=timesince(snapshot.computed_at, now), stages=stages,
                     at_risk=at_risk, pipeline=pipe, assessors=assessors, reports=reports,
                     target=snapshot.target_hours, charts=charts)
