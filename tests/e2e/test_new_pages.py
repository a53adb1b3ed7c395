"""The pages the trust work added, as their people see them: axe-clean and no wider than a 390 px phone."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from candidates import services
from candidates.models import EnrolmentInvitation
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def _at_desktop_and_phone(page: Page, axe: Callable, shot: Callable, name: str) -> None:
    axe(page, name)
    shot(page, name)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} is wider than 390 px"
    axe(page, f"{name} at 390 px")
    shot(page, f"{name}-390")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_the_invitation_to_accept_an_enrolment_reads_well(
    page: Page, live_url: Callable[[str], str], centre, qualification, assessor, centre_admin, stranger_candidate,
    sign_in: Callable, shot: Callable, axe: Callable, console_errors: list,
) -> None:
    today = timezone.localdate()
    invitation = services.enrol_candidate(
        centre=centre, by=centre_admin, email=stranger_candidate.email, first_name="Stan", last_name="Someone",
        qualification=qualification, assessor=assessor, start_date=today,
        planned_end_date=today + datetime.timedelta(days=300),
    )
    assert isinstance(invitation, EnrolmentInvitation)
    sign_in(stranger_candidate.email, PASSWORD)
    page.goto(live_url(f"/invitations/{invitation.token}/"))
    expect(page.get_by_role("button", name="Accept")).to_be_visible()
    _at_desktop_and_phone(page, axe, shot, "invitation")
    assert not console_errors


def test_the_completion_page_reads_well(
    page: Page, live_url: Callable[[str], str], enrolment, centre_admin, sign_in: Callable, shot: Callable,
    axe: Callable, console_errors: list,
) -> None:
    sign_in(centre_admin.email, PASSWORD)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/complete/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _at_desktop_and_phone(page, axe, shot, "completion")
    assert not console_errors


def test_a_centre_admin_moves_a_candidate_to_a_new_version_after_reading_what_changes(
    page: Page, live_url: Callable[[str], str], enrolment, make_qualification, centre_admin, sign_in: Callable,
    shot: Callable, axe: Callable, console_errors: list,
) -> None:
    from candidates.models import UnitChoice
    from units.models import Unit

    version_2 = make_qualification(version="2", version_order=2)
    Unit.objects.filter(qualification=version_2, code="B1").delete()
    for code in ("A1", "A2", "B1"):
        UnitChoice.objects.create(enrolment=enrolment, unit=Unit.objects.get(qualification=enrolment.qualification,
                                                                               code=code))
    sign_in(centre_admin.email, PASSWORD)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/"))
    page.get_by_test_id("move-link").click()
    _at_desktop_and_phone(page, axe, shot, "move-choose")
    page.get_by_label("Move to version").select_option(label="Version 2")
    page.get_by_role("button", name="See what changes").click()
    summary = page.get_by_test_id("move-summary")
    expect(summary).to_contain_text("2 of the 3 chosen units are the same in the new version.")
    expect(summary).to_contain_text("Unit B1 Communicate with customers is not in the new version")
    _at_desktop_and_phone(page, axe, shot, "move-summary")
    page.get_by_role("button", name="Move to version 2").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text("is now on version 2")
    shot(page, "moved")
    enrolment.refresh_from_db()
    assert enrolment.qualification == version_2
    assert not console_errors
