"""Referrals, versions, guards and the assessor's own records, in a real browser at 1366 px and on a 390 px phone.

Each journey runs at both widths; every page is checked with axe, must not be wider than the screen, and is
saved as a screenshot. The starting state is built through the services; everything after happens in Chromium.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from assessments import services
from candidates.services import plan as plan_services
from evidence import services as evidence_services
from evidence.models import EvidenceItem, MappingStatus
from tests.assessments.factories import accepted_evidence, items_of, mapping_of, signed_unit, submitted_evidence
from tests.conftest import PASSWORD
from tests.e2e.conftest import links_in

pytestmark = pytest.mark.e2e

VIEWPORTS: dict[str, ViewportSize] = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
FEEDBACK = "Add the guest's reply, so the follow-up shows."
TITLE = "Handling a hotel guest's complaint"


@pytest.fixture(params=sorted(VIEWPORTS))
def width(request: pytest.FixtureRequest) -> int:
    """The journey's screen width: the desktop or the phone."""
    return VIEWPORTS[request.param]["width"]


@pytest.fixture
def enter(page: Page, width: int, sign_in: Callable) -> Callable[[str], None]:
    """Sign in (the harness's sign-in reads the desktop navigation bar), then go on at the journey's width."""

    def sign_in_then_resize(email: str) -> None:
        page.set_viewport_size(VIEWPORTS["desktop"])
        sign_in(email, PASSWORD)
        page.set_viewport_size(next(v for v in VIEWPORTS.values() if v["width"] == width))

    return sign_in_then_resize


@pytest.fixture
def check(page: Page, width: int, axe: Callable, shot: Callable) -> Callable[[str], None]:
    """Axe-clean, no wider than the screen, and a screenshot of the step."""

    def step(name: str) -> None:
        axe(page, f"{name} at {width} px")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} is {scroll} px wide on a {width} px screen: " + ", ".join(page.evaluate(
            "w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w)"
            ".slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))",
            width))
        shot(page, name)

    return step


@pytest.fixture
def referred(live_url, enrolment, assessor) -> EvidenceItem:
    """Cara's evidence claiming A1 1.1 (accepted and signed off) and A1 1.2 (referred with feedback)."""
    first, second = items_of(enrolment, "A1")[:2]
    evidence = submitted_evidence(enrolment, [first, second], title=TITLE)
    services.mapping_accept(mapping=mapping_of(evidence, first), by=assessor)
    services.item_sign_off(enrolment=enrolment, assessable_item=first, by=assessor)
    services.mapping_refer(mapping=mapping_of(evidence, second), by=assessor, feedback=FEEDBACK)
    return evidence


def test_a_referral_is_revised_in_one_action_with_the_feedback_beside_the_editor(
    page: Page, width: int, check: Callable, live_url: Callable[[str], str], referred, enrolment, enter: Callable,
    emails: list, console_errors: list,
) -> None:
    # The referral email's link opens the review page, which offers the one action.
    referral = next(m for m in emails if m.to == [enrolment.candidate.email] and "referred" in m.body.lower())
    enter(enrolment.candidate.email)
    page.goto(next(link for link in links_in(referral) if "/review/" in link))
    expect(page.get_by_test_id("revise-callout")).to_be_visible()
    check("review-with-referral")
    page.get_by_role("button", name="Revise this evidence").click()

    # The editor, with the assessor's feedback beside it; the draft says it is a draft.
    expect(page.get_by_role("heading", name=f"Revise: {TITLE}")).to_be_visible()
    expect(page.get_by_test_id("revision-feedback")).to_contain_text(FEEDBACK)
    expect(page.get_by_test_id("revision-feedback")).to_contain_text("Referred: A1 1.2")
    expect(page.get_by_label("Witness's name")).to_have_count(0)
    expect(page.get_by_text("Claimed, awaiting review")).to_have_count(0)
    check("revision-editor")
    page.get_by_label("Text").fill("I answered the guest's complaint within the hour, and the guest replied to "
                                   "thank the team.")
    page.get_by_role("button", name="Save the draft").click()

    # The draft version 2: each claim says what happens on submission, nothing reads "awaiting review".
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.get_by_text("Accepted on version 1: stays accepted when you submit")).to_be_visible()
    expect(page.get_by_text("Referred on version 1: the assessor judges it again")).to_be_visible()
    expect(page.get_by_text(re.compile("awaiting review|Claimed"))).to_have_count(0)
    check("draft-version-2")
    draft_page = page.url
    page.goto(live_url(f"/enrolments/{enrolment.pk}/progress/"))
    # The submitted version 1 stands until version 2 is submitted: 1.2 is still referred, not "awaiting review".
    expect(page.get_by_text("Referred back")).to_be_visible()
    expect(page.get_by_text("Claimed, awaiting review")).to_have_count(0)
    check("progress-with-a-draft")
    page.goto(draft_page)
    page.get_by_role("button", name="Submit for assessment").click()
    expect(page.get_by_text("Submitted to your assessor.")).to_be_visible()
    check("version-2-submitted")
    assert not console_errors


