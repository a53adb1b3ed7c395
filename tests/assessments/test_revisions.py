"""Revising referred evidence: what a new version keeps of the decisions on the one before, and what changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Decision
from audit.models import AuditRecord
from evidence import reads as evidence_reads
from evidence import services as evidence_services
from evidence.models import MappingStatus
from tests.assessments.factories import items_of, mapping_of, submitted_evidence
from tests.evidence.evidence_factories import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def referred(enrolment, assessor):
    """Evidence claiming A1's first two items: the first accepted and signed off, the second referred."""
    first, second = items_of(enrolment, "A1")[:2]
    evidence = submitted_evidence(enrolment, [first, second])
    services.mapping_accept(mapping=mapping_of(evidence, first), by=assessor)
    services.item_sign_off(enrolment=enrolment, assessable_item=first, by=assessor)
    services.mapping_refer(mapping=mapping_of(evidence, second), by=assessor, feedback="Add the guest's reply.")
    return evidence, first, second


def test_an_unchanged_accepted_claim_keeps_its_acceptance_when_the_next_version_is_submitted(
    enrolment, assessor, referred
) -> None:
    evidence, first, second = referred
    version = evidence_services.version_revise(item=evidence, by=enrolment.candidate)
    evidence_services.version_submit(version=version, by=enrolment.candidate)
    evidence.refresh_from_db()
    assert mapping_of(evidence, first).status == MappingStatus.ACCEPTED
    carried = Decision.objects.get(mapping=mapping_of(evidence, first))
    original = Decision.objects.get(mapping__version__number=1, assessable_item=first)
    assert carried.carried_from == original and carried.by == assessor and carried.outcome == "accepted"
    assert AuditRecord.objects.filter(action="decision carried forward", enrolment_id=enrolment.pk).count() == 1


def test_a_referred_claim_comes_back_for_review_and_a_new_claim_is_claimed(enrolment, referred) -> None:
    evidence, first, second = referred
    third = items_of(enrolment, "A1")[2]
    version = evidence_services.version_revise(item=evidence, by=enrolment.candidate)
    evidence_services.mappings_set(version=version, assessable_item_ids=[first.pk, second.pk, third.pk],
                                   by=enrolment.candidate)
    evidence_services.version_submit(version=version, by=enrolment.candidate)
    evidence.refresh_from_db()
    assert mapping_of(evidence, second).status == MappingStatus.CLAIMED
    assert mapping_of(evidence, third).status == MappingStatus.CLAIMED
    assert not Decision.objects.filter(mapping__version=version, assessable_item__in=[second, third]).exists()


def test_a_claim_withdrawn_in_the_draft_carries_nothing(enrolment, referred) -> None:
    evidence, first, second = referred
    version = evidence_services.version_revise(item=evidence, by=enrolment.candidate)
    evidence_services.mappings_set(version=version, assessable_item_ids=[second.pk], by=enrolment.candidate)
    evidence_services.version_submit(version=version, by=enrolment.candidate)
    assert not Decision.objects.filter(mapping__version=version).exists()
    assert list(version.mappings.values_list("assessable_item_id", "status")) == [(second.pk, "claimed")]


def test_the_changes_between_versions_are_listed(enrolment, referred) -> None:
    evidence, first, second = referred
    third = items_of(enrolment, "A1")[2]
    version = evidence_services.version_revise(item=evidence, by=enrolment.candidate)
    evidence_services.draft_update(version=version, by=enrolment.candidate, title="Reply to a complaint",
                                   date=version.date, text="I answered the guest's complaint within ten minutes.")
    evidence_services.file_add(version=version, uploaded=pdf_upload("reply.pdf"), by=enrolment.candidate)
    old_file = version.files.get(original_name="screenshot.png")
    evidence_services.file_remove(evidence_file=old_file, by=enrolment.candidate)
    evidence_services.mappings_set(version=version, assessable_item_ids=[second.pk, third.pk],
                                   by=enrolment.candidate)
    version.refresh_from_db()
    changes = evidence_reads.version_changes(version)
    assert changes is not None and changes.previous.number == 1
    assert [(part.change, part.text) for part in changes.text if part.change] == [
        ("removed", "the hour."), ("added", "ten minutes."),
    ]
    assert [f.original_name for f in changes.files_added] == ["reply.pdf"]
    assert [f.original_name for f in changes.files_removed] == ["screenshot.png"]
    assert [i.pk for i in changes.items_added] == [third.pk]
    assert [i.pk for i in changes.items_removed] == [first.pk]
    assert [i.pk for i in changes.items_kept] == [second.pk]
    assert evidence_reads.version_changes(evidence.versions.get(number=1)) is None


# --------------------------------------------------------------------------- the pages


def _review(enrolment, evidence) -> str:
    return reverse("assessments:review", kwargs={"pk": enrolment.pk, "evidence_pk": evidence.pk})


