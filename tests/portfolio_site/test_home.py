"""The home page: a candidate's next steps, a member of staff's enrolments, at a fixed cost."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import Enrolment, Role, RoleKind, User
from candidates.services import plan as plan_services

HOME = "/"


def test_a_new_candidate_is_asked_to_start_their_self_assessment(client, candidate, enrolment) -> None:
    client.force_login(candidate)
    html = client.get(HOME).content.decode()
    assert "Start your self-assessment" in html
    assert reverse("candidates:self_assessment", kwargs={"pk": enrolment.pk}) in html
    assert "Units not chosen yet" in html


def test_after_the_self_assessment_the_candidate_is_asked_to_choose_units(client, candidate, enrolment) -> None:
    plan_services.self_assessment_save(enrolment=enrolment, coverage={"A1": "fully"}, by=candidate)
    client.force_login(candidate)
    html = client.get(HOME).content.decode()
    assert "Choose your units" in html and "Start your self-assessment" not in html


def test_a_draft_plan_is_flagged_in_words(client, candidate, enrolment) -> None:
    plan_services.self_assessment_save(enrolment=enrolment, coverage={"A1": "fully"}, by=candidate)
    plan_services.plan_save(enrolment=enrolment, codes=[], by=candidate)
    client.force_login(candidate)
    html = client.get(HOME).content.decode()
    assert "Draft — does not meet the rules yet" in html and "Choose your units" in html


def test_a_valid_plan_is_shown_as_valid(client, candidate, enrolment) -> None:
    plan_services.self_assessment_save(enrolment=enrolment, coverage={"A1": "fully"}, by=candidate)
    plan_services.plan_save(enrolment=enrolment, codes=["B2"], by=candidate)
    client.force_login(candidate)
    html = client.get(HOME).content.decode()
    assert "Valid plan: meets every rule" in html and "Choose your units" not in html


def test_an_assessor_sees_the_enrolments_they_assess_only(client, assessor, enrolment, other_enrolment,
                                                           stranger_enrolment) -> None:
    client.force_login(assessor)
    html = client.get(HOME).content.decode()
    assert "Cara Candidate" in html
    assert "Olga Other" not in html and "Stan Elsewhere" not in html


def test_a_centre_admin_sees_every_enrolment_of_their_centre_with_its_plan(
    client, centre_admin, candidate, enrolment, other_enrolment, stranger_enrolment
) -> None:
    plan_services.plan_save(enrolment=enrolment, codes=[], by=candidate)
    client.force_login(centre_admin)
    html = client.get(HOME).content.decode()
    assert "Cara Candidate" in html and "Olga Other" in html and "Stan Elsewhere" not in html
    assert "Draft — does not meet the rules yet" in html and "Units not chosen yet" in html


def _enrol_many(count: int, *, batch: str, centre, qualification, assessor, iqa) -> None:
    people = User.objects.bulk_create(
        [User(email=f"many-{batch}-{n}@example.org", first_name="Many", last_name=f"{n:03d}") for n in range(count)]
    )
    Role.objects.bulk_create([Role(user=p, centre=centre, kind=RoleKind.CANDIDATE) for p in people])
    today = datetime.date.today()
    enrolments = Enrolment.objects.bulk_create([
        Enrolment(candidate=p, centre=centre, qualification=qualification, assessor=assessor, iqa=iqa,
                  start_date=today, planned_end_date=today + datetime.timedelta(days=365))
        for p in people
    ])
    # Every row with a self-assessment and a saved plan, valid and draft alternately, so a query per
    # row for either would show in the count.
    for n, enrolment in enumerate(enrolments):
        plan_services.self_assessment_save(enrolment=enrolment, coverage={"A1": "fully"}, by=enrolment.candidate)
        plan_services.plan_save(enrolment=enrolment, codes=["B2"] if n % 2 else [], by=enrolment.candidate)


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


@pytest.mark.parametrize("viewer", ["assessor", "centre_admin"])
def test_the_home_page_costs_the_same_queries_for_5_and_50_enrolments(
    client, request, viewer, centre, qualification, assessor, iqa
) -> None:
    client.force_login(request.getfixturevalue(viewer))
    _enrol_many(5, batch="a", centre=centre, qualification=qualification, assessor=assessor, iqa=iqa)
    client.get(HOME)
    with_5 = _home_queries(client)
    Enrolment.objects.all().delete()
    _enrol_many(50, batch="b", centre=centre, qualification=qualification, assessor=assessor, iqa=iqa)
    html = client.get(HOME).content.decode()
    assert html.count("Many ") == 50
    assert html.count("Valid plan: meets every rule") == 25 and html.count("Draft — does not meet the rules") == 25
    assert _home_queries(client) == with_5


def test_a_candidates_home_costs_the_same_queries_for_1_and_3_enrolments(
    client, candidate, enrolment, make_qualification, centre, assessor, iqa
) -> None:
    client.force_login(candidate)
    client.get(HOME)
    with_1 = _home_queries(client)
    today = datetime.date.today()
    for code in ("second", "third"):
        Enrolment.objects.create(
            candidate=candidate, centre=centre, qualification=make_qualification(code=code), assessor=assessor,
            iqa=iqa, start_date=today, planned_end_date=today + datetime.timedelta(days=365),
        )
    html = client.get(HOME).content.decode()
    assert html.count('data-testid="own-enrolment"') == 3
    assert _home_queries(client) == with_1
