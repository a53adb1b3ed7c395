"""The life of an evidence item through its services: draft, submit, map, revise; files and their bytes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from evidence import services
from evidence.models import EvidenceFile, EvidenceKind, Mapping, MappingStatus, VersionStatus
from evidence.uploads import UploadRefused, store_upload
from tests.evidence import generated
from tests.evidence.evidence_factories import DAY, make_evidence, pdf_upload, png_upload
from units.models import AssessableItem


def _items(enrolment, *codes: str) -> list[AssessableItem]:
    """Assessable items of the enrolment's qualification by "UNIT/CODE"."""
    found = []
    for code in codes:
        unit_code, item_code = code.split("/")
        found.append(AssessableItem.objects.get(
            unit__qualification=enrolment.qualification, unit__code=unit_code, code=item_code))
    return found


def _submit(item):
    return services.version_submit(version=item.current_version, by=item.enrolment.candidate)


def test_a_new_item_starts_as_a_draft_version_one(enrolment):
    item = make_evidence(enrolment, with_file=False, kind=EvidenceKind.PERSONAL_STATEMENT)
    assert item.current_version.number == 1
    assert item.current_version.status == VersionStatus.DRAFT


def test_a_draft_can_be_edited(enrolment):
    item = make_evidence(enrolment)
    services.draft_update(version=item.current_version, by=enrolment.candidate, title="New title", date=DAY,
                          text="More words")
    item.current_version.refresh_from_db()
    assert item.current_version.title == "New title"


def test_submitted_versions_cannot_be_edited(enrolment):
    item = make_evidence(enrolment)
    _submit(item)
    with pytest.raises(ValidationError, match="submitted"):
        services.draft_update(version=item.current_version, by=enrolment.candidate, title="Changed", date=DAY)
    item.current_version.refresh_from_db()
    assert item.current_version.title == "Reply to a complaint"


def test_submitted_versions_take_no_new_files(enrolment):
    item = make_evidence(enrolment)
    _submit(item)
    with pytest.raises(ValidationError, match="submitted"):
        services.file_add(version=item.current_version, uploaded=pdf_upload(), by=enrolment.candidate)
    assert item.current_version.files.count() == 1


def test_submitted_files_cannot_be_removed(enrolment):
    item = make_evidence(enrolment)
    _submit(item)
    with pytest.raises(ValidationError, match="submitted"):
        services.file_remove(evidence_file=item.current_version.files.get(), by=enrolment.candidate)


def test_the_candidate_cannot_remap_a_submitted_version(enrolment):
    item = make_evidence(enrolment)
    _submit(item)
    with pytest.raises(ValidationError, match="submitted"):
        services.mappings_set(version=item.current_version, assessable_item_ids=[_items(enrolment, "A1/1.1")[0].pk],
                              by=enrolment.candidate)


def test_a_work_product_needs_a_file_to_be_submitted(enrolment):
    item = make_evidence(enrolment, with_file=False)
    with pytest.raises(ValidationError, match="file"):
        _submit(item)


def test_the_candidate_cannot_write_an_observation_record(enrolment):
    with pytest.raises(ValidationError, match="assessor"):
        make_evidence(enrolment, kind=EvidenceKind.OBSERVATION, with_file=False)


def test_the_assessor_writes_an_observation_record(enrolment, assessor):
    item = make_evidence(enrolment, by=assessor, kind=EvidenceKind.OBSERVATION, with_file=False)
    assert item.created_by == assessor


def test_evidence_maps_across_units(enrolment):
    item = make_evidence(enrolment)
    wanted = _items(enrolment, "A1/1.1", "A2/2.2", "B1/1", "B3/B3")
    services.mappings_set(version=item.current_version, assessable_item_ids=[i.pk for i in wanted],
                          by=enrolment.candidate)
    mapped = set(item.current_version.mappings.values_list("assessable_item_id", flat=True))
    assert mapped == {i.pk for i in wanted}


def test_mapping_again_replaces_the_claims(enrolment):
    item = make_evidence(enrolment)
    first, second = _items(enrolment, "A1/1.1", "A1/1.2")
    services.mappings_set(version=item.current_version, assessable_item_ids=[first.pk], by=enrolment.candidate)
    services.mappings_set(version=item.current_version, assessable_item_ids=[second.pk], by=enrolment.candidate)
    assert list(item.current_version.mappings.values_list("assessable_item_id", flat=True)) == [second.pk]


def test_mapping_refuses_items_of_another_qualification(enrolment, make_qualification):
    other = make_qualification(code="other")
    foreign_item = AssessableItem.objects.filter(unit__qualification=other).first()
    item = make_evidence(enrolment)
    with pytest.raises(ValidationError, match="not in this candidate's units"):
        services.mappings_set(version=item.current_version, assessable_item_ids=[foreign_item.pk],
                              by=enrolment.candidate)


