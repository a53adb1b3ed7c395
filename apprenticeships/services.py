"""Off-the-job training: the minimum a rule sets (a pure function), the plan, and the log's writes.

Every write checks the enrolment is open, refuses what is not the writer's to do, and is audited in
its own transaction (nothing half-saved). Who may call which is decided at the gate (views); the
services refuse the same things again where it matters (the candidate's own entries, nobody verifying
their own log).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit import trail
from candidates.models import Enrolment, User
from candidates.services import ensure_open
from evidence.models import EvidenceItem
from units.models import AssessableItem

from .models import EntryStatus, OtjEntry, OtjPlan, OtjRule, RuleKind

WEEKS_A_YEAR = Decimal(52)
TENTH = Decimal("0.1")
#: An enrolment is behind when its verified hours fall short of the expected-by-today by more than this
#: many weeks of its plan's weekly minimum (a fortnight: entries are logged and verified a little late).
BEHIND_TOLERANCE_WEEKS = Decimal(2)


@dataclass(frozen=True)
class RuleTerms:
    """What a rule says, free of the database: the input of `minimum_hours`."""

    kind: str
    weekly_hours: Decimal | None
    percent: Decimal | None
    full_time_hours: Decimal
    deduct_leave: bool
    leave_weeks_per_year: Decimal

    @classmethod
    def of(cls, rule: OtjRule) -> RuleTerms:
        return cls(kind=rule.kind, weekly_hours=rule.weekly_hours, percent=rule.percent,
                   full_time_hours=rule.full_time_hours, deduct_leave=rule.deduct_leave,
                   leave_weeks_per_year=rule.leave_weeks_per_year)


def planned_weeks(start: datetime.date, end: datetime.date) -> Decimal:
    """The planned duration in weeks (days / 7)."""
    return Decimal((end - start).days) / Decimal(7)


def leave_weeks(terms: RuleTerms, weeks: Decimal) -> Decimal:
    """The statutory leave over `weeks`: the yearly leave pro rata, or none when the rule does not deduct it."""
    return terms.leave_weeks_per_year * weeks / WEEKS_A_YEAR if terms.deduct_leave else Decimal(0)


def weekly_minimum(terms: RuleTerms, contracted_hours: Decimal) -> Decimal:
    """The off-the-job hours a working week asks for at `contracted_hours` a week."""
    counted = min(contracted_hours, terms.full_time_hours)
    if terms.kind == RuleKind.HOURS_PER_WEEK:
        return (terms.weekly_hours or Decimal(0)) * counted / terms.full_time_hours
    return counted * (terms.percent or Decimal(0)) / Decimal(100)


def minimum_hours(terms: RuleTerms, *, contracted_hours: Decimal, start: datetime.date,
                  end: datetime.date) -> Decimal:
    """The minimum off-the-job hours over a plan: the weekly minimum times the working weeks (less leave).

    Rounded to a tenth of an hour. A pure function: the rule's terms and the plan's figures in, hours out.
    """
    weeks = planned_weeks(start, end)
    working_weeks = max(weeks - leave_weeks(terms, weeks), Decimal(0))
    return (weekly_minimum(terms, contracted_hours) * working_weeks).quantize(TENTH, rounding=ROUND_HALF_UP)


def plan_minimum(plan: OtjPlan) -> Decimal:
    """The minimum off-the-job hours of an enrolment: its plan's rule applied to its plan."""
    return minimum_hours(RuleTerms.of(plan.rule), contracted_hours=plan.contracted_hours,
                         start=plan.planned_start, end=plan.planned_end)


def expected_by(plan: OtjPlan, minimum: Decimal, day: datetime.date) -> Decimal:
    """The hours expected by `day`: the minimum spread evenly over the planned duration."""
    total = (plan.planned_end - plan.planned_start).days
    elapsed = min(max((day - plan.planned_start).days, 0), total)
    return (minimum * Decimal(elapsed) / Decimal(total)).quantize(TENTH, rounding=ROUND_HALF_UP)


def behind_tolerance(plan: OtjPlan, minimum: Decimal) -> Decimal:
    """How far short of the expected-by-today verified hours may fall before the enrolment is flagged."""
    weeks = planned_weeks(plan.planned_start, plan.planned_end)
    return (minimum / weeks * BEHIND_TOLERANCE_WEEKS) if weeks else Decimal(0)


