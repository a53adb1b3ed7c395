"""Questions, visits and new action points tell the other side (never the author): in the inbox, and by email
unless the person turned that kind of email off."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.reads import caseload
from assessments.services import (
    action_point_set,
    question_ask,
    question_reply,
    visit_cancel,
    visit_change,
    visit_plan,
    visit_record,
)
from audit.models import AuditRecord
from inbox.models import NoticeKind, Notification
from inbox.services import email_preferences_save

pytestmark = pytest.mark.django_db

NEXT_WEEK = datetime.timedelta(days=7)


def _notices(person) -> list[Notification]:
    return list(Notification.objects.for_person(person))


def test_a_candidates_question_reaches_the_assessor_not_the_candidate(
    enrolment, candidate, assessor, mailoutbox, django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        question = question_ask(enrolment=enrolment, by=candidate, subject="Units", text="Which next?")
    [notice] = _notices(assessor)
    assert notice.kind == NoticeKind.QUESTION_ASKED
    assert notice.text == "Cara Candidate asked a question: “Units”"
    assert notice.link == f"/enrolments/{enrolment.pk}/questions/{question.pk}/"
    assert _notices(candidate) == []
    [email] = mailoutbox
    assert email.to == [assessor.email]
    assert "Cara Candidate asked you a question: Units" == email.subject
    assert f"http://testserver/enrolments/{enrolment.pk}/questions/{question.pk}/" in email.body


def test_the_assessor_starts_a_question_and_the_candidates_reply_comes_back(
    enrolment, candidate, assessor, mailoutbox, django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        question = question_ask(enrolment=enrolment, by=assessor, subject="Witness", text="Who saw it?")
    assert [n.kind for n in _notices(candidate)] == [NoticeKind.QUESTION_ASKED]
    assert _notices(assessor) == []
    with django_capture_on_commit_callbacks(execute=True):
        question_reply(question=question, by=candidate, text="My manager, Pat.")
    [reply_notice] = _notices(assessor)
    assert reply_notice.kind == NoticeKind.QUESTION_REPLIED
    assert reply_notice.text == "Cara Candidate replied to “Witness”"
    assert [email.to for email in mailoutbox] == [[candidate.email], [assessor.email]]
    assert "My manager, Pat." in mailoutbox[1].body


def test_a_question_the_assessor_asked_is_not_counted_as_waiting_for_the_assessor(enrolment, assessor) -> None:
    question_ask(enrolment=enrolment, by=assessor, subject="Witness", text="Who saw it?")
    [row] = caseload(assessor)
    assert row.unanswered == 0
    question_ask(enrolment=enrolment, by=enrolment.candidate, subject="Units", text="Which next?")
    [row] = caseload(assessor)
    assert row.unanswered == 1


def test_visits_planned_changed_and_cancelled_tell_the_candidate(
    enrolment, candidate, assessor, mailoutbox, django_capture_on_commit_callbacks,
) -> None:
    when = timezone.now() + NEXT_WEEK
    with django_capture_on_commit_callbacks(execute=True):
        visit = visit_plan(enrolment=enrolment, by=assessor, planned_for=when, place="Front desk", purpose="Observe")
        visit_change(visit=visit, by=assessor, planned_for=when + datetime.timedelta(days=1), place="Back office",
                     purpose="Observe", duration=90)
        visit_cancel(visit=visit, by=assessor)
    kinds = [notice.kind for notice in reversed(_notices(candidate))]
    assert kinds == [NoticeKind.VISIT_PLANNED, NoticeKind.VISIT_CHANGED, NoticeKind.VISIT_CANCELLED]
    assert "Back office" in _notices(candidate)[1].text
    assert _notices(assessor) == []
    subjects = [email.subject.split(":")[0] for email in mailoutbox]
    assert subjects == ["Visit planned", "Visit changed", "Visit cancelled"]
    assert all(email.to == [candidate.email] for email in mailoutbox)


def test_a_cancelled_or_past_visit_cannot_be_changed_again(enrolment, assessor) -> None:
    visit = visit_plan(enrolment=enrolment, by=assessor, planned_for=timezone.now() + NEXT_WEEK, place="Desk",
                       purpose="Observe")
    visit_cancel(visit=visit, by=assessor)
    with pytest.raises(ValidationError, match="cancelled"):
        visit_change(visit=visit, by=assessor, planned_for=timezone.now() + NEXT_WEEK, place="Desk", purpose="x")
    with pytest.raises(ValidationError, match="cancelled"):
        visit_record(visit=visit, by=assessor, notes="Observed.")
    past = visit_plan(enrolment=enrolment, by=assessor, planned_for=timezone.now() - NEXT_WEEK, place="Desk",
                      purpose="Observe")
    with pytest.raises(ValidationError, match="already taken place"):
        visit_cancel(visit=past, by=assessor)


def test_a_visit_change_with_a_bad_length_changes_nothing(enrolment, assessor) -> None:
    when = timezone.now() + NEXT_WEEK
    visit = visit_plan(enrolment=enrolment, by=assessor, planned_for=when, place="Desk", purpose="Observe")
    with pytest.raises(ValidationError) as refused:
        visit_change(visit=visit, by=assessor, planned_for=when, place="", purpose="Observe", duration=0)
    assert set(refused.value.error_dict) == {"place", "duration"}
    visit.refresh_from_db()
    assert (visit.place, visit.duration) == ("Desk", 60)


def test_a_new_action_point_tells_the_candidate(
    enrolment, candidate, assessor, mailoutbox, django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        action_point_set(enrolment=enrolment, by=assessor, text="Write the statement", due=timezone.localdate())
    [notice] = _notices(candidate)
    assert notice.kind == NoticeKind.ACTION_POINT_SET and "Write the statement" in notice.text
    [email] = mailoutbox
    assert email.to == [candidate.email] and "Write the statement" in email.body


def test_someone_else_judging_tells_both_candidate_and_assessor(
    enrolment, candidate, assessor, centre_admin, django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        action_point_set(enrolment=enrolment, by=centre_admin, text="Book the room", due=timezone.localdate())
    assert len(_notices(candidate)) == len(_notices(assessor)) == 1
    assert _notices(centre_admin) == []


def test_a_kind_turned_off_is_not_emailed_but_still_reaches_the_inbox(
    enrolment, candidate, assessor, mailoutbox, django_capture_on_commit_callbacks,
) -> None:
    email_preferences_save(user=candidate, emailed=[NoticeKind.ACTION_POINT_SET])
    with django_capture_on_commit_callbacks(execute=True):
        visit_plan(enrolment=enrolment, by=assessor, planned_for=timezone.now() + NEXT_WEEK, place="Desk",
                   purpose="Observe")
        action_point_set(enrolment=enrolment, by=assessor, text="Write it", due=timezone.localdate())
    assert {notice.kind for notice in _notices(candidate)} == {NoticeKind.VISIT_PLANNED, NoticeKind.ACTION_POINT_SET}
    assert [email.subject.split(",")[0] for email in mailoutbox] == ["New action point"]


def test_a_rolled_back_question_tells_nobody(enrolment, candidate, assessor, mailoutbox,
                                             django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            question_ask(enrolment=enrolment, by=candidate, subject="Units", text="Which next?")
            raise RuntimeError("boom")
    assert _notices(assessor) == [] and mailoutbox == []


def test_every_change_to_a_visit_is_audited_with_what_it_was_before(enrolment, assessor) -> None:
    when = timezone.now() + NEXT_WEEK
    visit = visit_plan(enrolment=enrolment, by=assessor, planned_for=when, place="Front desk", purpose="Observe")
    visit_change(visit=visit, by=assessor, planned_for=when, place="Back office", purpose="Observe", duration=90)
    visit_cancel(visit=visit, by=assessor)
    past = visit_plan(enrolment=enrolment, by=assessor, planned_for=timezone.now() - NEXT_WEEK, place="Desk",
                      purpose="Observe")
    visit_record(visit=past, by=assessor, notes="Observed two calls.")
    records = list(AuditRecord.objects.filter(enrolment_id=enrolment.pk, action__startswith="visit")
                   .order_by("sequence"))
    assert [record.action for record in records] == [
        "visit planned", "visit changed", "visit cancelled", "visit planned", "visit notes recorded"]
    changed = records[1]
    assert changed.before is not None and changed.after is not None
    assert (changed.before["place"], changed.after["place"], changed.after["duration"]) == (
        "Front desk", "Back office", 90)
    assert records[4].after == {"notes": "Observed two calls."}
    assert all(record.actor_id == assessor.pk for record in records)
