"""Named reads of the assessment workflow: caseload, review queue, unit progress, sampling, eligibility, history.

Every read starts from the gate (candidates/access.py) and costs a fixed number of
queries whatever the amount of data (tests/assessments pin the counts).
"""

from __future__ import annotations

import datetime
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, NullIf
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from audit import sentences
from audit.models import AuditRecord
from candidates import access
from candidates.forms.people import by_name, first_people, first_people_query
from candidates.listing import EnrolmentSearch
from candidates.models import (
    Enrolment,
    Role,
    RoleKind,
    StaffMember,
    UnitChoice,
    User,
    centres_by_arm,
    visible_arms,
)
from evidence.models import EvidenceItem, EvidenceVersion, Mapping, MappingStatus, VersionStatus
from evidence.reads import mapping_counts, units_for
from portfolio_site.paging import CountedRows
from portfolio_site.prepared import counted, prepared
from units.cache import cached_spec
from units.models import AssessableItem, Qualification, Unit
from units.rules import Spec

from .models import (
    ActionPoint,
    Decision,
    DecisionOutcome,
    ItemSignOff,
    LearnerDeclaration,
    Question,
    UnitSignOff,
    Visit,
)
from .working_hours import working_hours_between

# --------------------------------------------------------------------------- what waits for the assessor


def awaiting_review(items: QuerySet[EvidenceItem]) -> QuerySet[EvidenceItem]:
    """Items whose current version is submitted and has a claim not yet judged, or no mapping at all."""
    current = OuterRef("current_version_id")
    # Scalar subqueries of one row rather than EXISTS: PostgreSQL answers these with one index probe a row, where
    # it may turn EXISTS into a hash over every mapping of every portfolio.
    return items.filter(current_version__status=VersionStatus.SUBMITTED).alias(
        first_claim=Subquery(Mapping.objects.filter(version_id=current, status=MappingStatus.CLAIMED).order_by()
                             .values("pk")[:1]),
        first_mapping=Subquery(Mapping.objects.filter(version_id=current).order_by().values("pk")[:1]),
    ).filter(Q(first_claim__isnull=False) | Q(first_mapping__isnull=True))


def assessed_by(user: User) -> QuerySet[Enrolment]:
    """The enrolments `user` assesses (named as assessor and holding the role in the centre)."""
    return access.enrolments_visible_to(user).filter(assessor=user)


def _assessed_by_arms(person: int, assessing: list[int], assuring: list[int],
                      whole: list[int]) -> QuerySet[Enrolment]:
    """`assessed_by` of the person `person` whose roles put them in `centres_by_arm`'s centres: the build of the
    prepared reads of an assessor's enrolments."""
    return Enrolment.objects.filter(visible_arms(person, assessing, assuring, whole)).filter(assessor_id=person)


_assessed_qualifications = prepared(lambda person, assessing, assuring, whole: Qualification.objects.filter(
    pk__in=_assessed_by_arms(person, assessing, assuring, whole).values("qualification_id")
).order_by("title", "version"))


def assessed_qualifications(user: User) -> list[Qualification]:
    """The qualifications of the enrolments `user` assesses, by title (the search filter of their lists); one
    query, its SQL compiled once a process."""
    arms = access.arms_of(user)
    if arms is None:
        return list(Qualification.objects.filter(pk__in=assessed_by(user).values("qualification_id"))
                    .order_by("title", "version"))
    return _assessed_qualifications(**arms)


def review_queue(user: User, search: EnrolmentSearch | None = None) -> QuerySet[EvidenceItem]:
    """Submitted evidence waiting for `user`'s judgement across their caseload (narrowed to the enrolments of
    `search`), oldest first (one query a page)."""
    enrolments = search.apply(assessed_by(user)) if search else assessed_by(user)
    items = awaiting_review(EvidenceItem.objects.filter(enrolment__in=enrolments.values("pk")))
    # A correlated count rather than Count() over a join: no GROUP BY over every selected column.
    claims = (
        Mapping.objects.filter(version_id=OuterRef("current_version_id"), status=MappingStatus.CLAIMED)
        .order_by().values("version_id").annotate(n=Count("pk")).values("n")
    )
    return (
        items.select_related("current_version", "enrolment__candidate", "enrolment__qualification")
        .annotate(claims=Coalesce(Subquery(claims), 0))
        .order_by("current_version__submitted_at", "pk")
    )


# The count of the review queue's pages, unsearched: the same shape for every assessor, compiled once a process.
_review_queue_count = prepared(lambda person, assessing, assuring, whole: counted(
    awaiting_review(EvidenceItem.objects.filter(enrolment__in=_assessed_by_arms(person, assessing, assuring, whole)
                                                .values("pk")))
))


def review_queue_listed(user: User, search: EnrolmentSearch) -> QuerySet[EvidenceItem] | CountedRows:
    """`review_queue` to page: unsearched, its count is a prepared read (its SQL compiled once a process)."""
    queue = review_queue(user, search)
    arms = access.arms_of(user)
    if arms is None or search.is_filtered:
        return queue
    return CountedRows(queue, lambda: _review_queue_count(**arms)[0])


@dataclass
class CaseloadRow:
    enrolment: Enrolment
    items_total: int = 0
    items_signed: int = 0
    units_signed: int = 0
    awaiting: int = 0
    oldest_evidence: datetime.datetime | None = None
    unanswered: int = 0
    oldest_question: datetime.datetime | None = None
    next_visit: datetime.datetime | None = None
    overdue_actions: int = 0
    waiting_hours: float = 0.0
    past_target: bool = False

    @property
    def progress(self) -> int:
        """Per cent of the chosen units' assessable items signed off."""
        return round(100 * self.items_signed / self.items_total) if self.items_total else 0


