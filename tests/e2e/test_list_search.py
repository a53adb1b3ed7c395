"""A centre admin searches the enrolment list by name, filters it by status and assessor and pages through it,
at 1366 px and at 390 px, with axe on each page."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from candidates.models import Enrolment, EnrolmentStatus, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def fill_centre(centre, qualification, assessor, other_assessor) -> None:
    """60 more enrolments: even ones with `assessor`, odd with `other_assessor`; every third of each paused."""
    people = User.objects.bulk_create([
        User(email=f"extra{n}@example.org", first_name="Extra", last_name=f"Number{n:03d}") for n in range(60)])
    today = timezone.localdate()
    Enrolment.objects.bulk_create([
        Enrolment(candidate=person, centre=centre, qualification=qualification,
                  assessor=assessor if n % 2 == 0 else other_assessor,
                  status=EnrolmentStatus.PAUSED if n % 6 in (0, 1) else EnrolmentStatus.ACTIVE,
                  start_date=today - datetime.timedelta(days=30), planned_end_date=today + datetime.timedelta(days=300))
        for n, person in enumerate(people)])


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1366, 390])
def test_the_centre_admin_searches_filters_and_pages_the_enrolment_list(
    page: Page, live_url: Callable[[str], str], centre, qualification, assessor, other_assessor, enrolment,
    other_enrolment, centre_admin, sign_in: Callable, shot: Callable, axe: Callable, console_errors: list,
    width: int,
) -> None:
    fill_centre(centre, qualification, assessor, other_assessor)
    sign_in(centre_admin.email, PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_url(f"/centres/{centre.pk}/enrolments/"))
    count = page.get_by_test_id("result-count")
    expect(count).to_contain_text("62 enrolments, page 1 of 2")
    fits(page, width)
    axe(page, f"the enrolment list at {width} px")

    search = page.get_by_role("search", name="Search and filter the enrolments")
    search.get_by_label("Name, email or ULN").fill("olga")
    search.get_by_role("button", name="Search").click()
    expect(count).to_have_text("1 enrolment match.")
    expect(page.get_by_test_id("enrolment-row")).to_have_count(1)
    expect(page.get_by_test_id("enrolment-row")).to_contain_text("Olga Other")
    fits(page, width)
    axe(page, f"a name search at {width} px")
    shot(page, f"enrolment-search-{width}")

    search.get_by_label("Name, email or ULN").fill("nobody-here")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("empty")).to_have_text("No enrolment matches this search. Clear filters")
    page.get_by_test_id("clear-filters").click()
    expect(count).to_contain_text("62 enrolments, page 1 of 2")
    expect(search.get_by_label("Name, email or ULN")).to_have_value("")

    search.get_by_label("Status").select_option(label="Paused")
    search.get_by_label("Assessor").select_option(label=str(other_assessor))
    search.get_by_role("button", name="Search").click()
    expect(count).to_have_text("10 enrolments match.")
    rows = page.get_by_test_id("enrolment-row")
    expect(rows).to_have_count(10)
    for row in rows.all():
        expect(row).to_contain_text("Paused")
        expect(row).to_contain_text(str(other_assessor))
    fits(page, width)
    axe(page, f"status and assessor filters at {width} px")

    search.get_by_label("Status").select_option(label="Active")
    search.get_by_label("Assessor").select_option(label="Any assessor")
    search.get_by_label("Name, email or ULN").fill("extra")
    search.get_by_role("button", name="Search").click()
    expect(count).to_have_text("40 enrolments match.")
    page.goto(live_url(f"/centres/{centre.pk}/enrolments/?q=extra"))
    expect(count).to_have_text("60 enrolments match, page 1 of 2.")
    pages = page.get_by_role("navigation", name="Pages of enrolments")
    pages.get_by_role("link", name="Page 2").click()
    expect(count).to_have_text("60 enrolments match, page 2 of 2.")
    expect(rows).to_have_count(10)
    expect(rows.first).to_contain_text("Extra Number050")
    expect(pages.locator('[aria-current="page"]')).to_have_text("Page 2")
    expect(search.get_by_label("Name, email or ULN")).to_have_value("extra")
    fits(page, width)
    axe(page, f"page 2 of a search at {width} px")
    shot(page, f"enrolment-search-page-2-{width}")
    assert not console_errors
