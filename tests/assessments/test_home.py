"""The home page's assessments block: the candidate's feedback, questions and action points; the assessor's caseload."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Question
from assessments.services import action_point_set, question_ask, question_reply
from evidence.services import version_revise
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


def _section(page: str, test_id: str) -> str:
    start = page.index(f'data-testid="{test_id}"')
    return page[start:page.index("</ul>", start)]


def _candidate_home(client, enrolment) -> str:
    client.force_login(enrolment.candidate)
    return client.get(reverse("home")).content.decode()


def test_referrals_need_the_candidates_action_and_acceptances_are_praise(client, private_storage, enrolment,
                                                                       assessor) -> None:
    first, second = items_of(enrolment, "A1")[:2]
    evidence = submitted_evidence(enrolment, [first, second], title="Call log")
    services.mapping_refer(mapping=mapping_of(evidence, first), by=assessor, feedback="Add the customer's reply.")
    services.mapping_accept(mapping=mapping_of(evidence, second), by=assessor)
    services.feedback_post(evidence=evidence, by=assessor, text="Clear and well laid out.")
    page = _candidate_home(client, enrolment)
    action, praise = _section(page, "home-needs-action"), _section(page, "home-praise")
    assert "Referred back" in action and "Add the customer&#x27;s reply." in action and f"A1 {first.code}" in action
    assert "Accepted" in praise and f"A1 {second.code}" in praise and "Clear and well laid out." in praise
    assert "Add the customer" not in praise and "Clear and well laid out." not in action and "Accepted" not in action


def test_a_referral_once_revised_no_longer_needs_action(client, private_storage, enrolment, assessor) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    services.mapping_refer(mapping=mapping_of(evidence, item), by=assessor, feedback="Add the customer's reply.")
    assert "Add the customer" in _section(_candidate_home(client, enrolment), "home-needs-action")
    version_revise(item=evidence, by=enrolment.candidate)
    action = _section(_candidate_home(client, enrolment), "home-needs-action")
    assert "Add the customer" not in action and "Nothing needs your action now." in action


def test_a_question_put_to_the_candidate_needs_action_until_they_answer(client, enrolment, assessor) -> None:
    question = Question.objects.create(enrolment=enrolment, subject="When can I observe you?", text="Which day?",
                                       asked_by=assessor, asked_at=timezone.now())
    question_ask(enrolment=enrolment, by=enrolment.candidate, subject="Which units next?", text="?")
    action = _section(_candidate_home(client, enrolment), "home-needs-action")
    assert "When can I observe you?" in action and "Question for you" in action
    assert "Which units next?" not in action  # her own question waits for the assessor, not for her
    asked_by_her = _section(_candidate_home(client, enrolment), "home-questions")
    assert "Which units next?" in asked_by_her and "When can I observe you?" not in asked_by_her
    question_reply(question=question, by=enrolment.candidate, text="Tuesday.")
    assert "When can I observe you?" not in _section(_candidate_home(client, enrolment), "home-needs-action")


def test_the_feedback_split_costs_a_fixed_number_of_queries(client, private_storage, enrolment, assessor) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("home"))
        return len(captured)

    items = items_of(enrolment, "A1")
    evidence = submitted_evidence(enrolment, items[:1])
    services.mapping_refer(mapping=mapping_of(evidence, items[0]), by=assessor, feedback="More, please.")
    client.force_login(enrolment.candidate)
    client.get(reverse("home"))
    with_one = queries()
    for n in range(4):
        more = submitted_evidence(enrolment, items, title=f"Evidence {n}")
        services.mapping_refer(mapping=mapping_of(more, items[0]), by=assessor, feedback=f"Referral {n}")
        services.mapping_accept(mapping=mapping_of(more, items[1]), by=assessor)
        services.feedback_post(evidence=more, by=assessor, text=f"Message {n}")
    assert queries() == with_one
