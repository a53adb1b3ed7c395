"""The centre-wide sampling page as the centre's admin: the plan (every assessor, 50 a page) and the signed-off
units (a bounded count), each at the same number of queries for a centre of 3 assessors or of 60."""

from __future__ import annotations

import pytest

from assessments import reads, services
from assessments.views import sampling as sampling_view
from candidates.models import Role, RoleKind, StaffMember, User
from candidates.services import staff
from tests.assessments.factories import signed_unit
from tests.assessments.test_list_search import SAMPLING_QUERIES

URL = "/quality/sampling/"


@pytest.fixture
def as_admin(client, centre_admin):
    client.force_login(centre_admin)
    return client


def _add_assessors(centre, count: int, start: int = 0) -> list[User]:
    people = User.objects.bulk_create([
        User(email=f"assessor{n:03d}@example.org", first_name="Assessor", last_name=f"Number{n:03d}")
        for n in range(start, start + count)])
    Role.objects.bulk_create([Role(user=person, centre=centre, kind=RoleKind.ASSESSOR) for person in people])
    return people


def _plan_names(response) -> list[str]:
    return [str(sample.assessor) for sample in response.context["assessors"]]


def test_the_plan_costs_the_same_queries_for_3_assessors_and_for_60(
    as_admin, centre, enrolment, assessor, django_assert_num_queries, private_storage
) -> None:
    signed_unit(enrolment, "B3", assessor=assessor)
    as_admin.get(URL)  # the session and the user, loaded once
    _add_assessors(centre, 2)  # with the fixture's: three
    with django_assert_num_queries(SAMPLING_QUERIES):
        small = as_admin.get(URL)
    assert len(small.context["assessors"]) == 3 and not small.context["plan"].page.has_other_pages()
    _add_assessors(centre, 57, start=2)  # sixty: two pages of the plan
    with django_assert_num_queries(SAMPLING_QUERIES):
        first = as_admin.get(URL)
    with django_assert_num_queries(SAMPLING_QUERIES):
        last = as_admin.get(URL, {"plan": "2"})
    assert first.context["plan"].page.paginator.num_pages == 2
    assert len(first.context["assessors"]) == 50 and len(last.context["assessors"]) == 10


def test_every_assessor_of_the_centre_is_on_one_page_of_the_plan_in_name_order(
    as_admin, centre, enrolment, assessor, other_assessor, iqa, private_storage
) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    services.countersign(unit_sign_off=sign_off, by=iqa)
    _add_assessors(centre, 58)
    names = _plan_names(as_admin.get(URL)) + _plan_names(as_admin.get(URL, {"plan": "2"}))
    expected = sorted(User.objects.filter(roles__centre=centre, roles__kind=RoleKind.ASSESSOR),
                      key=lambda p: (p.last_name, p.first_name, p.email))
    assert names == [str(person) for person in expected] and len(names) == 60
    first = as_admin.get(URL)
    assert "60 assessors, page 1 of 2." in first.text
    assert "?by=assessor&amp;plan=2" in first.text  # the plan's page links keep the grouping
    (ash,) = [sample for sample in first.context["assessors"] if sample.assessor == assessor]
    assert ash.summary == "Ash Assessor: 1 of 1 unit sampled, 25% needs 1: met"
    assert "Assessor Number000: no unit signed off yet" in first.text


def test_a_deactivated_assessor_keeps_their_line_in_the_plan(
    as_admin, centre, centre_admin, enrolment, assessor, other_assessor, private_storage
) -> None:
    signed_unit(enrolment, "B3", assessor=assessor)
    enrolment.assessor = other_assessor
    enrolment.save(update_fields=["assessor"])
    staff.deactivate_staff_member(centre=centre, person=assessor, by=centre_admin)
    assert StaffMember.objects.get(centre=centre, user=assessor).is_deactivated
    assert "Ash Assessor: 0 of 1 unit sampled" in as_admin.get(URL).text


def test_a_page_of_the_plan_past_the_end_or_not_a_number_is_answered(as_admin, centre) -> None:
    _add_assessors(centre, 60)
    past = as_admin.get(URL, {"plan": "99"})
    assert past.status_code == 200 and past.context["plan"].page.number == 2
    junk = as_admin.get(URL, {"plan": "last", "page": "-4"})
    assert junk.status_code == 200 and junk.context["plan"].page.number == 1


def test_the_iqa_follows_the_assessors_of_their_own_candidates_only(
    client, enrolment, assessor, other_assessor, iqa, centre, private_storage
) -> None:
    signed_unit(enrolment, "B3", assessor=assessor)
    _add_assessors(centre, 5)
    client.force_login(iqa)
    response = client.get(URL)
    assert _plan_names(response) == ["Ash Assessor"]
    assert [str(sample.assessor) for sample in reads.sampling_plan(iqa)] == ["Ash Assessor"]


def test_beyond_the_bound_the_units_say_there_are_more_and_how_to_narrow_them(
    as_admin, enrolment, other_enrolment, assessor, other_assessor, monkeypatch, private_storage
) -> None:
    signed_unit(enrolment, "B3", assessor=assessor)
    signed_unit(enrolment, "A1", assessor=assessor)
    signed_unit(other_enrolment, "B3", assessor=other_assessor)
    monkeypatch.setattr(sampling_view, "LISTED_AT_MOST", 2)
    response = as_admin.get(URL)
    assert response.context["paged"].more and response.context["paged"].page.paginator.count == 2
    assert "More than 2 signed-off units, page 1 of 1: the first 2 are listed." in response.text
    narrowed = as_admin.get(URL, {"q": "olga"})
    assert not narrowed.context["paged"].more
    assert "1 signed-off unit match." in narrowed.text
    monkeypatch.setattr(sampling_view, "LISTED_AT_MOST", 3)
    exact = as_admin.get(URL)
    assert not exact.context["paged"].more and "3 signed-off units." in exact.text


def test_an_assessor_who_became_the_centres_iqa_keeps_their_line_in_the_plan(
    as_admin, centre, enrolment, assessor, private_storage
) -> None:
    signed_unit(enrolment, "B3", assessor=assessor)
    Role.objects.filter(user=assessor, centre=centre, kind=RoleKind.ASSESSOR).update(kind=RoleKind.IQA)
    lines = {str(sample.assessor): sample for sample in as_admin.get(URL).context["assessors"]}
    assert str(assessor) in lines and lines[str(assessor)].signed == 1


def test_an_iqa_who_never_assessed_is_not_in_the_plan(as_admin, centre, enrolment, assessor, iqa,
                                                       private_storage) -> None:
    signed_unit(enrolment, "B3", assessor=assessor)
    names = _plan_names(as_admin.get(URL))
    assert str(assessor) in names and str(iqa) not in names
