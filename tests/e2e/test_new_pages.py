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
