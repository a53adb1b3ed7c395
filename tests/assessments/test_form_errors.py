"""A form that must be filled comes back with what was typed and its error beside the field; nothing is saved.

Each assessments form posted with a required field empty re-renders its page (200, not a
redirect with a flash message), the other fields keeping what was typed, the error tied
to its field (`aria-invalid`, `aria-describedby` naming the error's element).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import ActionPoint, Decision, FeedbackMessage, IqaReferral, Question, Reply, Visit
from evidence.models import MappingStatus
from tests.assessments.factories import items_of, mapping_of, signed_unit, submitted_evidence

pytestmark = pytest.mark.django_db


def assert_field_error(page: str, field_id: str, message: str) -> None:
    """The field `field_id` is marked invalid and described by the element holding `message`."""
    field = re.search(rf'<(?:textarea|input)[^>]*\bid="{re.escape(field_id)}"[^>]*>', page)
    assert field is not None, f"no field {field_id}"
    assert 'aria-invalid="true"' in field.group(0)
    assert f'{field_id}_error' in field.group(0)  # aria-describedby
    error = re.search(rf'<div id="{re.escape(field_id)}_error" class="invalid-feedback">(.*?)</div>', page, re.S)
    assert error is not None and message in error.group(1)


@pytest.fixture
def claimed(enrolment) -> tuple:
    """Submitted evidence claiming A1's first item, and that mapping."""
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    return evidence, mapping_of(evidence, item)


def test_referring_without_feedback_shows_the_error_on_the_mapping_and_decides_nothing(
    client, enrolment, assessor, claimed, mailoutbox
) -> None:
    evidence, mapping = claimed
    mailoutbox.clear()
    client.force_login(assessor)
    response = client.post(reverse("assessments:mapping_refer", kwargs={"pk": enrolment.pk, "mapping_pk": mapping.pk}),
                           {"feedback": "   "})
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(rf'<label\s+for="refer-{mapping.pk}-feedback"[^>]*>\s*Feedback if you refer A1 1.1 back', page)
    assert_field_error(page, f"refer-{mapping.pk}-feedback", "Say what is missing from the claim on A1 1.1 ")
    assert not Decision.objects.exists()
    mapping.refresh_from_db()
    assert mapping.status == MappingStatus.CLAIMED
    assert mailoutbox == []


def test_a_message_without_text_is_refused_beside_the_field(client, enrolment, assessor, claimed) -> None:
    evidence, _ = claimed
    client.force_login(assessor)
    url = reverse("assessments:feedback_post", kwargs={"pk": enrolment.pk, "evidence_pk": evidence.pk})
    response = client.post(url, {"text": ""})
    assert response.status_code == 200
    assert_field_error(response.content.decode(), "id_text", "Write your message before sending it.")
    assert not FeedbackMessage.objects.exists()


