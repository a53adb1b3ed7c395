"""The centre's staff: inviting, changing roles, deactivating and reactivating, handing over a caseload."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from audit import trail
from audit.models import AuditRecord
from audit.sentences import sentence
from candidates import access
from candidates.models import EnrolmentStatus, Reassignment, Role, RoleKind, StaffMember, User
from candidates.services import staff
from tests.assessments.factories import signed_unit
from tests.candidates.factories import enrol_staff_member
from tests.conftest import PASSWORD


def invite(centre, by, **overrides):
    fields = {"email": "nia.new@example.org", "first_name": "Nia", "last_name": "New", "roles": ["assessor"]}
    fields.update(overrides)
    return staff.invite_staff_member(centre=centre, by=by, **fields)


def kinds(person, centre) -> set[str]:
    return set(Role.objects.filter(user=person, centre=centre).values_list("kind", flat=True))


def last_sentence() -> str:
    return sentence(AuditRecord.objects.order_by("-id")[0])  # sequences count within each chain


# --------------------------------------------------------------------------- invitation


def test_a_new_person_is_created_without_a_password_with_the_roles_and_invited(
    centre, centre_admin, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        member = invite(centre, centre_admin, email=" Nia.NEW@example.org ", roles=["iqa", "assessor"])
    person = member.user
    assert person.email == "nia.new@example.org" and not person.has_usable_password() and person.is_active
    assert kinds(person, centre) == {"assessor", "iqa"}
    assert member.invited_by == centre_admin and member.invited_at is not None
    (message,) = mail.outbox
    assert message.to == ["nia.new@example.org"]
    assert "Assessor, Internal quality assurer (IQA)" in message.body
    assert re.search(r"/welcome/[^/]+/[^/]+/", str(message.body)), "the set-password link"
    assert last_sentence() == ("Ada Admin invited Nia New to the centre's staff as assessor, IQA.")


def test_an_existing_account_gets_the_roles_and_is_told(
    centre, centre_admin, stranger_assessor, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(centre, centre_admin, email=stranger_assessor.email, first_name="", roles=["iqa"])
    assert kinds(stranger_assessor, centre) == {"iqa"}
    (message,) = mail.outbox
    assert "Sign in with your existing account" in message.body and "/welcome/" not in message.body


def test_bad_input_is_refused_on_its_field(centre, centre_admin) -> None:
    with pytest.raises(ValidationError) as refused:
        invite(centre, centre_admin, email="not-an-address", first_name="", roles=["candidate"])
    errors = refused.value.message_dict
    assert "not a valid email address" in errors["email"][0]
    assert errors["roles"] == ["Choose among the staff roles listed."]
    with pytest.raises(ValidationError) as refused:
        invite(centre, centre_admin, first_name=" ", roles=[])
    assert refused.value.message_dict == {"roles": ["Choose at least one role."],
                                          "first_name": ["Give the person's first name."]}
    assert not User.objects.filter(email="nia.new@example.org").exists()


def test_someone_already_on_the_staff_is_refused_as_a_duplicate(centre, centre_admin, assessor) -> None:
    with pytest.raises(ValidationError) as refused:
        invite(centre, centre_admin, email="ASH.assessor@example.org", roles=["iqa"])
    assert refused.value.message_dict["email"] == [
        "ash.assessor@example.org is already on the staff of Northgate Training: change their roles on their page "
        "instead."]
    assert kinds(assessor, centre) == {"assessor"}


def test_someone_deactivated_here_is_to_be_reactivated_not_invited(centre, centre_admin) -> None:
    person = invite(centre, centre_admin).user
    staff.deactivate_staff_member(centre=centre, person=person, by=centre_admin)
    with pytest.raises(ValidationError) as refused:
        invite(centre, centre_admin, email=person.email)
    assert "reactivate them" in refused.value.message_dict["email"][0]


# --------------------------------------------------------------------------- roles


def test_roles_are_added_and_removed(centre, centre_admin, other_assessor, other_enrolment) -> None:
    other_enrolment.status = EnrolmentStatus.WITHDRAWN  # no caseload left: a withdrawn enrolment keeps its people
    other_enrolment.save()
    staff.change_staff_roles(centre=centre, person=other_assessor, roles=["iqa", "eqa"], by=centre_admin)
    assert kinds(other_assessor, centre) == {"iqa", "eqa"}
    assert last_sentence() == ("Ada Admin changed the roles of Otto Assessor from assessor to IQA, EQA.")


def test_the_last_centre_admin_keeps_the_role(centre, centre_admin) -> None:
    with pytest.raises(ValidationError) as refused:
        staff.change_staff_roles(centre=centre, person=centre_admin, roles=["assessor"], by=centre_admin)
    assert refused.value.message_dict["roles"] == [
        "Ada Admin is the only centre admin of Northgate Training: make someone else centre admin first."]
    assert kinds(centre_admin, centre) == {"centre_admin"}


def test_a_centre_admin_may_step_down_once_another_admins(centre, centre_admin, iqa) -> None:
    staff.change_staff_roles(centre=centre, person=iqa, roles=["iqa", "centre_admin"], by=centre_admin)
    staff.change_staff_roles(centre=centre, person=centre_admin, roles=["assessor"], by=iqa)
    assert kinds(centre_admin, centre) == {"assessor"}


def test_the_assessor_role_stays_while_they_hold_a_caseload(centre, centre_admin, assessor, enrolment,
                                                            iqa) -> None:
    with pytest.raises(ValidationError) as refused:
        staff.change_staff_roles(centre=centre, person=assessor, roles=["iqa"], by=centre_admin)
    assert refused.value.message_dict["roles"] == [
        "Ash Assessor still assesses 1 active or paused enrolment: hand it over to another assessor first "
        "(Hand over the caseload, on their page)."]
    with pytest.raises(ValidationError) as refused:
        staff.change_staff_roles(centre=centre, person=iqa, roles=["eqa"], by=centre_admin)
    assert "still the IQA of 1 active or paused enrolment" in refused.value.message_dict["roles"][0]
    assert kinds(assessor, centre) == {"assessor"}


# --------------------------------------------------------------------------- deactivation


def test_a_deactivated_person_keeps_their_past_and_can_no_longer_sign_in(
    client, centre, centre_admin, assessor, enrolment, iqa, other_assessor
) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    staff.hand_over_caseload(centre=centre, person=assessor, by=centre_admin, to_assessor=other_assessor,
                             reason="Ash leaves")
    member = staff.deactivate_staff_member(centre=centre, person=assessor, by=centre_admin)
    assessor.refresh_from_db()
    assert member.former_roles == ["assessor"] and kinds(assessor, centre) == set()
    assert not assessor.is_active
    assert not client.login(email=assessor.email, password=PASSWORD)
    sign_off.refresh_from_db()
    assert sign_off.by == assessor and str(sign_off.by) == "Ash Assessor"
    assert AuditRecord.objects.filter(action="unit signed off", actor_id=assessor.pk,
                                      actor_label="Ash Assessor").exists()
    assert last_sentence() == ("Ada Admin deactivated Ash Assessor at the centre, ending their roles "
                               "there: assessor.")
    assert trail.verify().intact


def test_someone_with_a_role_elsewhere_still_signs_in(centre, other_centre, centre_admin, platform_admin) -> None:
    person = invite(centre, centre_admin).user
    invite(other_centre, platform_admin, email=person.email, roles=["iqa"])
    staff.deactivate_staff_member(centre=centre, person=person, by=centre_admin)
    person.refresh_from_db()
    assert person.is_active and kinds(person, other_centre) == {"iqa"}


def test_deactivation_is_refused_while_they_hold_a_caseload(centre, centre_admin, assessor, enrolment) -> None:
    with pytest.raises(ValidationError) as refused:
        staff.deactivate_staff_member(centre=centre, person=assessor, by=centre_admin)
    assert "still assesses 1 active or paused enrolment" in refused.value.messages[0]
    assert kinds(assessor, centre) == {"assessor"}


def test_nobody_deactivates_themselves(centre, centre_admin, iqa) -> None:
    staff.change_staff_roles(centre=centre, person=iqa, roles=["iqa", "centre_admin"], by=centre_admin)
    with pytest.raises(ValidationError, match="cannot deactivate yourself"):
        staff.deactivate_staff_member(centre=centre, person=centre_admin, by=centre_admin)


def test_reactivation_gives_the_roles_back(centre, centre_admin) -> None:
    person = invite(centre, centre_admin, roles=["assessor", "eqa"]).user
    staff.deactivate_staff_member(centre=centre, person=person, by=centre_admin)
    member = staff.reactivate_staff_member(centre=centre, person=person, by=centre_admin)
    person.refresh_from_db()
    assert person.is_active and not member.is_deactivated and kinds(person, centre) == {"assessor", "eqa"}
    assert last_sentence() == "Ada Admin reactivated Nia New at the centre as assessor, EQA."
    with pytest.raises(ValidationError, match="is not deactivated"):
        staff.reactivate_staff_member(centre=centre, person=person, by=centre_admin)


# --------------------------------------------------------------------------- caseload hand-over


@pytest.fixture
def second_enrolment(centre, qualification, assessor, centre_admin):
    other = User.objects.create_user("bo.second@example.org", PASSWORD, first_name="Bo", last_name="Second")
    Role.objects.create(user=other, centre=centre, kind=RoleKind.CANDIDATE)
    return enrol_staff_member(other, centre=centre, qualification=qualification, assessor=assessor, by=centre_admin)


def test_the_whole_caseload_moves_at_once_audited_and_the_new_assessor_told(
    centre, centre_admin, assessor, other_assessor, enrolment, second_enrolment, iqa,
    django_capture_on_commit_callbacks,
) -> None:
    second_enrolment.status = EnrolmentStatus.PAUSED
    second_enrolment.save()
    with django_capture_on_commit_callbacks(execute=True):
        moved = staff.hand_over_caseload(centre=centre, person=assessor, by=centre_admin,
                                         to_assessor=other_assessor, reason="Ash leaves")
    assert len(moved) == 2
    enrolment.refresh_from_db()
    second_enrolment.refresh_from_db()
    assert enrolment.assessor == other_assessor and second_enrolment.assessor == other_assessor
    assert staff.caseload(centre=centre, person=assessor) == {"assessor": 0, "iqa": 0}
    assert set(Reassignment.objects.filter(from_user=assessor).values_list("enrolment_id", flat=True)) == {
        enrolment.pk, second_enrolment.pk}
    records = AuditRecord.objects.filter(action="assessor reassigned", enrolment_id=enrolment.pk)
    assert [sentence(record) for record in records] == [
        "Ada Admin made Otto Assessor the assessor instead of Ash Assessor: Ash leaves"]
    assert "handed over the caseload of Ash Assessor (2 enrolments" in last_sentence()
    (message,) = mail.outbox
    assert message.to == [other_assessor.email]
    assert "Cara Candidate" in message.body and "Bo Second" in message.body
    assert trail.verify().intact


def test_the_iqa_caseload_moves_to_another_iqa(centre, centre_admin, iqa, enrolment, platform_admin) -> None:
    new_iqa = invite(centre, centre_admin, email="quinn@example.org", first_name="Quinn", roles=["iqa"]).user
    staff.hand_over_caseload(centre=centre, person=iqa, by=centre_admin, to_iqa=new_iqa, reason="Ivy leaves")
    enrolment.refresh_from_db()
    assert enrolment.iqa == new_iqa


def test_nobody_takes_over_their_own_enrolment(centre, centre_admin, assessor, enrolment, other_assessor,
                                               second_enrolment) -> None:
    # Bo's enrolment becomes Otto's own: he is a candidate at his own centre, assessed by Ash.
    second_enrolment.candidate = other_assessor
    second_enrolment.save()
    with pytest.raises(ValidationError) as refused:
        staff.hand_over_caseload(centre=centre, person=assessor, by=centre_admin, to_assessor=other_assessor,
                                 reason="Ash leaves")
    assert refused.value.message_dict["to_assessor"] == [
        "Otto Assessor is the candidate of 1 of these enrolments: nobody judges their own. Reassign it from the "
        "enrolment's page to someone else, then hand over the rest."]
    enrolment.refresh_from_db()
    assert enrolment.assessor == assessor  # all or nothing


def test_the_successor_must_be_an_assessor_here(centre, centre_admin, assessor, enrolment, iqa,
                                                stranger_assessor) -> None:
    for successor in (iqa, stranger_assessor):
        with pytest.raises(ValidationError) as refused:
            staff.hand_over_caseload(centre=centre, person=assessor, by=centre_admin, to_assessor=successor,
                                     reason="Ash leaves")
        assert "is not an assessor at Northgate Training" in refused.value.message_dict["to_assessor"][0]


def test_the_successor_may_not_be_the_enrolments_iqa(centre, centre_admin, assessor, enrolment, iqa) -> None:
    Role.objects.create(user=iqa, centre=centre, kind=RoleKind.ASSESSOR)
    with pytest.raises(ValidationError) as refused:
        staff.hand_over_caseload(centre=centre, person=assessor, by=centre_admin, to_assessor=iqa, reason="Leaves")
    assert "must be different people" in refused.value.message_dict["to_assessor"][0]


def test_a_hand_over_needs_someone_and_a_reason(centre, centre_admin, assessor, enrolment) -> None:
    with pytest.raises(ValidationError) as refused:
        staff.hand_over_caseload(centre=centre, person=assessor, by=centre_admin, reason=" ")
    assert set(refused.value.message_dict) == {"reason", "to_assessor"}


# --------------------------------------------------------------------------- the list


def test_the_staff_list_holds_staff_deactivated_people_and_employer_contacts_of_this_centre(
    centre, centre_admin, assessor, iqa, eqa, other_assessor, enrolment, other_enrolment, candidate,
    employer_contact, stranger_assessor,
) -> None:
    gone = invite(centre, centre_admin).user
    staff.deactivate_staff_member(centre=centre, person=gone, by=centre_admin)
    # The annotations of `staff_of`, which the type checker does not see on a User.
    people = {person.email: (vars(person)["assessing"], vars(person)["assuring"]) for person in access.staff_of(centre)}
    assert set(people) == {centre_admin.email, assessor.email, iqa.email, eqa.email, other_assessor.email,
                           gone.email, employer_contact.email}
    assert (people[assessor.email], people[iqa.email], people[gone.email]) == ((1, 0), (0, 1), (0, 0))
    assert StaffMember.objects.get(user=gone).is_deactivated


def test_someone_with_no_staff_role_here_is_not_deactivated(centre, centre_admin, employer_contact) -> None:
    with pytest.raises(ValidationError, match="holds no staff role here"):
        staff.deactivate_staff_member(centre=centre, person=employer_contact, by=centre_admin)
    assert not StaffMember.objects.filter(user=employer_contact, deactivated_at__isnull=False).exists()


def test_a_person_deactivated_everywhere_signs_in_again_when_another_centre_invites_them(
    centre, other_centre, centre_admin, platform_admin
) -> None:
    person = invite(centre, centre_admin).user
    staff.deactivate_staff_member(centre=centre, person=person, by=centre_admin)
    invite(other_centre, platform_admin, email=person.email, roles=["assessor"])
    person.refresh_from_db()
    assert person.is_active and kinds(person, other_centre) == {"assessor"}


def test_an_account_deactivated_by_the_platform_is_not_given_a_role(centre, centre_admin, stranger_assessor) -> None:
    User.objects.filter(pk=stranger_assessor.pk).update(is_active=False)
    with pytest.raises(ValidationError) as refused:
        invite(centre, centre_admin, email=stranger_assessor.email)
    assert "ask the platform administrator" in refused.value.message_dict["email"][0]
    assert kinds(stranger_assessor, centre) == set()
