"""Search and filters of the centre's enrolment list (candidates/listing.py, candidates/views/centres.py)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates import listing
from candidates.models import Enrolment, EnrolmentStatus
from evidence.models import EvidenceVersion
from tests.apprenticeships.factories import make_entry, make_plan
from tests.assessments.factories import accepted_evidence, items_of, submitted_evidence
from tests.candidates.factories import many_enrolments


def list_url(centre) -> str:
    return reverse("candidates:enrolment_list", kwargs={"centre_pk": centre.pk})


@pytest.fixture
def as_admin(client, centre_admin):
    client.force_login(centre_admin)
    return client


def names(response) -> list[str]:
    return [row.split("</a>")[0].rsplit(">", 1)[1] for row in response.text.split('data-testid="enrolment-row"')[1:]]


def test_search_finds_by_part_of_a_name_any_case(as_admin, centre, enrolment, other_enrolment) -> None:
    response = as_admin.get(list_url(centre), {"q": "cAr"})
    assert names(response) == ["Cara Candidate"]


def test_search_needs_every_word_somewhere(as_admin, centre, enrolment, other_enrolment) -> None:
    assert names(as_admin.get(list_url(centre), {"q": "olga other"})) == ["Olga Other"]
    assert names(as_admin.get(list_url(centre), {"q": "olga candidate"})) == []


def test_search_finds_by_email(as_admin, centre, enrolment, other_enrolment) -> None:
    assert names(as_admin.get(list_url(centre), {"q": "olga.other@"})) == ["Olga Other"]


def test_search_finds_by_the_whole_uln_only(as_admin, centre, enrolment, other_enrolment) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(uln="1234567890")
    assert names(as_admin.get(list_url(centre), {"q": "1234567890"})) == ["Cara Candidate"]
    assert names(as_admin.get(list_url(centre), {"q": "12345"})) == []


def test_filters_by_qualification(as_admin, centre, enrolment, other_enrolment, make_qualification) -> None:
    other = make_qualification(code="Q-OTHER", title="Another qualification")
    Enrolment.objects.filter(pk=other_enrolment.pk).update(qualification=other)
    response = as_admin.get(list_url(centre), {"qualification": other.pk})
    assert names(response) == ["Olga Other"]
    assert f'<option value="{other.pk}" selected>Another qualification' in response.text


def test_no_activity_counts_from_creation_and_from_submitted_evidence(
    as_admin, centre, enrolment, other_enrolment, private_storage
) -> None:
    long_ago = timezone.now() - datetime.timedelta(days=60)
    Enrolment.objects.filter(pk__in=[enrolment.pk, other_enrolment.pk]).update(created=long_ago)
    submitted_evidence(enrolment, items_of(enrolment, "A1")[:1])
    assert names(as_admin.get(list_url(centre), {"idle": "30"})) == ["Olga Other"]
    assert names(as_admin.get(list_url(centre), {"idle": "90"})) == []


def test_no_activity_counts_an_assessors_decision(
    as_admin, centre, enrolment, assessor, private_storage
) -> None:
    long_ago = timezone.now() - datetime.timedelta(days=60)
    Enrolment.objects.filter(pk=enrolment.pk).update(created=long_ago)
    evidence = accepted_evidence(enrolment, items_of(enrolment, "A1")[:1], assessor=assessor)
    EvidenceVersion.objects.filter(item=evidence).update(submitted_at=long_ago)
    last = Enrolment.objects.filter(pk=enrolment.pk).annotate(last=listing.last_activity()).values_list(
        "last", flat=True).get()
    assert last > timezone.now() - datetime.timedelta(minutes=5)
    assert names(as_admin.get(list_url(centre), {"idle": "30"})) == []


def test_the_idle_filter_agrees_with_the_last_activity_annotation(
    centre, enrolment, other_enrolment, qualification, assessor, private_storage
) -> None:
    made = many_enrolments(centre, qualification, assessor, 4)
    now = timezone.now()
    for days, one in zip((10, 40, 70, 100), made, strict=True):
        Enrolment.objects.filter(pk=one.pk).update(created=now - datetime.timedelta(days=days))
    submitted_evidence(made[2], items_of(made[2], "A1")[:1], by=made[2].candidate)
    everyone = Enrolment.objects.filter(centre=centre)
    for days in (5, 30, 60, 90, 120):
        moment = now - datetime.timedelta(days=days)
        by_annotation = set(everyone.annotate(last=listing.last_activity()).filter(last__lt=moment)
                            .values_list("pk", flat=True))
        assert set(everyone.filter(listing.idle_since(moment)).values_list("pk", flat=True)) == by_annotation
    idle = set(everyone.filter(listing.idle_since(now - datetime.timedelta(days=35))).values_list("pk", flat=True))
    assert idle == {made[1].pk, made[3].pk}  # made[2] submitted evidence today


def test_behind_plan_is_past_the_planned_end_or_behind_on_off_the_job_hours(
    as_admin, centre, enrolment, other_enrolment, qualification, assessor
) -> None:
    overdue, on_track = many_enrolments(centre, qualification, assessor, 2, prefix="Late")
    Enrolment.objects.filter(pk=overdue.pk).update(start_date=datetime.date(2020, 1, 1),
                                                   planned_end_date=datetime.date(2021, 1, 1))
    make_plan(enrolment)  # a month in, nothing logged: behind
    make_plan(other_enrolment)
    make_entry(other_enrolment, minutes=60 * 20)  # logged, not verified: still behind
    Enrolment.objects.filter(pk=on_track.pk).update(start_date=timezone.localdate())
    on_track.refresh_from_db()
    make_plan(on_track)  # starting today: nothing expected yet
    assert set(names(as_admin.get(list_url(centre), {"behind": "1"}))) == {
        "Cara Candidate", "Olga Other", "Late Number000"}


def test_behind_plan_leaves_out_paused_enrolments(as_admin, centre, enrolment, other_enrolment) -> None:
    make_plan(enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.PAUSED)
    assert names(as_admin.get(list_url(centre), {"behind": "1"})) == []


def test_the_count_says_how_many_match_and_the_empty_list_says_so(as_admin, centre, enrolment, other_enrolment) -> None:
    response = as_admin.get(list_url(centre), {"status": "active", "q": "olga"})
    assert "1 enrolment match." in response.text
    empty = as_admin.get(list_url(centre), {"q": "nobody-by-that-name"})
    assert "0 enrolments match." in empty.text and "No enrolment matches this search." in empty.text
    assert f'href="{list_url(centre)}" data-testid="clear-filters"' in empty.text


def test_pages_keep_the_filters_and_mark_the_current_page(as_admin, centre, qualification, assessor) -> None:
    many_enrolments(centre, qualification, assessor, 120)
    response = as_admin.get(list_url(centre), {"q": "extra", "status": "active", "page": "2"})
    assert "120 enrolments match, page 2 of 3." in response.text
    assert names(response)[0] == "Extra Number050"
    assert 'aria-current="page" href="?q=extra&amp;status=active&amp;page=2"' in response.text
    assert 'href="?q=extra&amp;status=active&amp;page=3"' in response.text


def test_values_that_do_not_parse_are_ignored(as_admin, centre, enrolment, other_enrolment) -> None:
    response = as_admin.get(list_url(centre), {"idle": "-4", "qualification": "x", "status": "lost", "page": "z"})
    assert response.status_code == 200
    assert sorted(names(response)) == ["Cara Candidate", "Olga Other"]


# session, user, roles (nav, the gate and the visible enrolments: read once), unread count (nav), centre,
# qualifications, assessors, invitations awaiting acceptance, off-the-job plans and verified minutes ("behind plan"),
# count, the page's keys, its rows.
EVERY_FILTER_QUERIES = 13


@pytest.mark.parametrize("extra", [3, 80])
def test_every_filter_at_once_costs_a_fixed_number_of_queries(
    as_admin, centre, qualification, assessor, extra, django_assert_num_queries
) -> None:
    made = many_enrolments(centre, qualification, assessor, extra)
    for enrolment in made:
        make_plan(enrolment)
    Enrolment.objects.update(created=timezone.now() - datetime.timedelta(days=60))
    query = {"q": "extra", "qualification": qualification.pk, "assessor": assessor.pk, "status": "active",
             "idle": "30", "behind": "1", "page": "2" if extra > 50 else "1"}
    with django_assert_num_queries(EVERY_FILTER_QUERIES):
        response = as_admin.get(list_url(centre), query)
    assert len(names(response)) == (3 if extra == 3 else 30)
