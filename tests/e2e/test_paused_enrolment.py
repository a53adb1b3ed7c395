"""A centre admin pauses an enrolment, giving a reason; every page of it then says so, readable at 390 px."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_paused_enrolment_says_so_on_its_pages(
    page: Page, live_url: Callable[[str], str], enrolment, centre_admin, sign_in: Callable, shot: Callable,
    axe: Callable, console_errors: list,
) -> None:
    sign_in(centre_admin.email, PASSWORD)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/"))
    pause = page.get_by_test_id("status-pause")
    pause.get_by_label("Reason").fill("Parental leave until May")
    pause.get_by_role("button", name="Pause").click()
    banner = page.get_by_test_id("frozen-banner")
    expect(banner).to_contain_text("Status: Paused since")
    expect(banner).to_contain_text("nothing can be changed until the centre resumes it")
    axe(page, "a paused enrolment's page")
    shot(page, "paused-enrolment")
    page.goto(live_url(f"/enrolments/{enrolment.pk}/evidence/"))
    expect(page.get_by_test_id("frozen-banner")).to_be_visible()
    expect(page.get_by_role("link", name="Add evidence")).to_have_count(0)
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_test_id("frozen-banner")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe(page, "a paused enrolment's evidence at 390 px")
    shot(page, "paused-evidence-390")
    assert not console_errors