def is_behind(plan: OtjPlan, *, verified_minutes: int, day: datetime.date) -> bool:
    """Whether the verified hours are below the expected-by-`day` by more than the tolerance."""
    minimum = plan_minimum(plan)
    shortfall = expected_by(plan, minimum, day) - Decimal(verified_minutes) / Decimal(60)
    return shortfall > behind_tolerance(plan, minimum)


def default_rule(day: datetime.date) -> OtjRule | None:
    """The rule in force on `day` (an enrolment's start date), the plan's default."""
    return OtjRule.objects.in_force_on(day)


# --------------------------------------------------------------------------- the plan


def _refuse_own(enrolment: Enrolment, by: User) -> None:
    if enrolment.candidate_id == by.pk:
        raise ValidationError(_("Someone else sets and verifies your off-the-job training: not you."),
                              code="own_enrolment")


@transaction.atomic
def plan_set(*, enrolment: Enrolment, by: User, contracted_hours: Decimal, planned_start: datetime.date,
             planned_end: datetime.date, rule: OtjRule) -> OtjPlan:
    """Set (or change) the enrolment's off-the-job plan; audited with the figures before and after."""
    ensure_open(enrolment)
    _refuse_own(enrolment, by)
    errors: dict[str, str] = {}
    if contracted_hours <= 0 or contracted_hours > 168:
        errors["contracted_hours"] = _("Give the contracted hours a week, more than 0 and at most 168.")
    if planned_end <= planned_start:
        errors["planned_end"] = _("The planned end must be after the planned start.")
    if errors:
        raise ValidationError(errors)
    plan = OtjPlan.objects.select_for_update().filter(enrolment=enrolment).first()
    before = _plan_facts(plan) if plan else None
    if plan is None:
        plan = OtjPlan(enrolment=enrolment)
    plan.contracted_hours, plan.planned_start, plan.planned_end, plan.rule = (
        contracted_hours, planned_start, planned_end, rule)
    plan.set_by, plan.set_at = by, timezone.now()
    plan.save()
    trail.record(actor=by, action="off-the-job plan set", obj=plan, enrolment_id=enrolment.pk,
                 before=before, after=_plan_facts(plan))
    return plan


def _plan_facts(plan: OtjPlan) -> dict[str, str]:
    return {"contracted_hours": str(plan.contracted_hours), "planned_start": plan.planned_start.isoformat(),
            "planned_end": plan.planned_end.isoformat(), "rule": plan.rule.code,
            "minimum_hours": str(plan_minimum(plan))}


# --------------------------------------------------------------------------- the log


def _entry_facts(entry: OtjEntry) -> dict[str, object]:
    return {"date": entry.date.isoformat(), "minutes": entry.minutes, "activity": entry.activity,
            "learned": entry.learned, "status": entry.status, "query": entry.query}


def _check_entry(enrolment: Enrolment, *, date: datetime.date, minutes: int, learned: str,
                 items: Iterable[AssessableItem], evidence: Iterable[EvidenceItem]) -> None:
    errors: dict[str, str] = {}
    plan = OtjPlan.objects.filter(enrolment=enrolment).first()
    start = plan.planned_start if plan else enrolment.start_date
    if date > timezone.localdate():
        errors["date"] = _("The date is in the future; log training once it has happened.")
    elif date < start:
        errors["date"] = _("The date is before the start of the plan (%(start)s); check the date.") % {
            "start": date_format(start, "SHORT_DATE_FORMAT")}
    if minutes <= 0:
        errors["hours"] = _("Give how long the training took: more than 0 minutes.")
    elif minutes > 24 * 60:
        errors["hours"] = _("One entry is at most 24 hours; log each day on its own.")
    if not learned.strip():
        errors["learned"] = _("Say what you learned.")
    if any(item.unit.qualification_id != enrolment.qualification_id for item in items):
        errors["items"] = _("Choose units and criteria of this qualification only.")
    if any(piece.enrolment_id != enrolment.pk for piece in evidence):
        errors["evidence"] = _("Link evidence of this portfolio only.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def entry_record(*, enrolment: Enrolment, by: User, date: datetime.date, minutes: int, activity: str,
                 learned: str, items: Iterable[AssessableItem] = (),
                 evidence: Iterable[EvidenceItem] = ()) -> OtjEntry:
    """The candidate logs an off-the-job activity; it awaits verification by the assessor."""
    ensure_open(enrolment)
    if enrolment.candidate_id != by.pk:
        raise ValidationError(_("Only the candidate logs their off-the-job training."), code="not_candidate")
    items, evidence = list(items), list(evidence)
    _check_entry(enrolment, date=date, minutes=minutes, learned=learned, items=items, evidence=evidence)
    entry = OtjEntry.objects.create(enrolment=enrolment, date=date, minutes=minutes, activity=activity,
                                    learned=learned.strip(), language=translation.get_language() or "",
                                    recorded_by=by, recorded_at=timezone.now())
    entry.items.set(items)
    entry.evidence.set(evidence)
    trail.record(actor=by, action="off-the-job hours recorded", obj=entry, enrolment_id=enrolment.pk,
                 after=_entry_facts(entry))
    return entry


