"""A centre's figures, for its dashboard and the reports it hands to others: candidates by stage and progress,
those at risk, each assessor's caseload and response times, the IQA's sampling coverage, the export and
certification pipeline.

Every read takes the centre's enrolments as the gate gave them (`access.enrolments_visible_to(user)` filtered
to the centre, after `access.centre_for_admin`) and costs a fixed number of queries whatever the centre's size:
counts are grouped and conditional in SQL, never a query per row.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apprenticeships.reads import behind_within
from assessments.models import Decision, UnitSignOff
from assessments.reads import awaiting_review
from assessments.working_hours import working_hours_between
from candidates.models import EnrolmentQuerySet, EnrolmentStatus, UnitChoice, User
from evidence.models import EvidenceItem, EvidenceVersion

from .models import ExportStatus, PortfolioExport

#: No evidence written or decision made for this many days: the candidate is at risk.
QUIET_DAYS = 30
#: Response times are measured over the decisions of this many days.
RESPONSE_WINDOW_DAYS = 90
#: How many at-risk candidates the dashboard names (the progress report names them all).
AT_RISK_LISTED = 50


class Stage:
    """Where an enrolment stands, in the order of the chart."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    UNITS_SIGNED_OFF = "units_signed_off"
    ELIGIBLE = "eligible"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


STAGE_LABELS: dict[str, Promise] = {
    Stage.NOT_STARTED: _("Not started"),
    Stage.IN_PROGRESS: _("In progress"),
    Stage.UNITS_SIGNED_OFF: _("Units signed off"),
    Stage.ELIGIBLE: _("Eligible for certification"),
    Stage.COMPLETED: _("Completed"),
    Stage.WITHDRAWN: _("Withdrawn"),
}

#: Progress: the share of the planned units signed off, in bands (no plan yet is its own band).
PROGRESS_BANDS: dict[str, Promise] = {
    "no_plan": _("No unit plan yet"),
    # xgettext:no-python-format
    "0": _("0–24% of units signed off"),
    # xgettext:no-python-format
    "25": _("25–49% of units signed off"),
    # xgettext:no-python-format
    "50": _("50–74% of units signed off"),
    # xgettext:no-python-format
    "75": _("75–99% of units signed off"),
    "100": _("All planned units signed off"),
}


def _quiet_label() -> str:
    return ngettext("No evidence or decision for %(days)s day", "No evidence or decision for %(days)s days",
                    QUIET_DAYS) % {"days": QUIET_DAYS}


RISK_LABELS: dict[str, str | Promise] = {
    # Translated when shown, in the reader's language (not once, when the module is imported).
    "quiet": lazy(_quiet_label, str)(),
    "overdue": _("Past the planned end date"),
    "otj_behind": _("Off-the-job hours behind"),
}


def _per_enrolment(rows: QuerySet[Any]) -> dict[int, int]:
    """How many of `rows` each enrolment has (absent: none). One grouped query."""
    return dict(rows.order_by().values("enrolment_id").annotate(n=Count("pk")).values_list("enrolment_id", "n"))


def quiet_since(today: datetime.date) -> Case:
    """True for an enrolment started over QUIET_DAYS ago with no evidence written or decision made since."""
    since = timezone.now() - datetime.timedelta(days=QUIET_DAYS)
    recent_evidence = EvidenceVersion.objects.filter(item__enrolment_id=OuterRef("pk"), updated_at__gte=since)
    recent_decision = Decision.objects.filter(enrolment_id=OuterRef("pk"), at__gte=since)
    return Case(
        When(Q(start_date__lt=today - datetime.timedelta(days=QUIET_DAYS))
             & ~Exists(recent_evidence) & ~Exists(recent_decision), then=Value(True)),
        default=Value(False),
    )


def stage_of(status: str, planned: int, signed: int, achieved: int, started: bool) -> str:
    """Where an enrolment stands: completed or withdrawn by its status, else eligible (every planned unit
    achieved), units signed off, in progress (some evidence), or not started."""
    if status == EnrolmentStatus.COMPLETED:
        return Stage.COMPLETED
    if status == EnrolmentStatus.WITHDRAWN:
        return Stage.WITHDRAWN
    if planned and achieved >= planned:
        return Stage.ELIGIBLE
    if signed:
        return Stage.UNITS_SIGNED_OFF
    return Stage.IN_PROGRESS if started else Stage.NOT_STARTED


