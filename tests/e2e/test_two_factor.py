"""Two-step sign-in in a real browser: an assessor sets up an authenticator app, signs out, and signs in again
with the password and the app's code. Every page checked with axe at 1366 px and at 390 px."""

from __future__ import annotations

import time
from base64 import b32decode
from collections.abc import Callable

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, ViewportSize, expect

from candidates.models import Centre, Role, RoleKind, User

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-and-memorable-phrase-42"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}


@pytest.fixture
def assessor(transactional_db: None) -> User:
    centre = Centre.objects.create(name="Northgate Training", code="northgate")
    person = User.objects.create_user("ash@example.org", PASSWORD, first_name="Ash", last_name="Assessor")
    Role.objects.create(user=person, centre=centre, kind=RoleKind.ASSESSOR)
    return person


def app_code(key_as_shown: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed as the page shows it (base32, in groups)."""
    text = key_as_shown.replace(" ", "")
    totp = TOTP(b32decode(text + "=" * (-len(text) % 8)))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def checked_at_both_widths(page: Page, axe: Callable, shot: Callable, name: str) -> None:
    axe(page, f"{name} at 1366 px")
    shot(page, f"{name}-1366")
    page.set_viewport_size(PHONE)
    axe(page, f"{name} at 390 px")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} is wider than 390 px"
    shot(page, f"{name}-390")
    page.set_viewport_size(DESKTOP)


def test_a_staff_member_sets_up_two_step_sign_in_and_signs_in_with_a_code(
    page: Page, live_url: Callable[[str], str], assessor: User, sign_in: Callable, sign_out: Callable,
    shot: Callable, axe: Callable, console_errors: list,
) -> None:
    page.set_viewport_size(DESKTOP)
    sign_in("ash@example.org", PASSWORD)

    page.get_by_role("link", name="Two-step sign-in").click()
    expect(page.get_by_test_id("two-step-status")).to_contain_text("Off.")
    checked_at_both_widths(page, axe, shot, "two-step-off")
    page.get_by_role("link", name="Set up two-step sign-in").click()
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    checked_at_both_widths(page, axe, shot, "set-up")
    key = page.get_by_test_id("two-step-secret").inner_text()
    page.get_by_label("Code from your app").fill(app_code(key))
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    expect(page.get_by_text("Two-step sign-in is on")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    checked_at_both_widths(page, axe, shot, "recovery-codes")
    sign_out()

    # Signing in again: the password, then the code; the page asked for first is where it ends.
    page.goto(live_url("/inbox/"))
    page.get_by_label("Email address").fill("ash@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    checked_at_both_widths(page, axe, shot, "enter-code")
    page.get_by_label("Code").fill(app_code(key, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(live_url("/inbox/"))
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Ash Assessor")
    page.get_by_role("link", name="Two-step sign-in").click()
    expect(page.get_by_test_id("two-step-status")).to_contain_text("On.")
    checked_at_both_widths(page, axe, shot, "two-step-on")
    assert console_errors == []
