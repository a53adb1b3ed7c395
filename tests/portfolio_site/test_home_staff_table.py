"""The home page's staff table: pages of 100 enrolments, counted up to HOME_LISTED_AT_MOST and no further."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import RoleKind
from candidates.services import plan
from tests.conftest import _enrol, _person, _role


@pytest.fixture
def five_enrolments(centre, qualification, assessor, iqa) -> None:
    for n in range(5):
        person = _role(_person(f"listed-{n}@example.org", "Listed", f"Person {n}"), centre, RoleKind.CANDIDATE)
        _enrol(person, centre, qualification, assessor, iqa)


def _caption(response) -> str:
    html = response.content.decode()
    start = html.index('<caption id="staff-enrolments-caption">')
    return " ".join(html[start:html.index("</caption>", start)].split())


def test_below_the_bound_the_table_counts_every_enrolment(client, centre_admin, five_enrolments) -> None:
    client.force_login(centre_admin)
    assert "5 enrolments" in _caption(client.get(reverse("home")))


def test_above_the_bound_it_says_more_and_points_to_the_enrolment_list(client, centre_admin, five_enrolments,
                                                                      monkeypatch) -> None:
    monkeypatch.setattr(plan, "HOME_LISTED_AT_MOST", 3)
    monkeypatch.setattr(plan, "HOME_PAGE_SIZE", 2)
    client.force_login(centre_admin)
    caption = _caption(client.get(reverse("home")))
    assert "More than 3 enrolments, page 1 of 2" in caption
    assert "enrolment list" in caption
    # The last page the bound reaches is the last page there is; a page past it shows that one.
    last = client.get(reverse("home"), {"page": "9"})
    assert "page 2 of 2" in _caption(last)


def test_the_count_reads_no_more_rows_than_the_bound(client, centre_admin, five_enrolments, monkeypatch) -> None:
    monkeypatch.setattr(plan, "HOME_LISTED_AT_MOST", 3)
    client.force_login(centre_admin)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("home"))
    # The staff table's count (the other counts the apprentices the person follows as an employer contact).
    counts = [q["sql"] for q in captured.captured_queries
              if q["sql"].startswith('SELECT COUNT(*) FROM (SELECT "candidates_enrolment"')
              and "candidates_employercontact" not in q["sql"]]
    assert len(counts) == 1 and "LIMIT 4" in counts[0], counts