def band_of(planned: int, signed: int) -> str:
    """The progress band of `signed` of `planned` units (PROGRESS_BANDS' keys)."""
    if not planned:
        return "no_plan"
    if signed >= planned:
        return "100"
    return str(min(75, 25 * (4 * signed // planned)))


@dataclass(frozen=True)
class Facts:
    """What the dashboard counts of one enrolment."""

    pk: int
    status: str
    planned_end_date: datetime.date
    planned: int
    signed: int
    in_sample: int
    started: bool
    quiet: bool

    @property
    def achieved(self) -> int:
        return self.signed - self.in_sample

    @property
    def stage(self) -> str:
        return stage_of(self.status, self.planned, self.signed, self.achieved, self.started)


def centre_facts(enrolments: EnrolmentQuerySet, today: datetime.date | None = None) -> list[Facts]:
    """The facts of every enrolment of `enrolments`. Four queries: the enrolments (whether started, whether
    quiet), and grouped counts of their planned units, their current unit sign-offs and those of the sign-offs
    in the IQA's sample awaiting a decision (signed off but not achieved, as `assessments.reads.achieved_units`
    counts). Grouped counts, not a correlated subquery per enrolment: a third of the time at 10,000."""
    today = today or timezone.localdate()
    chosen = enrolments.values("pk")
    current = UnitSignOff.objects.current().filter(enrolment__in=chosen)
    planned = _per_enrolment(UnitChoice.objects.filter(enrolment__in=chosen))
    signed = _per_enrolment(current)
    in_sample = _per_enrolment(current.filter(sample__isnull=False, countersignature__isnull=True))
    rows = enrolments.order_by().annotate(
        started=Exists(EvidenceItem.objects.filter(enrolment_id=OuterRef("pk"))), quiet=quiet_since(today),
    ).values_list("pk", "status", "planned_end_date", "started", "quiet")
    return [Facts(pk=pk, status=status, planned_end_date=end, planned=planned.get(pk, 0), signed=signed.get(pk, 0),
                  in_sample=in_sample.get(pk, 0), started=started, quiet=quiet)
            for pk, status, end, started, quiet in rows]


# --------------------------------------------------------------------------- candidates by stage and progress


@dataclass
class Tally:
    """How many of something, with its key and its label."""

    key: str
    label: str | Promise
    count: int


@dataclass
class Stages:
    """How many enrolments stand at each stage, in each status and in each progress band."""

    by_stage: list[Tally]
    by_status: list[Tally]
    by_band: list[Tally]
    total: int


def stages(facts: list[Facts]) -> Stages:
    """The enrolments by stage, status and progress band (of those active or paused). No query."""
    by_stage: dict[str, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    by_band: dict[str, int] = defaultdict(int)
    for fact in facts:
        by_stage[fact.stage] += 1
        by_status[fact.status] += 1
        if fact.status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED):
            by_band[band_of(fact.planned, fact.signed)] += 1
    return Stages(
        by_stage=[Tally(key, label, by_stage[key]) for key, label in STAGE_LABELS.items()],
        by_status=[Tally(key, label, by_status[key]) for key, label in EnrolmentStatus.choices],
        by_band=[Tally(key, label, by_band[key]) for key, label in PROGRESS_BANDS.items()],
        total=len(facts),
    )


# --------------------------------------------------------------------------- at risk


@dataclass
class AtRisk:
    counts: list[Tally]
    total: int
    listed: list[Any]  # enrolments, each with `.risks`, a list of labels, and `.risk_keys`, their keys


def otj_behind(enrolments: EnrolmentQuerySet, today: datetime.date) -> frozenset[int]:
    """The active enrolments falling behind on verified off-the-job hours (the apprenticeships app's rule).
    Two queries."""
    return behind_within(enrolments.filter(status=EnrolmentStatus.ACTIVE), today)


def risk_keys_of(fact: Facts, today: datetime.date, behind: frozenset[int]) -> list[str]:
    """The reasons an active enrolment is at risk, as RISK_LABELS' keys; empty when it is not."""
    if fact.status != EnrolmentStatus.ACTIVE:
        return []
    keys: list[str] = []
    if fact.quiet:
        keys.append("quiet")
    if fact.planned_end_date < today:
        keys.append("overdue")
    if fact.pk in behind:
        keys.append("otj_behind")
    return keys


def risks_of(fact: Facts, today: datetime.date, behind: frozenset[int]) -> list[str | Promise]:
    """The reasons an active enrolment is at risk, in words; empty when it is not."""
    return [RISK_LABELS[key] for key in risk_keys_of(fact, today, behind)]


def at_risk(enrolments: EnrolmentQuerySet, facts: list[Facts], today: datetime.date | None = None) -> AtRisk:
    """Active enrolments at risk: quiet for 30 days, past their planned end, or behind on off-the-job hours.

    Counts per reason, and the first AT_RISK_LISTED by planned end date with their reasons. Three queries.
    """
    today = today or timezone.localdate()
    behind = otj_behind(enrolments, today)
    counts = {"quiet": 0, "overdue": 0, "otj_behind": 0}
    risky: list[tuple[Facts, list[str]]] = []
    for fact in facts:
        reasons = risk_keys_of(fact, today, behind)
        if reasons:
            risky.append((fact, reasons))
            counts["quiet"] += fact.quiet
            counts["overdue"] += fact.planned_end_date < today
            counts["otj_behind"] += fact.pk in behind
    risky.sort(key=lambda pair: (pair[0].planned_end_date, pair[0].pk))
    first = {fact.pk: reasons for fact, reasons in risky[:AT_RISK_LISTED]}
    listed: list[Any] = list(
        enrolments.filter(pk__in=sorted(first)).select_related("candidate", "qualification", "assessor")
        .order_by("planned_end_date", "pk"))
    for enrolment in listed:
        enrolment.risk_keys = first[enrolment.pk]
        enrolment.risks = [RISK_LABELS[key] for key in enrolment.risk_keys]
    return AtRisk(counts=[Tally(key, RISK_LABELS[key], n) for key, n in counts.items()], total=len(risky),
                  listed=listed)


# --------------------------------------------------------------------------- assessors: caseload and response times


@dataclass
class AssessorLoad:
    """One assessor's caseload, the work waiting for them, and how fast they answered over the window."""

    assessor_id: int
    name: str
    email: str
    active: int = 0
    paused: int = 0
    awaiting: int = 0
    oldest_waiting_hours: float = 0.0
    response_hours: list[float] = field(default_factory=list)

    @property
    def decided(self) -> int:
        return len(self.response_hours)

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.response_hours), 1) if self.response_hours else None

    @property
    def within_target(self) -> int:
        target: int = settings.RESPONSE_TARGET_WORKING_HOURS
        return sum(1 for hours in self.response_hours if hours <= target)

    @property
    def within_target_percent(self) -> int | None:
        return round(100 * self.within_target / self.decided) if self.decided else None

    @property
    def meets_target(self) -> bool:
        """The median answer within the target and nothing waiting longer than it."""
        target = settings.RESPONSE_TARGET_WORKING_HOURS
        return bool((self.median_hours is None or self.median_hours <= target) and self.oldest_waiting_hours <= target)


def _name(first: str, last: str, email: str) -> str:
    return f"{first} {last}".strip() or email


def caseloads(enrolments: EnrolmentQuerySet, assessors: QuerySet[User], now: datetime.datetime | None = None
              ) -> list[AssessorLoad]:
    """Each assessor of the centre (and anyone else named on its enrolments) with their caseload, what waits
    for them and their response times (submission to first decision, in working hours). Four queries."""
    now = now or timezone.now()
    loads: dict[int, AssessorLoad] = {}

    def load(pk: int, first: str, last: str, email: str) -> AssessorLoad:
        if pk not in loads:
            loads[pk] = AssessorLoad(assessor_id=pk, name=_name(first, last, email), email=email)
        return loads[pk]

    for pk, first, last, email in assessors.order_by().values_list("pk", "first_name", "last_name", "email"):
        load(pk, first, last, email)
    for row in (enrolments.order_by().values("assessor_id", "assessor__first_name", "assessor__last_name",
                                             "assessor__email")
                .annotate(active=Count("pk", filter=Q(status=EnrolmentStatus.ACTIVE)),
                          paused=Count("pk", filter=Q(status=EnrolmentStatus.PAUSED)))):
        entry = load(row["assessor_id"], row["assessor__first_name"], row["assessor__last_name"],
                     row["assessor__email"])
        entry.active, entry.paused = row["active"], row["paused"]
    waiting = (awaiting_review(EvidenceItem.objects.filter(enrolment__in=enrolments.values("pk")))
               .order_by().values("enrolment__assessor_id")
               .annotate(n=Count("pk"), oldest=Min("current_version__submitted_at")))
    for waits in waiting:
        waiting_for = loads.get(waits["enrolment__assessor_id"])
        if waiting_for is not None:
            waiting_for.awaiting = waits["n"]
            oldest = waits["oldest"]
            waiting_for.oldest_waiting_hours = round(working_hours_between(oldest, now), 1) if oldest else 0.0
    since = now - datetime.timedelta(days=RESPONSE_WINDOW_DAYS)
    answered = (Decision.objects.filter(enrolment__in=enrolments.values("pk"), at__gte=since)
                .order_by().values("version_id", "by_id")
                .annotate(first=Min("at"), submitted=Min("version__submitted_at")))
    for answer in answered:
        answered_by = loads.get(answer["by_id"])
        if answered_by is not None and answer["submitted"] is not None:
            answered_by.response_hours.append(working_hours_between(answer["submitted"], answer["first"]))
    return sorted(loads.values(), key=lambda entry: (entry.name.lower(), entry.assessor_id))


# --------------------------------------------------------------------------- IQA sampling coverage


@dataclass
class SamplingCell:
    """One assessor's sign-offs of one unit and how many of them the IQA sampled."""

    assessor_id: int
    assessor: str
    qualification: str
    unit: str
    signed: int
    sampled: int
    countersigned: int
    referred: int

    @property
    def percent(self) -> int:
        return round(100 * self.sampled / self.signed) if self.signed else 0


@dataclass
class AssessorCoverage:
    assessor_id: int
    assessor: str
    signed: int = 0
    sampled: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.sampled / self.signed) if self.signed else 0

    @property
    def needed(self) -> int:
        return int(math.ceil(self.signed * settings.IQA_SAMPLING_RATE))

    @property
    def met(self) -> bool:
        return self.sampled >= self.needed