def test_one_action_from_the_referral_starts_the_version_and_opens_the_editor_with_the_feedback(
    client, enrolment, referred
) -> None:
    evidence, first, second = referred
    client.force_login(enrolment.candidate)
    page = client.get(_review(enrolment, evidence)).content.decode()
    assert "Revise this evidence" in page
    response = client.post(reverse("assessments:revise", kwargs={"pk": enrolment.pk, "evidence_pk": evidence.pk}),
                           follow=True)
    evidence.refresh_from_db()
    assert evidence.current_version.number == 2 and evidence.current_version.is_draft
    assert response.redirect_chain[-1][0] == reverse(
        "assessments:revision", kwargs={"pk": enrolment.pk, "evidence_pk": evidence.pk})
    page = response.content.decode()
    assert "Add the guest&#x27;s reply." in page and 'name="text"' in page
    assert 'name="witness_name"' not in page


def test_a_second_press_opens_the_draft_already_started(client, enrolment, referred) -> None:
    evidence, first, second = referred
    client.force_login(enrolment.candidate)
    url = reverse("assessments:revise", kwargs={"pk": enrolment.pk, "evidence_pk": evidence.pk})
    client.post(url)
    client.post(url)
    assert evidence.versions.count() == 2


def test_saving_the_revision_changes_the_draft_and_a_bad_date_says_what_to_do(client, enrolment, referred) -> None:
    evidence, first, second = referred
    version = evidence_services.version_revise(item=evidence, by=enrolment.candidate)
    client.force_login(enrolment.candidate)
    url = reverse("assessments:revision", kwargs={"pk": enrolment.pk, "evidence_pk": evidence.pk})
    response = client.post(url, {"title": "Reply", "date": "2999-01-01", "text": "Changed."})
    assert response.status_code == 400 and "The date cannot be in the future." in response.content.decode()
    version.refresh_from_db()
    assert version.text != "Changed."
    response = client.post(url, {"title": "Reply", "date": "2026-03-02", "text": "Changed."})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.text == "Changed."


def test_a_draft_second_version_never_reads_claimed_awaiting_review(client, enrolment, referred) -> None:
    evidence, first, second = referred
    evidence_services.version_revise(item=evidence, by=enrolment.candidate)
    client.force_login(enrolment.candidate)
    pages = [
        client.get(_review(enrolment, evidence)).content.decode(),
        client.get(reverse("assessments:progress", kwargs={"pk": enrolment.pk})).content.decode(),
        client.get(reverse("evidence:detail", kwargs={"pk": evidence.pk})).content.decode(),
    ]
    for page in pages:
        assert "Claimed, awaiting review" not in page and "status-claimed" not in page
    assert "In a draft, not submitted yet" in pages[0]
    assert "Accepted on version 1: stays accepted when you submit" in pages[2]
    assert "Referred on version 1: the assessor judges it again" in pages[2]


def test_the_assessor_sees_what_changed_and_the_decision_kept(client, enrolment, assessor, referred) -> None:
    evidence, first, second = referred
    version = evidence_services.version_revise(item=evidence, by=enrolment.candidate)
    evidence_services.draft_update(version=version, by=enrolment.candidate, title="Reply to a complaint",
                                   date=version.date, text="I answered the guest's complaint within ten minutes.")
    evidence_services.version_submit(version=version, by=enrolment.candidate)
    client.force_login(assessor)
    page = client.get(_review(enrolment, evidence)).content.decode()
    assert "What changed since version 1" in page
    assert "removed: </span>the hour.</del>" in page and "added: </span>ten minutes.</ins>" in page
    assert "kept, as this claim did not change" in page
    assert "Revise this evidence" not in page


def test_a_stranger_cannot_revise(client, enrolment, stranger_assessor, referred) -> None:
    evidence, first, second = referred
    client.force_login(stranger_assessor)
    url = reverse("assessments:revise", kwargs={"pk": enrolment.pk, "evidence_pk": evidence.pk})
    assert client.post(url).status_code == 404
    assert evidence.versions.count() == 1


def test_a_new_version_whose_claims_all_kept_their_acceptance_emails_nobody_to_review_it(
    enrolment, assessor, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    first = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [first])
    services.mapping_accept(mapping=mapping_of(evidence, first), by=assessor)
    version = evidence_services.version_revise(item=evidence, by=enrolment.candidate)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        evidence_services.version_submit(version=version, by=enrolment.candidate)
    assert [m.to for m in mailoutbox if "Evidence to review" in m.subject] == []


def test_start_a_new_version_in_the_library_also_opens_the_editor_with_the_feedback(
    client, enrolment, referred
) -> None:
    evidence, first, second = referred
    client.force_login(enrolment.candidate)
    page = client.get(reverse("evidence:detail", kwargs={"pk": evidence.pk})).content.decode()
    action = reverse("assessments:revise", kwargs={"pk": enrolment.pk, "evidence_pk": evidence.pk})
    assert f'action="{action}"' in page
    response = client.post(action, follow=True)
    assert "Add the guest&#x27;s reply." in response.content.decode()
