"""The employer contact in a real browser: named by the centre admin on the enrolment page, they set a password,
sign in, follow their apprentice's progress and action points, and cannot open the evidence library."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.services import action_point_set
from candidates.models import EmployerContact
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
    # What sticks out, named in the message when the page is too wide.
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391).slice(0, 5)
        .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 60))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} is wider than 390 px: {wide}"
    axe(page, f"{name} at 390 px")
    shot(page, f"{name}-390")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_the_centre_names_an_employer_contact_who_follows_the_apprentice(
    page: Page, live_url: Callable[[str], str], enrolment, centre_admin, assessor, sign_in: Callable,
    sign_out: Callable, shot: Callable, axe: Callable, emails: list, console_errors: list,
) -> None:
    action_point_set(enrolment=enrolment, by=assessor, text="Write up the complaint you handled on Monday",
                     due=timezone.localdate() + datetime.timedelta(days=7))

    # The centre admin names Cara's line manager from the enrolment page.
    sign_in(centre_admin.email, PASSWORD)
    page.goto(live_url(reverse("candidates:enrolment_detail", kwargs={"pk": enrolment.pk})))
    form = page.get_by_test_id("employer-contact-form")
    _at_desktop_and_phone(page, axe, shot, "enrolment-page")
    form.get_by_label("First name").fill("Erin")
    form.get_by_label("Last name").fill("Employer")
    form.get_by_label("Contact's email address").fill("erin@brightside.example")
    form.get_by_label("New employer organisation").fill("Brightside Retail")
    form.get_by_label("Line manager").check()
    page.get_by_role("button", name="Name the contact").click()
    expect(page.get_by_text("Erin Employer is now an employer contact of Cara Candidate")).to_be_visible()
    expect(page.get_by_test_id("employer-contact")).to_contain_text("Not signed in yet")
    _at_desktop_and_phone(page, axe, shot, "contact-named")
    sign_out()

    # Erin sets her password from the invitation and signs in.
    (invitation,) = [message for message in emails if message.to == ["erin@brightside.example"]]
    link = next(url for url in links_in(invitation) if "/welcome/" in url)
    page.goto(link)
    page.get_by_label("New password", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Erin")
    sign_out()
    sign_in("erin@brightside.example", NEW_PASSWORD)
    expect(page.get_by_test_id("home-apprentices")).to_contain_text("You follow one apprentice")
    _at_desktop_and_phone(page, axe, shot, "home")
    assert EmployerContact.objects.get(user__email="erin@brightside.example").accepted_at is not None

    # Her apprentices, Cara's progress and action points.
    page.get_by_role("link", name="See your apprentices").click()
    apprentice = page.get_by_test_id("apprentice")
    expect(apprentice).to_contain_text("Cara Candidate")
    expect(apprentice).to_contain_text("1 open action point")
    _at_desktop_and_phone(page, axe, shot, "apprentices")
    apprentice.get_by_role("link", name="Progress of Cara Candidate").click()
    expect(page.get_by_role("heading", name="Progress and sign-off")).to_be_visible()
    expect(page.get_by_role("button", name="Sign off")).to_have_count(0)
    _at_desktop_and_phone(page, axe, shot, "progress")
    page.get_by_role("navigation", name="This apprentice").get_by_role("link", name="Action points").click()
    expect(page.get_by_text("Write up the complaint you handled on Monday")).to_be_visible()
    expect(page.get_by_role("button")).not_to_contain_text(["Done", "Set"])
    _at_desktop_and_phone(page, axe, shot, "action-points")

    # The evidence library is not hers to open.
    response = page.goto(live_url(reverse("evidence:library", kwargs={"pk": enrolment.pk})))
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _at_desktop_and_phone(page, axe, shot, "evidence-library-refused")
    # The browser reports the refused page itself as a failed load; nothing else may fail.
    assert [error for error in console_errors if "status of 403" not in error] == []
