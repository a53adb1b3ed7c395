"""Enrolling a person another centre knows: their consent first, and nothing of the other centre told.

Stan Elsewhere (``stranger_candidate``) is a candidate at Southbank on ``qualification``
(``stranger_enrolment``); Northgate's admin (``centre_admin``) types his address.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditRecord
from candidates import access, services
from candidates.models import (
    Enrolment,
    EnrolmentInvitation,
    EnrolmentStatus,
    InvitationStatus,
    Role,
    RoleKind,
    User,
)
from tests.candidates.test_services import queued_invitations, run_invitations  # noqa: F401 - a fixture
from units.models import Qualification

START = datetime.date(2026, 9, 1)
END = datetime.date(2027, 8, 31)
HEADER = ("email,first_name,last_name,qualification_code,qualification_version,assessor_email,iqa_email,"
          "start_date,planned_end_date,uln,registration_number")
#: What Northgate must never see of Stan before he accepts: his stored name and where he is.
STANS_SECRETS = ("Stan", "Elsewhere", "Southbank", "already enrolled", "deactivated")


@pytest.fixture
def second(make_qualification) -> Qualification:
    """A qualification Stan is not on anywhere."""
    return make_qualification(code="second", title="Second Certificate in Teamwork")


@pytest.fixture
def as_admin(client, centre_admin):
    client.force_login(centre_admin)
    return client


def form_data(email: str, qualification: Qualification, assessor: User, iqa: User) -> dict:
    return {
        "email": email, "first_name": "Typed", "last_name": "Name", "qualification": qualification.pk,
        "assessor": assessor.pk, "iqa": iqa.pk, "start_date": "2026-09-01", "planned_end_date": "2027-08-31",
    }


def enrol_args(centre, centre_admin, qualification, assessor, iqa, email: str) -> dict:
    return {
        "centre": centre, "by": centre_admin, "email": email, "first_name": "Typed", "last_name": "Name",
        "qualification": qualification, "assessor": assessor, "iqa": iqa, "start_date": START,
        "planned_end_date": END,
    }


def invitation_link(message: mail.EmailMessage) -> str:
    found = re.search(r"http://testserver(/invitations/[^/\s]+/)", str(message.body))
    assert found, message.body
    return found.group(1)


@pytest.fixture
def invited(centre, centre_admin, second, assessor, iqa, stranger_enrolment,
            django_capture_on_commit_callbacks) -> EnrolmentInvitation:
    """Northgate proposes `second` to Stan (who is on `qualification` at Southbank); the email is sent."""
    with django_capture_on_commit_callbacks(execute=True):
        made = services.enrol_candidate(**enrol_args(centre, centre_admin, second, assessor, iqa,
                                                     "Stan.Elsewhere@example.org"))
    assert isinstance(made, EnrolmentInvitation)
    return made


# --- The centre's side: what enrolling tells it ----------------------------------------------------


def test_enrolling_another_centres_candidate_tells_neither_their_name_nor_their_qualification(
    as_admin, centre, qualification, assessor, iqa, stranger_candidate, stranger_enrolment,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(reverse("candidates:enrolment_create", kwargs={"centre_pk": centre.pk}),
                                 form_data("stan.elsewhere@example.org", qualification, assessor, iqa), follow=True)
    assert response.status_code == 200
    for secret in STANS_SECRETS:
        assert secret not in response.text, secret
    assert "stan.elsewhere@example.org" in response.text
    assert "Awaiting the person's acceptance" in response.text
    assert not Enrolment.objects.filter(candidate=stranger_candidate, centre=centre).exists()
    assert not Role.objects.filter(user=stranger_candidate, centre=centre).exists()
    assert [message.to for message in mail.outbox] == [["stan.elsewhere@example.org"]]


def test_the_acceptance_email_links_to_the_invitation_and_leaves_after_commit(
    centre, centre_admin, second, assessor, iqa, stranger_candidate, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = services.enrol_candidate(**enrol_args(centre, centre_admin, second, assessor, iqa,
                                                           stranger_candidate.email))
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert isinstance(invitation, EnrolmentInvitation)
    assert invitation_link(mail.outbox[0]) == reverse("candidates:invitation_detail",
                                                      kwargs={"token": invitation.token})
    assert "Northgate Training" in mail.outbox[0].subject


def test_a_deactivated_account_elsewhere_is_not_told_apart(
    as_admin, centre, qualification, assessor, iqa, stranger_candidate, django_capture_on_commit_callbacks
) -> None:
    User.objects.filter(pk=stranger_candidate.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(reverse("candidates:enrolment_create", kwargs={"centre_pk": centre.pk}),
                                 form_data("stan.elsewhere@example.org", qualification, assessor, iqa), follow=True)
    for secret in STANS_SECRETS:
        assert secret not in response.text, secret
    # The same answer as for an active account (the page and the list), and no email to a closed account.
    assert response.redirect_chain[-1][0] == reverse("candidates:enrolment_list", kwargs={"centre_pk": centre.pk})
    assert "Awaiting the person's acceptance" in response.text
    assert mail.outbox == []


def test_a_deactivated_account_of_this_centre_gets_the_precise_message(
    centre, centre_admin, second, assessor, iqa, other_candidate
) -> None:
    User.objects.filter(pk=other_candidate.pk).update(is_active=False)
    with pytest.raises(ValidationError, match="is deactivated"):
        services.enrol_candidate(**enrol_args(centre, centre_admin, second, assessor, iqa, other_candidate.email))


def test_someone_of_this_centre_on_the_qualification_elsewhere_is_invited_not_named(
    centre, centre_admin, qualification, assessor, iqa, stranger_candidate, stranger_enrolment
) -> None:
    Role.objects.create(user=stranger_candidate, centre=centre, kind=RoleKind.CANDIDATE)
    made = services.enrol_candidate(**enrol_args(centre, centre_admin, qualification, assessor, iqa,
                                                 stranger_candidate.email))
    assert isinstance(made, EnrolmentInvitation)
    assert not Enrolment.objects.filter(candidate=stranger_candidate, centre=centre).exists()


def test_inviting_the_same_person_twice_is_refused_in_this_centres_own_words(
    invited, centre, centre_admin, second, assessor, iqa
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.enrol_candidate(**enrol_args(centre, centre_admin, second, assessor, iqa, invited.email))
    assert "was already invited to Second Certificate in Teamwork" in " ".join(caught.value.messages)
    assert EnrolmentInvitation.objects.count() == 1


def test_inviting_is_audited_under_the_typed_email(invited, centre_admin) -> None:
    record = AuditRecord.objects.get(action="candidate invited to enrol")
    assert record.actor_id == centre_admin.pk and record.enrolment_id is None
    assert "stan.elsewhere@example.org" in record.object_label and "Stan" not in record.object_label


def test_a_pending_invitation_is_no_working_enrolment(invited, assessor, iqa, stranger_candidate) -> None:
    assert not Enrolment.objects.filter(candidate=stranger_candidate, qualification=invited.qualification).exists()
    for person in (assessor, iqa):
        assert not access.enrolments_visible_to(person).filter(candidate=stranger_candidate).exists()


# --- The person's side: accept or decline --------------------------------------------------------


def test_accepting_as_the_person_starts_the_enrolment_and_the_centre_then_sees_their_name(
    client, invited, centre, centre_admin, stranger_candidate
) -> None:
    link = invitation_link(mail.outbox[0])
    client.force_login(stranger_candidate)
    page = client.get(link)
    assert page.status_code == 200 and "Second Certificate in Teamwork" in page.text
    response = client.post(link + "accept/")
    enrolment = Enrolment.objects.get(candidate=stranger_candidate, centre=centre)
    assert response.status_code == 302 and response["Location"] == reverse(
        "candidates:enrolment_detail", kwargs={"pk": enrolment.pk})
    assert enrolment.status == EnrolmentStatus.ACTIVE and enrolment.qualification == invited.qualification
    assert Role.objects.filter(user=stranger_candidate, centre=centre, kind=RoleKind.CANDIDATE).exists()
    invited.refresh_from_db()
    assert (invited.status, invited.enrolment) == (InvitationStatus.ACCEPTED, enrolment)
    record = AuditRecord.objects.get(action="enrolment invitation accepted")
    assert (record.actor_id, record.enrolment_id) == (stranger_candidate.pk, enrolment.pk)
    client.force_login(centre_admin)
    listing = client.get(reverse("candidates:enrolment_list", kwargs={"centre_pk": centre.pk})).text
    assert "Stan Elsewhere" in listing and 'data-testid="awaiting-acceptance"' not in listing


def test_accepting_while_on_the_qualification_elsewhere_is_refused_in_the_persons_words(
    client, centre, centre_admin, qualification, assessor, iqa, stranger_candidate, stranger_enrolment
) -> None:
    invitation = services.enrol_candidate(**enrol_args(centre, centre_admin, qualification, assessor, iqa,
                                                       stranger_candidate.email))
    assert isinstance(invitation, EnrolmentInvitation)
    with pytest.raises(ValidationError, match="You are already enrolled on .* at Southbank College"):
        services.accept_invitation(invitation=invitation, by=stranger_candidate)
    assert not Enrolment.objects.filter(candidate=stranger_candidate, centre=centre).exists()


def test_declining_makes_no_enrolment_and_the_centre_no_longer_awaits(
    client, invited, centre, centre_admin, stranger_candidate
) -> None:
    client.force_login(stranger_candidate)
    response = client.post(invitation_link(mail.outbox[0]) + "decline/")
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.status == InvitationStatus.DECLINED
    assert not Enrolment.objects.filter(candidate=stranger_candidate, centre=centre).exists()
    assert AuditRecord.objects.filter(action="enrolment invitation declined", actor_id=stranger_candidate.pk).exists()
    client.force_login(centre_admin)
    listing = client.get(reverse("candidates:enrolment_list", kwargs={"centre_pk": centre.pk})).text
    assert 'data-testid="awaiting-acceptance"' not in listing
    with pytest.raises(ValidationError, match="already answered"):
        services.accept_invitation(invitation=invited, by=stranger_candidate)


@pytest.mark.parametrize("who", ["candidate", "centre_admin", "platform_admin", "stranger_assessor"])
def test_nobody_else_may_read_or_answer_someone_elses_invitation(request, client, invited, who) -> None:
    client.force_login(request.getfixturevalue(who))
    link = invitation_link(mail.outbox[0])
    assert client.get(link).status_code == 404
    assert client.post(link + "accept/").status_code == 404
    assert client.post(link + "decline/").status_code == 404
    invited.refresh_from_db()
    assert invited.status == InvitationStatus.PENDING


def test_the_service_refuses_an_answer_from_someone_else(invited, candidate) -> None:
    with pytest.raises(ValidationError, match="addressed to someone else"):
        services.accept_invitation(invitation=invited, by=candidate)
    assert not Enrolment.objects.filter(qualification=invited.qualification).exists()


def test_the_invitation_link_sends_a_signed_out_visitor_to_sign_in(client, invited) -> None:
    response = client.get(invitation_link(mail.outbox[0]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- The CSV path: the same rules ----------------------------------------------------------------


def csv_file(*emails: str) -> SimpleUploadedFile:
    rows = [f"{email},Typed,Name,tiny,1,ash.assessor@example.org,ivy.quality@example.org,2026-09-01,2027-08-31,,"
            for email in emails]
    return SimpleUploadedFile("people.csv", ("\n".join([HEADER, *rows]) + "\n").encode(), content_type="text/csv")


@pytest.mark.parametrize("active", [True, False])
def test_the_csv_preview_tells_nothing_of_another_centres_person(
    as_admin, centre, qualification, assessor, iqa, stranger_candidate, stranger_enrolment, active
) -> None:
    User.objects.filter(pk=stranger_candidate.pk).update(is_active=active)
    response = as_admin.post(reverse("candidates:enrolment_upload", kwargs={"centre_pk": centre.pk}),
                             {"file": csv_file("stan.elsewhere@example.org", "new.person@example.org")})
    preview = response.context["preview"]
    assert preview.is_valid, [row.problems for row in preview.rows]
    for secret in STANS_SECRETS:
        assert secret not in response.text, secret


def test_the_csv_invites_another_centres_person_and_enrols_the_new_one(
    as_admin, client, centre, qualification, assessor, iqa, stranger_candidate, stranger_enrolment,
    django_capture_on_commit_callbacks, queued_invitations,  # noqa: F811 - the imported fixture
) -> None:
    upload = reverse("candidates:enrolment_upload", kwargs={"centre_pk": centre.pk})
    digest = as_admin.post(upload, {"file": csv_file("stan.elsewhere@example.org", "new.person@example.org")}
                           ).context["digest"]
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(reverse("candidates:enrolment_upload_confirm", kwargs={"centre_pk": centre.pk}),
                                 {"digest": digest}, follow=True)
    for secret in STANS_SECRETS:
        assert secret not in response.text, secret
    assert not Enrolment.objects.filter(candidate=stranger_candidate, centre=centre).exists()
    assert Enrolment.objects.filter(candidate__email="new.person@example.org", centre=centre).exists()
    invitation = EnrolmentInvitation.objects.get(person=stranger_candidate)
    assert invitation.status == InvitationStatus.PENDING and invitation.email == "stan.elsewhere@example.org"
    run_invitations(queued_invitations)  # the new person's set-password invitation leaves from the worker
    assert sorted(message.to[0] for message in mail.outbox) == ["new.person@example.org",
                                                                 "stan.elsewhere@example.org"]
