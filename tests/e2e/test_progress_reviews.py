"""A three-way progress review: the assessor fills it in; the apprentice (on a phone), the employer contact and
the assessor each sign it in their own account; then the assessor changes it, which voids the signatures."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from apprenticeships.models import ReviewSignature
from assessments.models import ActionPoint
from tests.apprenticeships.factories import make_entry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _sign(page: Page, button: str, done: str) -> None:
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text(done)).to_be_visible()
    expect(page.get_by_test_id("sign")).to_have_count(0)


def test_a_review_is_filled_signed_by_all_three_and_an_edit_voids_the_signatures(
    page: Page, live_url: Callable[[str], str], enrolment, employer_contact, sign_in: Callable, sign_out: Callable,
    shot: Callable, axe: Callable, console_errors: list,
) -> None:
    make_entry(enrolment, minutes=150, days_ago=3)
    reviews = live_url(f"/enrolments/{enrolment.pk}/reviews/")
    due = timezone.localdate() + datetime.timedelta(days=21)

    # The assessor records the review from the list page; a missing answer first says what to write.
    page.set_viewport_size(DESKTOP)
    sign_in(enrolment.assessor.email, PASSWORD)
    page.goto(reviews)
    expect(page.get_by_text("No progress review is recorded yet.")).to_be_visible()
    axe(page, "the empty reviews list at 1366 px")
    page.get_by_role("link", name="Record a progress review").click()
    expect(page.get_by_test_id("form-otj")).to_contain_text("2:30 logged, 0:00 verified")
    expect(page.get_by_test_id("safeguarding-recipient")).to_contain_text("named no designated safeguarding lead")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Say what progress the apprentice made since the last review.")).to_be_visible()
    axe(page, "the review form with errors at 1366 px")
    shot(page, "assessor-form-errors")
    page.get_by_label("Progress since the last review").fill("Handles refund calls alone; wrote two statements.")
    page.get_by_label("Units, criteria or KSBs covered").select_option(index=0)
    page.get_by_label("Target 1", exact=True).fill("Write a statement on the escalated complaint")
    page.get_by_label("Target 1 due by").fill(due.isoformat())
    page.get_by_label("English and maths").fill("Functional skills English level 2 booked for March.")
    page.get_by_label("Learner wellbeing").fill("Settled in the team; no support needed.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Review recorded.")).to_be_visible()
    expect(page.get_by_test_id("review-otj")).to_contain_text("2:30 logged")
    expect(page.get_by_test_id("signature-candidate")).to_contain_text("not signed yet")
    axe(page, "the recorded review at 1366 px")
    shot(page, "assessor-recorded")
    review_url = page.url
    sign_out()

    # The apprentice signs on a phone, as the apprentice: the targets become action points.
    sign_in(enrolment.candidate.email, PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(review_url)
    expect(page.get_by_test_id("review-targets")).to_contain_text("Write a statement on the escalated complaint")
    _fits_the_phone(page)
    axe(page, "the review before signing at 390 px")
    shot(page, "candidate-before-signing-390")
    _sign(page, "Sign as the apprentice", "Signed as the apprentice.")
    expect(page.get_by_test_id("signature-candidate")).to_contain_text("signed by Cara Candidate")
    assert ActionPoint.objects.filter(enrolment=enrolment, text__startswith="Write a statement").count() == 1
    _fits_the_phone(page)
    axe(page, "the review signed by the apprentice at 390 px")
    shot(page, "candidate-signed-390")
    page.set_viewport_size(DESKTOP)
    sign_out()

    # The employer contact finds it from their apprentices page and signs as the employer.
    sign_in(employer_contact.email, PASSWORD)
    page.goto(live_url("/apprentices/"))
    page.get_by_role("link", name="Progress reviews of Cara Candidate").click()
    expect(page.get_by_test_id("review-row")).to_contain_text("1 of 3 signatures")
    axe(page, "the employer's reviews list at 1366 px")
    page.get_by_test_id("review-row").get_by_role("link").first.click()
    _sign(page, "Sign as the employer", "Signed as the employer.")
    axe(page, "the review signed by the employer at 1366 px")
    shot(page, "employer-signed")
    sign_out()

    # The assessor signs as the training provider: the review is complete.
    sign_in(enrolment.assessor.email, PASSWORD)
    page.goto(review_url)
    _sign(page, "Sign as the training provider", "Signed as the training provider.")
    expect(page.get_by_test_id("review-complete")).to_be_visible()
    axe(page, "the complete review at 1366 px")
    shot(page, "complete")

    # A change after signing: the page warns, then every signature is void and shown so; nobody's is valid.
    page.get_by_role("link", name="Change the review").click()
    expect(page.get_by_test_id("void-warning")).to_be_visible()
    axe(page, "the edit form with the void warning at 1366 px")
    page.get_by_label("Learner wellbeing").fill("Tired after weekend shifts; support agreed with the employer.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Review saved.")).to_be_visible()
    expect(page.get_by_test_id("void-signature")).to_have_count(3)
    expect(page.get_by_test_id("void-signatures")).to_contain_text(
        "signature void: the review changed after it was signed")
    expect(page.get_by_test_id("review-complete")).to_have_count(0)
    expect(page.get_by_test_id("signature-employer")).to_contain_text("not signed yet")
    axe(page, "the changed review with void signatures at 1366 px")
    shot(page, "void-1366")
    page.set_viewport_size(PHONE)
    _fits_the_phone(page)
    axe(page, "the changed review with void signatures at 390 px")
    shot(page, "void-390")
    assert ReviewSignature.objects.filter(void_at__isnull=False).count() == 3
    assert not console_errors
