"""The assessor's side in a real browser: review, refer and accept, sign off, the learner declaration, the IQA.

The evidence is made in the test setup through the evidence services (the candidate's
own upload journey is the evidence app's); everything after that happens in Chromium.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Countersignature, ItemSignOff, UnitSignOff
from tests.assessments.factories import items_of, submitted_evidence
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def evidence(live_url, enrolment) -> object:
    """Cara's submitted statement with a photo, claiming unit B3 and element 1 of unit B1."""
    return submitted_evidence(enrolment, items_of(enrolment, "B3") + items_of(enrolment, "B1")[:1],
                              title="Handling a hotel guest's complaint")


def test_assessor_reviews_signs_off_and_the_iqa_countersigns(
    page: Page, live_url: Callable[[str], str], enrolment, evidence, assessor, iqa, centre_admin, sign_in: Callable,
    sign_out: Callable, shot: Callable, axe: Callable, emails: list, console_errors: list,
) -> None:
    candidate = enrolment.candidate

    # The assessor's home leads to the caseload, the review queue and the evidence.
    sign_in(assessor.email, PASSWORD)
    expect(page.get_by_test_id("home-caseload")).to_contain_text("1 piece of evidence to review")
    axe(page, "the assessor's home")
    shot(page, "assessor-home")
    page.get_by_role("link", name="Open your caseload").click()
    expect(page.get_by_test_id("caseload")).to_contain_text("Cara Candidate")
    axe(page, "the caseload")
    shot(page, "caseload")
    page.get_by_role("link", name="Review queue").first.click()
    axe(page, "the review queue")
    shot(page, "review-queue")
    page.get_by_role("link", name="Handling a hotel guest's complaint").click()
    expect(page.locator("img.evidence-preview")).to_be_visible()
    axe(page, "the review page")
    shot(page, "review")

    # Refer element B1 1 with feedback; accept B3.
    page.get_by_label("Feedback if you refer B1 1 back").fill("Say how you followed up with the guest.")
    page.get_by_role("button", name="Refer back B1 1").click()
    expect(page.get_by_test_id("outcome")).to_contain_text("Referred back for B1 1")  # in place, beside the claim
    page.get_by_role("button", name="Accept for B3 B3").click()
    expect(page.get_by_test_id("outcome")).to_contain_text("Accepted for B3 B3")
    axe(page, "the review page after the decisions")
    shot(page, "decisions")

    # Sign the item off on the progress page.
    page.get_by_role("link", name="Progress and sign-off").click()
    page.get_by_role("button", name="Sign off B3 B3").click()
    expect(page.get_by_text("B3 B3 signed off.")).to_be_visible()
    axe(page, "the progress page after an item sign-off")
    shot(page, "item-signed-off")
    sign_out()

    # The candidate sees the feedback, then declares unit B3 her own work.
    sign_in(candidate.email, PASSWORD)
    expect(page.get_by_test_id("home-feedback")).to_contain_text("Say how you followed up with the guest.")
    axe(page, "the candidate's home with feedback")
    shot(page, "candidate-feedback")
    page.get_by_role("link", name="Your progress and sign-off").click()
    page.get_by_role("button", name="I confirm this for unit B3").click()
    expect(page.get_by_text("you declared the evidence for unit B3 your own work")).to_be_visible()
    axe(page, "the candidate's progress page")
    shot(page, "learner-declaration")
    sign_out()

    # The assessor signs the unit off with the declaration.
    sign_in(assessor.email, PASSWORD)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/progress/"))
    page.get_by_role("button", name="Sign off unit B3 with this declaration").click()
    expect(page.get_by_text("Unit B3 signed off.")).to_be_visible()
    expect(page.get_by_test_id("eligibility")).to_contain_text("Eligible for unit certificates: B3.")
    axe(page, "the progress page after the unit sign-off")
    shot(page, "unit-signed-off")
    sign_out()

    # The IQA samples the unit and countersigns it.
    sign_in(iqa.email, PASSWORD)
    page.goto(live_url("/quality/sampling/"))
    expect(page.get_by_test_id("sampling-plan")).to_contain_text("Ash Assessor: 0 of 1 unit sampled")
    axe(page, "the sampling page")
    shot(page, "sampling")
    page.get_by_role("button", name="to the sample").click()
    expect(page.get_by_test_id("sampling-plan")).to_contain_text("Ash Assessor: 1 of 1 unit sampled")
    page.get_by_role("link", name="Review unit B3").click()
    expect(page.get_by_test_id("eligibility")).to_contain_text("Not yet eligible")  # sampled: not achieved yet
    page.get_by_role("button", name="Countersign unit B3").click()
    expect(page.get_by_text("countersigned.")).to_be_visible()
    axe(page, "the progress page after the countersignature")
    shot(page, "countersigned")
    sign_out()

    # The candidate sees the progress change.
    sign_in(candidate.email, PASSWORD)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/progress/"))
    expect(page.get_by_text("countersigned by Ivy Quality")).to_be_visible()
    axe(page, "the candidate's progress after the countersignature")
    shot(page, "candidate-progress")
    page.goto(live_url(f"/enrolments/{enrolment.pk}/matrix/"))
    expect(page.locator('[data-status="countersigned"]')).to_have_count(1)
    axe(page, "the tracking matrix")
    shot(page, "matrix")

    # She asks her assessor a question; the history lists every decision and sign-off.
    page.goto(live_url(f"/enrolments/{enrolment.pk}/questions/"))
    page.get_by_label("Subject").fill("Which unit next?")
    page.get_by_label("Your question").fill("Should I start B1 or B2?")
    page.get_by_role("button", name="Send question").click()
    expect(page.get_by_text("Your question was sent to your assessor.")).to_be_visible()
    axe(page, "a question")
    shot(page, "question")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_test_id("history")).to_contain_text("(IQA) countersigned unit")
    axe(page, "the history")
    shot(page, "history")
    sign_out()

    # The assessor plans a visit and sets an action point; the centre admin sees the claim.
    sign_in(assessor.email, PASSWORD)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/visits/"))
    page.get_by_label("Date and time").fill("2030-03-04T10:00")
    page.get_by_label("Place").fill("Reception desk")
    page.get_by_label("Purpose").fill("Observe a complaint call")
    page.get_by_role("button", name="Plan the visit").click()
    expect(page.get_by_text("Visit planned.")).to_be_visible()
    axe(page, "the visits")
    shot(page, "visit-planned")
    page.get_by_role("link", name="Action points").click()
    page.get_by_label("Action point").fill("Write a statement about the follow-up call")
    page.get_by_label("Due date").fill("2030-03-01")
    page.get_by_role("button", name="Set the action point").click()
    expect(page.get_by_text("Action point set.")).to_be_visible()
    axe(page, "the action points")
    shot(page, "action-point")
    sign_out()
    sign_in(centre_admin.email, PASSWORD)
    page.get_by_role("link", name="Certification and claims: Northgate Training").click()
    expect(page.get_by_test_id("certification")).to_contain_text("Eligible for unit certificates: B3.")
    axe(page, "the certification page")
    shot(page, "certification")

    assert ItemSignOff.objects.count() == 1 and UnitSignOff.objects.count() == 1
    assert Countersignature.objects.count() == 1
    assert any(candidate.email in m.to and "referred back" in m.subject for m in emails)
    assert console_errors == []
