"""The harness itself: the browser starts, signs in, screenshots and runs axe."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import format_violations

pytestmark = pytest.mark.e2e


def test_a_person_signs_in_through_the_real_login_form(
    page: Page, django_user_model: Any, sign_in: Callable, shot: Callable, axe: Callable
) -> None:
    django_user_model.objects.create_user(email="ada@example.org", password="a-long-secret-phrase", first_name="Ada")
    sign_in("ada@example.org", "a-long-secret-phrase")
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Ada")
    assert shot(page, "home").exists()
    axe(page)


def test_axe_reports_a_serious_violation_on_a_broken_page(page: Page, axe: Callable) -> None:
    page.set_content('<html lang="en"><body><main><img src="x.png"><input type="text"></main></body></html>')
    with pytest.raises(pytest.fail.Exception) as failure:
        axe(page, "a page with an unlabelled image and field")
    assert "image-alt" in str(failure.value)


def test_violations_are_printed_with_rule_and_element() -> None:
    text = format_violations(
        [{"impact": "critical", "id": "label", "help": "Form elements must have labels", "helpUrl": "u",
          "nodes": [{"target": ["#name"], "html": "<input id=name>", "failureSummary": "Fix this"}]}]
    )
    assert "[critical] label" in text and "#name" in text and "Fix this" in text