def test_the_assessor_sees_what_changed_and_the_acceptance_kept(
    page: Page, width: int, check: Callable, live_url: Callable[[str], str], referred, enrolment, assessor,
    enter: Callable, console_errors: list,
) -> None:
    first, second = items_of(enrolment, "A1")[:2]
    candidate = enrolment.candidate
    version = evidence_services.version_revise(item=referred, by=candidate)
    evidence_services.draft_update(version=version, by=candidate, title=TITLE, date=version.date,
                                   text="I answered the guest's complaint within ten minutes.")
    evidence_services.version_submit(version=version, by=candidate)
    assert mapping_of(EvidenceItem.objects.get(pk=referred.pk), first).status == MappingStatus.ACCEPTED

    enter(assessor.email)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/review/{referred.pk}/"))
    changes = page.get_by_test_id("version-changes")
    expect(changes).to_contain_text("What changed since version 1")
    expect(changes.locator("del")).to_contain_text("the hour.")
    expect(changes.locator("ins")).to_contain_text("ten minutes.")
    expect(changes).to_contain_text("Claims kept")
    expect(page.get_by_test_id("carried")).to_contain_text("kept, as this claim did not change")
    expect(page.get_by_role("button", name="Accept for A1 1.2")).to_be_visible()
    expect(page.get_by_role("button", name="Accept for A1 1.1")).to_have_count(0)
    check("review-of-version-2")
    page.get_by_role("button", name="Accept for A1 1.2").click()
    expect(page.get_by_test_id("outcome")).to_contain_text("Accepted for A1 1.2")
    check("version-2-accepted")
    assert not console_errors


def test_dropping_a_signed_off_unit_asks_first_and_the_declaration_shows_only_where_work_was_assessed(
    page: Page, width: int, check: Callable, live_url: Callable[[str], str], enrolment, assessor,
    enter: Callable, console_errors: list,
) -> None:
    plan_services.plan_save(enrolment=enrolment, codes=["B1", "B2", "B3"], by=enrolment.candidate)
    signed_unit(enrolment, "B3", assessor=assessor)
    accepted_evidence(enrolment, items_of(enrolment, "B1")[:1], assessor=assessor)

    enter(enrolment.candidate.email)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/units/"))
    page.get_by_label("B3 Develop your own skills").uncheck()
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_role("heading", name="Drop units with signed-off work?")).to_be_visible()
    expect(page.get_by_test_id("work-at-stake")).to_contain_text("Unit B3 was signed off by Ash Assessor")
    expect(page.get_by_test_id("work-at-stake")).to_contain_text("stays on record")
    check("confirm-dropping-B3")
    page.get_by_role("link", name="Keep them: back to my saved plan").click()
    expect(page.get_by_label("B3 Develop your own skills")).to_be_checked()
    check("unit-choice-kept")

    page.get_by_label("B3 Develop your own skills").uncheck()
    page.get_by_role("button", name="Save plan").click()
    page.get_by_role("button", name="Drop them and save my plan").click()
    expect(page.get_by_text("Your plan is saved")).to_be_visible()
    expect(page.get_by_label("B3 Develop your own skills")).not_to_be_checked()
    check("unit-choice-dropped")
    assert plan_services.saved_codes(enrolment) == ["A1", "A2", "B1", "B2"]

    page.goto(live_url(f"/enrolments/{enrolment.pk}/progress/"))
    expect(page.get_by_role("button", name=re.compile("I confirm this for unit"))).to_have_count(1)
    expect(page.get_by_role("button", name="I confirm this for unit B1")).to_be_visible()
    expect(page.get_by_text("not needed yet")).to_have_count(3)
    check("declaration-only-where-assessed")
    page.get_by_role("button", name="I confirm this for unit B1").click()
    expect(page.get_by_text("you declared the evidence for unit B1 your own work")).to_be_visible()
    check("declared-B1")
    assert not console_errors


def test_the_assessor_writes_a_record_in_their_own_words_and_it_counts_as_assessed(
    page: Page, width: int, check: Callable, live_url: Callable[[str], str], enrolment, assessor,
    enter: Callable, emails: list, console_errors: list,
) -> None:
    item = items_of(enrolment, "A1")[0]
    enter(assessor.email)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/progress/"))
    page.get_by_role("link", name=re.compile("Write a record")).click()
    expect(page.get_by_role("heading", name="Write a record of Cara Candidate's work")).to_be_visible()
    expect(page.get_by_label("Witness's name")).to_have_count(0)
    expect(page.get_by_text(re.compile("your evidence", re.I))).to_have_count(0)
    check("record-form")
    page.get_by_label(re.compile(r"Observation: What you saw")).check()
    page.get_by_label("Title").fill("Observed a complaint call")
    page.get_by_role("button", name="Save the draft record").click()
    expect(page.get_by_text("Write your record")).to_be_visible()  # the record itself is required: said on it
    check("record-form-error")
    page.get_by_label("Your record").fill("Cara took a complaint call calmly and agreed a refund within policy.")
    page.get_by_role("button", name="Save the draft record").click()

    expect(page.get_by_role("button", name="Submit the record")).to_be_visible()
    expect(page.get_by_text("count as assessed by you")).to_be_visible()
    check("record-draft")
    page.get_by_role("link", name="Map to criteria").click()
    expect(page.get_by_text("you assessed in this record")).to_be_visible()
    check("record-mapping")
    page.locator(f"#item-{item.pk}").check()
    page.get_by_role("button", name="Save the mapping").click()
    emails.clear()
    page.get_by_role("button", name="Submit the record").click()
    expect(page.get_by_test_id("mapping-row")).to_contain_text("Accepted")
    check("record-submitted")
    assert [m for m in emails if m.to == [assessor.email]] == []

    page.goto(live_url(f"/enrolments/{enrolment.pk}/progress/"))
    expect(page.get_by_role("button", name=f"Sign off A1 {item.code}")).to_be_visible()
    check("progress-after-the-record")
    assert not console_errors