@dataclass
class Coverage:
    cells: list[SamplingCell]
    assessors: list[AssessorCoverage]
    rate_percent: int


def sampling_coverage(enrolments: EnrolmentQuerySet) -> Coverage:
    """Unit sign-offs per assessor and unit, with how many were sampled (put in the sample, countersigned or
    referred), and each assessor's total against the sampling rate. One query."""
    sampled = Q(sample__isnull=False) | Q(countersignature__isnull=False) | Q(referral__isnull=False)
    rows = (
        UnitSignOff.objects.filter(enrolment__in=enrolments.values("pk")).order_by()
        .values("by_id", "by__first_name", "by__last_name", "by__email", "unit__qualification__code", "unit__code")
        .annotate(signed=Count("pk"), sampled=Count("pk", filter=sampled),
                  countersigned=Count("pk", filter=Q(countersignature__isnull=False)),
                  referred=Count("pk", filter=Q(referral__isnull=False)))
    )
    cells = [
        SamplingCell(assessor_id=row["by_id"], assessor=_name(row["by__first_name"], row["by__last_name"],
                                                              row["by__email"]),
                     qualification=row["unit__qualification__code"], unit=row["unit__code"], signed=row["signed"],
                     sampled=row["sampled"], countersigned=row["countersigned"], referred=row["referred"])
        for row in rows
    ]
    cells.sort(key=lambda cell: (cell.assessor.lower(), cell.assessor_id, cell.qualification, cell.unit))
    totals: dict[int, AssessorCoverage] = {}
    for cell in cells:
        total = totals.setdefault(cell.assessor_id, AssessorCoverage(cell.assessor_id, cell.assessor))
        total.signed += cell.signed
        total.sampled += cell.sampled
    return Coverage(cells=cells, assessors=list(totals.values()),
                    rate_percent=round(settings.IQA_SAMPLING_RATE * 100))


