"""Records the assessor writes (observation, professional discussion, questioning): accepted for their claims as
their author submits them, no email to the author, the candidate cannot write them, the pages speak to the assessor."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import Decision
from audit.models import AuditRecord
from candidates.models import Role, RoleKind
from evidence import services as evidence_services
from evidence.models import ASSESSOR_KINDS, EvidenceKind, MappingStatus
from tests.assessments.factories import items_of, mapping_of, submitted_evidence
from tests.evidence.evidence_factories import make_evidence

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", sorted(ASSESSOR_KINDS))
def test_the_assessors_record_is_accepted_for_its_claims_when_they_submit_it(enrolment, assessor, kind) -> None:
    items = items_of(enrolment, "A1")[:2]
    record = submitted_evidence(enrolment, items, by=assessor, kind=kind, with_file=False, title="Observed a call")
    assert {mapping_of(record, item).status for item in items} == {MappingStatus.ACCEPTED}
    decisions = Decision.objects.filter(version=record.current_version)
    assert {(d.by, d.outcome) for d in decisions} == {(assessor, "accepted")}
    assert AuditRecord.objects.filter(action="mapping accepted", after__own_record=True).count() == 2


def test_the_assessor_is_not_emailed_about_their_own_record_nor_the_candidate_about_its_acceptance(
    enrolment, assessor, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submitted_evidence(enrolment, items_of(enrolment, "A1")[:2], by=assessor, kind=EvidenceKind.OBSERVATION,
                           with_file=False)
    assert mailoutbox == []


def test_the_candidates_evidence_still_waits_for_the_assessor_and_emails_them(
    enrolment, assessor, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    item = items_of(enrolment, "A1")[0]
    with django_capture_on_commit_callbacks(execute=True):
        evidence = submitted_evidence(enrolment, [item])
    assert mapping_of(evidence, item).status == MappingStatus.CLAIMED
    assert [m.to for m in mailoutbox] == [[assessor.email]]


def test_a_record_by_someone_who_does_not_judge_the_enrolment_is_not_accepted(enrolment, assessor) -> None:
    # The assessor loses the assessor role at the centre: their record waits for a judge like any evidence.
    version = make_evidence(enrolment, by=assessor, kind=EvidenceKind.QUESTIONING, with_file=False).current_version
    assert version is not None
    evidence_services.mappings_set(version=version, assessable_item_ids=[items_of(enrolment, "A1")[0].pk], by=assessor)
    Role.objects.filter(user=assessor, kind=RoleKind.ASSESSOR).delete()
    evidence_services.version_submit(version=version, by=assessor)
    assert not Decision.objects.exists()


@pytest.mark.parametrize("kind", sorted(ASSESSOR_KINDS))
def test_the_candidate_cannot_write_an_assessors_record(enrolment, kind) -> None:
    with pytest.raises(ValidationError, match="written by your assessor"):
        make_evidence(enrolment, kind=kind, with_file=False)


def test_the_record_form_speaks_to_the_assessor_and_has_no_witness_fields(client, enrolment, assessor) -> None:
    client.force_login(assessor)
    url = reverse("evidence:create", kwargs={"pk": enrolment.pk}) + "?record=1"
    page = client.get(url).content.decode()
    assert "Your record" in page and "What are you recording?" in page
    assert 'name="witness_name"' not in page and "your evidence" not in page.lower()
    assert 'value="observation"' in page and 'value="questioning"' in page and 'value="work_product"' not in page
    response = client.post(url, {"kind": "observation", "title": "Observed a call", "date": "2026-03-02", "text": ""})
    assert response.status_code == 200
    assert "Write your record" in response.content.decode()
    response = client.post(url, {"kind": "observation", "title": "Observed a call", "date": "2026-03-02",
                                 "text": "Dana took a complaint call calmly."})
    assert response.status_code == 302
    detail = client.get(response.url).content.decode()
    assert "Submit the record" in detail and "Edit the record" in detail and "Submit for assessment" not in detail


def test_the_candidate_may_not_open_the_record_form(client, enrolment) -> None:
    client.force_login(enrolment.candidate)
    assert client.get(reverse("evidence:create", kwargs={"pk": enrolment.pk}) + "?record=1").status_code == 403
