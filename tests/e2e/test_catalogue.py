"""Journey: a signed-in person browses the catalogue; every page passes axe."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-secret-phrase-for-the-catalogue"


def test_browsing_the_catalogue(
    page: Page, live_url: Callable[[str], str], django_user_model: Any, sign_in: Callable, shot: Callable,
    axe: Callable,
) -> None:
    call_command("load_specs", verbosity=0)
    django_user_model.objects.create_user(email="rita@example.org", password=PASSWORD, first_name="Rita")
    sign_in("rita@example.org", PASSWORD)

    page.get_by_role("link", name="Qualifications", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Qualifications and frameworks")
    expect(page.get_by_role("heading", name="Skills frameworks")).to_be_visible()
    shot(page, "list")
    axe(page, "the qualification list")

    page.get_by_role("link", name="OCR Level 3 NVQ Diploma in Customer Service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("OCR Level 3 NVQ Diploma in Customer Service")
    f3 = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="F3", exact=True))
    expect(f3).to_contain_text("6 credits")
    expect(f3).to_contain_text("Mandatory")
    expect(page.get_by_text("At least 42 credits in total.")).to_be_visible()
    shot(page, "ocr")
    axe(page, "the OCR spec")

    page.goto(live_url("/qualifications/cs-standards-l4/1/"))
    page.get_by_text("Contribute to the development of customer service staff (4 elements)").click()
    expect(page.get_by_text("Evaluate the impact of customer service training and development")).to_be_visible()
    shot(page, "standards-l4-open")
    axe(page, "the Level 4 standards with a unit open")

    page.goto(live_url("/qualifications/nvq-business-admin-internal-customer-service/1/"))
    page.get_by_text("(3 learning outcomes, 9 criteria)").click()
    expect(page.get_by_text("Knowledge", exact=True)).to_have_count(9)
    axe(page, "the business admin unit with its knowledge criteria open")

    page.goto(live_url("/qualifications/sfia-csmg/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("SFIA 9: Customer service support (CSMG)")
    page.get_by_text("(6 levels)").click()
    expect(page.get_by_text("Level 6 — Initiate, influence")).to_be_visible()
    shot(page, "sfia-open")
    axe(page, "the SFIA skill with its levels open")
