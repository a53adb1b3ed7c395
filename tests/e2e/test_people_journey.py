"""A new candidate's first steps, in a real browser, from enrolment to a valid plan of units."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from candidates.models import Centre, Enrolment, PlanStatus, Role, RoleKind, User
from tests.e2e.conftest import links_in
from units.models import Qualification

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-and-memorable-phrase-42"


@pytest.fixture
def people() -> dict[str, User]:
    """A centre with its admin, an assessor and an IQA; the OCR Level 3 spec loaded from fixtures/qualifications."""
    call_command("load_specs", verbosity=0)
    centre = Centre.objects.create(name="Northgate Training", code="northgate")
    people = {}
    for kind, first, last in [
        (RoleKind.CENTRE_ADMIN, "Ada", "Admin"),
        (RoleKind.ASSESSOR, "Ash", "Assessor"),
        (RoleKind.IQA, "Ivy", "Quality"),
    ]:
        person = User.objects.create_user(f"{first.lower()}@example.org", PASSWORD, first_name=first, last_name=last)
        Role.objects.create(user=person, centre=centre, kind=kind)
        people[kind] = person
    return people


def test_a_new_candidate_goes_from_invitation_to_a_valid_plan(
    page: Page, live_url: Callable[[str], str], people: dict, sign_in: Callable, sign_out: Callable,
    shot: Callable, axe: Callable, emails: list, console_errors: list,
) -> None:
    # The centre admin enrols Cara, naming her assessor and IQA.
    sign_in("ada@example.org", PASSWORD)
    page.goto(live_url("/centres/"))  # one centre: straight to its enrolments
    axe(page, "the centre's enrolments")
    page.get_by_role("link", name="Enrol a candidate").click()
    axe(page, "the enrolment form")
    page.get_by_label("Candidate's email address").fill("cara@example.org")
    page.get_by_label("First name").fill("Cara")
    page.get_by_label("Last name").fill("Candidate")
    ocr = Qualification.objects.get(code="ocr-l3-customer-service")
    page.get_by_label("Qualification version").select_option(label=f"{ocr.title} — {ocr.code} version {ocr.version}")
    page.get_by_label("Assessor").select_option(label="Ash Assessor (ash@example.org)")
    page.get_by_label("IQA", exact=True).select_option(label="Ivy Quality (ivy@example.org)")
    today = datetime.date.today()
    page.get_by_label("Start date").fill(today.isoformat())
    page.get_by_label("Planned end date").fill((today + datetime.timedelta(days=365)).isoformat())
    shot(page, "enrolment-form")
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("is enrolled on")).to_be_visible()
    shot(page, "enrolled")
    axe(page, "the new enrolment")
    sign_out()

    # Cara sets her password from the invitation and lands on her home page.
    assert len(emails) == 1 and emails[0].to == ["cara@example.org"]
    link = next(url for url in links_in(emails[0]) if "/welcome/" in url)
    page.goto(link)
    axe(page, "the set-your-password page")
    shot(page, "set-password")
    page.get_by_label("New password", exact=False).first.fill(PASSWORD)
    page.get_by_label("New password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Cara")
    expect(page.get_by_test_id("next-step")).to_contain_text("Start your self-assessment")
    shot(page, "home-new-candidate")
    axe(page, "the home page of a new candidate")

    # The self-assessment: one question per unit.
    page.get_by_role("link", name="Start your self-assessment").click()
    axe(page, "the self-assessment")
    answers = {"F3": "fully", "F4": "partly", "A3": "fully", "A13": "partly", "B11": "not yet", "C5": "fully",
               "D6": "not yet"}
    for code, answer in answers.items():
        group = page.get_by_role("group", name=re.compile(rf"^{code} "))
        group.get_by_label(re.compile(rf"{answer}$", re.IGNORECASE)).check()
    shot(page, "self-assessment")
    page.get_by_role("button", name="Save my self-assessment").click()

    # Unit choice: mandatory units locked; a tick changes the rules panel without a new page.
    expect(page.get_by_role("heading", name="Choose your units")).to_be_visible()
    page.wait_for_load_state("load")  # htmx must be listening before the first tick
    axe(page, "the unit choice page")
    shot(page, "unit-choice")
    expect(page.get_by_label(re.compile(r"^F3 "))).to_be_disabled()
    expect(page.get_by_label(re.compile(r"^F3 "))).to_be_checked()
    panel = page.get_by_test_id("rules-panel")
    expect(panel).to_contain_text("Total so far: 12 credits")
    page.evaluate("window.__samePage = true")
    page.get_by_label(re.compile(r"^B11 ")).check()
    expect(panel).to_contain_text("Total so far: 19 credits")
    expect(panel).to_contain_text("23 more credits needed in total")
    assert page.evaluate("window.__samePage === true"), "the panel must update without loading a new page"
    shot(page, "rules-panel-after-a-tick")
    axe(page, "the unit choice page after a change")

    # The planner completes the plan; Cara accepts it and saves.
    page.get_by_role("button", name="Suggest a completion").click()
    expect(page.get_by_test_id("suggestion")).to_contain_text("The suggested completion is ticked below")
    expect(panel).to_contain_text("These units meet every rule.")
    for code in answers:
        expect(page.get_by_label(re.compile(rf"^{code} "))).to_be_checked()
    shot(page, "suggestion")
    axe(page, "the suggestion")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("Your plan is saved. It meets every rule of combination.")).to_be_visible()
    shot(page, "plan-saved")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    expect(page.get_by_test_id("plan-status")).to_contain_text("Valid plan")
    shot(page, "home-valid-plan")
    axe(page, "the home page with a valid plan")
    assert Enrolment.objects.get(candidate__email="cara@example.org").plan_status == PlanStatus.VALID
    assert console_errors == []


def test_unit_choice_works_as_a_plain_form_without_javascript(
    browser, browser_context_args: dict, live_url: Callable[[str], str], people: dict, shot: Callable,
) -> None:
    cara = User.objects.create_user("cara@example.org", PASSWORD, first_name="Cara", last_name="Candidate")
    centre = Centre.objects.get(code="northgate")
    Role.objects.create(user=cara, centre=centre, kind=RoleKind.CANDIDATE)
    today = datetime.date.today()
    enrolment = Enrolment.objects.create(
        candidate=cara, centre=centre, qualification=Qualification.objects.get(code="ocr-l3-customer-service"),
        assessor=people[RoleKind.ASSESSOR], iqa=people[RoleKind.IQA], start_date=today,
        planned_end_date=today + datetime.timedelta(days=365),
    )
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_url("/accounts/login/"))
    page.get_by_label("Email address").fill("cara@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Start your self-assessment").wait_for()
    page.goto(live_url(f"/enrolments/{enrolment.pk}/units/"))

    page.get_by_label(re.compile(r"^B11 ")).check()
    page.get_by_role("button", name="Check the rules").click()
    expect(page.get_by_test_id("rules-panel")).to_contain_text("Total so far: 19 credits")
    expect(page.get_by_label(re.compile(r"^B11 "))).to_be_checked()
    shot(page, "checked-without-javascript")  # axe needs JavaScript: the journey above checks this page

    page.get_by_role("button", name="Suggest a completion").click()
    expect(page.get_by_test_id("rules-panel")).to_contain_text("These units meet every rule.")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("Your plan is saved. It meets every rule of combination.")).to_be_visible()
    shot(page, "saved-without-javascript")
    enrolment.refresh_from_db()
    assert enrolment.plan_status == PlanStatus.VALID
    context.close()
