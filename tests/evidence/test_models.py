"""Evidence querysets: scoped to the gate, no duplicate rows, one row per stored blob."""

from __future__ import annotations

from evidence import services
from evidence.models import EvidenceFile, EvidenceItem
from tests.evidence.evidence_factories import make_evidence
from units.models import AssessableItem


def test_items_are_visible_to_whoever_sees_the_enrolment(enrolment, other_enrolment, candidate, assessor, eqa,
                                                          stranger_assessor):
    mine, theirs = make_evidence(enrolment), make_evidence(other_enrolment)
    assert list(EvidenceItem.objects.visible_to(candidate)) == [mine]
    assert list(EvidenceItem.objects.visible_to(assessor)) == [mine]
    assert set(EvidenceItem.objects.visible_to(eqa)) == {mine, theirs}
    assert not EvidenceItem.objects.visible_to(stranger_assessor).exists()


def test_files_are_visible_to_whoever_sees_the_enrolment(enrolment, candidate, stranger_assessor):
    make_evidence(enrolment)
    assert EvidenceFile.objects.visible_to(candidate).count() == 1
    assert not EvidenceFile.objects.visible_to(stranger_assessor).exists()


def test_an_item_mapped_to_several_items_of_a_unit_appears_once(enrolment):
    item = make_evidence(enrolment)
    unit_items = AssessableItem.objects.filter(unit__qualification=enrolment.qualification, unit__code="A1")
    services.mappings_set(version=item.current_version, assessable_item_ids=[i.pk for i in unit_items],
                          by=enrolment.candidate)
    assert list(EvidenceItem.objects.mapped_to_unit(unit_items[0].unit_id)) == [item]


def test_only_the_current_versions_mappings_count(enrolment):
    item = make_evidence(enrolment)
    first, second = AssessableItem.objects.filter(unit__qualification=enrolment.qualification)[:2]
    services.mappings_set(version=item.current_version, assessable_item_ids=[first.pk], by=enrolment.candidate)
    services.version_submit(version=item.current_version, by=enrolment.candidate)
    new = services.version_revise(item=item, by=enrolment.candidate)
    services.mappings_set(version=new, assessable_item_ids=[second.pk], by=enrolment.candidate)
    assert not EvidenceItem.objects.mapped_to_item(first.pk).exists()
    assert list(EvidenceItem.objects.mapped_to_item(second.pk)) == [item]


def test_search_looks_in_titles_and_text(enrolment):
    item = make_evidence(enrolment, title="Rota", text="I covered the night shift.", with_file=False)
    assert list(EvidenceItem.objects.search("NIGHT shift")) == [item]
    assert list(EvidenceItem.objects.search("rota")) == [item]
    assert not EvidenceItem.objects.search("holiday").exists()


def test_str_names_the_kind_and_title(enrolment):
    assert str(make_evidence(enrolment, with_file=False)) == "Work product: Reply to a complaint"
