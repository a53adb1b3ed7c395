"""Search, filters and pages of the assessor's caseload and review queue and of the IQA's sampling page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from assessments import services
from candidates.models import Enrolment, EnrolmentStatus, Role, RoleKind
from tests.apprenticeships.factories import make_plan
from tests.assessments.factories import items_of, signed_unit, submitted_evidence
from tests.candidates.factories import many_enrolments


@pytest.fixture
def as_assessor(client, assessor):
    client.force_login(assessor)
    return client


def row_names(response, testid: str = "caseload-row") -> list[str]:
    return [row.split("</a>")[0].rsplit(">", 1)[1] for row in response.text.split(f'data-testid="{testid}"')[1:]]


# --------------------------------------------------------------------------- the caseload


def test_caseload_searches_by_name(as_assessor, enrolment, assessor, centre, qualification) -> None:
    many_enrolments(centre, qualification, assessor, 3)
    response = as_assessor.get("/caseload/", {"q": "cara"})
    assert row_names(response) == ["Cara Candidate"]
    assert "1 candidate match." in response.text


def test_caseload_offers_no_assessor_filter_and_no_withdrawn_status(as_assessor, enrolment) -> None:
    response = as_assessor.get("/caseload/")
    assert 'name="assessor"' not in response.text
    assert 'value="withdrawn"' not in response.text


def test_caseload_filters_the_behind_and_the_idle(as_assessor, enrolment, assessor, centre, qualification) -> None:
    (quiet,) = many_enrolments(centre, qualification, assessor, 1)
    make_plan(enrolment)  # a month in, nothing verified: behind on off-the-job hours
    assert row_names(as_assessor.get("/caseload/", {"behind": "1"})) == ["Cara Candidate"]
    Enrolment.objects.filter(pk=quiet.pk).update(created=timezone.now() - datetime.timedelta(days=40))
    assert row_names(as_assessor.get("/caseload/", {"idle": "30"})) == ["Extra Number000"]


def test_caseload_pages_keep_the_search_and_the_sort(as_assessor, assessor, centre, qualification) -> None:
    many_enrolments(centre, qualification, assessor, 60)
    response = as_assessor.get("/caseload/", {"q": "extra", "sort": "candidate", "page": "2"})
    assert "60 candidates match, page 2 of 2." in response.text
    assert row_names(response)[0] == "Extra Number050"
    assert 'aria-current="page" href="?q=extra&amp;sort=candidate&amp;page=2"' in response.text
    assert 'href="?q=extra&amp;sort=progress"' in response.text  # the column sorts keep the search


def test_caseload_says_when_nothing_matches(as_assessor, enrolment) -> None:
    response = as_assessor.get("/caseload/", {"q": "nobody"})
    assert "No candidate of your caseload matches this search." in response.text
    assert 'href="/caseload/" data-testid="clear-filters"' in response.text


# session, user, roles (nav, the assessor check and the visible enrolments: read once), unread count (nav),
# qualifications, the caseload (the enrolments, their figures, the evidence awaiting review),
# off-the-job plans and verified minutes ("behind plan"), the plans with their verified minutes for the flags of the
# page (one query), and the progress reviews overdue (apprenticeships' review_flags tag: one query for the page).
CASELOAD_QUERIES = 12


@pytest.mark.parametrize("extra", [2, 70])
def test_caseload_search_costs_a_fixed_number_of_queries(
    as_assessor, assessor, centre, qualification, extra, django_assert_num_queries
) -> None:
    for made in many_enrolments(centre, qualification, assessor, extra):
        make_plan(made)
    with django_assert_num_queries(CASELOAD_QUERIES):
        response = as_assessor.get("/caseload/", {"q": "extra", "status": "active", "idle": "", "behind": "1",
                                                  "qualification": qualification.pk, "page": "2"})
    assert len(row_names(response)) == (2 if extra == 2 else 20)


# --------------------------------------------------------------------------- the review queue


def test_review_queue_searches_by_candidate(as_assessor, enrolment, assessor, centre, qualification,
                                            private_storage) -> None:
    (other,) = many_enrolments(centre, qualification, assessor, 1)
    submitted_evidence(enrolment, items_of(enrolment, "A1")[:1], title="Cara's reply")
    submitted_evidence(other, items_of(other, "A1")[:1], by=other.candidate, title="Extra's reply")
    response = as_assessor.get("/caseload/review/", {"q": "extra"})
    assert "Extra&#x27;s reply" in response.text and "Cara&#x27;s reply" not in response.text
    assert "1 piece of evidence to review match." in response.text
    empty = as_assessor.get("/caseload/review/", {"q": "nobody"})
    assert "Nothing waiting for review matches this search." in empty.text


# session, user, roles (nav, the assessor check and the visible enrolments: read once), unread count (nav),
# qualifications, count, page.
QUEUE_QUERIES = 7


@pytest.mark.parametrize("extra", [1, 4])
def test_review_queue_search_costs_a_fixed_number_of_queries(
    as_assessor, assessor, centre, qualification, extra, django_assert_num_queries, private_storage
) -> None:
    for made in many_enrolments(centre, qualification, assessor, extra):
        Role.objects.create(user=made.candidate, centre=centre, kind=RoleKind.CANDIDATE)
        submitted_evidence(made, items_of(made, "A1")[:2], by=made.candidate)
    with django_assert_num_queries(QUEUE_QUERIES - 1):  # nothing matches: an empty page asks for no rows
        response = as_assessor.get("/caseload/review/", {"q": "extra", "qualification": qualification.pk,
                                                         "status": "active", "idle": "5"})
    assert "0 pieces of evidence to review match." in response.text  # nothing has been idle for five days
    with django_assert_num_queries(QUEUE_QUERIES):
        response = as_assessor.get("/caseload/review/", {"q": "extra", "qualification": qualification.pk})
    assert f"{extra} piece{'s' if extra > 1 else ''} of evidence to review match." in response.text


# --------------------------------------------------------------------------- the IQA's sampling


@pytest.fixture
def as_iqa(client, iqa):
    client.force_login(iqa)
    return client


def test_sampling_filters_by_what_the_iqa_did(as_iqa, enrolment, other_enrolment, assessor, other_assessor,
                                               iqa, private_storage) -> None:
    Enrolment.objects.filter(pk=other_enrolment.pk).update(iqa=iqa)
    countersigned = signed_unit(enrolment, "B3", assessor=assessor)
    services.unit_sample(unit_sign_off=countersigned, by=iqa)
    services.countersign(unit_sign_off=countersigned, by=iqa)
    signed_unit(other_enrolment, "B3", assessor=other_assessor)
    open_units = as_iqa.get("/quality/sampling/", {"state": "open"})
    assert "Olga Other" in open_units.text and "Cara Candidate" not in open_units.text
    assert "1 signed-off unit match." in open_units.text
    done = as_iqa.get("/quality/sampling/", {"state": "countersigned", "by": "unit"})
    assert "Cara Candidate" in done.text and "Olga Other" not in done.text
    assert 'href="?state=countersigned&amp;by=candidate"' in done.text  # the grouping keeps the filter
    assert 'name="by" value="unit"' in done.text  # and the search keeps the grouping


def test_sampling_searches_by_candidate_and_says_when_nothing_matches(as_iqa, enrolment, assessor,
                                                                      private_storage) -> None:
    signed_unit(enrolment, "B3", assessor=assessor)
    assert "Cara Candidate" in as_iqa.get("/quality/sampling/", {"q": "cara"}).text
    empty = as_iqa.get("/quality/sampling/", {"q": "nobody"})
    assert "No signed-off unit matches this search." in empty.text
    # The plan still counts every sign-off the IQA samples.
    assert "0 of 1 unit sampled" in empty.text


# session, user, roles (nav, the sampling reader check and the visible enrolments: read once), unread count
# (nav), qualifications, assessors; the units: their count (bounded), a page of keys, its rows; the plan: the
# count of its assessors, a page of their ids by name, the page's people with their sign-offs' counts.
SAMPLING_QUERIES = 12


@pytest.mark.parametrize("extra", [1, 3])
def test_sampling_search_costs_a_fixed_number_of_queries(
    as_iqa, assessor, iqa, centre, qualification, extra, django_assert_num_queries, private_storage
) -> None:
    for made in many_enrolments(centre, qualification, assessor, extra, iqa=iqa):
        signed_unit(made, "B3", assessor=assessor)
    with django_assert_num_queries(SAMPLING_QUERIES):
        response = as_iqa.get("/quality/sampling/", {"q": "extra", "state": "open", "by": "candidate",
                                                     "assessor": assessor.pk, "qualification": qualification.pk})
    assert response.text.count("Extra Number") >= extra


def test_a_paused_enrolment_is_found_by_status(as_assessor, enrolment, other_enrolment, assessor) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.PAUSED)
    assert row_names(as_assessor.get("/caseload/", {"status": "paused"})) == ["Cara Candidate"]
