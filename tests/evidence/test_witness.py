"""A witness confirms their testimony through a signed, expiring link; no account needed."""

from __future__ import annotations

import re

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.urls import reverse

from evidence import services
from evidence.models import EvidenceKind
from tests.evidence.evidence_factories import DAY, make_evidence

LINK = re.compile(r"http://testserver(/witness/[^/\s]+/)")


@pytest.fixture
def testimony(enrolment):
    return make_evidence(enrolment, kind=EvidenceKind.WITNESS_TESTIMONY, title="Handled an angry caller",
                         text="I saw Cara calm an angry caller and solve the problem.", with_file=False)


def _submit(testimony, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.version_submit(version=testimony.current_version, by=testimony.enrolment.candidate)
    return LINK.search(_witness_mail().body).group(1)


def _witness_mail():
    """The last email to the witness (submitting also tells the assessor)."""
    return [message for message in mail.outbox if message.to == ["wendy.witness@example.org"]][-1]


def test_submitting_a_testimony_emails_the_witness_a_link(testimony, django_capture_on_commit_callbacks):
    _submit(testimony, django_capture_on_commit_callbacks)
    assert "Cara Candidate" in _witness_mail().subject
    testimony.current_version.refresh_from_db()
    assert testimony.current_version.witness_requested_at is not None


def test_the_witness_email_says_how_long_the_link_works_and_offers_no_account_link_to_a_stranger(
    testimony, django_capture_on_commit_callbacks
):
    _submit(testimony, django_capture_on_commit_callbacks)
    body = _witness_mail().body
    assert "You need no account. The link works for 14 days" in body
    assert "signed in" not in body


def test_a_witness_who_is_the_apprentices_employer_contact_is_offered_the_signed_in_confirmation(
    enrolment, employer_contact, django_capture_on_commit_callbacks
):
    testimony = make_evidence(enrolment, kind=EvidenceKind.WITNESS_TESTIMONY, title="Handled a refund",
                              text="I saw Cara handle a refund.", with_file=False,
                              witness_email=employer_contact.email.upper())
    with django_capture_on_commit_callbacks(execute=True):
        services.version_submit(version=testimony.current_version, by=enrolment.candidate)
    [message] = [message for message in mail.outbox if message.to == [employer_contact.email.upper()]]
    signed_in = reverse("evidence:witness_confirm_signed_in", kwargs={"pk": testimony.current_version.pk})
    assert f"http://testserver{signed_in}" in message.body
    assert "employer contact" in message.body


def test_the_witness_page_shows_the_testimony_without_confirming_it(
    client, testimony, django_capture_on_commit_callbacks
):
    path = _submit(testimony, django_capture_on_commit_callbacks)
    response = client.get(path)
    assert response.status_code == 200
    assert "I saw Cara calm an angry caller" in response.content.decode()
    testimony.current_version.refresh_from_db()
    assert testimony.current_version.witness_confirmed_at is None


def test_the_witness_link_confirms_once(client, testimony, django_capture_on_commit_callbacks):
    path = _submit(testimony, django_capture_on_commit_callbacks)
    first = client.post(path)
    assert first.status_code == 200
    assert "Your confirmation is recorded" in first.content.decode()
    testimony.current_version.refresh_from_db()
    confirmed_at = testimony.current_version.witness_confirmed_at
    assert confirmed_at is not None

    second = client.post(path)
    assert second.status_code == 400
    assert "already confirmed" in second.content.decode()
    testimony.current_version.refresh_from_db()
    assert testimony.current_version.witness_confirmed_at == confirmed_at


def test_the_item_shows_when_the_witness_confirmed(client, testimony, django_capture_on_commit_callbacks):
    path = _submit(testimony, django_capture_on_commit_callbacks)
    client.post(path)
    client.force_login(testimony.enrolment.candidate)
    page = client.get(reverse("evidence:detail", kwargs={"pk": testimony.pk})).content.decode()
    assert re.search(r'data-testid="witness-status">.*Yes, on', page)


def test_an_expired_link_is_refused(client, testimony, django_capture_on_commit_callbacks, settings):
    path = _submit(testimony, django_capture_on_commit_callbacks)
    settings.EVIDENCE_WITNESS_LINK_MAX_AGE = -1
    response = client.post(path)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    testimony.current_version.refresh_from_db()
    assert testimony.current_version.witness_confirmed_at is None


def test_a_tampered_link_is_refused(client, testimony, django_capture_on_commit_callbacks):
    path = _submit(testimony, django_capture_on_commit_callbacks)
    token = path.split("/")[2]
    value, timestamp, signature = token.split(":")
    other_pk = str(int(value.split(".")[0]) + 1)
    forged = f"{other_pk}.{value.split('.')[1]}:{timestamp}:{signature}"
    response = client.post(reverse("evidence:witness_confirm", kwargs={"token": forged}))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_a_link_signed_for_another_purpose_is_refused(testimony):
    token = signing.TimestampSigner(salt="some-other-purpose").sign(f"{testimony.current_version.pk}.x")
    with pytest.raises(ValidationError, match="not valid"):
        services.witness_confirm(token=token)


def test_a_link_for_a_changed_testimony_is_refused(testimony):
    token = services.witness_token(testimony.current_version)
    services.draft_update(version=testimony.current_version, by=testimony.enrolment.candidate,
                          title="Handled an angry caller", date=DAY, text="A different account.",
                          witness_name="Wendy Witness", witness_email="wendy.witness@example.org")
    with pytest.raises(ValidationError, match="changed"):
        services.witness_confirm(token=token)


def test_the_candidate_can_send_a_new_link(client, testimony, django_capture_on_commit_callbacks):
    _submit(testimony, django_capture_on_commit_callbacks)
    client.force_login(testimony.enrolment.candidate)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evidence:witness_send", kwargs={"pk": testimony.pk}))
    assert len([message for message in mail.outbox if message.to == ["wendy.witness@example.org"]]) == 2


# --- Independence: the witness is neither the candidate nor someone who judges the portfolio -----------------


def _testimony_witnessed_by(enrolment, email: str):
    return make_evidence(enrolment, kind=EvidenceKind.WITNESS_TESTIMONY, title="Handled an angry caller",
                         text="I saw the candidate calm an angry caller.", with_file=False, witness_email=email)


@pytest.mark.parametrize("witness", ["candidate", "assessor", "iqa", "centre_admin", "platform_admin"])
def test_a_testimony_witnessed_by_the_candidate_or_a_judge_of_the_enrolment_is_not_submitted(
    request, enrolment, witness, django_capture_on_commit_callbacks
):
    email = request.getfixturevalue(witness).email.upper()  # the address as typed, in any case
    testimony = _testimony_witnessed_by(enrolment, email)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError, match="A witness is someone"):
        services.version_submit(version=testimony.current_version, by=enrolment.candidate)
    testimony.current_version.refresh_from_db()
    assert testimony.current_version.status == "draft"
    assert testimony.current_version.witness_requested_at is None
    assert not [message for message in mail.outbox if message.to == [email]]


