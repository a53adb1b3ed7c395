"""The gateway's writes: achievements on record, and the declaration signed by the three parties in any order,
refused until every requirement is met, never as another party, void once its content changes; frozen
enrolments read-only."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apprenticeships.gateway import services
from apprenticeships.gateway.reads import gateway_of
from apprenticeships.models import Achievement, GatewaySignature
from apprenticeships.signing import Party
from audit.models import AuditRecord
from candidates.models import EmployerContact, EnrolmentStatus
from tests.apprenticeships.gateway_factories import ready, record, sign_all, verified_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def apprentice(enrolment, employer_contact, private_storage):
    return ready(enrolment)


def _view(enrolment):
    enrolment.refresh_from_db()
    return gateway_of(enrolment, timezone.localdate())


def test_a_ready_enrolment_meets_every_requirement(apprentice) -> None:
    view = _view(apprentice)
    assert view.is_standard and view.gateway.all_met
    assert [o.requirement.code for o in view.gateway.outcomes] == ["months", "english", "maths", "otj", "ksbs",
                                                                     "certificate"]


@pytest.mark.parametrize("order", [
    (Party.EMPLOYER, Party.CANDIDATE, Party.PROVIDER),
    (Party.PROVIDER, Party.EMPLOYER, Party.CANDIDATE),
    (Party.CANDIDATE, Party.PROVIDER, Party.EMPLOYER),
])
def test_the_three_parties_sign_in_any_order(apprentice, employer_contact, order) -> None:
    people = {Party.EMPLOYER: employer_contact, Party.CANDIDATE: apprentice.candidate,
              Party.PROVIDER: apprentice.assessor}
    for number, party in enumerate(order, start=1):
        assert not _view(apprentice).all_signed
        signature = services.gateway_sign(enrolment=apprentice, by=people[party], party=party)
        assert signature.content_hash == _view(apprentice).content_hash
        assert len(_view(apprentice).valid_by_party) == number
    assert _view(apprentice).all_signed
    assert AuditRecord.objects.filter(action="gateway declaration signed").count() == 3


def test_the_centre_admin_signs_as_the_provider(apprentice, centre_admin) -> None:
    services.gateway_sign(enrolment=apprentice, by=centre_admin, party=Party.PROVIDER)
    assert Party.PROVIDER in _view(apprentice).valid_by_party


@pytest.mark.parametrize(("who", "party"), [
    ("assessor", Party.EMPLOYER), ("employer_contact", Party.PROVIDER), ("employer_contact", Party.CANDIDATE),
    ("candidate", Party.PROVIDER), ("iqa", Party.PROVIDER), ("other_assessor", Party.PROVIDER),
])
def test_nobody_signs_as_another_party(apprentice, request, who, party) -> None:
    person = request.getfixturevalue(who)
    with pytest.raises(ValidationError, match="each party signs for themselves"):
        services.gateway_sign(enrolment=apprentice, by=person, party=party)
    assert not GatewaySignature.objects.exists()


def test_a_removed_employer_contact_no_longer_signs(apprentice, employer_contact) -> None:
    EmployerContact.objects.filter(user=employer_contact).update(removed_at=timezone.now())
    with pytest.raises(ValidationError, match="each party signs for themselves"):
        services.gateway_sign(enrolment=apprentice, by=employer_contact, party=Party.EMPLOYER)


def test_signing_is_refused_until_every_requirement_is_met(enrolment, employer_contact, private_storage) -> None:
    apprentice = ready(enrolment)
    Achievement.objects.filter(enrolment=apprentice, kind="maths").delete()
    with pytest.raises(ValidationError) as refused:
        services.gateway_sign(enrolment=apprentice, by=apprentice.candidate, party=Party.CANDIDATE)
    assert "cannot be signed until every requirement is met" in refused.value.messages[0]
    assert "Level 2 maths." in refused.value.messages[0]
    assert not GatewaySignature.objects.exists()


def test_signing_twice_is_refused(apprentice) -> None:
    services.gateway_sign(enrolment=apprentice, by=apprentice.candidate, party=Party.CANDIDATE)
    with pytest.raises(ValidationError, match="has already signed"):
        services.gateway_sign(enrolment=apprentice, by=apprentice.candidate, party=Party.CANDIDATE)


def test_a_qualification_that_is_not_a_standard_has_no_gateway(enrolment) -> None:
    with pytest.raises(ValidationError, match="not an apprenticeship standard"):
        services.gateway_sign(enrolment=enrolment, by=enrolment.candidate, party=Party.CANDIDATE)
    assert not _view(enrolment).is_standard


def test_a_changed_record_voids_the_signatures_given_and_they_are_kept(apprentice, employer_contact) -> None:
    sign_all(apprentice, employer_contact)
    assert _view(apprentice).all_signed
    record(apprentice, "english", level=2, title="GCSE English")
    view = _view(apprentice)
    assert view.gateway.all_met and not view.all_signed
    assert len(view.signatures) == 3 and all(s.void for s in view.signatures)
    services.gateway_sign(enrolment=apprentice, by=apprentice.candidate, party=Party.CANDIDATE)
    view = _view(apprentice)
    assert [s.void for s in view.signatures] == [True, True, True, False]
    assert list(view.valid_by_party) == [Party.CANDIDATE]


def test_a_requirement_that_stops_being_met_voids_the_signatures(apprentice, employer_contact) -> None:
    sign_all(apprentice, employer_contact)
    services.achievement_delete(achievement=Achievement.objects.get(enrolment=apprentice, kind="qualification"),
                                by=apprentice.assessor)
    view = _view(apprentice)
    assert not view.gateway.all_met and all(s.void for s in view.signatures)


def test_more_verified_hours_after_signing_keep_the_signatures(apprentice, employer_contact) -> None:
    sign_all(apprentice, employer_contact)
    verified_hours(apprentice, 5)
    assert _view(apprentice).all_signed


def test_a_frozen_enrolment_is_read_only(apprentice) -> None:
    type(apprentice).objects.filter(pk=apprentice.pk).update(status=EnrolmentStatus.PAUSED)
    apprentice.refresh_from_db()
    with pytest.raises(ValidationError, match="paused"):
        services.gateway_sign(enrolment=apprentice, by=apprentice.candidate, party=Party.CANDIDATE)
    with pytest.raises(ValidationError, match="paused"):
        record(apprentice, "maths", level=3)


# --------------------------------------------------------------------------- achievements


def test_an_achievement_is_recorded_and_audited(enrolment, assessor) -> None:
    achievement = record(enrolment, "maths", level=2, title="GCSE maths")
    assert str(achievement) == "Level 2 Maths (GCSE maths)"
    entry = AuditRecord.objects.get(action="gateway achievement recorded")
    assert entry.actor_id == assessor.pk and (entry.after or {})["level"] == 2


@pytest.mark.parametrize(("kind", "level", "title", "field"), [
    ("english", None, "", "level"), ("maths", 4, "", "level"), ("qualification", None, "  ", "title"),
    ("typing", 1, "", "kind"),
])
def test_an_incomplete_achievement_says_what_to_fix(enrolment, kind, level, title, field) -> None:
    with pytest.raises(ValidationError) as refused:
        record(enrolment, kind, level=level, title=title)
    assert field in refused.value.error_dict


def test_an_achievement_in_the_future_or_without_evidence_is_refused(enrolment) -> None:
    with pytest.raises(ValidationError) as refused:
        services.achievement_record(enrolment=enrolment, by=enrolment.assessor, kind="english", level=1, title="",
                                    achieved_on=timezone.localdate() + datetime.timedelta(days=1), evidenced_by=" ")
    assert set(refused.value.error_dict) == {"achieved_on", "evidenced_by"}


def test_the_candidate_records_no_achievement_of_their_own(enrolment) -> None:
    with pytest.raises(ValidationError, match="not you"):
        record(enrolment, "english", level=1, by=enrolment.candidate)


def test_a_signature_reads_in_the_history_with_its_party_and_fingerprint(apprentice, employer_contact) -> None:
    from audit.sentences import sentence

    signature = services.gateway_sign(enrolment=apprentice, by=employer_contact, party=Party.EMPLOYER)
    entry = AuditRecord.objects.get(action="gateway declaration signed")
    assert str(sentence(entry)) == (f"Erin Employer signed the gateway declaration (Employer, fingerprint "
                                    f"{signature.content_hash[:12]}).")