CASELOAD_SORTS = {
    "candidate": lambda row: (row.enrolment.candidate.last_name.lower(), row.enrolment.candidate.first_name.lower()),
    "progress": lambda row: (row.progress, row.enrolment.pk),
    "awaiting": lambda row: (-row.awaiting, row.enrolment.pk),
    "questions": lambda row: (-row.unanswered, row.enrolment.pk),
    "waiting": lambda row: (-row.waiting_hours, row.enrolment.pk),
    "visit": lambda row: (row.next_visit is None, row.next_visit or 0, row.enrolment.pk),
    "overdue": lambda row: (-row.overdue_actions, row.enrolment.pk),
}


def _by_enrolment(rows: Iterable[dict], key: str = "enrolment_id") -> dict[int, dict]:
    return {row[key]: row for row in rows}


# The home page's sums of the caseload, read per enrolment in the same shapes for every assessor: compiled once a
# process (portfolio_site.prepared).
_awaiting_per_enrolment = prepared(lambda ids: (
    awaiting_review(EvidenceItem.objects.filter(enrolment_id__in=ids)).values("enrolment_id")
    .annotate(n=Count("pk"), oldest=Min("current_version__submitted_at")).order_by()
))
_asked_per_enrolment = prepared(lambda ids: (
    # The questions waiting for the assessor: those the candidate asked (the assessor's own wait for her).
    Question.objects.filter(
        enrolment_id__in=ids, answered_at__isnull=True, asked_by_id=F("enrolment__candidate_id")
    ).values("enrolment_id")
    .annotate(n=Count("pk"), oldest=Min("asked_at")).order_by()
))
_overdue_per_enrolment = prepared(lambda ids, today: (
    ActionPoint.objects.filter(enrolment_id__in=ids).overdue(today).values("enrolment_id")
    .annotate(n=Count("pk")).order_by()
))


def _waiting(ids: list[int]) -> tuple[dict[int, dict], dict[int, dict]]:
    """Per enrolment: evidence awaiting review, and questions the candidate asked still unanswered (each a count
    `n` and the oldest's time). Two queries."""
    return _by_enrolment(_awaiting_per_enrolment(ids=ids)), _by_enrolment(_asked_per_enrolment(ids=ids))


def _overdue_actions(ids: list[int], today: datetime.date) -> dict[int, dict]:
    """Per enrolment: how many action points are overdue (`n`). One query."""
    return _by_enrolment(_overdue_per_enrolment(ids=ids, today=today))


def _waiting_hours(oldest_evidence: datetime.datetime | None, oldest_question: datetime.datetime | None,
                   now: datetime.datetime) -> float | None:
    """Working hours since the oldest thing waiting for the assessor; None when nothing waits."""
    oldest = min(filter(None, (oldest_evidence, oldest_question)), default=None)
    return None if oldest is None else working_hours_between(oldest, now)


def _per_enrolment(rows: QuerySet[Any], value: Any) -> Subquery:
    """`value` (an aggregate) over `rows`, a queryset narrowed to one enrolment by an OuterRef: a correlated
    subquery of one row (NULL when `rows` is empty)."""
    return Subquery(rows.order_by().values("enrolment_id").annotate(value=value).values("value"))


def _caseload_figures(assessor: int, now: datetime.datetime, today: datetime.date) -> QuerySet[Enrolment]:
    """Each figure of the caseload's rows for every enrolment `assessor` is named on (values_list: pk, items
    total, items signed, units signed, unanswered questions, the oldest's time, the next visit, overdue action
    points): correlated subqueries, each answered by index probes for each enrolment."""
    enrolment = OuterRef("pk")
    # The questions waiting for the assessor: those the candidate asked (the assessor's own wait for her).
    asked = Question.objects.filter(enrolment_id=enrolment, answered_at__isnull=True,
                                    asked_by_id=OuterRef("candidate_id"))
    chosen = _per_enrolment(UnitChoice.objects.filter(enrolment_id=enrolment), Count("unit__items"))
    # Without chosen units (or with none holding an item) a portfolio counts every unit of its qualification, as
    # evidence.reads.units_for does; COALESCE asks for that count only then.
    whole = Subquery(
        AssessableItem.objects.filter(unit__qualification_id=OuterRef("qualification_id")).order_by()
        .values("unit__qualification_id").annotate(n=Count("pk")).values("n")
    )
    return Enrolment.objects.filter(assessor_id=assessor).order_by().annotate(
        items_total=Coalesce(NullIf(chosen, 0), whole, 0),
        items_signed=_per_enrolment(ItemSignOff.objects.current().filter(enrolment_id=enrolment), Count("pk")),
        units_signed=_per_enrolment(UnitSignOff.objects.current().filter(enrolment_id=enrolment), Count("pk")),
        unanswered=_per_enrolment(asked, Count("pk")),
        oldest_question=_per_enrolment(asked, Min("asked_at")),
        next_visit=_per_enrolment(
            Visit.objects.filter(enrolment_id=enrolment, planned_for__gte=now, cancelled_at__isnull=True),
            Min("planned_for")),
        overdue_actions=_per_enrolment(ActionPoint.objects.filter(enrolment_id=enrolment).overdue(today),
                                       Count("pk")),
    ).values_list("pk", "items_total", "items_signed", "units_signed", "unanswered", "oldest_question",
                  "next_visit", "overdue_actions")


