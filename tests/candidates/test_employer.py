"""Employer contacts: named and removed by the centre, what they see through the gate, and what they never see."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from audit.models import AuditRecord
from candidates import access, services
from candidates.access import Permission, Relation
from candidates.models import Employer, EmployerContact, EmployerContactKind, EnrolmentStatus, User
from tests.conftest import PASSWORD


def name(enrolment, by, **overrides):
    fields = {"email": "lee.lines@brightside.example", "first_name": "Lee", "last_name": "Lines",
              "kind": EmployerContactKind.LINE_MANAGER, "employer_name": "Brightside Retail"}
    fields.update(overrides)
    return services.name_employer_contact(enrolment=enrolment, by=by, **fields)


def test_a_new_person_is_created_without_a_password_and_invited_to_set_one(
    enrolment, centre_admin, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        contact = name(enrolment, centre_admin)
    person = contact.user
    assert person.email == "lee.lines@brightside.example" and not person.has_usable_password()
    assert not person.roles.exists()  # an employer contact holds no role at the centre
    enrolment.refresh_from_db()
    assert enrolment.employer.name == "Brightside Retail" and enrolment.employer.centre_id == enrolment.centre_id
    (message,) = mail.outbox
    assert message.to == ["lee.lines@brightside.example"]
    assert "line manager at Brightside Retail for Cara Candidate" in message.body
    assert re.search(r"/welcome/[^/]+/[^/]+/", str(message.body)), "the set-password link"
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"employer organisation added", "employer set", "employer contact named"} <= actions


def test_an_existing_account_is_linked_and_told(
    enrolment, centre_admin, other_candidate, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        contact = name(enrolment, centre_admin, email="OLGA.other@example.org", first_name="")
    assert contact.user == other_candidate
    (message,) = mail.outbox
    assert "Sign in with your existing account" in message.body and "/welcome/" not in message.body
    assert reverse("assessments:apprentices") in message.body


def test_an_existing_organisation_is_chosen_or_found_by_its_name(enrolment, other_enrolment, centre_admin) -> None:
    first = name(enrolment, centre_admin)
    second = name(other_enrolment, centre_admin, employer_name="  brightside   retail ")
    assert first.enrolment.employer == second.enrolment.employer
    assert Employer.objects.count() == 1


def test_one_person_follows_apprentices_of_one_employer_only(enrolment, other_enrolment, centre_admin) -> None:
    name(enrolment, centre_admin)
    with pytest.raises(ValidationError) as refused:
        name(other_enrolment, centre_admin, employer_name="Greenway Grocers")
    assert refused.value.message_dict["email"] == [
        "lee.lines@brightside.example is already the contact of apprentices at Brightside Retail: a person is the "
        "contact at one employer organisation only. Choose Brightside Retail, or name another person."]
    assert not EmployerContact.objects.filter(enrolment=other_enrolment).exists()
    assert not Employer.objects.filter(name="Greenway Grocers").exists(), "nothing half-saved"
    other_enrolment.refresh_from_db()
    assert other_enrolment.employer is None


def test_another_centres_employer_is_not_named_to_the_centre(
    enrolment, stranger_enrolment, centre_admin, stranger_assessor, other_centre
) -> None:
    from candidates.models import Role, RoleKind

    admin_there = User.objects.create_user("sue.southbank@example.org", PASSWORD)
    Role.objects.create(user=admin_there, centre=other_centre, kind=RoleKind.CENTRE_ADMIN)
    name(stranger_enrolment, admin_there, employer_name="Secret Ltd")
    with pytest.raises(ValidationError) as refused:
        name(enrolment, centre_admin)
    assert "Secret Ltd" not in str(refused.value)
    assert "already an employer contact at another organisation" in str(refused.value)


def test_the_apprentice_and_their_judges_are_never_their_employer_contact(enrolment, centre_admin, assessor) -> None:
    with pytest.raises(ValidationError, match="is the apprentice"):
        name(enrolment, centre_admin, email=enrolment.candidate.email)
    with pytest.raises(ValidationError, match="assesses or quality-assures this apprentice"):
        name(enrolment, centre_admin, email=assessor.email)


def test_bad_input_is_refused_with_what_to_do(enrolment, centre_admin) -> None:
    with pytest.raises(ValidationError) as refused:
        name(enrolment, centre_admin, email="not-an-address", first_name="", employer_name="", kind="boss")
    problems = refused.value.message_dict
    assert problems["email"] == ["Enter the contact's email address, e.g. name@employer.example."]
    assert problems["employer"] == ["Choose the employer organisation, or type the name of a new one."]
    assert problems["kind"] == ["Choose whether the contact is the line manager or the workplace mentor."]
    assert problems["first_name"] == ["Give the contact's first name."]
    assert not User.objects.filter(email="not-an-address").exists()


def test_the_employer_changes_only_once_its_contacts_are_removed(enrolment, centre_admin) -> None:
    first = name(enrolment, centre_admin)
    with pytest.raises(ValidationError, match="remove them first"):
        name(enrolment, centre_admin, email="mo.mentor@greenway.example", employer_name="Greenway Grocers",
             kind=EmployerContactKind.MENTOR)
    services.remove_employer_contact(contact=first, by=centre_admin)
    name(enrolment, centre_admin, email="mo.mentor@greenway.example", employer_name="Greenway Grocers",
         kind=EmployerContactKind.MENTOR)
    enrolment.refresh_from_db()
    assert enrolment.employer.name == "Greenway Grocers"


def test_a_withdrawn_enrolment_gets_no_new_contact(enrolment, centre_admin) -> None:
    services.withdraw(enrolment=enrolment, by=centre_admin, reason="Left")
    with pytest.raises(ValidationError, match="withdrawn"):
        name(enrolment, centre_admin)


# --------------------------------------------------------------------------- the gate


def test_the_contact_follows_and_signs_for_their_apprentice_and_reads_nothing_else(employer_contact, enrolment) -> None:
    assert access.relations_to(employer_contact, enrolment) == {Relation.EMPLOYER}
    found = access.enrolment_for(employer_contact, enrolment.pk, need=Permission.FOLLOW)
    # They follow, and sign their apprentice's reviews and gateway as the employer (nothing else).
    assert {name for name, allowed in found.viewer_may.items() if allowed} == {"follow", "sign"}
    with pytest.raises(PermissionDenied):
        access.enrolment_for(employer_contact, enrolment.pk, need=Permission.READ)


def test_the_contact_never_sees_other_apprentices_or_centres(
    employer_contact, other_employer_contact, enrolment, other_enrolment, stranger_enrolment
) -> None:
    assert set(access.enrolments_followed_by(employer_contact).values_list("pk", flat=True)) == {enrolment.pk}
    # Nothing read through the list of visible enrolments (evidence, files, exports) reaches them.
    assert not access.enrolments_visible_to(employer_contact).exists()
    for elsewhere in (other_enrolment, stranger_enrolment):
        with pytest.raises(Http404):
            access.enrolment_for(employer_contact, elsewhere.pk, need=Permission.FOLLOW)


def test_a_removed_contact_sees_nothing_more_and_the_record_stays(employer_contact, enrolment, centre_admin) -> None:
    contact = EmployerContact.objects.get(user=employer_contact)
    services.remove_employer_contact(contact=contact, by=centre_admin)
    with pytest.raises(Http404):
        access.enrolment_for(User.objects.get(pk=employer_contact.pk), enrolment.pk, need=Permission.FOLLOW)
    contact.refresh_from_db()
    assert contact.removed_by == centre_admin and contact.removed_at is not None
    assert AuditRecord.objects.filter(action="employer contact removed").exists()
    with pytest.raises(ValidationError, match="already removed"):
        services.remove_employer_contact(contact=contact, by=centre_admin)


def test_the_contact_is_a_judge_of_nothing(employer_contact, enrolment) -> None:
    assert employer_contact not in access.judges_of(enrolment)


def test_signing_in_marks_the_contact_accepted(client, employer_contact) -> None:
    assert EmployerContact.objects.get(user=employer_contact).accepted_at is None
    assert client.login(email=employer_contact.email, password=PASSWORD)
    assert EmployerContact.objects.get(user=employer_contact).accepted_at is not None


# --------------------------------------------------------------------------- the enrolment page


@pytest.fixture
def as_admin(client, centre_admin):
    client.force_login(centre_admin)
    return client


def test_the_centre_admin_names_a_contact_from_the_enrolment_page(as_admin, enrolment) -> None:
    page = as_admin.get(reverse("candidates:enrolment_detail", kwargs={"pk": enrolment.pk})).text
    assert "Name an employer contact" in page
    response = as_admin.post(reverse("candidates:employer_contact_name", kwargs={"pk": enrolment.pk}), {
        "first_name": "Lee", "last_name": "Lines", "email": "lee.lines@brightside.example",
        "employer_name": "Brightside Retail", "kind": "mentor",
    }, follow=True)
    assert "Lee Lines is now an employer contact of Cara Candidate" in response.text
    assert "Workplace mentor" in response.text and "Not signed in yet" in response.text


def test_a_refused_contact_comes_back_with_what_was_typed_and_why(as_admin, enrolment) -> None:
    response = as_admin.post(reverse("candidates:employer_contact_name", kwargs={"pk": enrolment.pk}), {
        "first_name": "", "email": "new.person@brightside.example", "employer_name": "", "kind": "mentor",
    })
    assert response.status_code == 200
    assert "Give the contact&#x27;s first name." in response.text
    assert "Choose the employer organisation, or type the name of a new one." in response.text
    assert 'value="new.person@brightside.example"' in response.text
    assert not EmployerContact.objects.exists()


def test_the_centre_admin_removes_a_contact(as_admin, employer_contact, enrolment) -> None:
    contact = EmployerContact.objects.get(user=employer_contact)
    response = as_admin.post(reverse("candidates:employer_contact_remove",
                                     kwargs={"pk": enrolment.pk, "contact_pk": contact.pk}), follow=True)
    assert "Erin Employer no longer follows Cara Candidate." in response.text
    assert "Removed on" in response.text


def test_a_contact_of_another_enrolment_is_not_removed_from_this_one(
    as_admin, other_employer_contact, enrolment
) -> None:
    contact = EmployerContact.objects.get(user=other_employer_contact)
    response = as_admin.post(reverse("candidates:employer_contact_remove",
                                     kwargs={"pk": enrolment.pk, "contact_pk": contact.pk}))
    assert response.status_code == 404


def test_a_paused_enrolment_still_gets_a_contact(as_admin, enrolment, centre_admin) -> None:
    paused = services.pause(enrolment=enrolment, by=centre_admin, reason="Leave")
    assert paused.status == EnrolmentStatus.PAUSED
    assert name(paused, centre_admin).enrolment.employer.name == "Brightside Retail"
