"""The site's 403 and 404 pages in a real browser: accessible (axe) and whole at desktop width and at 390 px."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-secret-phrase-for-the-errors"
WIDTHS: dict[str, ViewportSize] = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_403_and_404_pages_are_accessible_and_fit(
    page: Page, live_url: Callable[[str], str], django_user_model: Any, sign_in: Callable, shot: Callable,
    axe: Callable, width: str,
) -> None:
    django_user_model.objects.create_user(email="rita@example.org", password=PASSWORD, first_name="Rita")
    sign_in("rita@example.org", PASSWORD)  # at desktop width: the helper looks for the name in the open menu
    page.set_viewport_size(WIDTHS[width])

    response = page.goto(live_url("/centres/"))  # no centre to administer: refused, with the reason
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot open this page")
    expect(page.get_by_test_id("reason")).to_have_text("Only centre administrators manage enrolments.")
    expect(page.get_by_role("link", name="Go to your home page")).to_be_visible()
    shot(page, f"403-{width}")
    axe(page, f"the 403 page ({width})")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"

    response = page.goto(live_url("/enrolments/987654/"))
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Go to your home page")).to_be_visible()
    shot(page, f"404-{width}")
    axe(page, f"the 404 page ({width})")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"