def test_mapping_is_limited_to_the_chosen_units(enrolment):
    from candidates.models import UnitChoice

    UnitChoice.objects.create(enrolment=enrolment, unit=enrolment.qualification.units.get(code="A1"))
    item = make_evidence(enrolment)
    (unchosen,) = _items(enrolment, "B1/1")
    with pytest.raises(ValidationError, match="not in this candidate's units"):
        services.mappings_set(version=item.current_version, assessable_item_ids=[unchosen.pk], by=enrolment.candidate)


def test_the_assessor_maps_a_submitted_version_on_the_candidates_behalf(enrolment, assessor):
    item = make_evidence(enrolment)
    _submit(item)
    (criterion,) = _items(enrolment, "A1/1.1")
    services.mappings_set(version=item.current_version, assessable_item_ids=[criterion.pk], by=assessor)
    mapping = Mapping.objects.get(version=item.current_version)
    assert (mapping.assessable_item, mapping.mapped_by, mapping.status) == (criterion, assessor, MappingStatus.CLAIMED)
    item.current_version.refresh_from_db()
    assert item.current_version.status == VersionStatus.SUBMITTED


def test_the_assessor_cannot_drop_a_decided_mapping_from_a_submitted_version(enrolment, assessor):
    item = make_evidence(enrolment)
    (criterion,) = _items(enrolment, "A1/1.1")
    services.mappings_set(version=item.current_version, assessable_item_ids=[criterion.pk], by=enrolment.candidate)
    _submit(item)
    Mapping.objects.filter(version=item.current_version).update(status=MappingStatus.ACCEPTED)
    with pytest.raises(ValidationError, match="already accepted or referred"):
        services.mappings_set(version=item.current_version, assessable_item_ids=[], by=assessor)


def test_a_referred_item_can_be_revised_as_a_new_version_and_the_old_one_stays_readable(enrolment):
    item = make_evidence(enrolment)
    first, second = _items(enrolment, "A1/1.1", "A1/1.2")
    services.mappings_set(version=item.current_version, assessable_item_ids=[first.pk, second.pk],
                          by=enrolment.candidate)
    old = _submit(item)
    Mapping.objects.filter(version=old, assessable_item=second).update(status=MappingStatus.REFERRED)

    new = services.version_revise(item=item, by=enrolment.candidate)
    services.draft_update(version=new, by=enrolment.candidate, title="Reply, with the follow-up", date=DAY,
                          text="And I followed it up a week later.")

    old.refresh_from_db()
    assert (new.number, new.status) == (2, VersionStatus.DRAFT)
    assert (old.title, old.status) == ("Reply to a complaint", VersionStatus.SUBMITTED)
    assert dict(old.mappings.values_list("assessable_item__code", "status")) == {"1.1": "claimed", "1.2": "referred"}
    assert set(new.mappings.values_list("status", flat=True)) == {MappingStatus.CLAIMED}
    item.refresh_from_db()
    assert item.current_version == new


def test_a_new_version_shares_the_stored_files(enrolment):
    item = make_evidence(enrolment)
    old = _submit(item)
    new = services.version_revise(item=item, by=enrolment.candidate)
    (old_file,), (new_file,) = old.files.all(), new.files.all()
    assert (new_file.name, new_file.sha256, new_file.size) == (old_file.name, old_file.sha256, old_file.size)
    assert new_file.copied_from == old_file
    assert EvidenceFile.objects.originals().filter(version__item=item).count() == 1


def test_removing_a_shared_file_from_the_new_draft_keeps_the_bytes_of_the_submitted_version(
    enrolment, django_capture_on_commit_callbacks
):
    item = make_evidence(enrolment)
    old = _submit(item)
    new = services.version_revise(item=item, by=enrolment.candidate)
    with django_capture_on_commit_callbacks(execute=True):
        services.file_remove(evidence_file=new.files.get(), by=enrolment.candidate)
    assert default_storage.exists(old.files.get().name)


def test_removing_a_draft_file_deletes_its_bytes(enrolment, django_capture_on_commit_callbacks):
    item = make_evidence(enrolment)
    evidence_file = item.current_version.files.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.file_remove(evidence_file=evidence_file, by=enrolment.candidate)
    assert not default_storage.exists(evidence_file.name)
    assert not EvidenceFile.objects.filter(pk=evidence_file.pk).exists()


def test_a_draft_cannot_be_revised(enrolment):
    item = make_evidence(enrolment)
    with pytest.raises(ValidationError, match="already has a draft"):
        services.version_revise(item=item, by=enrolment.candidate)


def test_the_same_file_twice_in_an_enrolment_is_flagged(enrolment):
    first = make_evidence(enrolment, title="First")
    second = make_evidence(enrolment, title="Second")
    duplicate = second.current_version.files.get()
    assert duplicate.duplicate_of == first.current_version.files.get()


def test_the_same_file_in_another_candidates_enrolment_is_not_flagged(enrolment, other_enrolment):
    make_evidence(enrolment)
    theirs = make_evidence(other_enrolment)
    assert theirs.current_version.files.get().duplicate_of is None