def _caseload_awaiting(ids: list[int]) -> QuerySet[EvidenceItem]:
    """Evidence awaiting review of the enrolments `ids` (values_list: enrolment, how many, the oldest's
    submission), counted in one pass (as a subquery a row, PostgreSQL may scan every submitted version for each
    enrolment; so it may for the enrolments of an assessor, where it cannot tell how many they are)."""
    return (
        awaiting_review(EvidenceItem.objects.filter(enrolment_id__in=ids))
        .values("enrolment_id").annotate(n=Count("pk"), oldest=Min("current_version__submitted_at")).order_by()
        .values_list("enrolment_id", "n", "oldest")
    )


# The caseload's reads, of the same shapes for every assessor (their enrolments, what `assessed_by` reads,
# unsearched): compiled once a process (portfolio_site.prepared); a caseload of more than prepared.MOST_IDS
# enrolments reads its evidence awaiting review through the ORM.
_caseload_enrolments = prepared(lambda person, assessing, assuring, whole: (
    _assessed_by_arms(person, assessing, assuring, whole).exclude(status="withdrawn")
    .select_related("candidate", "qualification")
))
_caseload_ids = prepared(lambda person, assessing, assuring, whole: (
    _assessed_by_arms(person, assessing, assuring, whole).exclude(status="withdrawn")
    .values_list("pk", flat=True)
))
_figures = prepared(_caseload_figures)
_awaiting = prepared(_caseload_awaiting)


def caseload(user: User, *, sort: str = "waiting", now: datetime.datetime | None = None,
             search: EnrolmentSearch | None = None) -> list[CaseloadRow]:
    """The assessor's candidates (those of `search`) with progress and everything waiting, sorted by `sort`.
    Three queries (five searching for those behind plan): the enrolments; the figures of every enrolment the
    assessor is named on; the evidence awaiting review of the enrolments listed (only the first when none is); the
    SQL of each compiled once a process (the enrolments' when unsearched)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    arms = access.arms_of(user)
    if arms is not None and not (search and search.is_filtered):
        enrolments = _caseload_enrolments(**arms)
    else:
        mine = assessed_by(user).exclude(status="withdrawn")
        if search:
            mine = search.apply(mine, now=now)
        enrolments = list(mine.select_related("candidate", "qualification"))
    ids = [enrolment.pk for enrolment in enrolments]
    figures, waiting = {}, {}
    if ids:
        figures = {row[0]: row for row in _figures(assessor=user.pk, now=now, today=today)}
        waiting = {row[0]: row for row in _awaiting(ids=ids)}
    target = settings.RESPONSE_TARGET_WORKING_HOURS
    rows = []
    for enrolment in enrolments:
        _, total, signed, units, unanswered, oldest_question, next_visit, overdue = figures[enrolment.pk]
        _, awaiting, oldest_evidence = waiting.get(enrolment.pk, (None, 0, None))
        row = CaseloadRow(
            enrolment=enrolment, items_total=total, items_signed=signed or 0, units_signed=units or 0,
            awaiting=awaiting, oldest_evidence=oldest_evidence, unanswered=unanswered or 0,
            oldest_question=oldest_question, next_visit=next_visit, overdue_actions=overdue or 0,
        )
        hours = _waiting_hours(row.oldest_evidence, row.oldest_question, now)
        if hours is not None:
            row.waiting_hours = hours
            row.past_target = hours > target
        rows.append(row)
    rows.sort(key=CASELOAD_SORTS.get(sort, CASELOAD_SORTS["waiting"]))
    return rows


def caseload_totals(user: User, *, now: datetime.datetime | None = None) -> dict[str, int]:
    """What the assessor's home page says of their caseload: the sums of `caseload`'s rows (candidates, evidence
    awaiting review, unanswered questions, candidates past the response target, overdue action points), without
    the progress figures it does not show. Four queries."""
    now = now or timezone.now()
    arms = access.arms_of(user)
    if arms is not None:
        ids = _caseload_ids(**arms)
    else:
        ids = list(assessed_by(user).exclude(status="withdrawn").values_list("pk", flat=True))
    waiting, questions = _waiting(ids)
    overdue = _overdue_actions(ids, timezone.localdate(now))
    target = settings.RESPONSE_TARGET_WORKING_HOURS
    past_target = 0
    for pk in ids:
        hours = _waiting_hours(waiting.get(pk, {}).get("oldest"), questions.get(pk, {}).get("oldest"), now)
        past_target += hours is not None and hours > target
    return {
        "candidates": len(ids),
        "awaiting": sum(row["n"] for row in waiting.values()),
        "unanswered": sum(row["n"] for row in questions.values()),
        "past_target": past_target,
        "overdue": sum(row["n"] for row in overdue.values()),
    }


@dataclass
class ApprenticeRow:
    """One apprentice on their employer contact's page: progress in items and units, open action points."""

    enrolment: Enrolment
    items_total: int = 0
    items_signed: int = 0
    units_achieved: int = 0
    open_actions: int = 0
    overdue_actions: int = 0

    @property
    def progress(self) -> int:
        """Per cent of the chosen units' assessable items signed off."""
        return round(100 * self.items_signed / self.items_total) if self.items_total else 0


