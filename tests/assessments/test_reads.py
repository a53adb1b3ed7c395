"""Reads: eligibility with the planner, sampling figures, the caseload's flags and fixed query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import reads, services
from assessments.services import action_point_set, question_ask, visit_plan
from candidates.models import Enrolment
from tests.assessments.factories import items_of, signed_unit, submitted_evidence
from units.spec import spec_for

pytestmark = pytest.mark.django_db


def _eligibility(enrolment: Enrolment) -> reads.Eligibility:
    achieved = reads.achieved_units([enrolment.pk]).get(enrolment.pk, [])
    return reads.eligibility(enrolment, achieved, spec_for(enrolment.qualification))


def test_no_achieved_unit_is_not_yet_eligible(enrolment) -> None:
    assert _eligibility(enrolment).summary == "Not yet eligible: no unit is achieved."


def test_some_units_give_unit_certificates(enrolment, assessor) -> None:
    signed_unit(enrolment, "B3", assessor=assessor)
    eligibility = _eligibility(enrolment)
    assert not eligibility.full
    assert eligibility.summary == "Eligible for unit certificates: B3."


def test_a_valid_combination_of_achieved_units_is_the_full_qualification(enrolment, assessor) -> None:
    for code in ("A1", "A2", "B3"):
        signed_unit(enrolment, code, assessor=assessor)
    eligibility = _eligibility(enrolment)
    assert eligibility.full and eligibility.combination == ("A1", "A2", "B3")
    assert eligibility.summary == "Eligible for the full qualification with units A1, A2, B3."


def test_a_unit_referred_by_the_iqa_is_not_achieved(enrolment, assessor, iqa) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    services.iqa_refer(unit_sign_off=sign_off, by=iqa, comments="Undated.")
    assert _eligibility(enrolment).achieved == ()


def test_sampling_counts_reviewed_sign_offs_against_the_rate(enrolment, assessor, iqa, settings) -> None:
    settings.IQA_SAMPLING_RATE = 0.25
    first = signed_unit(enrolment, "B3", assessor=assessor)
    signed_unit(enrolment, "A1", assessor=assessor)
    services.countersign(unit_sign_off=first, by=iqa)
    sign_offs, (sample,) = reads.sampling(iqa)
    assert len(sign_offs) == 2
    assert sample.summary == "Ash Assessor: 1 of 2 units sampled, 25% needs 1: met"


def test_sampling_says_what_is_still_needed(enrolment, assessor, iqa) -> None:
    signed_unit(enrolment, "B3", assessor=assessor)
    _, (sample,) = reads.sampling(iqa)
    assert sample.summary == "Ash Assessor: 0 of 1 unit sampled, 25% needs 1: 1 more to sample"


def test_caseload_flags_evidence_waiting_past_the_target(enrolment, assessor, settings) -> None:
    settings.RESPONSE_TARGET_WORKING_HOURS = 24
    evidence = submitted_evidence(enrolment, items_of(enrolment, "A1")[:1])
    submitted = evidence.current_version.submitted_at
    (row,) = reads.caseload(assessor, now=submitted + datetime.timedelta(days=1))
    assert row.awaiting == 1 and not row.past_target
    (row,) = reads.caseload(assessor, now=submitted + datetime.timedelta(days=6))
    assert row.past_target and row.waiting_hours > 24


def test_caseload_counts_questions_visits_and_overdue_action_points(enrolment, assessor) -> None:
    question_ask(enrolment=enrolment, by=enrolment.candidate, subject="Units", text="Which?")
    visit = visit_plan(enrolment=enrolment, by=assessor, planned_for=timezone.now() + datetime.timedelta(days=3),
                       place="Office", purpose="Observe")
    action_point_set(enrolment=enrolment, by=assessor, text="Statement", due=timezone.localdate())
    later = timezone.now() + datetime.timedelta(days=2)
    (row,) = reads.caseload(assessor, now=later)
    assert (row.unanswered, row.next_visit, row.overdue_actions) == (1, visit.planned_for, 1)


def test_caseload_figures_take_each_call_s_time_and_assessor(enrolment, assessor, make_enrolment, iqa) -> None:
    # The figures' SQL is compiled once and run again with each call's values: the same read, asked at three
    # moments and for another assessor, answers for that moment and that assessor.
    visit = visit_plan(enrolment=enrolment, by=assessor, planned_for=timezone.now() + datetime.timedelta(days=3),
                       place="Office", purpose="Observe")
    action_point_set(enrolment=enrolment, by=assessor, text="Statement", due=timezone.localdate()
                     + datetime.timedelta(days=1))
    figures = [(row.next_visit, row.overdue_actions) for moment in (0, 2, 4)
               for row in reads.caseload(assessor, now=timezone.now() + datetime.timedelta(days=moment))]
    assert figures == [(visit.planned_for, 0), (visit.planned_for, 1), (None, 1)]
    other = make_enrolment(1)
    other.assessor = iqa
    other.save()
    question_ask(enrolment=other, by=other.candidate, subject="Units", text="Which?")
    submitted_evidence(other, items_of(other, "A1")[:1], by=other.candidate)
    assert [(row.enrolment, row.unanswered, row.awaiting) for row in reads.caseload(iqa)] == [(other, 1, 1)]
    assert [(row.enrolment, row.unanswered, row.awaiting) for row in reads.caseload(assessor)] == [(enrolment, 0, 0)]


def _build_caseload(assessor, candidate_count: int, make_enrolment) -> None:
    for n in range(candidate_count):
        enrolment = make_enrolment(n)
        submitted_evidence(enrolment, items_of(enrolment, "A1")[:2])
        question_ask(enrolment=enrolment, by=enrolment.candidate, subject="Q", text="?")
        action_point_set(enrolment=enrolment, by=assessor, text="Do", due=timezone.localdate())


@pytest.fixture
def make_enrolment(centre, qualification, assessor, iqa):
    from candidates.models import Role, RoleKind, User

    def make(n: int) -> Enrolment:
        person = User.objects.create_user(f"learner{n}@example.org", "x", first_name="Learner", last_name=str(n))
        Role.objects.create(user=person, centre=centre, kind=RoleKind.CANDIDATE)
        today = timezone.localdate()
        return Enrolment.objects.create(
            candidate=person, centre=centre, qualification=qualification, assessor=assessor, iqa=iqa,
            start_date=today, planned_end_date=today + datetime.timedelta(days=300),
        )

    return make


def _count(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def test_caseload_and_queue_and_sampling_cost_the_same_queries_for_more_data(
    client, assessor, iqa, make_enrolment
) -> None:
    client.force_login(assessor)
    _build_caseload(assessor, 2, make_enrolment)
    small = [_count(lambda url=url: client.get(url)) for url in ("/caseload/", "/caseload/review/")]
    _build_caseload(assessor, 8, lambda n: make_enrolment(n + 100))
    large = [_count(lambda url=url: client.get(url)) for url in ("/caseload/", "/caseload/review/")]
    assert small == large
    client.force_login(iqa)
    enrolments = list(Enrolment.objects.filter(assessor=assessor)[:3])
    signed_unit(enrolments[0], "B3", assessor=assessor)
    before = _count(lambda: client.get("/quality/sampling/"))
    sampled, countersigned = (signed_unit(enrolment, "B3", assessor=assessor) for enrolment in enrolments[1:])
    services.unit_sample(unit_sign_off=sampled, by=iqa)
    services.countersign(unit_sign_off=countersigned, by=iqa)
    assert _count(lambda: client.get("/quality/sampling/")) == before


def test_caseload_progress_counts_every_unit_until_units_are_chosen(enrolment, assessor) -> None:
    signed_unit(enrolment, "B3", assessor=assessor)
    (row,) = reads.caseload(assessor)
    assert (row.items_signed, row.items_total, row.units_signed) == (1, 13, 1)
    assert row.progress == 8


def test_a_unit_in_the_iqa_sample_is_achieved_only_once_countersigned(enrolment, assessor, iqa) -> None:
    sampled = signed_unit(enrolment, "B3", assessor=assessor)
    signed_unit(enrolment, "A1", assessor=assessor)  # outside the sample: achieved on the sign-off alone
    services.unit_sample(unit_sign_off=sampled, by=iqa)
    assert _eligibility(enrolment).achieved == ("A1",)
    services.countersign(unit_sign_off=sampled, by=iqa)
    assert set(_eligibility(enrolment).achieved) == {"A1", "B3"}


def test_a_unit_put_in_the_sample_counts_towards_the_plan(enrolment, assessor, iqa, settings) -> None:
    settings.IQA_SAMPLING_RATE = 0.25
    services.unit_sample(unit_sign_off=signed_unit(enrolment, "B3", assessor=assessor), by=iqa)
    _, (sample,) = reads.sampling(iqa)
    assert sample.sampled == 1 and sample.met


def test_caseload_sorts_by_each_column(assessor, make_enrolment) -> None:
    quiet, busy = make_enrolment(2), make_enrolment(1)  # last names "2" and "1"
    submitted_evidence(busy, items_of(busy, "A1")[:1])
    submitted_evidence(busy, items_of(busy, "A1")[1:2])
    submitted_evidence(quiet, items_of(quiet, "A1")[:1])
    question_ask(enrolment=quiet, by=quiet.candidate, subject="Q", text="?")
    question_ask(enrolment=quiet, by=quiet.candidate, subject="Q2", text="?")

    def order(sort: str) -> list[int]:
        return [row.enrolment.pk for row in reads.caseload(assessor, sort=sort)]

    assert order("candidate") == [busy.pk, quiet.pk]
    assert order("awaiting") == [busy.pk, quiet.pk]
    assert order("questions") == [quiet.pk, busy.pk]


def test_prepared_reads_of_the_lists_find_what_the_orm_finds(enrolment, assessor, iqa, centre_admin, eqa) -> None:
    # The search filters' and the caseload's reads compiled once a process (portfolio_site.prepared) answer as
    # the querysets they are compiled from, for each shape of roles (an IQA, who reads a centre whole or not).
    from candidates.forms.people import first_people
    from units.models import Qualification

    signed_unit(enrolment, "B3", assessor=assessor)
    for user in (iqa, centre_admin, eqa, assessor):
        qualifications, first = reads.sampling_search_choices(user)
        assert qualifications == list(reads.sampling_qualifications(user).order_by("title", "version"))
        assert first == first_people(reads.sampling_assessors(user, of="enrolment__assessor_id"))
        assert reads.assessed_qualifications(user) == list(
            Qualification.objects.filter(pk__in=reads.assessed_by(user).values("qualification_id"))
            .order_by("title", "version"))
    assert reads.sampling_search_choices(centre_admin) == ([enrolment.qualification], [assessor])
    assert reads.assessed_qualifications(assessor) == [enrolment.qualification]
    assert [row.enrolment for row in reads.caseload(assessor)] == [enrolment]
    assert reads.caseload_totals(assessor)["candidates"] == 1


def test_the_review_queue_unsearched_is_counted_by_a_prepared_read(enrolment, assessor) -> None:
    from candidates.listing import EnrolmentSearch

    submitted_evidence(enrolment, items_of(enrolment, "A1")[:1])
    submitted_evidence(enrolment, items_of(enrolment, "A1")[1:2])
    listed = reads.review_queue_listed(assessor, EnrolmentSearch())
    queue = reads.review_queue(assessor, EnrolmentSearch())
    assert isinstance(listed, reads.CountedRows)
    assert listed.count() == len(listed) == queue.count() == 2
    assert list(listed[0:2]) == list(queue) and listed.ordered
    assert reads.review_queue_listed(assessor, EnrolmentSearch(text="nobody")).count() == 0
