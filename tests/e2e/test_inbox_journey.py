"""The assessor asks the candidate a question; the candidate sees the unread count and her inbox, replies; the
assessor gets the reply. The visits calendar, the settings page and the private feed. Each page axe-clean at
1366 px and at a 390 px phone, never wider than the phone."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.services import visit_plan
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


def test_a_question_from_the_assessor_reaches_the_candidate_and_her_reply_comes_back(
    page: Page, live_url: Callable[[str], str], enrolment, assessor, sign_in: Callable, sign_out: Callable,
    shot: Callable, axe: Callable, emails: list, console_errors: list,
) -> None:
    candidate = enrolment.candidate
    sign_in(assessor.email, PASSWORD)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/questions/"))
    _at_desktop_and_phone(page, axe, shot, "assessor-questions-page")
    page.get_by_label("Subject").fill("Who witnessed the call?")
    page.get_by_label("Your question").fill("Name the colleague who heard the complaint call.")
    page.get_by_role("button", name="Send the question to the candidate").click()
    expect(page.get_by_text("Your question was sent to the candidate.")).to_be_visible()
    _at_desktop_and_phone(page, axe, shot, "assessor-question-sent")
    assert [email.to for email in emails] == [[candidate.email]]
    sign_out()

    sign_in(candidate.email, PASSWORD)
    expect(page.get_by_test_id("inbox-unread")).to_have_text("1 unread")
    axe(page, "candidate-home-with-unread-count")
    shot(page, "candidate-home-with-unread-count")
    page.set_viewport_size({"width": 390, "height": 844})
    # The count shows on the phone without opening the menu, and the header fits the phone (the home page's
    # own body is checked by the home page's journey).
    expect(page.get_by_test_id("inbox-unread")).to_be_visible()
    assert page.evaluate("document.querySelector('header').scrollWidth") <= 390
    axe(page, "candidate-home-with-unread-count at 390 px")
    shot(page, "candidate-home-with-unread-count-390")
    page.get_by_test_id("inbox-link").click()
    page.set_viewport_size({"width": 1366, "height": 900})
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    notice = page.get_by_test_id("notifications").get_by_role("listitem").first
    expect(notice).to_contain_text("Ash Assessor asked a question: “Who witnessed the call?”")
    expect(notice).to_contain_text("New")
    _at_desktop_and_phone(page, axe, shot, "candidate-inbox")
    notice.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", name="Who witnessed the call?")).to_be_visible()
    expect(page.get_by_test_id("inbox-unread")).to_have_count(0)
    page.get_by_label("Your reply").fill("Pat Jones, my team leader.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_test_id("replies")).to_contain_text("Pat Jones, my team leader.")
    _at_desktop_and_phone(page, axe, shot, "candidate-replied")
    sign_out()

    assert [email.to for email in emails] == [[candidate.email], [assessor.email]]
    assert "Pat Jones, my team leader." in emails[1].body
    sign_in(assessor.email, PASSWORD)
    expect(page.get_by_test_id("inbox-unread")).to_have_text("1 unread")
    page.get_by_test_id("inbox-link").click()
    expect(page.get_by_test_id("notifications")).to_contain_text("Cara Candidate replied to “Who witnessed the call?”")
    _at_desktop_and_phone(page, axe, shot, "assessor-inbox")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All notifications are marked as read.")).to_be_visible()
    expect(page.get_by_test_id("inbox-unread")).to_have_count(0)
    _at_desktop_and_phone(page, axe, shot, "assessor-inbox-read")
    assert not console_errors


def test_visits_in_the_calendar_and_a_private_feed_for_the_phone(
    page: Page, live_url: Callable[[str], str], enrolment, assessor, sign_in: Callable, shot: Callable,
    axe: Callable, emails: list, console_errors: list,
) -> None:
    zone = timezone.get_current_timezone()
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    visit_plan(enrolment=enrolment, by=assessor, purpose="Observe a complaint being handled at the service desk",
               planned_for=datetime.datetime.combine(next_month + datetime.timedelta(days=9), datetime.time(9, 30),
                                                     tzinfo=zone), place="Northgate service desk", duration=90)
    sign_in(assessor.email, PASSWORD)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/visits/"))
    page.get_by_text("Change or cancel this visit").click()
    _at_desktop_and_phone(page, axe, shot, "visits-change-form-open")
    page.get_by_role("link", name="All your visits in the calendar").click()
    expect(page.get_by_role("heading", name="Visits calendar")).to_be_visible()
    expect(page.get_by_test_id("calendar-empty")).to_be_visible()
    _at_desktop_and_phone(page, axe, shot, "calendar-this-month")
    page.get_by_role("link", name="→").click()
    calendar = page.get_by_test_id("calendar")
    expect(calendar).to_contain_text("Visit to Cara Candidate")
    expect(calendar).to_contain_text("09:30–11:00")
    expect(calendar).to_contain_text("Planned")
    _at_desktop_and_phone(page, axe, shot, "calendar-month-with-a-visit")

    page.get_by_role("link", name="Subscribe from your phone's calendar").click()
    page.get_by_role("button", name="Make a calendar address").click()
    address = page.get_by_label("Your private calendar address").input_value()
    _at_desktop_and_phone(page, axe, shot, "settings-with-calendar-address")
    feed = page.request.get(address)
    assert feed.status == 200
    [event] = icalendar.Calendar.from_ical(feed.body()).walk("VEVENT")
    assert str(event["location"]) == "Northgate service desk"
    page.get_by_role("button", name="Turn the feed off").click()
    expect(page.get_by_text("Your calendar feed is turned off")).to_be_visible()
    assert page.request.get(address).status == 404
    assert not console_errors


def test_the_candidate_turns_visit_emails_off_and_still_finds_the_changed_and_cancelled_visit_in_her_inbox(
    page: Page, live_url: Callable[[str], str], enrolment, assessor, sign_in: Callable, sign_out: Callable,
    shot: Callable, axe: Callable, emails: list, console_errors: list,
) -> None:
    candidate = enrolment.candidate
    visit = visit_plan(enrolment=enrolment, by=assessor, planned_for=timezone.now() + datetime.timedelta(days=10),
                       place="Front desk", purpose="Observe a complaint call")
    emails.clear()
    sign_in(candidate.email, PASSWORD)
    page.get_by_test_id("inbox-link").click()
    page.get_by_role("link", name="Email and calendar settings").click()
    for kind in ("A visit is planned", "A visit is changed", "A visit is cancelled"):
        page.get_by_label(kind).uncheck()
    page.get_by_role("button", name="Save email settings").click()
    expect(page.get_by_text("Your email preferences are saved.")).to_be_visible()
    expect(page.get_by_label("A visit is changed")).not_to_be_checked()
    expect(page.get_by_label("A question is asked")).to_be_checked()
    _at_desktop_and_phone(page, axe, shot, "candidate-email-settings-saved")
    page.get_by_test_id("inbox-link").click()
    page.get_by_role("button", name="Mark all as read").click()
    sign_out()

    sign_in(assessor.email, PASSWORD)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/visits/"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_text("Change or cancel this visit").click()
    page.locator("details").get_by_label("Place").fill("Back office")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("Visit changed")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe(page, "visit changed at 390 px")
    shot(page, "visit-changed-390")
    page.get_by_text("Change or cancel this visit").click()
    page.get_by_role("button", name="Cancel this visit").click()
    expect(page.get_by_text("Visit cancelled; the candidate is told.")).to_be_visible()
    expect(page.get_by_test_id("visits")).to_contain_text("Cancelled on")
    page.set_viewport_size({"width": 1366, "height": 900})
    _at_desktop_and_phone(page, axe, shot, "visit-cancelled")
    sign_out()

    assert emails == []  # she turned visit emails off
    visit.refresh_from_db()
    assert visit.cancelled_at is not None and visit.place == "Back office"
    sign_in(candidate.email, PASSWORD)
    expect(page.get_by_test_id("inbox-unread")).to_have_text("2 unread")
    page.get_by_test_id("inbox-link").click()
    notices = page.get_by_test_id("notifications")
    expect(notices).to_contain_text("Ash Assessor cancelled the visit on")
    expect(notices).to_contain_text("Ash Assessor changed the visit: now")
    _at_desktop_and_phone(page, axe, shot, "candidate-inbox-visit-news")
    assert not console_errors