def apprentices(user: User, today: datetime.date | None = None) -> list[ApprenticeRow]:
    """The apprentices `user` follows as an employer contact, with their progress. Seven queries, however many."""
    today = today or timezone.localdate()
    enrolments = list(access.enrolments_followed_by(user).select_related("candidate", "qualification", "employer"))
    ids = [e.pk for e in enrolments]
    totals = _by_enrolment(
        UnitChoice.objects.filter(enrolment_id__in=ids).values("enrolment_id").annotate(n=Count("unit__items"))
        .order_by()
    )
    whole = _by_enrolment(
        AssessableItem.objects.filter(unit__qualification_id__in={e.qualification_id for e in enrolments})
        .values("unit__qualification_id").annotate(n=Count("pk")).order_by(),
        key="unit__qualification_id",
    )
    signed = _by_enrolment(
        ItemSignOff.objects.current().filter(enrolment_id__in=ids).values("enrolment_id").annotate(n=Count("pk"))
        .order_by()
    )
    achieved = achieved_units(ids)
    points = _by_enrolment(
        ActionPoint.objects.filter(enrolment_id__in=ids).open().values("enrolment_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due__lt=today))).order_by()
    )
    return [
        ApprenticeRow(
            enrolment=enrolment,
            items_total=totals.get(enrolment.pk, {}).get("n") or whole.get(enrolment.qualification_id, {}).get("n", 0),
            items_signed=signed.get(enrolment.pk, {}).get("n", 0),
            units_achieved=len(achieved.get(enrolment.pk, [])),
            open_actions=points.get(enrolment.pk, {}).get("n", 0),
            overdue_actions=points.get(enrolment.pk, {}).get("late", 0),
        )
        for enrolment in enrolments
    ]


# --------------------------------------------------------------------------- one portfolio's units


@dataclass
class ItemStatus:
    item: AssessableItem
    counts: dict[str, int] = field(default_factory=dict)
    sign_off: ItemSignOff | None = None

    @property
    def status(self) -> str:
        """signed off, else accepted, referred, claimed, or none."""
        if self.sign_off is not None:
            return "signed_off"
        return MappingStatus.strongest(self.counts)


@dataclass
class UnitStatus:
    unit: Unit
    items: list[ItemStatus]
    declaration: LearnerDeclaration | None = None
    sign_off: UnitSignOff | None = None  # the current one
    referrals: list[UnitSignOff] = field(default_factory=list)  # superseded sign-offs, newest first

    @property
    def items_signed(self) -> int:
        return sum(1 for item in self.items if item.sign_off is not None)

    @property
    def has_assessed_work(self) -> bool:
        """Some item is signed off or has accepted evidence: the candidate has something to declare their own."""
        return any(item.status in ("signed_off", MappingStatus.ACCEPTED) for item in self.items)

    @property
    def ready_to_sign(self) -> bool:
        return self.sign_off is None and self.items_signed == len(self.items) and bool(self.items)

    @property
    def state(self) -> str:
        """countersigned, sampled (awaiting the IQA), signed_off, referred_by_iqa, in_progress or not_started."""
        if self.sign_off is not None:
            if self.sign_off.countersignature_row:
                return "countersigned"
            return "sampled" if self.sign_off.sample_row else "signed_off"
        if self.referrals:
            return "referred_by_iqa"
        if any(item.status != "none" for item in self.items):
            return "in_progress"
        return "not_started"


def unit_statuses(enrolment: Enrolment, units: list[Unit] | None = None) -> list[UnitStatus]:
    """Each of the candidate's units with its items' evidence, sign-offs (and the evidence they pinned) and the unit's.

    A fixed number of queries (the units, their items, mapping counts, item sign-offs and their pinned evidence,
    declarations, unit sign-offs).
    """
    units = units if units is not None else units_for(enrolment)
    counts = mapping_counts(enrolment)
    item_sign_offs = {s.assessable_item_id: s for s in ItemSignOff.objects.current().filter(enrolment=enrolment)
                      .select_related("by").prefetch_related("evidence")}
    declarations = {d.unit_id: d for d in LearnerDeclaration.objects.filter(enrolment=enrolment)}
    sign_offs: dict[int, list[UnitSignOff]] = defaultdict(list)
    for sign_off in (
        UnitSignOff.objects.filter(enrolment=enrolment).select_related(
            "by", "countersignature__by", "referral__by", "sample__by").order_by("-at", "-pk")
    ):
        _load_review(sign_off)
        sign_offs[sign_off.unit_id].append(sign_off)
    statuses = []
    for unit in units:
        history = sign_offs.get(unit.pk, [])
        current = next((s for s in history if s.referral_row is None), None)
        statuses.append(UnitStatus(
            unit=unit,
            items=[ItemStatus(item=item, counts=counts.get(item.pk, {}), sign_off=item_sign_offs.get(item.pk))
                   for item in unit.assessable_items()],
            declaration=declarations.get(unit.pk),
            sign_off=current,
            referrals=[s for s in history if s.referral_row is not None],
        ))
    return statuses


def _load_review(sign_off: UnitSignOff) -> None:
    """Set `countersignature_row`, `referral_row` and `sample_row` (or None) from the select_related one-to-ones."""
    for name in ("countersignature", "referral", "sample"):
        try:
            row = getattr(sign_off, name)
        except ObjectDoesNotExist:  # absent: select_related already knows, so no query is made
            row = None
        setattr(sign_off, f"{name}_row", row)


def signed_off_items(enrolment: Enrolment) -> tuple[set[int], set[int]]:
    """The ids of the enrolment's signed-off items, and of its units whose current sign-off is countersigned.

    Two queries; for the tracking matrix.
    """
    items = set(ItemSignOff.objects.current().filter(enrolment=enrolment).values_list("assessable_item_id", flat=True))
    units = set(
        UnitSignOff.objects.current().filter(enrolment=enrolment, countersignature__isnull=False)
        .values_list("unit_id", flat=True)
    )
    return items, units


# --------------------------------------------------------------------------- eligibility


@dataclass(frozen=True)
class Eligibility:
    achieved: tuple[str, ...]
    full: bool
    combination: tuple[str, ...] = ()  # a valid combination of achieved units, when full
    reasons: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        if self.full:
            return gettext("Eligible for the full qualification with units %(units)s.") % {
                "units": ", ".join(self.combination)}
        if self.achieved:
            return gettext("Eligible for unit certificates: %(units)s.") % {"units": ", ".join(self.achieved)}
        return gettext("Not yet eligible: no unit is achieved.")


def achieved_units(enrolment_ids: Iterable[int]) -> dict[int, list[str]]:
    """Unit codes achieved per enrolment: a current sign-off (countersigned where the IQA sampled it). One query.

    A sign-off outside the IQA's sample counts; one in the sample counts once countersigned; one the IQA
    referred is superseded and does not.
    """
    achieved: dict[int, list[str]] = defaultdict(list)
    for enrolment_id, code in (
        UnitSignOff.objects.current().filter(enrolment_id__in=list(enrolment_ids))
        .filter(Q(sample__isnull=True) | Q(countersignature__isnull=False))
        .order_by("unit__order", "unit__code").values_list("enrolment_id", "unit__code")
    ):
        achieved[enrolment_id].append(code)
    return achieved


def eligibility(enrolment: Enrolment, achieved: list[str], spec: Spec) -> Eligibility:
    """What the achieved units earn: the full qualification (and by which combination) or unit certificates."""
    from units.planner import Impossible, plan

    if not achieved:
        return Eligibility(achieved=(), full=False)
    pathway = enrolment.pathway.name if enrolment.pathway_id else None
    result = plan(spec, achieved, allowed=achieved, pathway=pathway)
    if isinstance(result, Impossible):
        return Eligibility(achieved=tuple(achieved), full=False, reasons=result.reasons)
    return Eligibility(achieved=tuple(achieved), full=True, combination=result.units)


def eligibility_of(enrolment: Enrolment) -> Eligibility:
    """What one enrolment's achieved units earn now: one query, and the spec's when a unit is achieved."""
    achieved = achieved_units([enrolment.pk]).get(enrolment.pk, [])
    return eligibility(enrolment, achieved, cached_spec(enrolment.qualification) if achieved else None)


# --------------------------------------------------------------------------- IQA sampling


@dataclass
class AssessorSample:
    assessor: User
    signed: int = 0
    sampled: int = 0
    rate: float = 0.25

    @property
    def needed(self) -> int:
        return math.ceil(self.signed * self.rate)

    @property
    def met(self) -> bool:
        return self.sampled >= self.needed

    @property
    def summary(self) -> str:
        """'Ash Assessor: 2 of 8 units sampled, 25% needs 2: met'."""
        if not self.signed:
            return gettext("%(assessor)s: no unit signed off yet") % {"assessor": self.assessor}
        values = {"assessor": self.assessor, "sampled": self.sampled, "signed": self.signed,
                  "rate": round(self.rate * 100), "needed": self.needed, "more": self.needed - self.sampled}
        if self.met:
            text = ngettext(
                "%(assessor)s: %(sampled)s of %(signed)s unit sampled, %(rate)s%% needs %(needed)s: met",
                "%(assessor)s: %(sampled)s of %(signed)s units sampled, %(rate)s%% needs %(needed)s: met",
                self.signed,
            )
        else:
            text = ngettext(
                "%(assessor)s: %(sampled)s of %(signed)s unit sampled, %(rate)s%% needs %(needed)s: "
                "%(more)s more to sample",
                "%(assessor)s: %(sampled)s of %(signed)s units sampled, %(rate)s%% needs %(needed)s: "
                "%(more)s more to sample",
                self.signed,
            )
        return text % values


def _reading_centres(user: User) -> list[int]:
    """The centres whose every sign-off `user` reads (as their centre admin or EQA); the roles read once."""
    return sorted(centre for centre, kinds in user.roles_by_centre().items()
                  if not kinds.isdisjoint({RoleKind.CENTRE_ADMIN, RoleKind.EQA}))


def _sampling_arms(user: User) -> dict[str, Any] | None:
    """`access.arms_of(user)` with the centres they read whole (`reading`), for the prepared reads of the sampling
    page; None for whom the ORM reads it."""
    arms = access.arms_of(user)
    return None if arms is None else {**arms, "reading": _reading_centres(user)}


def _sign_offs_sampled(person: int, assessing: list[int], assuring: list[int], whole: list[int],
                       reading: list[int]) -> QuerySet[UnitSignOff]:
    """`sampling_sign_offs` unsearched, of the person `person` (not a superuser) whose roles put them in
    `centres_by_arm`'s centres and who reads the centres `reading` whole."""
    # Conditions on the sign-off's own enrolment (its join), with the centres as literal lists (the roles read
    # once for the request), rather than a subquery of enrolments: the database then starts from the IQA's
    # hundred enrolments (the enrolment's IQA index), not from every sign-off of the centre.
    assures = Q(enrolment__iqa_id=person)
    if reading:
        assures |= Q(enrolment__centre_id__in=reading)
    return (UnitSignOff.objects.filter(visible_arms(person, assessing, assuring, whole, prefix="enrolment__"))
            .filter(assures))


def sampling_sign_offs(user: User, search: EnrolmentSearch | None = None) -> QuerySet[UnitSignOff]:
    """Every unit sign-off `user` quality-assures (as the enrolment's IQA) or, for a centre admin or EQA, reads;
    of the enrolments of `search` when given."""
    if not user.is_authenticated or not user.is_active:
        return UnitSignOff.objects.none()
    sign_offs = UnitSignOff.objects.all()
    if not user.is_superuser:
        assessing, assuring, whole = centres_by_arm(user)
        sign_offs = _sign_offs_sampled(user.pk, assessing, assuring, whole, _reading_centres(user))
    if search:
        sign_offs = sign_offs.filter(enrolment__in=search.apply(access.enrolments_visible_to(user)).values("pk"))
    # Never one's own portfolio: a member of staff enrolled at their centre is sampled by another IQA.
    return sign_offs.exclude(enrolment__candidate=user)


def sampling_qualifications(user: User) -> QuerySet[Qualification]:
    """The qualifications of the enrolments whose sign-offs `user` samples, for the search's filter: each asks
    whether such an enrolment exists (one probe of the IQA's or the centre's index, stopping at the first), not
    whether a sign-off does (which reads every enrolment of a qualification without one)."""
    if not user.is_authenticated or not user.is_active:
        return Qualification.objects.none()
    if user.is_superuser:
        return Qualification.objects.filter(Exists(Enrolment.objects.filter(qualification=OuterRef("pk"))))
    return _qualifications_sampled(user.pk, _reading_centres(user))


def _qualifications_sampled(person: int, reading: list[int]) -> QuerySet[Qualification]:
    """`sampling_qualifications` of the person `person` (not a superuser) who reads the centres `reading` whole."""
    condition = Exists(Enrolment.objects.filter(qualification=OuterRef("pk"), iqa_id=person))
    if reading:
        # The first enrolment in the order of the centre's (centre, qualification) index: so asked, the database
        # walks that index to it rather than reading the table until one turns up (which may be at its end).
        first = (Enrolment.objects.filter(centre_id__in=reading, qualification=OuterRef("pk"))
                 .order_by("pk").values("pk")[:1])
        return Qualification.objects.alias(first_here=Subquery(first)).filter(
            condition | Q(first_here__isnull=False))
    return Qualification.objects.filter(condition)


# What the IQA did with a unit sign-off, for the sampling page's filter.
SAMPLING_STATES = {
    "open": Q(sample__isnull=True, countersignature__isnull=True, referral__isnull=True),
    "sampled": Q(sample__isnull=False, countersignature__isnull=True, referral__isnull=True),
    "countersigned": Q(countersignature__isnull=False),
    "referred": Q(referral__isnull=False),
}
SAMPLING_ORDER = {
    "assessor": ("by__last_name", "by__first_name", "by__email", "-at", "-pk"),
    "unit": ("unit__code", "unit__title", "-at", "-pk"),
    "candidate": ("enrolment__candidate__last_name", "enrolment__candidate__first_name", "-at", "-pk"),
}


def sampling_list(user: User, *, search: EnrolmentSearch | None = None, state: str = "",
                  group: str = "assessor") -> QuerySet[UnitSignOff]:
    """The sign-offs of the sampling page, searched and in the order of `group`; one query a page
    (`load_reviews` on the rows of the page sets what the IQA did)."""
    sign_offs = sampling_sign_offs(user, search)
    if state in SAMPLING_STATES:
        sign_offs = sign_offs.filter(SAMPLING_STATES[state])
    return sign_offs.select_related(
        "enrolment__candidate", "enrolment__qualification", "unit", "by", "countersignature__by", "referral__by",
        "sample__by",
    ).order_by(*SAMPLING_ORDER.get(group, SAMPLING_ORDER["assessor"]))


def load_reviews(sign_offs: Iterable[UnitSignOff]) -> None:
    """Set `countersignature_row`, `referral_row` and `sample_row` on rows of `sampling_list`; no query."""
    for sign_off in sign_offs:
        _load_review(sign_off)


#: The roles of a centre's staff who may have signed units off there as its assessors before.
FORMER_ASSESSOR_KINDS = (RoleKind.IQA, RoleKind.CENTRE_ADMIN, RoleKind.EQA)


def _sampling_assessor_lists(user: User, of: str) -> list[QuerySet[Any]]:
    """The lists of user ids whose union is `sampling_assessor_ids`, each read through one index."""
    if user.is_superuser:
        return [UnitSignOff.objects.order_by().values(of)]
    assessing, assuring, whole = centres_by_arm(user)
    return _assessor_lists(user.pk, assessing, assuring, whole, _reading_centres(user), of)


def _assessor_lists(person: int, assessing: list[int], assuring: list[int], whole: list[int], reading: list[int],
                    of: str) -> list[QuerySet[Any]]:
    """`_sampling_assessor_lists` of the person `person` (not a superuser) whose roles put them in
    `centres_by_arm`'s centres and who reads the centres `reading` whole."""
    lists = [_sign_offs_sampled(person, assessing, assuring, whole, reading).exclude(enrolment__candidate_id=person)
             .filter(enrolment__iqa_id=person).order_by().values(of)]
    if reading:
        lists += [Role.objects.filter(centre_id__in=reading, kind=RoleKind.ASSESSOR).order_by().values("user_id"),
                  StaffMember.objects.filter(centre_id__in=reading, deactivated_at__isnull=False).order_by()
                  .values("user_id"),
                  # Staff who assess no longer but signed units off here (an assessor who became the centre's IQA,
                  # say): their past sign-offs still count. Their sign-offs are read person by person through
                  # the sign-offs' assessor index, for the centre's other staff only (a fifth of its assessors).
                  UnitSignOff.objects.filter(
                      enrolment__centre_id__in=reading,
                      by__in=Role.objects.filter(centre_id__in=reading, kind__in=FORMER_ASSESSOR_KINDS)
                      .values("user_id"),
                  ).order_by().values(of)]
    return lists


def sampling_assessor_ids(user: User, *, of: str = "by_id") -> QuerySet[Any]:
    """The ids of the assessors whose sampling `user` follows, each once, read through indexes alone (to count).

    At a centre `user` reads whole (as its admin or EQA): every assessor of the centre, and every deactivated
    member of its staff (whose past sign-offs still count), by the centre's role and staff indexes rather than
    by grouping every sign-off of the centre. Of the enrolments `user` quality-assures: the assessors of their
    sign-offs (`of` "by_id", who signed off) or of the enrolments themselves (`of` "enrolment__assessor_id", for
    the assessor filter). A superuser follows everyone who signed off a unit anywhere.
    """
    if not user.is_authenticated or not user.is_active:
        return User.objects.none().values("pk")
    first, *others = _sampling_assessor_lists(user, of)
    return first.union(*others) if others else first.distinct()


def sampling_assessors(user: User, *, of: str = "by_id") -> QuerySet[User]:
    """The people of `sampling_assessor_ids`, in name order: the people's name index walked in order, each person
    tested against the lists (each read once into a hash), so that a page of 50 does not sort every assessor."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    return _people_of(_sampling_assessor_lists(user, of))


def _people_of(lists: list[QuerySet[Any]]) -> QuerySet[User]:
    """The people whose ids are in one of `lists`, in name order."""
    condition = Q()
    for ids in lists:
        condition |= Q(pk__in=ids)
    return User.objects.filter(condition).order_by(*access.NAME_ORDER)


# The sampling page's search filter, of the same shapes for every IQA: compiled once a process.
_sampled_qualifications = prepared(lambda person, reading: (
    _qualifications_sampled(person, reading).order_by("title", "version")))
_first_assessors_sampled = prepared(lambda person, assessing, assuring, whole, reading: (
    first_people_query(_people_of(_assessor_lists(person, assessing, assuring, whole, reading,
                                                 "enrolment__assessor_id")))))


def sampling_search_choices(user: User) -> tuple[list[Qualification], list[User]]:
    """The qualifications (by title) and at most PICKER_LIMIT + 1 of the assessors (`first_people`) of the
    sampling page's search filter: two queries, their SQL compiled once a process."""
    arms = _sampling_arms(user)
    if arms is None:
        return (list(sampling_qualifications(user).order_by("title", "version")),
                first_people(sampling_assessors(user, of="enrolment__assessor_id")))
    return (_sampled_qualifications(person=arms["person"], reading=arms["reading"]),
            by_name(_first_assessors_sampled(**arms)))


def with_sampling(user: User, people: QuerySet[User]) -> QuerySet[User]:
    """`people` with ``signed`` and ``sampled``: how many unit sign-offs `user` samples each of them made, and how
    many of those the IQA put in their sample, countersigned or referred; counted person by person through the
    sign-offs' assessor index (a page of the plan asks for its own 50 assessors, whatever the centre's size)."""
    reviewed = Q(sample__isnull=False) | Q(countersignature__isnull=False) | Q(referral__isnull=False)

    def count(*conditions: Q) -> Coalesce:
        counted = (sampling_sign_offs(user).filter(*conditions, by=OuterRef("pk")).order_by().values("by")
                   .annotate(n=Count("pk")).values("n"))
        return Coalesce(Subquery(counted), 0)

    return people.annotate(signed=count(), sampled=count(reviewed))


def samples_of(people: Iterable[User]) -> list[AssessorSample]:
    """The plan's lines of `people` read through `with_sampling`, in their order."""
    return [AssessorSample(assessor=person, signed=person.signed, sampled=person.sampled,  # type: ignore[attr-defined]
                           rate=settings.IQA_SAMPLING_RATE) for person in people]


def sampling_plan(user: User) -> list[AssessorSample]:
    """Each assessor's sampling against the plan over every sign-off `user` samples, in name order; one query.

    A unit sign-off counts as sampled once the IQA put it in their sample, countersigned or referred it.
    """
    return samples_of(with_sampling(user, sampling_assessors(user)))


def sampling(user: User) -> tuple[list[UnitSignOff], list[AssessorSample]]:
    """The signed-off units the user may sample, newest first, and each assessor's sampling against the plan.

    Three queries.
    """
    sign_offs = list(sampling_list(user).order_by("-at", "-pk"))
    load_reviews(sign_offs)
    return sign_offs, sampling_plan(user)


# --------------------------------------------------------------------------- history


@dataclass(frozen=True)
class HistoryEntry:
    """One audit record and the sentence that tells it."""

    record: AuditRecord
    sentence: str

    @property
    def before_json(self) -> str:
        return _raw_json(self.record.before)

    @property
    def after_json(self) -> str:
        return _raw_json(self.record.after)


def _raw_json(value: object) -> str:
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)


