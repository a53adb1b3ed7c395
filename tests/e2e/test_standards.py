"""An apprenticeship standard's spec page: its KSBs grouped, its duties and its gateway requirements, axe-clean at
desktop and on a 390 px phone."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from units.services.specs import publish_spec
from units.specformat import STANDARD_EXAMPLE

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-secret-phrase-for-the-standards"


def _at_desktop_and_phone(page: Page, axe: Callable, shot: Callable, name: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    axe(page, name)
    shot(page, name)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} is wider than 390 px"
    axe(page, f"{name} at 390 px")
    shot(page, f"{name}-390")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_standard_shows_its_ksbs_duties_and_gateway(
    page: Page, live_url: Callable[[str], str], django_user_model: Any, sign_in: Callable, shot: Callable,
    axe: Callable,
) -> None:
    call_command("load_specs", verbosity=0)
    publish_spec(content=json.dumps(STANDARD_EXAMPLE).encode(), name="example-standard.json")
    django_user_model.objects.create_user(email="sam@example.org", password=PASSWORD, first_name="Sam")
    sign_in("sam@example.org", PASSWORD)

    page.goto(live_url("/qualifications/"))
    expect(page.get_by_role("heading", name="Apprenticeship standards")).to_be_visible()
    _at_desktop_and_phone(page, axe, shot, "list")

    page.get_by_role("link", name="Customer service practitioner (Level 2, ST0072)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customer service practitioner (Level 2, ST0072)")
    for group in ("Knowledge", "Skills", "Behaviours"):
        expect(page.get_by_role("heading", name=group, exact=True)).to_be_visible()
    expect(page.locator("#ksb-item-K1")).to_have_text("K1 Knowing your customers")
    expect(page.locator("#ksb-item-B6")).to_contain_text("Right first time")
    expect(page.get_by_text("An apprenticeship standard has no rules of combination")).to_be_visible()
    expect(page.locator("#gateway-months-on-programme")).to_contain_text("At least 12 months")
    expect(page.get_by_text("The spec gives no duties.")).to_be_visible()
    _at_desktop_and_phone(page, axe, shot, "st0072")

    page.goto(live_url("/qualifications/example-standard/1/"))
    duties = page.get_by_role("table", name="The duties of the standard and the KSBs each serves")
    row = duties.get_by_role("row").filter(has=page.get_by_role("rowheader", name="D1"))
    expect(row).to_contain_text("Serve customers")
    row.get_by_role("link", name="S1").click()
    expect(page).to_have_url(live_url("/qualifications/example-standard/1/#ksb-item-S1"))
    expect(page.get_by_role("list").filter(has_text="Level 1 English.")).to_be_visible()
    _at_desktop_and_phone(page, axe, shot, "duties-and-gateway")
