"""Questions a candidate asks their assessor, and the replies."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from candidates.models import Enrolment, User
from candidates.services import ensure_open

from ..models import Question, Reply


@transaction.atomic
def question_ask(*, enrolment: Enrolment, by: User, subject: str, text: str) -> Question:
    """The candidate asks their assessor a question; it waits until someone else replies."""
    ensure_open(enrolment)
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
    question = Question.objects.select_for_update().select_related("enrolment").get(pk=question.pk)
    ensure_open(question.enrolment)
    now = timezone.now()
    reply = Reply.objects.create(question=question, author=by, text=text.strip(), at=now)
    if question.answered_at is None and by.pk != question.asked_by_id:
        question.answered_at = now
        question.save(update_fields=["answered_at"])
    return reply