def history(enrolment: Enrolment) -> list[HistoryEntry]:
    """The enrolment's audit records in words, newest first. Three queries: the records, the actors' roles
    at the centre, the items and units the records name."""
    records = list(AuditRecord.objects.filter(enrolment_id=enrolment.pk).order_by("-at", "-id"))
    roles = _history_roles(enrolment, {record.actor_id for record in records} - {None})
    unit_codes = {sentences.unit_label(record) for record in records}
    items, units = {}, {}
    for item in (AssessableItem.objects.filter(unit__qualification_id=enrolment.qualification_id,
                                               unit__code__in=unit_codes).select_related("unit")):
        # A unit assessed as a whole has one item of the unit's own code: "B3", not "B3 B3".
        code = item.code if item.code == item.unit.code else f"{item.unit.code} {item.code}"
        items[str(item)] = gettext("%(code)s: %(title)s") % {"code": code, "title": item.text}
        units[item.unit.code] = gettext("%(code)s: %(title)s") % {"code": item.unit.code, "title": item.unit.title}
    return [
        HistoryEntry(record, sentences.sentence(record, sentences.Facts(
            role=roles.get(record.actor_id or 0, ""), items=items, units=units)))
        for record in records
    ]


def _history_roles(enrolment: Enrolment, actor_ids: set[int]) -> dict[int, str]:
    """The role each actor plays here: the candidate, the assessor or IQA, else their role at the centre."""
    held: dict[int, set[str]] = defaultdict(set)
    for user_id, kind in Role.objects.filter(centre_id=enrolment.centre_id, user_id__in=actor_ids).values_list(
            "user_id", "kind"):
        held[user_id].add(kind)
    roles = {}
    for user_id in actor_ids:
        named = {enrolment.candidate_id: RoleKind.CANDIDATE, enrolment.assessor_id: RoleKind.ASSESSOR,
                 enrolment.iqa_id: RoleKind.IQA}.get(user_id)
        kinds = [kind for kind in RoleKind.values if kind in held[user_id] and kind != RoleKind.CANDIDATE]
        roles[user_id] = named or next(iter(kinds), "")
    return roles