# --------------------------------------------------------------------------- the export and certification pipeline


EXPORT_LABELS: dict[str, Promise] = {
    ExportStatus.QUEUED: _("Queued"), ExportStatus.RUNNING: _("Running"),
    ExportStatus.DONE: _("Done"), ExportStatus.FAILED: _("Failed"),
}
UNIT_LABELS: dict[str, Promise] = {
    "in_sample": _("In the IQA's sample, awaiting a decision"),
    "not_sampled": _("Signed off, not sampled"),
    "countersigned": _("Countersigned by the IQA"),
}


@dataclass
class Pipeline:
    exports: list[Tally]
    units: list[Tally]
    eligible: int


def pipeline(enrolments: EnrolmentQuerySet, stage_counts: Iterable[Tally]) -> Pipeline:
    """Portfolio exports by state; unit sign-offs waiting for the IQA; enrolments eligible for certification
    (from `stages`). Two queries."""
    exports = PortfolioExport.objects.filter(enrolment__in=enrolments.values("pk")).order_by().aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in ExportStatus.values}
    )
    units = UnitSignOff.objects.current().filter(enrolment__in=enrolments.values("pk")).order_by().aggregate(
        in_sample=Count("pk", filter=Q(sample__isnull=False, countersignature__isnull=True)),
        not_sampled=Count("pk", filter=Q(sample__isnull=True, countersignature__isnull=True)),
        countersigned=Count("pk", filter=Q(countersignature__isnull=False)),
    )
    return Pipeline(
        exports=[Tally(status, label, exports[status]) for status, label in EXPORT_LABELS.items()],
        units=[Tally(key, label, units[key]) for key, label in UNIT_LABELS.items()],
        eligible=next((c.count for c in stage_counts if c.key == Stage.ELIGIBLE), 0),
    )
