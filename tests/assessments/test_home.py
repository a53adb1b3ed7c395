"""The home page's assessments block: the candidate's feedback, questions and action points; the assessor's caseload."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.services import action_point_set, question_ask
from tests.assessments.factories import items_of, mapping_of, submitted_evidence

pytestmark = pytest.mark.django_db


def test_candidate_home_shows_feedback_questions_and_overdue_action_points(client, enrolment, assessor) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    services.mapping_refer(mapping=mapping_of(evidence, item), by=assessor, feedback="Add the customer's reply.")
    question_ask(enrolment=enrolment, by=enrolment.candidate, subject="Which units next?", text="?")
    point = action_point_set(enrolment=enrolment, by=assessor, text="Write the statement", due=timezone.localdate())
    type(point).objects.filter(pk=point.pk).update(due=timezone.localdate() - datetime.timedelta(days=2))
    client.force_login(enrolment.candidate)
    page = client.get(reverse("home")).content.decode()
    assert "Add the customer&#x27;s reply." in page
    assert "Which units next?" in page and "waiting" in page
    assert "Write the statement" in page and "Overdue" in page


def test_assessor_home_links_to_the_caseload(client, enrolment, assessor) -> None:
    submitted_evidence(enrolment, items_of(enrolment, "A1")[:1])
    client.force_login(assessor)
    page = client.get(reverse("home")).content.decode()
    assert reverse("assessments:caseload") in page
    assert "1 piece of evidence to review" in page


def test_centre_admin_and_iqa_homes_link_to_certification_and_sampling(client, enrolment, centre_admin, iqa) -> None:
    client.force_login(centre_admin)
    page = client.get(reverse("home")).content.decode()
    assert reverse("assessments:certification", kwargs={"centre_pk": enrolment.centre_id}) in page
    client.force_login(iqa)
    assert reverse("assessments:sampling") in client.get(reverse("home")).content.decode()