def test_a_question_without_text_keeps_its_subject(client, enrolment) -> None:
    client.force_login(enrolment.candidate)
    response = client.post(reverse("assessments:question_ask", kwargs={"pk": enrolment.pk}),
                           {"subject": "Which unit next?", "text": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Which unit next?"' in page
    assert_field_error(page, "id_text", "Write your question.")
    assert not Question.objects.exists()


def test_a_question_without_a_subject_keeps_its_text(client, enrolment) -> None:
    client.force_login(enrolment.candidate)
    response = client.post(reverse("assessments:question_ask", kwargs={"pk": enrolment.pk}),
                           {"subject": "", "text": "Should I start B1 or B2?"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Should I start B1 or B2?</textarea>" in page
    assert_field_error(page, "id_subject", "Give the question a short subject")
    assert not Question.objects.exists()


def test_an_empty_reply_is_refused_beside_the_field(client, enrolment, assessor) -> None:
    question = services.question_ask(enrolment=enrolment, by=enrolment.candidate, subject="Units", text="Which?")
    client.force_login(assessor)
    response = client.post(
        reverse("assessments:question_reply", kwargs={"pk": enrolment.pk, "question_pk": question.pk}), {"text": ""}
    )
    assert response.status_code == 200
    assert_field_error(response.content.decode(), "id_text", "Write your reply.")
    assert not Reply.objects.exists()


def test_a_visit_without_a_purpose_keeps_its_date_and_place(client, enrolment, assessor) -> None:
    client.force_login(assessor)
    response = client.post(reverse("assessments:visit_plan", kwargs={"pk": enrolment.pk}),
                           {"planned_for": "2030-03-04T10:00", "place": "Reception desk", "purpose": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Reception desk"' in page and 'value="2030-03-04T10:00"' in page
    assert_field_error(page, "id_purpose", "Say what the visit is for")
    assert not Visit.objects.exists()


def test_empty_visit_notes_are_refused_on_that_visit_and_the_notes_stay_as_they_were(
    client, enrolment, assessor
) -> None:
    visit = services.visit_plan(enrolment=enrolment, by=assessor, planned_for=timezone.now() - datetime.timedelta(1),
                                place="Reception desk", purpose="Observe a complaint")
    client.force_login(assessor)
    response = client.post(reverse("assessments:visit_record", kwargs={"pk": enrolment.pk, "visit_pk": visit.pk}),
                           {"notes": ""})
    assert response.status_code == 200
    assert_field_error(response.content.decode(), f"notes-{visit.pk}-notes", "Write the visit notes")
    visit.refresh_from_db()
    assert visit.notes == "" and visit.notes_recorded_at is None


def test_an_action_point_without_text_keeps_its_due_date(client, enrolment, assessor) -> None:
    client.force_login(assessor)
    response = client.post(reverse("assessments:action_point_set", kwargs={"pk": enrolment.pk}),
                           {"text": "", "due": "2030-03-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="2030-03-01"' in page
    assert_field_error(page, "id_text", "Say what the candidate should do.")
    assert not ActionPoint.objects.exists()


def test_the_services_field_errors_show_on_the_field_too(client, enrolment, assessor) -> None:
    """A rule the service checks (a due date in the past) comes back on its field, with the text kept."""
    client.force_login(assessor)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(reverse("assessments:action_point_set", kwargs={"pk": enrolment.pk}),
                           {"text": "Write the statement", "due": yesterday.isoformat()})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Write the statement</textarea>" in page
    assert_field_error(page, "id_due", "The due date is in the past")
    assert not ActionPoint.objects.exists()


def test_the_iqa_refers_a_unit_back_only_with_comments(client, enrolment, assessor, iqa, mailoutbox) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    mailoutbox.clear()
    client.force_login(iqa)
    response = client.post(reverse("assessments:iqa_refer", kwargs={"pk": enrolment.pk, "sign_off_pk": sign_off.pk}),
                           {"comments": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert_field_error(page, f"iqa-refer-{sign_off.pk}-comments",
                       "Say why you are referring unit B3 back: what must the assessor look at again?")
    assert f'id="countersign-{sign_off.pk}-comment"' in page  # the other action is still offered
    assert not IqaReferral.objects.exists()
    assert mailoutbox == []


def test_a_form_for_a_mapping_no_longer_open_still_tells_its_error(client, enrolment, assessor, claimed) -> None:
    """Referring an accepted mapping without feedback: the page has no refer form for it, so a message says why."""
    evidence, mapping = claimed
    services.mapping_accept(mapping=mapping, by=assessor)
    client.force_login(assessor)
    response = client.post(reverse("assessments:mapping_refer", kwargs={"pk": enrolment.pk, "mapping_pk": mapping.pk}),
                           {"feedback": ""})
    assert response.status_code == 200
    assert "Say what is missing" in response.content.decode()
    assert Decision.objects.count() == 1


def test_the_services_name_the_unit_and_the_claim_a_referral_without_words_is_about(enrolment, assessor, iqa,
                                                                                     claimed) -> None:
    """Called from elsewhere than the forms (a task, the shell), the services' refusals name their object too."""
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    with pytest.raises(ValidationError) as refused:
        services.iqa_refer(unit_sign_off=sign_off, by=iqa, comments=" ")
    assert refused.value.message_dict == {
        "comments": ["Say why you are referring unit B3 back: what must the assessor look at again?"]}
    with pytest.raises(ValidationError) as refused:
        services.mapping_refer(mapping=claimed[1], by=assessor, feedback="")
    assert "the claim on A1 1.1 " in refused.value.message_dict["feedback"][0]
