"""Questions between a candidate and their assessor (either may start one), and the replies.

Each question and reply is told to the other side, in their inbox and by email.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import Enrolment, User
from candidates.services import ensure_open

from .. import notify
from ..models import Question, Reply


@transaction.atomic
def question_ask(*, enrolment: Enrolment, by: User, subject: str, text: str) -> Question:
    """The candidate asks their assessor a question, or the assessor asks the candidate one; it waits until
    someone else replies. The other side is told."""
    ensure_open(enrolment)
    errors = {}
    if not subject.strip():
        errors["subject"] = _("Give the question a short subject, e.g. 'Which units need an observation?'.")
    if not text.strip():
        errors["text"] = _("Write your question.")
    if errors:
        raise ValidationError(errors)
    question = Question.objects.create(
        enrolment=enrolment, subject=subject.strip(), text=text.strip(), asked_by=by, asked_at=timezone.now()
    )
    notify.question_asked(question=question, by=by)
    return question


@transaction.atomic
def question_reply(*, question: Question, by: User, text: str) -> Reply:
    """Add a reply to a question's thread; the first reply from someone other than the asker answers it."""
    if not text.strip():
        raise ValidationError({"text": _("Write your reply.")})
    question = Question.objects.select_for_update().select_related("enrolment").get(pk=question.pk)
    ensure_open(question.enrolment)
    now = timezone.now()
    reply = Reply.objects.create(question=question, author=by, text=text.strip(), at=now)
    if question.answered_at is None and by.pk != question.asked_by_id:
        question.answered_at = now
        question.save(update_fields=["answered_at"])
    notify.question_replied(reply=reply, by=by)
    return reply
