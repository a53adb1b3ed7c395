"""Assessment on a frozen enrolment, and completing one.

Paused, withdrawn or completed: the assessor neither accepts nor signs off, the IQA neither
samples nor countersigns, nobody asks, replies, plans or ticks (the services refuse, saying why,
behind the gate's 403). Completing asks for a reason and the rules engine's word that the
achieved units earn the qualification.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import ItemSignOff, UnitSignOff
from audit.models import AuditRecord
from candidates.models import Enrolment, EnrolmentStatus, User
from tests.assessments.factories import items_of, mapping_of, signed_unit, submitted_evidence, unit_of

FROZEN = [EnrolmentStatus.PAUSED, EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED]


def freeze(enrolment: Enrolment, status: str) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(status=status, status_since=timezone.now())
    enrolment.refresh_from_db()


@pytest.mark.parametrize("status", FROZEN)
def test_the_assessor_neither_accepts_nor_signs_off_on_a_frozen_enrolment(enrolment, assessor, status) -> None:
    items = items_of(enrolment, "B3")
    evidence = submitted_evidence(enrolment, items)
    freeze(enrolment, status)
    with pytest.raises(ValidationError, match=f"This enrolment is {status}"):
        services.mapping_accept(mapping=mapping_of(evidence, items[0]), by=assessor)
    with pytest.raises(ValidationError, match=f"This enrolment is {status}"):
        services.item_sign_off(enrolment=enrolment, assessable_item=items[0], by=assessor)
    with pytest.raises(ValidationError, match=f"This enrolment is {status}"):
        services.unit_sign_off(enrolment=enrolment, unit=unit_of(enrolment, "B3"), by=assessor)
    assert not ItemSignOff.objects.exists() and not UnitSignOff.objects.exists()


@pytest.mark.parametrize("status", FROZEN)
def test_the_iqa_neither_samples_nor_countersigns_on_a_frozen_enrolment(enrolment, assessor, iqa, status) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    services.unit_sample(unit_sign_off=sign_off, by=iqa)
    freeze(enrolment, status)
    with pytest.raises(ValidationError, match=f"This enrolment is {status}"):
        services.countersign(unit_sign_off=sign_off, by=iqa)
    with pytest.raises(ValidationError, match=f"This enrolment is {status}"):
        services.iqa_refer(unit_sign_off=sign_off, by=iqa, comments="Check the dates.")


def test_nobody_asks_replies_plans_sets_or_ticks_on_a_paused_enrolment(enrolment, candidate, assessor) -> None:
    question = services.question_ask(enrolment=enrolment, by=candidate, subject="Units", text="Which?")
    visit = services.visit_plan(enrolment=enrolment, by=assessor, planned_for=timezone.now(), place="Office",
                                purpose="Observe")
    point = services.action_point_set(enrolment=enrolment, by=assessor, text="Write", due=timezone.localdate())
    evidence = submitted_evidence(enrolment, items_of(enrolment, "B3"))
    freeze(enrolment, EnrolmentStatus.PAUSED)
    refusals = [
        lambda: services.question_ask(enrolment=enrolment, by=candidate, subject="More", text="And?"),
        lambda: services.question_reply(question=question, by=assessor, text="B1."),
        lambda: services.visit_plan(enrolment=enrolment, by=assessor, planned_for=timezone.now(), place="Office",
                                    purpose="Observe"),
        lambda: services.visit_record(visit=visit, by=assessor, notes="Observed."),
        lambda: services.action_point_set(enrolment=enrolment, by=assessor, text="More", due=timezone.localdate()),
        lambda: services.action_point_done(action_point=point, by=candidate),
        lambda: services.feedback_post(evidence=evidence, by=assessor, text="Thanks."),
    ]
    for refused in refusals:
        with pytest.raises(ValidationError, match="until the centre resumes it"):
            refused()
    point.refresh_from_db()
    assert point.done_at is None and not question.replies.exists()


def test_a_paused_candidate_is_not_reminded_of_action_points(enrolment, assessor) -> None:
    today = timezone.localdate()
    services.action_point_set(enrolment=enrolment, by=assessor, text="Write", due=today + datetime.timedelta(days=1))
    freeze(enrolment, EnrolmentStatus.PAUSED)
    assert services.action_point_reminders(today=today) == 0


@pytest.mark.parametrize("status", FROZEN)
def test_judging_views_answer_403_on_a_frozen_enrolment(client, enrolment, assessor, iqa, status) -> None:
    items = items_of(enrolment, "A1")
    evidence = submitted_evidence(enrolment, items[:1])
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    freeze(enrolment, status)
    client.force_login(assessor)
    accept = reverse("assessments:mapping_accept",
                     kwargs={"pk": enrolment.pk, "mapping_pk": mapping_of(evidence, items[0]).pk})
    assert client.post(accept).status_code == 403
    client.force_login(iqa)
    countersign = reverse("assessments:countersign", kwargs={"pk": enrolment.pk, "sign_off_pk": sign_off.pk})
    assert client.post(countersign).status_code == 403


# --- completing -----------------------------------------------------------------------------------------


def _eligible(enrolment: Enrolment, assessor: User) -> None:
    for code in ("A1", "A2", "B3"):
        signed_unit(enrolment, code, assessor=assessor)


def test_an_enrolment_is_completed_once_its_achieved_units_earn_the_qualification(
    enrolment, assessor, centre_admin
) -> None:
    signed_unit(enrolment, "A1", assessor=assessor)
    with pytest.raises(ValidationError, match="cannot be completed yet"):
        services.enrolment_complete(enrolment=enrolment, by=centre_admin, reason="All done")
    for code in ("A2", "B3"):
        signed_unit(enrolment, code, assessor=assessor)
    services.enrolment_complete(enrolment=enrolment, by=centre_admin, reason="Claimed with the awarding body")
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    record = AuditRecord.objects.get(action="enrolment completed")
    assert record.actor_id == centre_admin.pk and (record.after or {})["reason"] == "Claimed with the awarding body"


def test_a_paused_enrolment_is_not_completed(enrolment, assessor, centre_admin) -> None:
    _eligible(enrolment, assessor)
    freeze(enrolment, EnrolmentStatus.PAUSED)
    with pytest.raises(ValidationError, match="paused"):
        services.enrolment_complete(enrolment=enrolment, by=centre_admin, reason="Done")


def test_the_complete_page_asks_for_a_reason_and_keeps_the_form(client, enrolment, assessor, centre_admin) -> None:
    _eligible(enrolment, assessor)
    client.force_login(centre_admin)
    page = reverse("assessments:enrolment_complete", kwargs={"pk": enrolment.pk})
    assert "Eligible for the full qualification" in client.get(page).text
    response = client.post(page, {"reason": ""})
    assert response.status_code == 200 and "Give the reason" in response.text
    response = client.post(page, {"reason": "Certificate claimed"})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED


def test_the_complete_page_offers_no_form_before_the_qualification_is_earned(
    client, enrolment, centre_admin
) -> None:
    client.force_login(centre_admin)
    page = client.get(reverse("assessments:enrolment_complete", kwargs={"pk": enrolment.pk})).text
    assert "Not yet eligible" in page and 'data-testid="complete"' not in page


def test_only_the_centre_completes(client, enrolment, assessor, candidate) -> None:
    _eligible(enrolment, assessor)
    page = reverse("assessments:enrolment_complete", kwargs={"pk": enrolment.pk})
    for person in (assessor, candidate):
        client.force_login(person)
        assert client.post(page, {"reason": "Mine"}).status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_a_completed_portfolio_stays_readable_and_exportable(client, enrolment, assessor, centre_admin,
                                                             candidate) -> None:
    _eligible(enrolment, assessor)
    services.enrolment_complete(enrolment=enrolment, by=centre_admin, reason="Claimed")
    client.force_login(candidate)
    assert client.get(reverse("assessments:progress", kwargs={"pk": enrolment.pk})).status_code == 200
    response = client.post(reverse("exports:export_create", kwargs={"pk": enrolment.pk}), {"format": "pdf"})
    assert response.status_code == 302 and enrolment.portfolio_exports.count() == 1