def decisions_of(enrolment: Enrolment) -> QuerySet[Decision]:
    return Decision.objects.filter(enrolment=enrolment).select_related("by", "assessable_item__unit", "version")



# --------------------------------------------------------------------------- revising referred evidence


def referral_feedback(version: EvidenceVersion) -> list[Decision]:
    """The referrals on the claims of the version before `version` (the feedback a revision answers), oldest first,
    with each referred item and the assessor who referred it. One query, none for a first version."""
    if version.number <= 1:
        return []
    return list(
        Decision.objects.filter(
            version__item_id=version.item_id, version__number=version.number - 1, outcome=DecisionOutcome.REFERRED,
        ).select_related("assessable_item__unit", "by").order_by("at", "pk")
    )


def has_referral(version: EvidenceVersion) -> bool:
    """Whether some claim of `version` stands referred (the candidate is invited to revise it). One query."""
    return version.mappings.filter(status=MappingStatus.REFERRED).exists()


# --------------------------------------------------------------------------- guarding a plan change


def assessed_work(enrolment: Enrolment, codes: Iterable[str]) -> dict[str, str]:
    """{unit code: what becomes of its signed-off work if the unit leaves the plan} for those of `codes` with a
    current unit or item sign-off. Two queries."""
    codes = list(codes)
    units = {s.unit.code: s for s in UnitSignOff.objects.current().filter(enrolment=enrolment, unit__code__in=codes)
             .select_related("unit", "by")}
    items: dict[str, list[str]] = defaultdict(list)
    for unit_code, code in (
        ItemSignOff.objects.current().filter(enrolment=enrolment, assessable_item__unit__code__in=codes)
        .order_by("assessable_item__order", "pk").values_list("assessable_item__unit__code", "assessable_item__code")
    ):
        items[unit_code].append(code)
    work: dict[str, str] = {}
    for code in codes:
        sign_off = units.get(code)
        if sign_off is not None:
            work[code] = _(
                "Unit %(unit)s was signed off by %(who)s on %(when)s. The sign-off stays on record and still counts "
                "towards unit certificates, but %(unit)s leaves your plan: it is no longer shown on your progress "
                "page or tracking matrix, and no new evidence can be mapped to it. Choose it again to bring it back "
                "as it was."
            ) % {"unit": code, "who": sign_off.by, "when": formats.date_format(timezone.localtime(sign_off.at))}
        elif items.get(code):
            work[code] = ngettext(
                "%(count)d item of unit %(unit)s is signed off (%(items)s).",
                "%(count)d items of unit %(unit)s are signed off (%(items)s).", len(items[code]),
            ) % {"count": len(items[code]), "unit": code, "items": ", ".join(items[code])} + " " + _(
                "The sign-offs stay on record, but %(unit)s leaves your plan: it is no longer shown on your progress "
                "page or tracking matrix, and no new evidence can be mapped to it. Choose it again to carry on where "
                "you left off."
            ) % {"unit": code}
    return work

