"""People's data fixtures: an enrolment full of the candidate's data, withdrawn longer ago than the retention period."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from assessments.services import action_point_set, feedback_post, question_ask, question_reply
from candidates.models import Enrolment, EnrolmentStatus, User
from tests.apprenticeships.factories import make_entry, make_plan
from tests.assessments.factories import items_of, submitted_evidence

SECRET_STATEMENT = "Cara's private statement about the Hargreaves account"


def fill(enrolment: Enrolment, *, assessor: User, statement: str = SECRET_STATEMENT) -> None:
    """Evidence with a file, feedback both ways, a question and its reply, an action point, off-the-job hours."""
    candidate = enrolment.candidate
    evidence = submitted_evidence(enrolment, items_of(enrolment, "A1")[:1], text=statement,
                                  title=f"Call log of {candidate.first_name}")
    feedback_post(evidence=evidence, by=candidate, text=f"{candidate.first_name} explains the call")
    feedback_post(evidence=evidence, by=assessor, text="Assessor's note on the call")
    question = question_ask(enrolment=enrolment, by=candidate, subject="Deadline", text=f"{statement}?")
    question_reply(question=question, by=assessor, text="By Friday")
    action_point_set(enrolment=enrolment, by=assessor, text=f"Collect a witness statement for {candidate.first_name}",
                     due=timezone.localdate() + datetime.timedelta(days=7))
    make_plan(enrolment)
    make_entry(enrolment, learned=f"{candidate.first_name} learned refunds")


def expire(enrolment: Enrolment, *, status: str = EnrolmentStatus.WITHDRAWN, days: int | None = None) -> Enrolment:
    """Mark `enrolment` withdrawn (or completed) `days` ago (default: one day past the retention period)."""
    from django.conf import settings

    days = settings.RETENTION_DAYS + 1 if days is None else days
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=status, status_since=timezone.now() - datetime.timedelta(days=days))
    enrolment.refresh_from_db()
    return enrolment


@pytest.fixture
def full_enrolment(enrolment, assessor, private_storage) -> Enrolment:
    fill(enrolment, assessor=assessor)
    return enrolment


@pytest.fixture
def expired(full_enrolment) -> Callable[..., Enrolment]:
    return lambda **kwargs: expire(full_enrolment, **kwargs)
