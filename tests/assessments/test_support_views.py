"""The assessor asks the candidate a question, and changes or cancels a visit, through the pages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Question, Visit
from assessments.services import visit_plan
from inbox.models import NoticeKind, Notification

pytestmark = pytest.mark.django_db


def test_the_assessor_asks_the_candidate_a_question_from_the_questions_page(client, enrolment, assessor) -> None:
    client.force_login(assessor)
    page = client.get(reverse("assessments:questions", kwargs={"pk": enrolment.pk})).content.decode()
    assert "Ask Cara Candidate a question" in page
    response = client.post(reverse("assessments:question_put", kwargs={"pk": enrolment.pk}),
                           {"subject": "Witness", "text": "Who saw the call?"})
    question = Question.objects.get()
    assert response["Location"] == reverse("assessments:question_detail",
                                           kwargs={"pk": enrolment.pk, "question_pk": question.pk})
    assert question.asked_by == assessor
    assert Notification.objects.get(recipient=enrolment.candidate).kind == NoticeKind.QUESTION_ASKED


def test_the_candidate_has_no_form_to_put_questions_to_herself(client, enrolment) -> None:
    client.force_login(enrolment.candidate)
    page = client.get(reverse("assessments:questions", kwargs={"pk": enrolment.pk})).content.decode()
    assert "Ask your assessor" in page and "question_put" not in page and "/questions/put/" not in page
    response = client.post(reverse("assessments:question_put", kwargs={"pk": enrolment.pk}),
                           {"subject": "x", "text": "y"})
    assert response.status_code == 403 and not Question.objects.exists()


def test_a_question_without_subject_says_so_beside_the_field(client, enrolment, assessor) -> None:
    client.force_login(assessor)
    response = client.post(reverse("assessments:question_put", kwargs={"pk": enrolment.pk}), {"text": "Who?"})
    assert response.status_code == 200
    assert "Give the question a short subject" in response.content.decode()
    assert not Question.objects.exists()


def _visit(enrolment) -> Visit:
    return visit_plan(enrolment=enrolment, by=enrolment.assessor, planned_for=timezone.now() + datetime.timedelta(7),
                      place="Front desk", purpose="Observe")


def test_the_assessor_moves_a_visit_and_the_candidate_is_told(client, enrolment, assessor) -> None:
    visit = _visit(enrolment)
    client.force_login(assessor)
    page = client.get(reverse("assessments:visits", kwargs={"pk": enrolment.pk})).content.decode()
    assert "Change or cancel this visit" in page
    when = timezone.localtime() + datetime.timedelta(days=9)
    response = client.post(reverse("assessments:visit_change", kwargs={"pk": enrolment.pk, "visit_pk": visit.pk}), {
        "planned_for": when.strftime("%Y-%m-%dT%H:%M"), "place": "Back office", "purpose": "Observe",
        "duration": "120"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.place, visit.duration) == ("Back office", 120)
    assert Notification.objects.filter(recipient=enrolment.candidate, kind=NoticeKind.VISIT_CHANGED).exists()


def test_a_change_with_no_place_keeps_the_form_open_with_its_error(client, enrolment, assessor) -> None:
    visit = _visit(enrolment)
    client.force_login(assessor)
    response = client.post(reverse("assessments:visit_change", kwargs={"pk": enrolment.pk, "visit_pk": visit.pk}), {
        "planned_for": "2030-01-01T10:00", "place": "", "purpose": "Observe", "duration": "60"})
    page = response.content.decode()
    assert response.status_code == 200 and "Say where the visit takes place." in page
    assert "<details class=\"mt-2\" open>" in page
    visit.refresh_from_db()
    assert visit.place == "Front desk"


def test_a_cancelled_visit_is_listed_as_cancelled_in_words(client, enrolment, assessor) -> None:
    visit = _visit(enrolment)
    client.force_login(assessor)
    client.post(reverse("assessments:visit_cancel", kwargs={"pk": enrolment.pk, "visit_pk": visit.pk}))
    client.force_login(enrolment.candidate)
    page = client.get(reverse("assessments:visits", kwargs={"pk": enrolment.pk})).content.decode()
    assert "Cancelled on" in page and "Change or cancel" not in page