def test_the_quota_refuses_a_file_that_would_pass_it(enrolment, settings):
    item = make_evidence(enrolment)
    used = services.bytes_used_by(enrolment.candidate_id)
    settings.EVIDENCE_QUOTA_PER_CANDIDATE = used + 100
    with pytest.raises(UploadRefused, match="storage allowance"):
        services.file_add(version=item.current_version, uploaded=pdf_upload(), by=enrolment.candidate)
    assert item.current_version.files.count() == 1


def test_copied_files_do_not_count_twice_against_the_quota(enrolment):
    item = make_evidence(enrolment)
    used = services.bytes_used_by(enrolment.candidate_id)
    _submit(item)
    services.version_revise(item=item, by=enrolment.candidate)
    assert services.bytes_used_by(enrolment.candidate_id) == used


def test_a_refused_file_leaves_nothing_behind(enrolment, stored_names, private_storage):
    item = make_evidence(enrolment, with_file=False)
    before = stored_names(default_storage)
    with pytest.raises(UploadRefused):
        services.file_add(version=item.current_version, uploaded=SimpleUploadedFile("x.svg", b"<svg><script/></svg>"),
                          by=enrolment.candidate)
    assert stored_names(default_storage) == before
    assert not EvidenceFile.objects.exists()


def test_a_failed_insert_after_the_bytes_were_written_leaves_no_file(
    enrolment, stored_names, monkeypatch, private_storage
):
    item = make_evidence(enrolment, with_file=False)
    before = stored_names(default_storage)

    def failing_create(**kwargs):
        raise IntegrityError("the database refused the row")

    monkeypatch.setattr(EvidenceFile.objects, "create", failing_create)
    with pytest.raises(IntegrityError), transaction.atomic():
        services.file_add(version=item.current_version, uploaded=png_upload(), by=enrolment.candidate)
    assert stored_names(default_storage) == before


def test_a_photo_keeps_its_orientation_and_loses_its_location(enrolment):
    item = make_evidence(enrolment, with_file=False)
    stored = services.file_add(
        version=item.current_version, uploaded=SimpleUploadedFile("site.jpg", generated.photo()), by=enrolment.candidate
    )
    with default_storage.open(stored.name, "rb") as handle:
        content = handle.read()
    assert stored.location_removed
    assert generated.GPS_DATE not in content
    from PIL import Image

    with default_storage.open(stored.name, "rb") as handle:
        assert Image.open(handle).getexif().get(0x0112) == 6


def test_seed_demo_adds_every_kind_of_evidence_at_every_stage_once(make_qualification, settings):
    import io

    from django.core.management import call_command

    from evidence.models import EvidenceItem, EvidenceVersion

    make_qualification(code="ocr-l3-customer-service")
    make_qualification(code="cs-standards-l3", title="Standards")

    def seed() -> None:
        call_command("seed_demo", force=True, stdout=io.StringIO(), stderr=io.StringIO())

    seed()
    assert set(EvidenceItem.objects.values_list("kind", flat=True)) == set(EvidenceKind.values)
    assert set(EvidenceVersion.objects.values_list("status", flat=True)) == set(VersionStatus.values)
    assert EvidenceVersion.objects.filter(number=2).exists()
    assert Mapping.objects.exists()
    assert set(EvidenceFile.objects.values_list("mime", flat=True)) >= {"image/png", "application/pdf", "audio/wav"}
    assert EvidenceVersion.objects.filter(witness_confirmed_at__isnull=False).exists()
    counts = (EvidenceItem.objects.count(), EvidenceVersion.objects.count(), EvidenceFile.objects.count())
    seed()
    assert (EvidenceItem.objects.count(), EvidenceVersion.objects.count(), EvidenceFile.objects.count()) == counts


def test_a_recorded_discussion_needs_its_recording(enrolment):
    item = make_evidence(enrolment, kind=EvidenceKind.RECORDED_DISCUSSION, text="Notes of our discussion.")
    with pytest.raises(ValidationError, match="recording"):
        _submit(item)
    services.file_add(version=item.current_version, uploaded=SimpleUploadedFile("talk.wav", generated.wav()),
                      by=enrolment.candidate)
    assert _submit(item).status == VersionStatus.SUBMITTED


def test_the_quota_is_counted_again_when_the_file_is_attached(enrolment, settings, stored_names, private_storage):
    # An upload checked while the allowance was free, attached after another upload took it.
    first, second = make_evidence(enrolment, with_file=False), make_evidence(enrolment, with_file=False)
    settings.EVIDENCE_QUOTA_PER_CANDIDATE = len(generated.pdf()) + 100
    late = store_upload(pdf_upload("late.pdf"), storage=default_storage, used_bytes=0)
    services.file_add(version=first.current_version, uploaded=pdf_upload(), by=enrolment.candidate)

    with pytest.raises(UploadRefused, match="late.pdf: .*storage allowance"):
        services._attach(version=second.current_version, stored=late, by=enrolment.candidate)
    assert not second.current_version.files.exists()
    assert len(stored_names(default_storage)) == 1  # the late upload's bytes were deleted
