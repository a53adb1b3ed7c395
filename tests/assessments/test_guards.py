"""Risky acts ask first: dropping a unit with signed-off work from the plan; the learner declaration is offered
only for a unit with assessed work."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services
from assessments.models import LearnerDeclaration
from candidates.services import plan as plan_services
from tests.assessments.factories import accepted_evidence, items_of, signed_unit, submitted_evidence, unit_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def b3_signed_off(enrolment, assessor):
    plan_services.plan_save(enrolment=enrolment, codes=["B2", "B3"], by=enrolment.candidate)
    return signed_unit(enrolment, "B3", assessor=assessor)


def _saved(enrolment) -> list[str]:
    return plan_services.saved_codes(enrolment)


def test_dropping_a_unit_with_signed_off_work_is_refused_until_confirmed(enrolment, b3_signed_off) -> None:
    with pytest.raises(plan_services.AssessedWorkDropped) as refused:
        plan_services.plan_save(enrolment=enrolment, codes=["B2"], by=enrolment.candidate)
    assert list(refused.value.work) == ["B3"]
    assert "signed off by Ash Assessor" in refused.value.work["B3"] and "stays on record" in refused.value.work["B3"]
    assert _saved(enrolment) == ["A1", "A2", "B2", "B3"]
    plan_services.plan_save(enrolment=enrolment, codes=["B2"], by=enrolment.candidate, confirm_drop=True)
    assert _saved(enrolment) == ["A1", "A2", "B2"]


def test_items_signed_off_in_a_unit_not_yet_signed_off_are_named(enrolment, assessor) -> None:
    plan_services.plan_save(enrolment=enrolment, codes=["B1"], by=enrolment.candidate)
    first = items_of(enrolment, "B1")[0]
    accepted_evidence(enrolment, [first], assessor=assessor)
    services.item_sign_off(enrolment=enrolment, assessable_item=first, by=assessor)
    with pytest.raises(plan_services.AssessedWorkDropped) as refused:
        plan_services.plan_save(enrolment=enrolment, codes=["B2"], by=enrolment.candidate)
    assert refused.value.work["B1"].startswith(f"1 item of unit B1 is signed off ({first.code}).")


def test_dropping_a_unit_without_signed_off_work_needs_no_confirmation(enrolment, assessor) -> None:
    plan_services.plan_save(enrolment=enrolment, codes=["B1"], by=enrolment.candidate)
    accepted_evidence(enrolment, items_of(enrolment, "B1")[:1], assessor=assessor)
    plan_services.plan_save(enrolment=enrolment, codes=["B2"], by=enrolment.candidate)
    assert _saved(enrolment) == ["A1", "A2", "B2"]


def test_the_unit_choice_page_asks_first_and_saves_only_on_confirmation(client, enrolment, b3_signed_off) -> None:
    client.force_login(enrolment.candidate)
    save = reverse("candidates:unit_choice_save", kwargs={"pk": enrolment.pk})
    page = client.post(save, {"units": ["B2"]})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Drop units with signed-off work?" in html and "Unit B3 was signed off by Ash Assessor" in html
    assert _saved(enrolment) == ["A1", "A2", "B2", "B3"]
    response = client.post(reverse("candidates:unit_choice_drop", kwargs={"pk": enrolment.pk}), {"units": ["B2"]})
    assert response.status_code == 302
    assert _saved(enrolment) == ["A1", "A2", "B2"]


def test_the_declaration_is_refused_for_a_unit_with_nothing_assessed(enrolment, assessor) -> None:
    submitted_evidence(enrolment, items_of(enrolment, "B3"))  # claimed, not yet judged
    with pytest.raises(ValidationError, match="nothing to declare"):
        services.learner_declare(enrolment=enrolment, unit=unit_of(enrolment, "B3"), by=enrolment.candidate)
    assert not LearnerDeclaration.objects.exists()


def test_the_declaration_is_offered_only_on_units_with_assessed_work(client, enrolment, assessor) -> None:
    plan_services.plan_save(enrolment=enrolment, codes=["B2", "B3"], by=enrolment.candidate)
    accepted_evidence(enrolment, items_of(enrolment, "B3"), assessor=assessor)
    client.force_login(enrolment.candidate)
    html = client.get(reverse("assessments:progress", kwargs={"pk": enrolment.pk})).content.decode()
    assert html.count("I confirm this for unit") == 1 and "I confirm this for unit B3" in html
    assert html.count("not needed yet") == 3  # A1, A2 and B2 have nothing assessed
