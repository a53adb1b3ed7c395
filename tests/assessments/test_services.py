"""The assessment workflow's services: decisions, sign-off, declarations, the IQA, audit records and emails."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import Decision, FeedbackMessage, ItemSignOff, UnitSignOff
from audit.models import AuditRecord
from evidence import services as evidence_services
from evidence.models import EvidenceFile, EvidenceKind, Mapping, MappingStatus
from tests.assessments.factories import (
    accepted_evidence,
    items_of,
    mapping_of,
    signed_unit,
    submitted_evidence,
    unit_of,
)
from tests.evidence.evidence_factories import make_evidence

pytestmark = pytest.mark.django_db


def test_accepting_a_mapping_records_a_decision_and_emails_the_candidate(
    enrolment, assessor, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.mapping_accept(mapping=mapping_of(evidence, item), by=assessor)
    assert decision.outcome == "accepted"
    assert mapping_of(evidence, item).status == MappingStatus.ACCEPTED
    assert [m.to for m in mailoutbox] == [[enrolment.candidate.email]]
    assert AuditRecord.objects.filter(action="mapping accepted", enrolment_id=enrolment.pk).exists()


def test_referring_needs_feedback_and_starts_the_conversation(enrolment, assessor) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    with pytest.raises(ValidationError, match="Say what is missing"):
        services.mapping_refer(mapping=mapping_of(evidence, item), by=assessor, feedback="  ")
    services.mapping_refer(mapping=mapping_of(evidence, item), by=assessor, feedback="Add the customer's reply.")
    assert mapping_of(evidence, item).status == MappingStatus.REFERRED
    assert FeedbackMessage.objects.get(evidence=evidence).text == "Add the customer's reply."


def test_submitting_evidence_emails_the_assessor_and_is_audited(
    enrolment, assessor, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        evidence = submitted_evidence(enrolment, items_of(enrolment, "A1")[:1])
    assert any(m.to == [assessor.email] and "Evidence to review" in m.subject for m in mailoutbox)
    record = AuditRecord.objects.get(action="evidence version submitted")
    assert record.object_id == str(evidence.current_version_id)
    assert record.after["files"][0]["sha256"] == evidence.current_version.files.get().sha256


def test_the_assessor_gets_one_email_per_submission_even_when_ready_runs_again(
    enrolment, assessor, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    from django.apps import apps

    apps.get_app_config("assessments").ready()  # connects the receiver again: the dispatch_uid keeps it once
    with django_capture_on_commit_callbacks(execute=True):
        submitted_evidence(enrolment, items_of(enrolment, "A1")[:1])
    assert [m.to for m in mailoutbox if "Evidence to review" in m.subject] == [[assessor.email]]


def test_an_item_without_accepted_evidence_cannot_be_signed_off(enrolment, assessor) -> None:
    item = items_of(enrolment, "A1")[0]
    submitted_evidence(enrolment, [item])
    with pytest.raises(ValidationError, match="no accepted evidence"):
        services.item_sign_off(enrolment=enrolment, assessable_item=item, by=assessor)


def test_sign_off_pins_versions_and_file_hashes_that_later_versions_do_not_change(enrolment, assessor) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = accepted_evidence(enrolment, [item], assessor=assessor)
    original = evidence.current_version.files.get()
    sign_off = services.item_sign_off(enrolment=enrolment, assessable_item=item, by=assessor)
    (pinned,) = sign_off.evidence.all()
    assert (pinned.version_id, pinned.version_number, pinned.sha256, pinned.file_name) == (
        evidence.current_version_id, 1, original.sha256, original.original_name)
    # A new version with different bytes leaves the sign-off as it was.
    draft = evidence_services.version_revise(item=evidence, by=enrolment.candidate)
    EvidenceFile.objects.filter(version=draft).update(sha256="f" * 64)
    assert list(sign_off.evidence.values_list("sha256", flat=True)) == [original.sha256]


def test_a_second_sign_off_says_who_signed_and_when(enrolment, assessor, centre_admin) -> None:
    item = items_of(enrolment, "A1")[0]
    accepted_evidence(enrolment, [item], assessor=assessor)
    services.item_sign_off(enrolment=enrolment, assessable_item=item, by=assessor)
    with pytest.raises(ValidationError, match="Already signed off by Ash Assessor at"):
        services.item_sign_off(enrolment=enrolment, assessable_item=item, by=centre_admin)
    assert ItemSignOff.objects.count() == 1


def test_decisions_on_a_signed_off_item_are_final(enrolment, assessor) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = accepted_evidence(enrolment, [item], assessor=assessor)
    services.item_sign_off(enrolment=enrolment, assessable_item=item, by=assessor)
    with pytest.raises(ValidationError, match="already signed off"):
        services.mapping_refer(mapping=mapping_of(evidence, item), by=assessor, feedback="Changed my mind")


def test_a_unit_needs_every_item_signed_off(enrolment, assessor) -> None:
    first, *rest = items_of(enrolment, "A1")
    accepted_evidence(enrolment, [first], assessor=assessor)
    services.item_sign_off(enrolment=enrolment, assessable_item=first, by=assessor)
    services.learner_declare(enrolment=enrolment, unit=unit_of(enrolment, "A1"), by=enrolment.candidate)
    with pytest.raises(ValidationError, match="still open: 1.2"):
        services.unit_sign_off(enrolment=enrolment, unit=unit_of(enrolment, "A1"), by=assessor)


def test_a_unit_needs_the_learner_declaration(enrolment, assessor) -> None:
    items = items_of(enrolment, "B3")
    accepted_evidence(enrolment, items, assessor=assessor)
    services.item_sign_off(enrolment=enrolment, assessable_item=items[0], by=assessor)
    with pytest.raises(ValidationError, match="learner declaration"):
        services.unit_sign_off(enrolment=enrolment, unit=unit_of(enrolment, "B3"), by=assessor)


def test_only_the_candidate_makes_the_learner_declaration(enrolment, assessor) -> None:
    with pytest.raises(ValidationError, match="Only the candidate"):
        services.learner_declare(enrolment=enrolment, unit=unit_of(enrolment, "B3"), by=assessor)


def test_a_unit_signed_off_is_audited_with_the_declaration(enrolment, assessor) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    record = AuditRecord.objects.get(action="unit signed off")
    assert record.object_id == str(sign_off.pk) and record.after["declaration"] == UnitSignOff.DECLARATION


def test_iqa_referral_supersedes_the_sign_off_reopens_the_unit_and_emails_the_assessor(
    enrolment, assessor, iqa, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.iqa_refer(unit_sign_off=sign_off, by=iqa, comments="The observation is undated.")
    assert UnitSignOff.objects.filter(pk=sign_off.pk).exists()  # kept, not deleted
    assert not UnitSignOff.objects.current().filter(enrolment=enrolment).exists()
    assert mailoutbox[0].to == [assessor.email] and "undated" in mailoutbox[0].body
    with pytest.raises(ValidationError, match="Sign off every item of unit B3 first"):
        services.unit_sign_off(enrolment=enrolment, unit=unit_of(enrolment, "B3"), by=assessor)
    for item in items_of(enrolment, "B3"):
        services.item_sign_off(enrolment=enrolment, assessable_item=item, by=assessor)
    again = services.unit_sign_off(enrolment=enrolment, unit=unit_of(enrolment, "B3"), by=assessor)
    assert again.replaces_id == sign_off.pk


def test_an_iqa_referral_reopens_the_units_items_for_new_decisions_keeping_the_old_sign_offs(
    enrolment, assessor, iqa
) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    item = items_of(enrolment, "B3")[0]
    mapping = Mapping.objects.get(version__item__enrolment=enrolment, assessable_item=item)
    with pytest.raises(ValidationError, match="already signed off; its decisions are final"):
        services.mapping_refer(mapping=mapping, by=assessor, feedback="Date the observation.")
    services.iqa_refer(unit_sign_off=sign_off, by=iqa, comments="The observation is undated.")
    services.mapping_refer(mapping=mapping, by=assessor, feedback="Date the observation.")
    with pytest.raises(ValidationError, match="no accepted evidence yet"):
        services.item_sign_off(enrolment=enrolment, assessable_item=item, by=assessor)
    services.mapping_accept(mapping=Mapping.objects.get(pk=mapping.pk), by=assessor)
    renewed = services.item_sign_off(enrolment=enrolment, assessable_item=item, by=assessor)
    assert renewed.round == 1
    assert list(ItemSignOff.objects.filter(enrolment=enrolment, assessable_item=item).values_list("round", flat=True)
                .order_by("round")) == [0, 1]
    assert list(ItemSignOff.objects.current().filter(enrolment=enrolment, assessable_item=item)) == [renewed]
    with pytest.raises(ValidationError, match="Already signed off by Ash Assessor"):
        services.item_sign_off(enrolment=enrolment, assessable_item=item, by=assessor)


def test_countersigning_twice_is_refused(enrolment, assessor, iqa) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    services.countersign(unit_sign_off=sign_off, by=iqa)
    with pytest.raises(ValidationError, match="Already countersigned by Ivy Quality"):
        services.countersign(unit_sign_off=sign_off, by=iqa)
    with pytest.raises(ValidationError, match="already countersigned|Already countersigned"):
        services.iqa_refer(unit_sign_off=sign_off, by=iqa, comments="late")


def test_decisions_cannot_be_edited_or_deleted(enrolment, assessor) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    decision = services.mapping_accept(mapping=mapping_of(evidence, item), by=assessor)
    decision.feedback = "rewritten"
    with pytest.raises(ValidationError):
        decision.save()
    with pytest.raises(ValidationError):
        decision.delete()
    assert Decision.objects.get().feedback == ""


def test_assessor_writes_an_observation_and_a_recorded_discussion_and_maps_them(enrolment, assessor) -> None:
    item = items_of(enrolment, "A1")[0]
    observation = submitted_evidence(enrolment, [item], by=assessor, kind=EvidenceKind.OBSERVATION, with_file=False,
                                     title="Observed a complaint call")
    assert mapping_of(observation, item).status == MappingStatus.ACCEPTED  # the author's own record: no second click
    discussion = make_evidence(enrolment, by=assessor, kind=EvidenceKind.RECORDED_DISCUSSION, with_file=True,
                               title="Professional discussion")
    assert discussion.created_by == assessor and observation.created_by == assessor


def test_reassignment_is_audited(enrolment, centre_admin, other_assessor) -> None:
    from candidates import services as candidate_services

    candidate_services.reassign(enrolment=enrolment, role="assessor", to_user=other_assessor, by=centre_admin,
        reason="Caseload")
    record = AuditRecord.objects.get(action="assessor reassigned")
    assert record.before == {"user": "Ash Assessor"} and record.after == {"user": "Otto Assessor", "reason": "Caseload"}


def test_sampling_a_unit_is_audited_and_refused_twice(enrolment, assessor, iqa) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    sample = services.unit_sample(unit_sign_off=sign_off, by=iqa)
    record = AuditRecord.objects.get(action="unit sampled by IQA")
    assert record.object_id == str(sample.pk) and record.actor_id == iqa.pk
    with pytest.raises(ValidationError, match="Already in the sample of Ivy Quality"):
        services.unit_sample(unit_sign_off=sign_off, by=iqa)


def test_a_countersigned_unit_cannot_be_put_in_the_sample(enrolment, assessor, iqa) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    services.countersign(unit_sign_off=sign_off, by=iqa)
    with pytest.raises(ValidationError, match="Already countersigned"):
        services.unit_sample(unit_sign_off=sign_off, by=iqa)


def test_referral_new_version_sign_offs_countersignature_and_iqa_referral_are_each_audited(
    enrolment, assessor, iqa
) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    services.mapping_refer(mapping=mapping_of(evidence, item), by=assessor, feedback="Add the date.")
    evidence_services.version_revise(item=evidence, by=enrolment.candidate)
    countersigned = signed_unit(enrolment, "B3", assessor=assessor)
    services.countersign(unit_sign_off=countersigned, by=iqa)
    services.iqa_refer(unit_sign_off=signed_unit(enrolment, "A2", assessor=assessor), by=iqa, comments="Undated.")
    actions = set(AuditRecord.objects.filter(enrolment_id=enrolment.pk).values_list("action", flat=True))
    assert {"mapping referred", "evidence version started", "item signed off", "learner declaration",
            "unit signed off", "unit countersigned", "unit referred by IQA"} <= actions
