"""The centre's staff in a real browser: the centre admin invites an assessor, who sets a password from the email
and signs in; the admin hands a leaver's caseload over to them, and the new assessor finds it on their caseload."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from candidates.models import User
from tests.conftest import PASSWORD
from tests.e2e.conftest import links_in

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a-long-and-memorable-phrase-42"


def _at_desktop_and_phone(page: Page, axe: Callable, shot: Callable, name: str) -> None:
    """Axe and a screenshot at 1366 x 900 and at a 390 x 844 phone, which the page must not be wider than."""
    page.set_viewport_size({"width": 1366, "height": 900})
    axe(page, name)
    shot(page, name)
    page.set_viewport_size({"width": 390, "height": 844})
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391).slice(0, 5)
        .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 60))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} is wider than 390 px: {wide}"
    axe(page, f"{name} at 390 px")
    shot(page, f"{name}-390")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_the_centre_admin_invites_an_assessor_who_signs_up_and_is_given_a_caseload(
    page: Page, live_url: Callable[[str], str], centre, enrolment, centre_admin, assessor, sign_in: Callable,
    sign_out: Callable, shot: Callable, axe: Callable, emails: list, console_errors: list,
) -> None:
    # The centre admin opens the staff list from the enrolments and invites Nia as an assessor.
    sign_in(centre_admin.email, PASSWORD)
    page.goto(live_url(reverse("candidates:enrolment_list", kwargs={"centre_pk": centre.pk})))
    page.get_by_role("link", name="Staff", exact=True).click()
    expect(page.get_by_role("heading", name="Staff at Northgate Training")).to_be_visible()
    _at_desktop_and_phone(page, axe, shot, "staff-list")
    page.get_by_role("link", name="Invite a staff member").click()
    form = page.get_by_test_id("staff-invite-form")
    form.get_by_label("Email address").fill("not an address")
    form.get_by_label("First name").fill("Nia")
    form.get_by_label("Assessor").check()
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("is not a valid email address")).to_be_visible()
    _at_desktop_and_phone(page, axe, shot, "staff-invite-refused")
    form.get_by_label("Email address").fill("nia.new@example.org")
    form.get_by_label("Last name").fill("New")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("Nia New is now on the staff of Northgate Training (Assessor)")).to_be_visible()
    row = page.get_by_test_id("staff-row").filter(has_text="Nia New")
    expect(row).to_contain_text("Invited, not signed up yet")
    sign_out()

    # Nia sets her password from the email and signs in: her caseload is empty.
    (invitation,) = [message for message in emails if message.to == ["nia.new@example.org"]]
    link = next(url for url in links_in(invitation) if "/welcome/" in url)
    page.goto(link)
    page.get_by_label("New password", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Nia")
    sign_out()
    sign_in("nia.new@example.org", NEW_PASSWORD)
    page.goto(live_url(reverse("assessments:caseload")))
    expect(page.get_by_test_id("caseload-row")).to_have_count(0)
    sign_out()

    # Ash leaves: the admin hands his caseload over to Nia from his page, then deactivates him.
    sign_in(centre_admin.email, PASSWORD)
    page.goto(live_url(reverse("candidates:staff_list", kwargs={"centre_pk": centre.pk})))
    expect(page.get_by_test_id("staff-row").filter(has_text="Nia New")).to_contain_text("Active")
    page.get_by_role("link", name="Ash Assessor").click()
    expect(page.get_by_test_id("staff-caseload")).to_contain_text("Assesses 1 active or paused enrolment")
    _at_desktop_and_phone(page, axe, shot, "staff-detail")
    handover = page.get_by_test_id("staff-handover-form")
    handover.get_by_label("New assessor").select_option(label="Nia New (nia.new@example.org)")
    handover.get_by_label("Reason").fill("Ash has left the centre")
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_text("1 enrolment of Ash Assessor was handed over.")).to_be_visible()
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_test_id("staff-status")).to_have_text("Deactivated")
    _at_desktop_and_phone(page, axe, shot, "staff-deactivated")
    assert not User.objects.get(pk=assessor.pk).is_active
    sign_out()

    # Nia is told by email, and finds Cara on her caseload.
    assert any(message.to == ["nia.new@example.org"] and "Cara Candidate" in message.body for message in emails)
    sign_in("nia.new@example.org", NEW_PASSWORD)
    page.get_by_role("link", name="Caseload", exact=True).click()
    expect(page.get_by_test_id("caseload-row")).to_contain_text("Cara Candidate")
    _at_desktop_and_phone(page, axe, shot, "new-assessor-caseload")
    assert console_errors == []
