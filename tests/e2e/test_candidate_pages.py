"""The candidate's own pages in a real browser, at 1366 px and on a 390 px phone.

The one-line verdict kept in view while ticking units; one "Your portfolio" navigation on every page of
theirs with the current page marked; the home page's feedback split into what needs action and praise;
no file fingerprints for the candidate (and still for the assessor).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from assessments import services
from assessments.models import ActionPoint, Question
from candidates.models import Enrolment
from evidence.models import EvidenceFile
from tests.assessments.factories import items_of, mapping_of, submitted_evidence
from tests.conftest import PASSWORD
from tests.evidence.evidence_factories import make_evidence
from units.models import Qualification

pytestmark = pytest.mark.e2e

DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


def _not_wider_than_the_phone(page: Page, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} is wider than 390 px"


def _in_viewport(page: Page, test_id: str) -> bool:
    """Whether the element is wholly on the screen (not merely in the page)."""
    return page.evaluate(
        """(id) => { const r = document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect();
                     return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }""",
        test_id,
    )


@pytest.fixture
def ocr_enrolment(live_url, candidate, centre, assessor, iqa) -> Enrolment:
    """Cara on the OCR Level 3 diploma (a long list of units), nothing chosen yet."""
    call_command("load_specs", "fixtures/qualifications/ocr-l3-customer-service.json", verbosity=0)
    today = timezone.localdate()
    return Enrolment.objects.create(
        candidate=candidate, centre=centre, qualification=Qualification.objects.get(code="ocr-l3-customer-service"),
        assessor=assessor, iqa=iqa, start_date=today, planned_end_date=today + datetime.timedelta(days=365),
    )


# --------------------------------------------------------------------------- the verdict while choosing units


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_verdict_stays_in_view_while_ticking_units_and_leads_to_the_panel(
    page: Page, live_url: Callable[[str], str], ocr_enrolment: Enrolment, sign_in: Callable, shot: Callable,
    axe: Callable, console_errors: list, size: str,
) -> None:
    sign_in(ocr_enrolment.candidate.email, PASSWORD)
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    page.goto(live_url(f"/enrolments/{ocr_enrolment.pk}/units/"))
    page.wait_for_load_state("load")  # htmx must be listening before the first tick
    verdict = page.get_by_test_id("plan-verdict")
    expect(verdict).to_contain_text("Short: ")
    axe(page, f"the unit choice page ({size})")
    if size == "phone":
        _not_wider_than_the_phone(page, "the unit choice page")
    shot(page, "unit-choice")

    # A unit far down the list: ticking it changes the verdict, which is on the screen, not below it.
    b11 = page.get_by_label(re.compile(r"^B11 "))
    b11.scroll_into_view_if_needed()
    before = verdict.inner_text()
    b11.check()
    expect(page.get_by_test_id("rules-panel")).to_contain_text("Total so far: 19 credits")
    expect(verdict).not_to_have_text(before)
    expect(verdict).to_contain_text("23 more credits needed in total")
    assert _in_viewport(page, "plan-verdict"), "the verdict is off the screen after a tick"
    if size == "phone":
        assert not _in_viewport(page, "rules-panel"), "at 390 px the panel itself is below the screen"
    live = page.locator("#plan-verdict-text")
    expect(live).to_have_attribute("aria-live", "polite")
    axe(page, f"the unit choice page after a tick ({size})")
    shot(page, "after-a-tick")

    # Unticking changes it back; the link moves focus to the full panel.
    b11.uncheck()
    expect(page.get_by_test_id("rules-panel")).to_contain_text("Total so far: 12 credits")
    expect(verdict).to_have_text(before)
    assert _in_viewport(page, "plan-verdict")
    shot(page, "after-an-untick")
    verdict.get_by_role("link", name="See every rule").click()
    expect(page.locator("#rules")).to_be_focused()
    expect(page.get_by_role("heading", name="Rules of combination")).to_be_in_viewport()
    axe(page, f"the rules panel reached from the verdict ({size})")
    shot(page, "rules-panel")

    # The suggested completion makes the plan valid: the verdict says so.
    page.get_by_role("button", name="Suggest a completion").click()
    expect(verdict).to_contain_text("Valid: these units meet every rule")
    axe(page, f"the suggestion ({size})")
    if size == "phone":
        _not_wider_than_the_phone(page, "the suggestion")
    shot(page, "valid")
    assert console_errors == []


# --------------------------------------------------------------------------- one navigation on every page


NAV_PAGES = ["Home", "Your units", "Evidence", "Matrix", "Progress", "Questions", "Visits", "Action points",
             "History", "Export"]


def _width_without_the_nav(page: Page) -> int:
    return page.evaluate(
        """() => { const nav = document.querySelector('nav.portfolio-nav'); nav.style.display = 'none';
                   const width = document.documentElement.scrollWidth; nav.style.display = ''; return width; }"""
    )


def _marking(page: Page) -> dict:
    """The current link of the portfolio navigation and how it looks, beside an ordinary link."""
    return page.evaluate(
        """() => {
            const nav = document.querySelector('nav.portfolio-nav');
            const current = nav.querySelectorAll('a[aria-current="page"]');
            const other = nav.querySelector('a:not([aria-current])');
            const look = (a) => { const s = getComputedStyle(a);
                return {weight: s.fontWeight, border: s.borderBottomWidth + ' ' + s.borderBottomStyle,
                        borderColor: s.borderBottomColor}; };
            const list = nav.querySelector('ul'); const box = nav.getBoundingClientRect();
            return {current: [...current].map(a => a.textContent.trim()), look: look(current[0]),
                    other: look(other), navRight: box.right, listScrolls: list.scrollWidth > list.clientWidth,
                    currentVisible: (() => { const r = current[0].getBoundingClientRect();
                        return r.left >= box.left && r.right <= box.right; })()};
        }"""
    )


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_page_of_the_candidate_has_one_navigation_marking_the_current_page(
    page: Page, live_url: Callable[[str], str], enrolment: Enrolment, private_storage, sign_in: Callable,
    shot: Callable, axe: Callable, console_errors: list, size: str,
) -> None:
    make_evidence(enrolment, title="Reply to a complaint")
    sign_in(enrolment.candidate.email, PASSWORD)
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    page.goto(live_url("/"))
    for label in NAV_PAGES:
        nav = page.get_by_role("navigation", name="Your portfolio")
        nav.get_by_role("link", name=label, exact=True).click()
        expect(nav.locator('a[aria-current="page"]')).to_have_text(label)
        marking = _marking(page)
        assert marking["current"] == [label]
        # Marked by weight and an underline bar, not by colour alone.
        assert marking["look"]["weight"] == "700" and marking["other"]["weight"] == "400", marking
        assert marking["look"]["border"] == "3px solid" and marking["other"]["borderColor"] == "rgba(0, 0, 0, 0)"
        assert marking["currentVisible"], f"the current link ({label}) is scrolled out of the navigation"
        assert page.get_by_role("navigation", name="This portfolio").count() == 0
        axe(page, f"{label} ({size})")
        if size == "phone":
            assert marking["navRight"] <= 390 and marking["listScrolls"], "the navigation scrolls in its own row"
            assert _width_without_the_nav(page) == page.evaluate("document.documentElement.scrollWidth"), (
                f"the navigation widens {label}")
            _not_wider_than_the_phone(page, label)
        shot(page, label)
    assert console_errors == []


def _region_fits_the_phone(page: Page, test_id: str) -> None:
    """The region is within a 390 px screen and nothing in it is cut off or scrolls sideways."""
    box = page.evaluate(
        """(id) => { const e = document.querySelector(`[data-testid="${id}"]`); const r = e.getBoundingClientRect();
                     return {right: r.right, scroll: e.scrollWidth, client: e.clientWidth}; }""",
        test_id,
    )
    assert box["right"] <= 390 and box["scroll"] <= box["client"], f"{test_id} is wider than the phone: {box}"


# --------------------------------------------------------------------------- the home page's feedback


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_home_page_separates_what_needs_action_from_praise(
    page: Page, live_url: Callable[[str], str], enrolment: Enrolment, assessor, private_storage, sign_in: Callable,
    shot: Callable, axe: Callable, console_errors: list, size: str,
) -> None:
    first, second = items_of(enrolment, "A1")[:2]
    evidence = submitted_evidence(enrolment, [first, second], title="Complaint call log")
    services.mapping_refer(mapping=mapping_of(evidence, first), by=assessor, feedback="Say how the call ended.")
    services.mapping_accept(mapping=mapping_of(evidence, second), by=assessor)
    services.feedback_post(evidence=evidence, by=assessor, text="A clear, honest account: well done.")
    Question.objects.create(enrolment=enrolment, subject="Can I observe you on Tuesday?", text="At 10?",
                            asked_by=assessor, asked_at=timezone.now())
    point = services.action_point_set(enrolment=enrolment, by=assessor, text="Write the follow-up statement",
                                      due=timezone.localdate())
    ActionPoint.objects.filter(pk=point.pk).update(due=timezone.localdate() - datetime.timedelta(days=3))

    sign_in(enrolment.candidate.email, PASSWORD)
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    page.goto(live_url("/"))
    action = page.get_by_test_id("home-needs-action")
    praise = page.get_by_test_id("home-praise")
    expect(page.get_by_role("heading", name="Needs your action")).to_be_visible()
    expect(page.get_by_role("heading", name="Praise and accepted work")).to_be_visible()
    expect(action.get_by_test_id("needs-action-referral")).to_contain_text("Referred back")
    expect(action.get_by_test_id("needs-action-referral")).to_contain_text("Say how the call ended.")
    expect(action.get_by_test_id("needs-action-question")).to_contain_text("Can I observe you on Tuesday?")
    expect(action.get_by_test_id("needs-action-point")).to_contain_text("Overdue")
    expect(praise.get_by_test_id("praise-accepted")).to_contain_text(f"A1 {second.code}")
    expect(praise.get_by_test_id("praise-message")).to_contain_text("well done")
    expect(praise).not_to_contain_text("Say how the call ended.")
    expect(action).not_to_contain_text("well done")
    action.scroll_into_view_if_needed()
    axe(page, f"the candidate's home with feedback ({size})")
    if size == "phone":
        _region_fits_the_phone(page, "home-feedback")
    shot(page, "home-feedback")

    # The referral leads to the evidence and its feedback.
    action.get_by_role("link", name="Complaint call log").click()
    expect(page.get_by_text("Say how the call ended.").first).to_be_visible()
    axe(page, f"the referred evidence ({size})")
    shot(page, "referred-evidence")
    assert console_errors == []


# --------------------------------------------------------------------------- no fingerprints for the candidate


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_candidate_sees_no_file_fingerprints_and_the_assessor_does(
    page: Page, live_url: Callable[[str], str], enrolment: Enrolment, assessor, private_storage, sign_in: Callable,
    sign_out: Callable, shot: Callable, axe: Callable, console_errors: list, size: str,
) -> None:
    evidence = submitted_evidence(enrolment, items_of(enrolment, "A1")[:1], title="Complaint call log")
    fingerprint = EvidenceFile.objects.get(version=evidence.current_version).sha256[:12]
    pages = {
        "library": f"/enrolments/{enrolment.pk}/evidence/",
        "evidence": f"/evidence/{evidence.pk}/",
        "review": f"/enrolments/{enrolment.pk}/review/{evidence.pk}/",
        "home": "/",
    }
    sign_in(enrolment.candidate.email, PASSWORD)
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    for name, path in pages.items():
        page.goto(live_url(path))
        expect(page.get_by_text("Complaint call log").first).to_be_visible()
        body = page.locator("body")
        expect(body).not_to_contain_text(fingerprint)
        expect(body).not_to_contain_text("SHA-256")
        expect(page.locator("code.evidence-hash")).to_have_count(0)
        axe(page, f"the candidate's {name} ({size})")
        if size == "phone" and name in {"evidence", "review"}:
            _not_wider_than_the_phone(page, f"the candidate's {name}")
        shot(page, f"candidate-{name}")
    if size == "phone":
        page.set_viewport_size(DESKTOP)  # the sign-out button is in the collapsed menu on a phone
    sign_out()

    sign_in(assessor.email, PASSWORD)
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    for name in ("evidence", "review"):
        page.goto(live_url(pages[name]))
        expect(page.locator("body")).to_contain_text(fingerprint)
        axe(page, f"the assessor's {name} ({size})")
        if size == "phone":
            _not_wider_than_the_phone(page, f"the assessor's {name}")
        shot(page, f"assessor-{name}")
    assert console_errors == []
