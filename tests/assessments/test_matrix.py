"""The tracking matrix: the candidate's units x assessable items, with the evidence behind each cell."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from candidates.models import UnitChoice
from candidates.services.plan import plan_save
from evidence import services
from evidence.models import Mapping, MappingStatus
from tests.evidence.evidence_factories import make_evidence
from units.models import AssessableItem


def _item(enrolment, unit_code: str, code: str) -> AssessableItem:
    return AssessableItem.objects.get(unit__qualification=enrolment.qualification, unit__code=unit_code, code=code)


def _map(enrolment, *items: AssessableItem, title: str = "Evidence", submit: bool = True):
    evidence = make_evidence(enrolment, title=title)
    services.mappings_set(version=evidence.current_version, assessable_item_ids=[i.pk for i in items],
                          by=enrolment.candidate)
    if submit:
        services.version_submit(version=evidence.current_version, by=enrolment.candidate)
    return evidence


def _cell(page: str, item: AssessableItem) -> str:
    match = re.search(rf'<a class="matrix-cell[^"]*"[^>]*href="[^"]*\?item={item.pk}".*?</a>', page, re.S)
    assert match, f"no cell for {item}"
    return match.group(0)


@pytest.fixture
def cara(client, candidate):
    client.force_login(candidate)
    return client


def test_a_cell_counts_the_evidence_mapped_and_says_its_state_in_words(cara, enrolment):
    criterion = _item(enrolment, "A1", "1.1")
    _map(enrolment, criterion, title="One")
    _map(enrolment, criterion, title="Two")
    page = cara.get(reverse("assessments:matrix", kwargs={"pk": enrolment.pk})).content.decode()
    cell = _cell(page, criterion)
    assert 'data-status="claimed"' in cell
    assert '<span class="matrix-count">2</span>' in cell
    assert "pieces of evidence, Evidence claimed, awaiting a decision" in cell


def test_a_cell_without_evidence_says_so(cara, enrolment):
    page = cara.get(reverse("assessments:matrix", kwargs={"pk": enrolment.pk})).content.decode()
    cell = _cell(page, _item(enrolment, "B3", "B3"))
    assert 'data-status="none"' in cell and "No evidence" in cell


def test_an_accepted_mapping_shows_accepted(cara, enrolment):
    criterion = _item(enrolment, "A2", "2.1")
    _map(enrolment, criterion)
    Mapping.objects.update(status=MappingStatus.ACCEPTED)
    cell = _cell(cara.get(reverse("assessments:matrix", kwargs={"pk": enrolment.pk})).content.decode(), criterion)
    assert 'data-status="accepted"' in cell and "\u2713" in cell


def test_a_cell_opens_the_library_filtered_to_its_item(cara, enrolment):
    criterion = _item(enrolment, "A1", "1.1")
    _map(enrolment, criterion, title="Mapped here")
    _map(enrolment, _item(enrolment, "A1", "1.2"), title="Mapped elsewhere")
    page = cara.get(reverse("assessments:matrix", kwargs={"pk": enrolment.pk})).content.decode()
    href = re.search(r'href="([^"]*)"', _cell(page, criterion)).group(1).replace("&amp;", "&")
    listed = cara.get(href).context["page"].object_list
    assert [item.current_version.title for item in listed] == ["Mapped here"]


def test_only_the_chosen_units_are_shown(cara, enrolment):
    UnitChoice.objects.create(enrolment=enrolment, unit=enrolment.qualification.units.get(code="B1"))
    page = cara.get(reverse("assessments:matrix", kwargs={"pk": enrolment.pk})).content.decode()
    assert 'data-testid="matrix-unit-B1"' in page
    assert 'data-testid="matrix-unit-A1"' not in page


def test_a_draft_plan_is_flagged_in_words_above_its_units(cara, enrolment):
    plan_save(enrolment=enrolment, codes=[], by=enrolment.candidate)  # A1 and A2 only: short of the rules
    page = cara.get(reverse("assessments:matrix", kwargs={"pk": enrolment.pk})).content.decode()
    assert "Draft — does not meet the rules yet" in page
    assert 'data-testid="matrix-unit-A1"' in page and 'data-testid="matrix-unit-B1"' not in page


def test_an_earlier_versions_mapping_no_longer_counts(cara, enrolment):
    first, second = _item(enrolment, "A1", "1.1"), _item(enrolment, "A1", "1.2")
    evidence = _map(enrolment, first)
    new = services.version_revise(item=evidence, by=enrolment.candidate)
    services.mappings_set(version=new, assessable_item_ids=[second.pk], by=enrolment.candidate)
    services.version_submit(version=new, by=enrolment.candidate)
    page = cara.get(reverse("assessments:matrix", kwargs={"pk": enrolment.pk})).content.decode()
    assert 'data-status="none"' in _cell(page, first)
    assert 'data-status="claimed"' in _cell(page, second)


def test_a_claim_in_a_draft_reads_draft_and_the_submitted_version_still_stands(cara, enrolment):
    first, second = _item(enrolment, "A1", "1.1"), _item(enrolment, "A1", "1.2")
    evidence = _map(enrolment, first)
    Mapping.objects.update(status=MappingStatus.ACCEPTED)
    new = services.version_revise(item=evidence, by=enrolment.candidate)
    services.mappings_set(version=new, assessable_item_ids=[first.pk, second.pk], by=enrolment.candidate)
    page = cara.get(reverse("assessments:matrix", kwargs={"pk": enrolment.pk})).content.decode()
    assert 'data-status="accepted"' in _cell(page, first)
    assert 'data-status="draft"' in _cell(page, second) and "in a draft, not submitted yet" in _cell(page, second)
    assert "awaiting a decision" not in _cell(page, second)


@pytest.mark.parametrize("count", [5, 50])
def test_the_matrix_costs_the_same_queries_whatever_the_size(cara, enrolment, count, django_assert_num_queries):
    items = list(AssessableItem.objects.filter(unit__qualification=enrolment.qualification))
    for number in range(count):
        _map(enrolment, items[number % len(items)], items[(number * 7) % len(items)], title=f"E{number}")
    # session, user, roles (read once: the gate's visible enrolments and relations, the navbar's admin check),
    # enrolment (gate), the chosen units (the qualification's units and their items are kept in units.cache since
    # the claims were mapped to them), the mapping counts, the signed-off items and the countersigned units, the
    # header's unread count
    with django_assert_num_queries(9):
        response = cara.get(reverse("assessments:matrix", kwargs={"pk": enrolment.pk}))
    assert response.status_code == 200


def test_a_stranger_gets_404(client, stranger_assessor, enrolment):
    client.force_login(stranger_assessor)
    assert client.get(reverse("assessments:matrix", kwargs={"pk": enrolment.pk})).status_code == 404
