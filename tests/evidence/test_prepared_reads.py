"""The library's prepared pages and the home block's prepared reads give the rows the ORM gives."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from evidence import reads
from evidence.models import EvidenceVersion
from tests.evidence.evidence_factories import make_evidence

pytestmark = pytest.mark.django_db


def _rows(items) -> list[tuple[int, int, str, int]]:
    return [(item.pk, item.current_version_id, item.current_version.title, item.file_count) for item in items]


def test_the_librarys_prepared_pages_are_the_querysets(enrolment, monkeypatch) -> None:
    for number in range(11):
        make_evidence(enrolment, title=f"Evidence {number}", with_file=number % 2 == 0)
    # Pages starting at or after row 8 are read through the ORM: both kinds are compared.
    monkeypatch.setattr(reads, "PREPARED_LIBRARY_ROWS", 8)
    prepared = Paginator(reads.LibraryRows(enrolment, 4), 4)
    orm = Paginator(reads.library(enrolment), 4)
    assert prepared.count == orm.count == 11
    for number in orm.page_range:
        assert _rows(prepared.page(number).object_list) == _rows(orm.page(number).object_list)
    assert len(prepared.page(3).object_list) == 3  # the last page, cut short by the count


def test_an_empty_library_has_no_rows(enrolment) -> None:
    page = Paginator(reads.LibraryRows(enrolment, 20), 20).get_page(1)
    assert page.paginator.count == 0 and list(page.object_list) == []


@pytest.mark.parametrize("limit", [2, 8])
def test_the_recent_versions_are_the_newest_for_each_limit(enrolment, limit) -> None:
    for number in range(4):
        make_evidence(enrolment, title=f"Evidence {number}", with_file=False)
    expected = list(EvidenceVersion.objects.filter(item__enrolment=enrolment).order_by("-updated_at", "-pk")[:limit])
    assert reads.recent_versions([enrolment], limit=limit) == expected
    assert reads.recent_versions([], limit=limit) == []
