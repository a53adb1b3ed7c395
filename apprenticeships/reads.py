"""What the off-the-job pages show: the log, its totals against the plan, the chart's bars; a fixed query count."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from candidates.models import Enrolment
from evidence.models import EvidenceItem
from units.models import AssessableItem

from . import services
from .models import EntryStatus, OtjEntry, OtjPlan

SIXTY = Decimal(60)


def hours(minutes: int) -> Decimal:
    """Minutes as hours, to a tenth."""
    return (Decimal(minutes) / SIXTY).quantize(services.TENTH)


@dataclass(frozen=True)
class Bar:
    """One bar of the chart: what it stands for, its hours, and its length as a share of the longest bar."""

    key: str
    label: str | Promise
    hours: Decimal
    width: Decimal  # 0..100
    y: int


@dataclass
class Summary:
    """The plan against the log: the minimum, the expected by today, the hours recorded and verified."""

    plan: OtjPlan | None
    minimum: Decimal | None
    expected: Decimal | None
    recorded: Decimal
    verified: Decimal
    behind: bool
    tolerance: Decimal | None
    bars: list[Bar] = field(default_factory=list)

    @property
    def chart_height(self) -> int:
        return len(self.bars) * BAR_PITCH + 10


BAR_PITCH = 56


def plan_of(enrolment: Enrolment) -> OtjPlan | None:
    """The enrolment's plan with its rule (one query), or None before one is set."""
    return OtjPlan.objects.select_related("rule", "set_by").filter(enrolment=enrolment).first()


def entries_of(enrolment: Enrolment) -> QuerySet[OtjEntry]:
    """The log, newest first, with the units, evidence and decider each entry shows (three queries)."""
    return OtjEntry.objects.filter(enrolment=enrolment).select_related("decided_by").prefetch_related(
        Prefetch("items", queryset=AssessableItem.objects.select_related("unit")),
        Prefetch("evidence", queryset=EvidenceItem.objects.select_related("current_version")),
    )


def summary(plan: OtjPlan | None, entries: Iterable[OtjEntry], today: datetime.date) -> Summary:
    """The totals of `entries` (already loaded: no query) against `plan`, with the chart's bars."""
    entries = list(entries)
    return summary_of(plan, recorded_minutes=sum(entry.minutes for entry in entries),
                      verified_minutes=sum(entry.minutes for entry in entries if entry.status == EntryStatus.VERIFIED),
                      today=today)


def summary_of(plan: OtjPlan | None, *, recorded_minutes: int, verified_minutes: int,
               today: datetime.date) -> Summary:
    """The recorded and verified minutes against `plan`, with the chart's bars (no query)."""
    recorded, verified = hours(recorded_minutes), hours(verified_minutes)
    minimum = expected = tolerance = None
    behind = False
    if plan is not None:
        minimum = services.plan_minimum(plan)
        expected = services.expected_by(plan, minimum, today)
        tolerance = services.behind_tolerance(plan, minimum).quantize(services.TENTH)
        behind = expected - verified > tolerance
    values: list[tuple[str, str | Promise, Decimal | None]] = [
        ("minimum", _("Minimum over the plan"), minimum),
        ("expected", _("Expected by today"), expected),
        ("recorded", _("Recorded"), recorded),
        ("verified", _("Verified"), verified),
    ]
    longest = max((value for _key, _label, value in values if value), default=Decimal(0))
    bars = [
        Bar(key=key, label=label, hours=value,
            width=(value / longest * 100).quantize(services.TENTH) if longest else Decimal(0), y=index * BAR_PITCH)
        for index, (key, label, value) in enumerate(values) if value is not None
    ]
    return Summary(plan=plan, minimum=minimum, expected=expected, recorded=recorded, verified=verified,
                   behind=behind, tolerance=tolerance, bars=bars)


def summaries_among(enrolment_ids: list[int], today: datetime.date) -> dict[int, Summary]:
    """The off-the-job summary of each of `enrolment_ids`, by pk. Two queries, however many."""
    if not enrolment_ids:
        return {}
    plans = {plan.enrolment_id: plan for plan in
             OtjPlan.objects.filter(enrolment_id__in=enrolment_ids).select_related("rule")}
    totals: dict[int, tuple[int, int]] = {
        enrolment_id: (recorded or 0, verified or 0) for enrolment_id, recorded, verified in
        OtjEntry.objects.filter(enrolment_id__in=enrolment_ids).values("enrolment_id").order_by().annotate(
            recorded=Sum("minutes"), verified=Sum("minutes", filter=Q(status=EntryStatus.VERIFIED)))
        .values_list("enrolment_id", "recorded", "verified")
    }
    return {pk: summary_of(plans.get(pk), recorded_minutes=totals.get(pk, (0, 0))[0],
                           verified_minutes=totals.get(pk, (0, 0))[1], today=today)
            for pk in enrolment_ids}


def _plans_with_verified(plans: QuerySet[OtjPlan]) -> list[tuple[OtjPlan, int]]:
    """`plans` with their rules, each with its enrolment's verified minutes summed (a correlated subquery: one
    query for every plan)."""
    verified = (
        OtjEntry.objects.filter(enrolment_id=OuterRef("enrolment_id"), status=EntryStatus.VERIFIED).order_by()
        .values("enrolment_id").annotate(minutes=Sum("minutes")).values("minutes")
    )
    return [(plan, getattr(plan, "verified_minutes", None) or 0)
            for plan in plans.select_related("rule").annotate(verified_minutes=Subquery(verified))]


def _behind(plans: list[tuple[OtjPlan, int]], today: datetime.date) -> frozenset[int]:
    return frozenset(plan.enrolment_id for plan, minutes in plans
                     if services.is_behind(plan, verified_minutes=minutes, day=today))


def behind_among(enrolment_ids: list[int], today: datetime.date) -> frozenset[int]:
    """The enrolments of `enrolment_ids` (a page of them) falling behind on verified off-the-job hours. One
    query."""
    if not enrolment_ids:
        return frozenset()
    return _behind(_plans_with_verified(OtjPlan.objects.filter(enrolment_id__in=enrolment_ids)), today)


def behind_within(enrolments: QuerySet[Enrolment], today: datetime.date) -> frozenset[int]:
    """The enrolments of `enrolments` (a queryset, not evaluated here) falling behind on verified off-the-job
    hours. Two queries, whatever the number of enrolments or plans: the "behind plan" source of the lists of
    enrolments (candidates/listing.py) and of a centre's dashboard (a centre's plans all at once: the minutes
    summed in one pass rather than looked up plan by plan)."""
    chosen = enrolments.values("pk")
    plans = list(OtjPlan.objects.filter(enrolment__in=chosen).select_related("rule"))
    verified = dict(
        OtjEntry.objects.filter(enrolment__in=chosen, status=EntryStatus.VERIFIED)
        .values("enrolment_id").annotate(minutes=Sum("minutes")).order_by().values_list("enrolment_id", "minutes")
    )
    return frozenset(plan.enrolment_id for plan in plans
                     if services.is_behind(plan, verified_minutes=verified.get(plan.enrolment_id) or 0, day=today))
