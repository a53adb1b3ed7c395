"""A paused, withdrawn or completed enrolment's evidence does not change: every evidence service refuses,
saying why, behind the gate's own 403 (tests/candidates/test_lifecycle.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from candidates.models import Enrolment, EnrolmentStatus
from evidence import services
from evidence.models import EvidenceKind, VersionStatus
from tests.evidence.evidence_factories import DAY, make_evidence, png_upload
from units.models import AssessableItem

FROZEN = [EnrolmentStatus.PAUSED, EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED]


def freeze(enrolment: Enrolment, status: str) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(status=status, status_since=timezone.now())
    enrolment.refresh_from_db()


@pytest.mark.parametrize("status", FROZEN)
def test_no_evidence_is_created_in_a_frozen_enrolment(enrolment, candidate, status) -> None:
    freeze(enrolment, status)
    with pytest.raises(ValidationError, match=f"This enrolment is {status}"):
        services.evidence_create(enrolment=enrolment, kind=EvidenceKind.PERSONAL_STATEMENT, by=candidate,
                                 title="My week", date=DAY, text="I answered calls.")
    assert not enrolment.evidence_items.exists()


@pytest.mark.parametrize("status", FROZEN)
def test_a_draft_is_neither_submitted_changed_nor_given_files_in_a_frozen_enrolment(
    enrolment, candidate, status
) -> None:
    version = make_evidence(enrolment).current_version
    assert version is not None
    first_item = AssessableItem.objects.filter(unit__qualification=enrolment.qualification).order_by("pk")[0]
    freeze(enrolment, status)
    refusals = [
        lambda: services.version_submit(version=version, by=candidate),
        lambda: services.draft_update(version=version, by=candidate, title="Changed", date=DAY),
        lambda: services.file_add(version=version, uploaded=png_upload(), by=candidate),
        lambda: services.file_remove(evidence_file=version.files.get(), by=candidate),
        lambda: services.mappings_set(version=version, assessable_item_ids=[first_item.pk], by=candidate),
    ]
    for refused in refusals:
        with pytest.raises(ValidationError, match=f"This enrolment is {status}"):
            refused()
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT and version.title == "Reply to a complaint"
    assert version.files.count() == 1 and not version.mappings.exists()


def test_no_new_version_is_started_in_a_paused_enrolment(enrolment, candidate) -> None:
    item = make_evidence(enrolment)
    assert item.current_version is not None
    services.version_submit(version=item.current_version, by=candidate)
    freeze(enrolment, EnrolmentStatus.PAUSED)
    with pytest.raises(ValidationError, match="until the centre resumes it"):
        services.version_revise(item=item, by=candidate)
    assert item.versions.count() == 1


def test_a_witness_cannot_confirm_while_the_enrolment_is_paused(enrolment, candidate) -> None:
    version = make_evidence(enrolment, kind=EvidenceKind.WITNESS_TESTIMONY, with_file=False).current_version
    assert version is not None
    services.version_submit(version=version, by=candidate)
    token = services.witness_token(version)
    freeze(enrolment, EnrolmentStatus.PAUSED)
    with pytest.raises(ValidationError, match="paused"):
        services.witness_confirm(token=token)
    version.refresh_from_db()
    assert not version.witness_confirmed


@pytest.mark.parametrize("status", FROZEN)
def test_the_candidate_gets_403_on_every_evidence_write_and_reads_the_library(
    client, enrolment, candidate, status
) -> None:
    item = make_evidence(enrolment)
    freeze(enrolment, status)
    client.force_login(candidate)
    for name, pk in [("evidence:create", enrolment.pk), ("evidence:edit", item.pk), ("evidence:upload", item.pk),
                     ("evidence:mapping", item.pk), ("evidence:submit", item.pk)]:
        assert client.post(reverse(name, kwargs={"pk": pk}), {}).status_code == 403, name
    library = client.get(reverse("evidence:library", kwargs={"pk": enrolment.pk}))
    assert library.status_code == 200 and "Reply to a complaint" in library.text
    assert reverse("evidence:create", kwargs={"pk": enrolment.pk}) not in library.text
