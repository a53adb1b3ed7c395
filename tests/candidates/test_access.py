"""The one gate: who sees which enrolment, and the 404/403 discipline."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from candidates import access
from candidates.access import Permission, Relation
from candidates.models import Role, RoleKind
from tests.candidates.factories import enrol_staff_member


@pytest.fixture
def everyone(enrolment, other_enrolment, stranger_enrolment) -> None:
    """Make the three enrolments exist for a visibility test."""


def visible_pks(user) -> set[int]:
    return set(access.enrolments_visible_to(user).values_list("pk", flat=True))


def test_candidate_sees_only_their_own_enrolment(everyone, candidate, enrolment) -> None:
    assert visible_pks(candidate) == {enrolment.pk}


def test_assessor_sees_only_the_enrolments_they_assess(everyone, assessor, enrolment) -> None:
    assert visible_pks(assessor) == {enrolment.pk}


def test_iqa_sees_only_the_enrolments_they_quality_assure(everyone, iqa, enrolment) -> None:
    assert visible_pks(iqa) == {enrolment.pk}


def test_centre_admin_sees_every_enrolment_of_their_centre(everyone, centre_admin, enrolment, other_enrolment) -> None:
    assert visible_pks(centre_admin) == {enrolment.pk, other_enrolment.pk}


def test_eqa_sees_every_enrolment_of_their_centre(everyone, eqa, enrolment, other_enrolment) -> None:
    assert visible_pks(eqa) == {enrolment.pk, other_enrolment.pk}


def test_stranger_assessor_sees_only_their_own_centres_enrolment(
    everyone, stranger_assessor, stranger_enrolment
) -> None:
    assert visible_pks(stranger_assessor) == {stranger_enrolment.pk}


def test_superuser_sees_everything(everyone, platform_admin, enrolment, other_enrolment, stranger_enrolment) -> None:
    assert visible_pks(platform_admin) == {enrolment.pk, other_enrolment.pk, stranger_enrolment.pk}


def test_anonymous_sees_nothing(everyone) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert visible_pks(AnonymousUser()) == set()


def test_roles_in_several_centres_are_a_union(everyone, assessor, other_centre, stranger_enrolment, enrolment) -> None:
    Role.objects.create(user=assessor, centre=other_centre, kind=RoleKind.EQA)
    assert visible_pks(assessor) == {enrolment.pk, stranger_enrolment.pk}


def test_assessor_named_on_an_enrolment_without_the_role_there_does_not_see_it(everyone, assessor, enrolment) -> None:
    Role.objects.filter(user=assessor).delete()
    assert visible_pks(assessor) == set()


def test_inactive_user_sees_nothing(everyone, centre_admin) -> None:
    centre_admin.is_active = False
    assert visible_pks(centre_admin) == set()


def test_visible_to_yields_no_duplicates_for_a_person_with_several_relations(
    everyone, assessor, centre, enrolment
) -> None:
    Role.objects.create(user=assessor, centre=centre, kind=RoleKind.EQA)
    pks = list(access.enrolments_visible_to(assessor).values_list("pk", flat=True))
    assert len(pks) == len(set(pks)) == 2


def test_enrolment_for_an_invisible_enrolment_is_404(everyone, candidate, other_enrolment) -> None:
    with pytest.raises(Http404):
        access.enrolment_for(candidate, other_enrolment.pk)


def test_enrolment_for_another_centre_is_404_even_for_writes(everyone, centre_admin, stranger_enrolment) -> None:
    with pytest.raises(Http404):
        access.enrolment_for(centre_admin, stranger_enrolment.pk, need=Permission.WRITE)


def test_eqa_reads_but_gets_403_on_write(everyone, eqa, enrolment) -> None:
    assert access.enrolment_for(eqa, enrolment.pk) == enrolment
    with pytest.raises(PermissionDenied):
        access.enrolment_for(eqa, enrolment.pk, need=Permission.WRITE)


def test_candidate_may_write_their_own_enrolment(everyone, candidate, enrolment) -> None:
    found = access.enrolment_for(candidate, enrolment.pk, need=Permission.WRITE)
    assert found.viewer_relations == {Relation.CANDIDATE}


def test_a_named_permission_restricts_who_may_act(everyone, candidate, assessor, enrolment) -> None:
    assert access.enrolment_for(assessor, enrolment.pk, need=Permission.JUDGE) == enrolment
    with pytest.raises(PermissionDenied):
        access.enrolment_for(candidate, enrolment.pk, need=Permission.JUDGE)


def test_the_enrolment_carries_what_its_viewer_may_do(everyone, assessor, enrolment) -> None:
    found = access.enrolment_for(assessor, enrolment.pk)
    assert access.viewer_may(found, Permission.JUDGE)
    assert not access.viewer_may(found, Permission.QUALITY_ASSURE)
    assert found.viewer_may == {
        permission.value: Relation.ASSESSOR in relations for permission, relations in access.GRANTS.items()
    }


def test_permissions_across_enrolments_follow_roles_held_anywhere(
    everyone, assessor, iqa, eqa, centre_admin, candidate, platform_admin
) -> None:
    assert access.holds_anywhere(assessor, Permission.KEEP_CASELOAD)
    assert not access.holds_anywhere(iqa, Permission.KEEP_CASELOAD)
    assert not access.holds_anywhere(platform_admin, Permission.KEEP_CASELOAD)
    assert {person.email for person in (assessor, iqa, eqa, centre_admin, candidate, platform_admin)
            if access.holds_anywhere(person, Permission.READ_SAMPLING)} == {
        iqa.email, eqa.email, centre_admin.email, platform_admin.email}


def test_centre_for_admin_discipline(centre, other_centre, centre_admin, assessor, stranger_assessor) -> None:
    assert access.centre_for_admin(centre_admin, centre.pk) == centre
    with pytest.raises(PermissionDenied):
        access.centre_for_admin(assessor, centre.pk)
    with pytest.raises(Http404):
        access.centre_for_admin(stranger_assessor, centre.pk)
    with pytest.raises(Http404):
        access.centre_for_admin(centre_admin, other_centre.pk)


def test_overdue_is_active_and_past_planned_end(everyone, enrolment) -> None:
    import datetime

    from candidates.models import Enrolment, EnrolmentStatus

    enrolment.start_date = datetime.date(2020, 1, 1)
    enrolment.planned_end_date = datetime.date(2021, 1, 1)
    enrolment.save()
    assert enrolment.is_overdue
    assert list(Enrolment.objects.overdue()) == [enrolment]
    enrolment.status = EnrolmentStatus.PAUSED
    assert not enrolment.is_overdue


# --- Independence: on their own enrolment, staff are the candidate and nothing more ---------------------------

STAFF = ("assessor", "iqa", "centre_admin", "eqa", "platform_admin")
#: What the candidate may not do; everything else (read, write, plan, evidence, talk) they may.
NOT_THE_CANDIDATES = (Permission.OBSERVE, Permission.JUDGE, Permission.QUALITY_ASSURE, Permission.MANAGE,
                      Permission.READ_SAMPLING, Permission.KEEP_CASELOAD)


@pytest.fixture
def own_enrolment(request, centre, qualification, other_assessor, iqa, centre_admin):
    """The staff member the test names, enrolled at Northgate: assessed by Otto, IQA Ivy (unless it is her)."""
    person = request.getfixturevalue(request.param)
    return person, enrol_staff_member(person, centre=centre, qualification=qualification, assessor=other_assessor,
                                      iqa=None if person == iqa else iqa, by=centre_admin)


@pytest.mark.parametrize("own_enrolment", STAFF, indirect=True)
def test_staff_hold_only_the_candidate_relation_on_their_own_enrolment(own_enrolment) -> None:
    person, enrolment = own_enrolment
    assert access.relations_to(person, enrolment) == {Relation.CANDIDATE}
    found = access.enrolment_for(person, enrolment.pk, need=Permission.WRITE)
    assert found.viewer_relations == {Relation.CANDIDATE}
    assert not any(found.viewer_may[permission] for permission in NOT_THE_CANDIDATES)
    assert not access.may_manage(person, enrolment)


@pytest.mark.parametrize("own_enrolment", STAFF, indirect=True)
@pytest.mark.parametrize("need", [Permission.JUDGE, Permission.QUALITY_ASSURE, Permission.MANAGE,
                                  Permission.OBSERVE])
def test_staff_may_not_judge_or_manage_their_own_enrolment(own_enrolment, need) -> None:
    person, enrolment = own_enrolment
    with pytest.raises(PermissionDenied):
        access.enrolment_for(person, enrolment.pk, need=need)


@pytest.mark.parametrize("own_enrolment", ["centre_admin"], indirect=True)
def test_a_centre_admin_still_manages_the_other_enrolments_of_their_centre(own_enrolment, enrolment) -> None:
    person, _ = own_enrolment
    assert access.enrolment_for(person, enrolment.pk, need=Permission.JUDGE) == enrolment
    assert access.may_manage(person, enrolment)


def test_the_judges_of_an_enrolment_are_its_assessor_iqa_centre_admins_and_superusers(
    everyone, enrolment, candidate, assessor, other_assessor, iqa, centre_admin, eqa, stranger_assessor,
    platform_admin,
) -> None:
    assert set(access.judges_of(enrolment)) == {assessor, iqa, centre_admin, platform_admin}


def test_the_candidate_is_never_among_the_judges_of_their_enrolment(centre, qualification, assessor, centre_admin):
    enrolment = enrol_staff_member(centre_admin, centre=centre, qualification=qualification, assessor=assessor,
                                   by=centre_admin)
    assert set(access.judges_of(enrolment)) == {assessor}