def _own_open_entry(entry: OtjEntry, by: User) -> OtjEntry:
    """The entry locked, when `by` is its candidate and it is not verified yet (ValidationError otherwise)."""
    locked = OtjEntry.objects.select_for_update().select_related("enrolment").get(pk=entry.pk)
    ensure_open(locked.enrolment)
    if locked.enrolment.candidate_id != by.pk:
        raise ValidationError(_("Only the candidate changes their off-the-job entries."), code="not_candidate")
    if locked.status == EntryStatus.VERIFIED:
        raise ValidationError(_("This entry is verified: it can no longer be changed."), code="verified")
    return locked


@transaction.atomic
def entry_edit(*, entry: OtjEntry, by: User, date: datetime.date, minutes: int, activity: str, learned: str,
               items: Iterable[AssessableItem] = (), evidence: Iterable[EvidenceItem] = ()) -> OtjEntry:
    """The candidate corrects an entry; a queried entry goes back to the assessor (resubmitted)."""
    locked = _own_open_entry(entry, by)
    items, evidence = list(items), list(evidence)
    _check_entry(locked.enrolment, date=date, minutes=minutes, learned=learned, items=items, evidence=evidence)
    before = _entry_facts(locked)
    locked.date, locked.minutes, locked.activity, locked.learned = date, minutes, activity, learned.strip()
    locked.language = translation.get_language() or ""
    locked.status = EntryStatus.RECORDED
    locked.save()
    locked.items.set(items)
    locked.evidence.set(evidence)
    trail.record(actor=by, action="off-the-job hours changed", obj=locked, enrolment_id=locked.enrolment_id,
                 before=before, after=_entry_facts(locked))
    return locked


@transaction.atomic
def entry_delete(*, entry: OtjEntry, by: User) -> None:
    """The candidate deletes an entry that is not verified."""
    locked = _own_open_entry(entry, by)
    trail.record(actor=by, action="off-the-job hours deleted", obj=locked, enrolment_id=locked.enrolment_id,
                 before=_entry_facts(locked))
    locked.delete()


def _decidable(entry: OtjEntry, by: User) -> OtjEntry:
    locked = OtjEntry.objects.select_for_update().select_related("enrolment").get(pk=entry.pk)
    ensure_open(locked.enrolment)
    _refuse_own(locked.enrolment, by)
    return locked


@transaction.atomic
def entry_verify(*, entry: OtjEntry, by: User) -> OtjEntry:
    """The assessor verifies an entry: its hours count as verified (doing it twice changes nothing)."""
    locked = _decidable(entry, by)
    if locked.status == EntryStatus.VERIFIED:
        return locked
    before = _entry_facts(locked)
    locked.status, locked.query, locked.decided_by, locked.decided_at = (
        EntryStatus.VERIFIED, "", by, timezone.now())
    locked.save(update_fields=["status", "query", "decided_by", "decided_at"])
    trail.record(actor=by, action="off-the-job hours verified", obj=locked, enrolment_id=locked.enrolment_id,
                 before=before, after=_entry_facts(locked))
    return locked


@transaction.atomic
def entry_query(*, entry: OtjEntry, by: User, comment: str) -> OtjEntry:
    """The assessor queries an entry with a comment to the candidate, who corrects and resubmits it."""
    locked = _decidable(entry, by)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what the candidate should check or correct.")})
    if locked.status == EntryStatus.VERIFIED:
        raise ValidationError(_("This entry is already verified."), code="verified")
    before = _entry_facts(locked)
    locked.status, locked.query, locked.decided_by, locked.decided_at = (
        EntryStatus.QUERIED, comment.strip(), by, timezone.now())
    locked.save(update_fields=["status", "query", "decided_by", "decided_at"])
    trail.record(actor=by, action="off-the-job hours queried", obj=locked, enrolment_id=locked.enrolment_id,
                 before=before, after={**_entry_facts(locked), "comments": locked.query})
    return locked
