"""What the review pages and flags show, in a fixed number of queries whatever the number of reviews."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from candidates.models import Enrolment, EnrolmentStatus
from portfolio_site.prepared import prepared
from units.models import AssessableItem

from ..models import DEFAULT_REVIEW_WEEKS, OtjPlan, ProgressReview, ReviewSchedule, ReviewSignature
from ..signing import Party, content_hash
from .schedule import is_overdue, next_due


@dataclass(frozen=True)
class Due:
    """When an enrolment's next review is due, and whether it is overdue."""

    interval_weeks: int
    last_held: datetime.date | None
    due: datetime.date
    overdue: bool


def reviews_of(enrolment: Enrolment) -> QuerySet[ProgressReview]:
    """The enrolment's reviews, newest first, with items, targets and signatures (four queries)."""
    return ProgressReview.objects.filter(enrolment=enrolment).prefetch_related(
        Prefetch("items", queryset=AssessableItem.objects.select_related("unit").order_by("unit__order", "unit__code",
                                                                                          "order", "pk")),
        "targets",
        Prefetch("signatures", queryset=ReviewSignature.objects.select_related("user", "voided_by")),
    ).select_related("created_by", "changed_by")


def review_in(enrolment: Enrolment, pk: int) -> ProgressReview:
    """The review `pk` of `enrolment` (404 for another enrolment's), loaded as `reviews_of` loads it."""
    review: ProgressReview = get_object_or_404(reviews_of(enrolment), pk=pk)
    review.enrolment = enrolment
    return review


def due_of(enrolment: Enrolment, today: datetime.date) -> Due:
    """The schedule of one enrolment (three queries)."""
    schedule = ReviewSchedule.objects.filter(enrolment=enrolment).first()
    plan = OtjPlan.objects.filter(enrolment=enrolment).first()
    last = ProgressReview.objects.filter(enrolment=enrolment).aggregate(last=Max("held_on"))["last"]
    return _due(enrolment.status, schedule.interval_weeks if schedule else None, last,
                plan.planned_start if plan else enrolment.start_date, today)


def _due(status: str, interval: int | None, last: datetime.date | None, start: datetime.date,
         today: datetime.date) -> Due:
    weeks = interval or DEFAULT_REVIEW_WEEKS
    due = next_due(interval_weeks=weeks, last_held=last, start=start)
    return Due(interval_weeks=weeks, last_held=last, due=due,
               overdue=status == EnrolmentStatus.ACTIVE and is_overdue(due, today))


# Read on every page that flags overdue reviews (the caseload, the home pages): compiled once a process.
_schedules = prepared(lambda ids: (
    Enrolment.objects.filter(pk__in=ids, status=EnrolmentStatus.ACTIVE).order_by()
    .annotate(last=Max("progress_reviews__held_on"))
    .values_list("pk", "status", "review_schedule__interval_weeks", "last", "otj_plan__planned_start", "start_date")
))


def overdue_among(enrolment_ids: Iterable[int], today: datetime.date) -> frozenset[int]:
    """The enrolments of `enrolment_ids` (active ones) whose next progress review is overdue. One query."""
    ids = list(enrolment_ids)
    if not ids:
        return frozenset()
    rows = _schedules(ids=ids)
    return frozenset(pk for pk, status, interval, last, plan_start, start in rows
                     if _due(status, interval, last, plan_start or start, today).overdue)


@dataclass(frozen=True)
class SignaturePanel:
    """A review's signatures as the page shows them: each party's valid one, the void ones, completeness."""

    valid: dict[str, ReviewSignature]
    void: list[ReviewSignature]
    digest: str

    @property
    def complete(self) -> bool:
        return set(self.valid) == set(Party.values)

    @property
    def rows(self) -> list[tuple[str, str, ReviewSignature | None]]:
        return [(value, str(label), self.valid.get(value)) for value, label in Party.choices]


def signature_panel(review: ProgressReview) -> SignaturePanel:
    """The review's signatures (from its prefetch cache): valid ones match its content as it is now."""
    digest = content_hash(review.signed_content())
    valid, void = {}, []
    for signature in review.signatures.all():
        if signature.void_at is None and signature.content_hash == digest:
            valid[signature.party] = signature
        else:
            void.append(signature)
    return SignaturePanel(valid=valid, void=void, digest=digest)
