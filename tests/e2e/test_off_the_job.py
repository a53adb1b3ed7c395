"""Off-the-job training: the candidate logs hours on a phone; the assessor verifies one and queries another;
the candidate corrects the queried one; the chart and the table beside it show the totals."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from tests.apprenticeships.factories import make_plan
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _log_entry(page: Page, *, day: datetime.date, hours: str, minutes: str, activity: str, learned: str) -> None:
    form = page.get_by_test_id("otj-add-form")
    form.get_by_label("Date").fill(day.isoformat())
    form.get_by_label("Hours").fill(hours)
    form.get_by_label("Minutes").fill(minutes)
    form.get_by_label("Activity").select_option(label=activity)
    form.get_by_label("What you learned").fill(learned)
    form.get_by_role("button", name="Log the training").click()
    expect(page.get_by_text("Logged. Your assessor will verify it.")).to_be_visible()


def test_hours_are_logged_verified_queried_and_corrected(
    page: Page, live_url: Callable[[str], str], enrolment, sign_in: Callable, sign_out: Callable, shot: Callable,
    axe: Callable, console_errors: list,
) -> None:
    make_plan(enrolment, contracted="37.5")  # 30 days in: 279.2 h over the plan, 22.9 h expected by today
    log = live_url(f"/enrolments/{enrolment.pk}/off-the-job/")
    today = timezone.localdate()

    # The candidate, on a phone, logs two activities; a bad entry first says what to fix.
    sign_in(enrolment.candidate.email, PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(log)
    form = page.get_by_test_id("otj-add-form")
    form.get_by_role("button", name="Log the training").click()
    expect(page.get_by_text("Say what you learned.")).to_be_visible()
    expect(page.get_by_text("Give how long the training took")).to_be_visible()
    _fits_the_phone(page)
    axe(page, "the log with errors at 390 px")
    shot(page, "candidate-errors-390")
    _log_entry(page, day=today - datetime.timedelta(days=2), hours="2", minutes="30", activity="Shadowing",
               learned="Shadowed the team leader handling a refund complaint")
    _log_entry(page, day=today - datetime.timedelta(days=1), hours="1", minutes="15", activity="Online learning",
               learned="Module on data protection")
    expect(page.get_by_test_id("otj-entry")).to_have_count(2)
    _fits_the_phone(page)
    axe(page, "the candidate's log at 390 px")
    shot(page, "candidate-logged-390")
    page.set_viewport_size(DESKTOP)
    sign_out()

    # The assessor verifies the shadowing and queries the online learning, in place.
    sign_in(enrolment.assessor.email, PASSWORD)
    page.goto(log)
    shadowing = page.get_by_test_id("otj-entry").filter(has_text="Shadowing")
    shadowing.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("Entry verified.")).to_be_visible()
    online = page.get_by_test_id("otj-entry").filter(has_text="Online learning")
    online.get_by_label("Query (what the candidate should check)").fill("Which module? Name it, please.")
    online.get_by_role("button", name="Query", exact=True).click()
    expect(page.get_by_text("Query sent to the candidate.")).to_be_visible()
    expect(page.get_by_test_id("otj-entry").filter(has_text="Online learning").get_by_test_id("otj-status")
           ).to_contain_text("Queried")
    axe(page, "the assessor's log at 1366 px")
    shot(page, "assessor-decided")
    # The assessor's caseload flags the enrolment: 2.5 h verified against 22.9 h expected by today.
    page.goto(live_url("/caseload/"))
    expect(page.get_by_role("link", name="Behind on off-the-job hours")).to_be_visible()
    axe(page, "the caseload with the off-the-job flag")
    shot(page, "caseload-behind")
    sign_out()

    # The candidate sees the query, corrects the entry and resubmits it.
    sign_in(enrolment.candidate.email, PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(log)
    online = page.get_by_test_id("otj-entry").filter(has_text="Online learning")
    expect(online.get_by_test_id("otj-query")).to_contain_text("Which module? Name it, please.")
    online.get_by_role("link", name="Edit").click()
    expect(page.get_by_test_id("otj-query")).to_contain_text("Which module?")
    _fits_the_phone(page)
    axe(page, "editing a queried entry at 390 px")
    shot(page, "candidate-edit-390")
    page.get_by_label("What you learned").fill("Online module 3: data protection in customer records")
    page.get_by_role("button", name="Save and resubmit").click()
    expect(page.get_by_text("Saved. It goes back to your assessor to verify.")).to_be_visible()
    online = page.get_by_test_id("otj-entry").filter(has_text="Online learning")
    expect(online.get_by_test_id("otj-status")).to_contain_text("Awaiting verification")

    # The chart and the table show the same totals: 3.75 h recorded (3.8), 2.5 h verified.
    expect(page.get_by_test_id("otj-row-minimum")).to_contain_text("279.2")
    expect(page.get_by_test_id("otj-row-expected")).to_contain_text("22.9")
    expect(page.get_by_test_id("otj-row-recorded")).to_contain_text("3.8")
    expect(page.get_by_test_id("otj-row-verified")).to_contain_text("2.5")
    chart = page.get_by_role("img", name="Off-the-job hours: planned, expected by today and actual")
    expect(chart).to_be_visible()
    expect(chart.locator("desc")).to_have_text(
        "Minimum over the plan: 279.2 hours; Expected by today: 22.9 hours; Recorded: 3.8 hours; "
        "Verified: 2.5 hours.")
    expect(page.get_by_test_id("otj-behind")).to_be_visible()
    _fits_the_phone(page)
    axe(page, "the chart and table at 390 px")
    shot(page, "candidate-totals-390")
    page.set_viewport_size(DESKTOP)
    axe(page, "the chart and table at 1366 px")
    shot(page, "candidate-totals-1366")
    assert not console_errors


def test_the_assessor_sets_the_plan_with_an_older_rule(
    page: Page, live_url: Callable[[str], str], enrolment, sign_in: Callable, shot: Callable, axe: Callable,
    console_errors: list,
) -> None:
    from tests.apprenticeships.factories import ensure_rules

    ensure_rules()
    sign_in(enrolment.assessor.email, PASSWORD)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/off-the-job/"))
    expect(page.get_by_test_id("otj-no-plan")).to_be_visible()
    page.get_by_role("link", name="Set the plan").click()
    # The rule in force on the start date is chosen for the assessor, the enrolment's dates filled in.
    expect(page.get_by_label("Funding rule")).to_have_value(
        str(page.get_by_label("Funding rule").locator("option", has_text="6 hours a week").get_attribute("value")))
    expect(page.get_by_label("Planned start")).to_have_value(enrolment.start_date.isoformat())
    axe(page, "the plan page at 1366 px")
    shot(page, "plan-form")
    page.get_by_label("Contracted hours a week").fill("0")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Give the contracted hours a week, more than 0 and at most 168.")).to_be_visible()
    page.get_by_label("Contracted hours a week").fill("20")
    page.get_by_label("Planned start").fill("2022-01-03")
    page.get_by_label("Planned end").fill("2023-01-02")  # 364 days: 52 weeks
    page.get_by_label("Funding rule").select_option(label="20% of contracted hours (starts before 1 August 2022)")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Off-the-job plan saved.")).to_be_visible()
    # 20% of 20 h = 4 h a week x (52 - 5.6) weeks = 185.6 h.
    expect(page.get_by_test_id("otj-row-minimum")).to_contain_text("185.6")
    page.get_by_role("link", name="Change the plan").click()
    expect(page.get_by_test_id("otj-minimum")).to_have_text("185.6")
    page.set_viewport_size(PHONE)
    _fits_the_phone(page)
    axe(page, "the plan page at 390 px")
    shot(page, "plan-390")
    assert not console_errors
