"""The enrolment's life: paused, withdrawn or completed, it is read-only for everyone (the gate and the
services both refuse, saying why), every page of it says so, and each change of status or people is
audited with who, when and why."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditRecord
from candidates import access, services
from candidates.access import Permission
from candidates.models import Enrolment, EnrolmentStatus
from candidates.services import plan as plan_services

FROZEN = [EnrolmentStatus.PAUSED, EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED]
WRITES = [permission for permission in Permission if permission not in access.READ_ONLY_PERMISSIONS]


def freeze(enrolment: Enrolment, status: str) -> Enrolment:
    Enrolment.objects.filter(pk=enrolment.pk).update(status=status, status_since=timezone.now())
    enrolment.refresh_from_db()
    return enrolment


# --- the gate ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", FROZEN)
def test_the_gate_refuses_every_write_on_a_frozen_enrolment_saying_why(
    enrolment, candidate, assessor, iqa, centre_admin, status
) -> None:
    freeze(enrolment, status)
    holders = {Permission.WRITE: candidate, Permission.ACT_AS_CANDIDATE: candidate, Permission.PLAN: candidate,
               Permission.WRITE_EVIDENCE: candidate, Permission.OBSERVE: assessor, Permission.JUDGE: assessor,
               Permission.QUALITY_ASSURE: iqa, Permission.TALK: candidate}
    for need, user in holders.items():
        with pytest.raises(PermissionDenied, match=f"This enrolment is {status}"):
            access.enrolment_for(user, enrolment.pk, need=need)


@pytest.mark.parametrize("status", FROZEN)
def test_a_frozen_enrolment_stays_readable_and_says_no_write_is_possible(enrolment, candidate, status) -> None:
    freeze(enrolment, status)
    seen = access.enrolment_for(candidate, enrolment.pk)
    assert access.viewer_may(seen, Permission.READ)
    assert not any(access.viewer_may(seen, need) for need in WRITES)


def test_a_paused_enrolment_may_still_be_managed_a_withdrawn_or_completed_one_not(enrolment, centre_admin) -> None:
    freeze(enrolment, EnrolmentStatus.PAUSED)
    assert access.viewer_may(access.enrolment_for(centre_admin, enrolment.pk, need=Permission.MANAGE),
                             Permission.MANAGE)
    for status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED):
        freeze(enrolment, status)
        with pytest.raises(PermissionDenied, match="never changed again"):
            access.enrolment_for(centre_admin, enrolment.pk, need=Permission.MANAGE)


def test_resuming_makes_the_enrolment_writable_again(enrolment, candidate, centre_admin) -> None:
    services.pause(enrolment=enrolment, by=centre_admin, reason="Leave")
    with pytest.raises(PermissionDenied):
        access.enrolment_for(candidate, enrolment.pk, need=Permission.WRITE_EVIDENCE)
    services.resume(enrolment=enrolment, by=centre_admin, reason="Back")
    assert access.enrolment_for(candidate, enrolment.pk, need=Permission.WRITE_EVIDENCE).pk == enrolment.pk


# --- the services ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", FROZEN)
def test_ensure_open_refuses_a_frozen_enrolment_saying_why(enrolment, status) -> None:
    freeze(enrolment, status)
    with pytest.raises(ValidationError, match=f"This enrolment is {status}") as refused:
        services.ensure_open(enrolment)
    assert refused.value.code == "frozen"


def test_a_paused_enrolment_keeps_its_plan_and_self_assessment(enrolment, candidate) -> None:
    freeze(enrolment, EnrolmentStatus.PAUSED)
    with pytest.raises(ValidationError, match="paused"):
        plan_services.plan_save(enrolment=enrolment, codes=["B2"], by=candidate)
    with pytest.raises(ValidationError, match="paused"):
        plan_services.self_assessment_save(enrolment=enrolment, coverage={"A1": "fully"}, by=candidate)
    assert not enrolment.unit_choices.exists() and not enrolment.self_assessments.exists()


@pytest.mark.parametrize("status", [EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED])
def test_a_withdrawn_or_completed_enrolment_keeps_its_people(enrolment, other_assessor, centre_admin,
                                                             status) -> None:
    freeze(enrolment, status)
    with pytest.raises(ValidationError, match="never changed again"):
        services.reassign(enrolment=enrolment, role="assessor", to_user=other_assessor, by=centre_admin,
                          reason="Caseload")


# --- reasons: asked every time, kept with who and when -------------------------------------------------

MOVES = [
    ("pause", EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED),
    ("resume", EnrolmentStatus.PAUSED, EnrolmentStatus.ACTIVE),
    ("withdraw", EnrolmentStatus.ACTIVE, EnrolmentStatus.WITHDRAWN),
    ("complete", EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED),
]


@pytest.mark.parametrize(("move", "before", "after"), MOVES)
def test_each_change_of_status_requires_a_reason(enrolment, centre_admin, move, before, after) -> None:
    freeze(enrolment, before)
    with pytest.raises(ValidationError) as refused:
        getattr(services, move)(enrolment=enrolment, by=centre_admin, reason="  ")
    assert refused.value.message_dict == {"reason": ["Give the reason: it is kept in the enrolment's history."]}
    enrolment.refresh_from_db()
    assert enrolment.status == before and not AuditRecord.objects.exists()


@pytest.mark.parametrize(("move", "before", "after"), MOVES)
def test_each_change_of_status_records_who_when_and_why(enrolment, centre_admin, move, before, after) -> None:
    freeze(enrolment, before)
    started = timezone.now()
    getattr(services, move)(enrolment=enrolment, by=centre_admin, reason="Agreed at the review meeting")
    record = AuditRecord.objects.get(enrolment_id=enrolment.pk)
    assert record.actor_id == centre_admin.pk and record.at >= started
    assert record.after == {"status": after, "reason": "Agreed at the review meeting"}
    enrolment.refresh_from_db()
    assert enrolment.status == after and enrolment.status_since is not None and enrolment.status_since >= started


def test_reassignment_requires_and_records_a_reason(enrolment, other_assessor, centre_admin) -> None:
    with pytest.raises(ValidationError, match="Give the reason"):
        services.reassign(enrolment=enrolment, role="assessor", to_user=other_assessor, by=centre_admin, reason="")
    services.reassign(enrolment=enrolment, role="assessor", to_user=other_assessor, by=centre_admin,
                      reason="Ash moved to the evening classes")
    record = AuditRecord.objects.get(action="assessor reassigned")
    assert (record.after or {})["reason"] == "Ash moved to the evening classes" and record.actor_id == centre_admin.pk


# --- the views ---------------------------------------------------------------------------------------


def url(name: str, **kwargs: object) -> str:
    return reverse(f"candidates:{name}", kwargs=kwargs)


def test_pausing_without_a_reason_shows_the_page_again_with_the_error(client, centre_admin, enrolment) -> None:
    client.force_login(centre_admin)
    response = client.post(url("enrolment_pause", pk=enrolment.pk), {"reason": " "})
    assert response.status_code == 200
    assert "Give the reason: it is kept in the enrolment&#x27;s history." in response.text
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_a_refused_reassignment_keeps_what_was_typed(client, centre_admin, enrolment, other_assessor) -> None:
    client.force_login(centre_admin)
    too_long = "x" * 501
    response = client.post(url("enrolment_reassign_assessor", pk=enrolment.pk),
                           {"to_user": other_assessor.pk, "reason": too_long})
    assert response.status_code == 200
    assert too_long in response.text and f'value="{other_assessor.pk}" selected' in response.text
    assert "Ensure this value has at most 500 characters" in response.text


def test_a_reassignment_refused_for_the_person_chosen_says_so_on_that_field(client, centre_admin, enrolment,
                                                                          assessor) -> None:
    client.force_login(centre_admin)
    response = client.post(url("enrolment_reassign_assessor", pk=enrolment.pk),
                           {"to_user": assessor.pk, "reason": "Caseload"})
    assert response.status_code == 200  # the page again, not a redirect to a banner
    page = response.text
    field = re.search(r'<select[^>]*id="id_assessor_to_user"[^>]*>', page)
    assert field is not None and 'aria-invalid="true"' in field.group(0)
    error = re.search(r'<div id="id_assessor_to_user_error"[^>]*>(.*?)</div>', page, re.S)
    assert error is not None and "Ash Assessor is already the assessor of this enrolment." in error.group(1)
    assert "Caseload</textarea>" in page
    enrolment.refresh_from_db()
    assert enrolment.assessor_id == assessor.pk


def test_the_history_shows_why_the_enrolment_was_paused(client, centre_admin, enrolment) -> None:
    client.force_login(centre_admin)
    client.post(url("enrolment_pause", pk=enrolment.pk), {"reason": "Parental leave until May"})
    page = client.get(reverse("assessments:history", kwargs={"pk": enrolment.pk})).text
    assert "Ada Admin (centre admin) paused the enrolment: Parental leave until May" in page


def test_a_write_refused_on_a_paused_enrolment_says_why_and_what_to_do(client, candidate, enrolment) -> None:
    freeze(enrolment, EnrolmentStatus.PAUSED)
    client.force_login(candidate)
    response = client.post(reverse("evidence:create", kwargs={"pk": enrolment.pk}), {})
    assert response.status_code == 403
    assert "nothing can be changed until the centre resumes it" in response.text


def test_the_management_forms_follow_the_status(client, centre_admin, enrolment) -> None:
    client.force_login(centre_admin)
    page = client.get(url("enrolment_detail", pk=enrolment.pk)).text
    assert 'data-testid="status-pause"' in page and 'data-testid="status-resume"' not in page
    assert reverse("assessments:enrolment_complete", kwargs={"pk": enrolment.pk}) in page
    freeze(enrolment, EnrolmentStatus.PAUSED)
    page = client.get(url("enrolment_detail", pk=enrolment.pk)).text
    assert 'data-testid="status-resume"' in page and 'data-testid="status-withdraw"' in page
    assert 'data-testid="status-pause"' not in page
    freeze(enrolment, EnrolmentStatus.WITHDRAWN)
    page = client.get(url("enrolment_detail", pk=enrolment.pk)).text
    assert 'data-testid="status-' not in page and 'data-testid="reassign-assessor"' not in page
