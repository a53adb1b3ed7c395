"""Writes of the assessor's support of a candidate: questions and replies, visits, action points.

Atomic, keyword-only, ValidationError with a message a person can act on.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from candidates.models import Enrolment, User

from . import notify
from .models import ActionPoint, Question, Reply, Visit


@transaction.atomic
def question_ask(*, enrolment: Enrolment, by: User, subject: str, text: str) -> Question:
    """The candidate asks their assessor a question; it waits until someone else replies."""
    errors = {}
    if not subject.strip():
        errors["subject"] = "Give the question a short subject, e.g. 'Which units need an observation?'."
    if not text.strip():
        errors["text"] = "Write your question."
    if errors:
        raise ValidationError(errors)
    return Question.objects.create(
        enrolment=enrolment, subject=subject.strip(), text=text.strip(), asked_by=by, asked_at=timezone.now()
    )


@transaction.atomic
def question_reply(*, question: Question, by: User, text: str) -> Reply:
    """Add a reply to a question's thread; the first reply from someone other than the asker answers it."""
    if not text.strip():
        raise ValidationError({"text": "Write your reply."})
    question = Question.objects.select_for_update().get(pk=question.pk)
    now = timezone.now()
    reply = Reply.objects.create(question=question, author=by, text=text.strip(), at=now)
    if question.answered_at is None and by.pk != question.asked_by_id:
        question.answered_at = now
        question.save(update_fields=["answered_at"])
    return reply


@transaction.atomic
def visit_plan(*, enrolment: Enrolment, by: User, planned_for: datetime.datetime, place: str, purpose: str) -> Visit:
    """Plan a workplace visit: when, where and what for."""
    errors = {}
    if not place.strip():
        errors["place"] = "Say where the visit takes place."
    if not purpose.strip():
        errors["purpose"] = "Say what the visit is for, e.g. 'Observe a complaint being handled'."
    if errors:
        raise ValidationError(errors)
    return Visit.objects.create(
        enrolment=enrolment, planned_for=planned_for, place=place.strip(), purpose=purpose.strip(), created_by=by
    )


@transaction.atomic
def visit_record(*, visit: Visit, by: User, notes: str) -> Visit:
    """Record what happened at a visit (notes may be amended; each save keeps the newest)."""
    if not notes.strip():
        raise ValidationError({"notes": "Write the visit notes: what was observed and agreed."})
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.planned_for > timezone.now() + datetime.timedelta(hours=12):
        raise ValidationError("This visit has not happened yet; record its notes on the day.")
    visit.notes = notes.strip()
    visit.notes_recorded_at = timezone.now()
    visit.save(update_fields=["notes", "notes_recorded_at"])
    return visit


@transaction.atomic
def action_point_set(
    *, enrolment: Enrolment, by: User, text: str, due: datetime.date, visit: Visit | None = None
) -> ActionPoint:
    """Set the candidate an action point with a due date (optionally at a visit)."""
    errors = {}
    if not text.strip():
        errors["text"] = "Say what the candidate should do."
    if due < timezone.localdate():
        errors["due"] = "The due date is in the past; choose today or later."
    if visit is not None and visit.enrolment_id != enrolment.pk:
        errors["visit"] = "That visit belongs to another enrolment."
    if errors:
        raise ValidationError(errors)
    return ActionPoint.objects.create(
        enrolment=enrolment, visit=visit, text=text.strip(), due=due, set_by=by, set_at=timezone.now()
    )


@transaction.atomic
def action_point_done(*, action_point: ActionPoint, by: User) -> ActionPoint:
    """The candidate ticks an action point done (doing it twice changes nothing)."""
    action_point = ActionPoint.objects.select_for_update().get(pk=action_point.pk)
    if action_point.done_at is None:
        action_point.done_at = timezone.now()
        action_point.save(update_fields=["done_at"])
    return action_point


def action_point_reminders(*, today: datetime.date | None = None, link_base: str = "") -> int:
    """Email each candidate whose open action point is due tomorrow, once per point; returns how many were sent.

    Each point is claimed under a row lock and flagged in the same transaction as its
    email is queued (sent after commit), so two runs at once, or a retry, never send twice.
    """
    tomorrow = (today or timezone.localdate()) + datetime.timedelta(days=1)
    due = ActionPoint.objects.open().filter(due=tomorrow, reminder_sent_at__isnull=True).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            point = (
                ActionPoint.objects.select_for_update().select_related("enrolment__candidate")
                .filter(pk=pk, reminder_sent_at__isnull=True, done_at__isnull=True).first()
            )
            if point is None:
                continue
            point.reminder_sent_at = timezone.now()
            point.save(update_fields=["reminder_sent_at"])
            notify.action_point_due(action_point=point, link_base=link_base)
            sent += 1
    return sent
