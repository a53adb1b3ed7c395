"""Progress reviews in the PDF portfolio: gathered with every signature (names, times, hashes, void ones
marked) in a fixed number of queries, and rendered as a section of their own."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apprenticeships.reviews import services
from apprenticeships.signing import Party, content_hash
from exports.gather import gather_portfolio
from exports.render import Assets, whole_document_html
from tests.apprenticeships.factories import make_review, review_content
from tests.assessments.factories import items_of

pytestmark = pytest.mark.django_db


def _signed_then_changed(enrolment, employer_contact):
    review = make_review(enrolment, held_on=timezone.localdate() - datetime.timedelta(days=3),
                         items=items_of(enrolment, "A1")[:1])
    services.review_sign(review=review, by=enrolment.candidate, party=Party.CANDIDATE)
    services.review_edit(review=review, by=enrolment.assessor, content=review_content(
        held_on=review.held_on, items=items_of(enrolment, "A1")[:1], progress="Changed after the apprentice signed."))
    for person, party in ((enrolment.candidate, Party.CANDIDATE), (employer_contact, Party.EMPLOYER),
                          (enrolment.assessor, Party.PROVIDER)):
        services.review_sign(review=review, by=person, party=party)
    review.refresh_from_db()
    return review


def test_the_portfolio_gathers_each_review_with_every_signature(enrolment, employer_contact) -> None:
    review = _signed_then_changed(enrolment, employer_contact)
    (gathered,) = gather_portfolio(enrolment.pk).reviews
    digest = content_hash(review.signed_content())
    assert gathered.complete and gathered.content_hash == digest
    assert gathered.progress == "Changed after the apprentice signed." and gathered.covered == ("A1 1.1",)
    assert [(s.party, s.by, s.void) for s in gathered.signatures] == [
        ("Apprentice", "Cara Candidate", True), ("Apprentice", "Cara Candidate", False),
        ("Employer", "Erin Employer", False), ("Training provider", "Ash Assessor", False)]
    assert gathered.signatures[0].voided_by == "Ash Assessor" and gathered.signatures[0].content_hash != digest
    assert all(s.content_hash == digest for s in gathered.signatures[1:])


def test_gathering_reviews_costs_the_same_queries_for_more_reviews(enrolment, employer_contact) -> None:
    _signed_then_changed(enrolment, employer_contact)
    with CaptureQueriesContext(connection) as one:
        gather_portfolio(enrolment.pk)
    for _n in range(3):
        _signed_then_changed(enrolment, employer_contact)
    with CaptureQueriesContext(connection) as four:
        assert len(gather_portfolio(enrolment.pk).reviews) == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_pdf_html_has_a_reviews_section_with_signatures_names_times_and_hashes(enrolment,
                                                                                   employer_contact) -> None:
    review = _signed_then_changed(enrolment, employer_contact)
    data = gather_portfolio(enrolment.pk)
    html = whole_document_html(data, Assets())
    assert '<section class="reviews part-start" id="reviews">' in html
    assert "Progress reviews" in html and f"Review of {review.held_on:%-d %B %Y} — complete" in html
    assert "Changed after the apprentice signed." in html and "Write a statement on the refund call" in html
    for signature in data.reviews[0].signatures:
        assert signature.content_hash in html
    for name in ("Cara Candidate", "Erin Employer", "Ash Assessor"):
        assert f"{name}, {timezone.localtime():%-d %B %Y}" in html
    assert html.count("void: the review changed after it was signed") == 1


def test_a_portfolio_without_reviews_has_no_reviews_section(enrolment) -> None:
    html = whole_document_html(gather_portfolio(enrolment.pk), Assets())
    assert 'id="reviews"' not in html


def test_the_rendered_pdf_lists_the_reviews_in_its_contents_and_shows_them(enrolment, employer_contact,
                                                                          tmp_path) -> None:
    from pypdf import PdfReader

    from exports.render import render_portfolio

    review = _signed_then_changed(enrolment, employer_contact)
    target = tmp_path / "portfolio.pdf"
    render_portfolio(gather_portfolio(enrolment.pk), assets=Assets(), workdir=tmp_path, target=target)
    texts = [page.extract_text() for page in PdfReader(target).pages]
    assert "Progress reviews" in texts[1]  # the contents
    reviews_page = next(text for text in texts if "Changed after the apprentice signed." in text)
    assert f"Review of {review.held_on:%-d %B %Y}" in reviews_page and "Erin Employer" in reviews_page