@pytest.mark.parametrize("witness", ["other_assessor", "eqa", "stranger_assessor"])
def test_staff_who_do_not_judge_the_enrolment_may_witness_it(request, enrolment, witness):
    testimony = _testimony_witnessed_by(enrolment, request.getfixturevalue(witness).email)
    services.version_submit(version=testimony.current_version, by=enrolment.candidate)
    testimony.current_version.refresh_from_db()
    assert testimony.current_version.witness_requested_at is not None


def test_the_refusal_says_who_may_be_a_witness(client, enrolment, candidate):
    testimony = _testimony_witnessed_by(enrolment, candidate.email)
    client.force_login(candidate)
    response = client.post(reverse("evidence:submit", kwargs={"pk": testimony.pk}), follow=True)
    assert "The candidate cannot be their own witness" in response.content.decode()
    assert "e.g. a supervisor or colleague" in response.content.decode()


def test_a_link_is_refused_once_its_witness_judges_the_enrolment(
    client, testimony, django_capture_on_commit_callbacks, centre, other_assessor
):
    path = _submit(testimony, django_capture_on_commit_callbacks)
    # Wendy, the witness, joins the centre and is named the candidate's assessor after the link was sent.
    wendy = other_assessor
    wendy.email = "wendy.witness@example.org"
    wendy.save(update_fields=["email"])
    testimony.enrolment.assessor = wendy
    testimony.enrolment.save(update_fields=["assessor"])
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "judges this portfolio and cannot also witness it" in response.content.decode()
    testimony.current_version.refresh_from_db()
    assert testimony.current_version.witness_confirmed_at is None


def test_a_link_naming_the_candidate_as_witness_is_refused(enrolment, candidate):
    # A link sent before witnesses were checked, to the candidate's own address.
    testimony = _testimony_witnessed_by(enrolment, candidate.email)
    token = services.witness_token(testimony.current_version)
    with pytest.raises(ValidationError, match="cannot be their own witness"):
        services.witness_confirm(token=token)
