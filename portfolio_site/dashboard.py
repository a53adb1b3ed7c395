"""The centre dashboard: the figures of exports/figures.py as charts with their tables. A fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from candidates import access
from candidates.models import Centre, RoleKind
from exports import figures
from exports.models import CentreReport

from .charts import BarChart, bar_chart


@dataclass
class Dashboard:
    centre: Centre
    stages: figures.Stages
    at_risk: figures.AtRisk
    caseloads: list[figures.AssessorLoad]
    coverage: figures.Coverage
    pipeline: figures.Pipeline
    reports: list[CentreReport]
    target: int
    charts: dict[str, BarChart]


def _tally_chart(slug: str, title: str | Promise, tallies: list[figures.Tally]) -> BarChart:
    return bar_chart(slug, title, [(t.key, t.label, t.count) for t in tallies])


def dashboard(user: access.AnyUser, centre: Centre, today: datetime.date | None = None) -> Dashboard:
    """Everything the centre's dashboard shows, for `user` who administers `centre` (`access.centre_for_admin`)."""
    today = today or timezone.localdate()
    enrolments = access.enrolments_visible_to(user).filter(centre=centre)
    facts = figures.centre_facts(enrolments, today)
    stages = figures.stages(facts)
    risk = figures.at_risk(enrolments, facts, today)
    loads = figures.caseloads(enrolments, access.people_with_role(centre, RoleKind.ASSESSOR))
    coverage = figures.sampling_coverage(enrolments)
    pipe = figures.pipeline(enrolments, stages.by_stage)
    target = settings.RESPONSE_TARGET_WORKING_HOURS
    charts = {
        "stages": _tally_chart("stages", _("Candidates by stage"), stages.by_stage),
        "status": _tally_chart("status", _("Enrolments by status"), stages.by_status),
        "progress": _tally_chart("progress", _("Progress of active and paused enrolments"), stages.by_band),
        "risk": _tally_chart("risk", _("Active candidates at risk, by reason"), risk.counts),
        "response": bar_chart(
            "response", _("Median response time per assessor, in working hours"),
            [(str(load.assessor_id), load.name, load.median_hours or 0) for load in loads],
            # Translators: after a number of hours on a chart's bar ("18.5 h"), with its leading space
            unit=gettext(" h"), marker=(_("target, %(hours)s working hours") % {"hours": target}, target),
        ),
        "caseload": bar_chart("caseload", _("Active candidates per assessor"),
                              [(str(load.assessor_id), load.name, load.active) for load in loads]),
        "sampling": bar_chart(
            "sampling", _("Share of each assessor's unit sign-offs the IQA sampled"),
            [(str(c.assessor_id), c.assessor, c.percent) for c in coverage.assessors], unit="%", scale_to=100,
            marker=(_("sampling rate, %(rate)s%%") % {"rate": coverage.rate_percent}, coverage.rate_percent),
        ),
        "exports": _tally_chart("exports", _("Portfolio exports by state"), pipe.exports),
        "units": _tally_chart("units", _("Unit sign-offs and the IQA"), pipe.units),
    }
    reports = list(CentreReport.objects.visible_to(user).filter(centre=centre).select_related("requested_by",
                                                                                               "centre")[:5])
    return Dashboard(centre=centre, stages=stages, at_risk=risk, caseloads=loads, coverage=coverage, pipeline=pipe,
                     reports=reports, target=target, charts=charts)
