"""Progress reviews: the schedule and overdue flag, recording and changing a review, the three parties'
signatures and their voiding, the targets becoming action points, and the safeguarding alert."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from apprenticeships.models import ReviewSignature
from apprenticeships.reviews import reads, services
from apprenticeships.reviews.schedule import is_overdue, next_due
from apprenticeships.reviews.services import Target
from apprenticeships.signing import Party, content_hash
from assessments.models import ActionPoint
from audit.models import AuditRecord
from candidates import services as candidate_services
from candidates.models import EmployerContact, Enrolment, EnrolmentStatus, Role, RoleKind, User
from inbox.models import NoticeKind, Notification, Preferences
from tests.apprenticeships.factories import make_entry, make_review, review_content
from tests.assessments.factories import items_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _days(number: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=number)


def _started(enrolment: Enrolment, days_ago: int) -> Enrolment:
    Enrolment.objects.filter(pk=enrolment.pk).update(start_date=_days(-days_ago))
    enrolment.refresh_from_db()
    return enrolment


# --------------------------------------------------------------------------- the schedule


def test_the_next_review_is_due_the_interval_after_the_last_one_or_the_start() -> None:
    start, last = datetime.date(2026, 1, 5), datetime.date(2026, 3, 2)
    assert next_due(interval_weeks=12, last_held=None, start=start) == datetime.date(2026, 3, 30)
    assert next_due(interval_weeks=12, last_held=last, start=start) == datetime.date(2026, 5, 25)
    assert next_due(interval_weeks=4, last_held=last, start=start) == datetime.date(2026, 3, 30)
    assert not is_overdue(datetime.date(2026, 3, 30), datetime.date(2026, 3, 30))
    assert is_overdue(datetime.date(2026, 3, 30), datetime.date(2026, 3, 31))


def test_the_default_interval_is_twelve_weeks_from_the_start(enrolment) -> None:
    due = reads.due_of(enrolment, TODAY())
    assert due.interval_weeks == 12
    assert due.due == enrolment.start_date + datetime.timedelta(weeks=12)
    assert not due.overdue


def test_an_enrolment_with_no_review_past_its_interval_is_overdue(enrolment, other_enrolment) -> None:
    _started(enrolment, 100)
    assert reads.due_of(enrolment, TODAY()).overdue
    assert reads.overdue_among([enrolment.pk, other_enrolment.pk], TODAY()) == {enrolment.pk}


def test_a_review_held_resets_the_clock(enrolment) -> None:
    _started(enrolment, 100)
    make_review(enrolment, held_on=_days(-10))
    assert reads.due_of(enrolment, TODAY()).due == _days(-10 + 84)
    assert reads.overdue_among([enrolment.pk], TODAY()) == frozenset()


def test_a_shorter_schedule_makes_a_review_due_sooner(enrolment) -> None:
    services.schedule_set(enrolment=enrolment, by=enrolment.assessor, interval_weeks=2)
    assert reads.overdue_among([enrolment.pk], TODAY()) == {enrolment.pk}  # started 30 days ago
    record = AuditRecord.objects.get(action="review schedule set")
    assert record.before == {"interval_weeks": 12} and record.after == {"interval_weeks": 2}


def test_a_paused_enrolment_is_never_overdue(enrolment) -> None:
    _started(enrolment, 100)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.PAUSED)
    assert reads.overdue_among([enrolment.pk], TODAY()) == frozenset()


def test_the_schedule_is_the_assessors_or_the_centres_and_bounded(enrolment, centre_admin) -> None:
    with pytest.raises(ValidationError, match="Your assessor or your centre"):
        services.schedule_set(enrolment=enrolment, by=enrolment.candidate, interval_weeks=4)
    with pytest.raises(ValidationError, match="from 1 to 52"):
        services.schedule_set(enrolment=enrolment, by=enrolment.assessor, interval_weeks=0)
    assert services.schedule_set(enrolment=enrolment, by=centre_admin, interval_weeks=8).interval_weeks == 8


# --------------------------------------------------------------------------- recording and changing


def test_a_review_keeps_the_off_the_job_hours_of_the_log_when_recorded(enrolment) -> None:
    make_entry(enrolment, minutes=90)
    make_entry(enrolment, minutes=45)
    review = make_review(enrolment)
    assert (review.otj_recorded_minutes, review.otj_verified_minutes) == (135, 0)
    make_entry(enrolment, minutes=600)
    review.refresh_from_db()
    assert review.otj_recorded_text == "2:15"


def test_a_review_is_recorded_with_its_items_and_targets_and_audited(enrolment) -> None:
    items = items_of(enrolment, "A1")[:2]
    review = make_review(enrolment, items=items)
    assert set(review.items.all()) == set(items)
    assert [target.text for target in review.targets.all()] == ["Write a statement on the refund call"]
    record = AuditRecord.objects.get(action="progress review recorded")
    assert record.after == {**review.signed_content(), "hash": content_hash(review.signed_content())}


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"held_on": _days(1)}, "held_on", "in the future"),
    ({"progress": "  "}, "progress", "what progress"),
    ({"safeguarding_concern": True, "safeguarding_note": ""}, "safeguarding_note", "Describe the safeguarding"),
    ({"targets": (Target(text="Read the policy", due=TODAY()),)}, "targets", "due date after the review date"),
])
def test_an_incomplete_review_is_refused_field_by_field(enrolment, overrides, field, message) -> None:
    with pytest.raises(ValidationError) as refused:
        make_review(enrolment, **overrides)
    assert message in " ".join(refused.value.message_dict[field])


@pytest.mark.parametrize("who", ["candidate", "employer_contact", "iqa"])
def test_only_the_assessor_or_the_centre_records_a_review(request, enrolment, who) -> None:
    person = request.getfixturevalue(who) if who != "candidate" else enrolment.candidate
    with pytest.raises(ValidationError):
        services.review_create(enrolment=enrolment, by=person, content=review_content())


def test_a_frozen_enrolment_takes_no_review(enrolment) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.PAUSED)
    enrolment.refresh_from_db()
    with pytest.raises(ValidationError, match="paused"):
        make_review(enrolment)


# --------------------------------------------------------------------------- signatures


def test_each_party_signs_as_their_own_and_three_make_it_complete(enrolment, employer_contact) -> None:
    review = make_review(enrolment)
    services.review_sign(review=review, by=enrolment.candidate, party=Party.CANDIDATE)
    services.review_sign(review=review, by=employer_contact, party=Party.EMPLOYER)
    assert not services.is_complete(review)
    signature = services.review_sign(review=review, by=enrolment.assessor, party=Party.PROVIDER)
    assert signature.content_hash == content_hash(review.signed_content())
    assert services.is_complete(review)
    assert AuditRecord.objects.filter(action="progress review signed").count() == 3


def test_a_centre_admin_signs_as_the_provider(enrolment, centre_admin) -> None:
    review = make_review(enrolment)
    assert services.parties_of(enrolment, centre_admin) == {Party.PROVIDER}
    assert services.review_sign(review=review, by=centre_admin, party=Party.PROVIDER).party == Party.PROVIDER


def test_the_candidate_cannot_sign_as_the_provider(enrolment) -> None:
    review = make_review(enrolment)
    with pytest.raises(ValidationError, match="You cannot sign as the training provider: you sign this review as "
                                              "the apprentice."):
        services.review_sign(review=review, by=enrolment.candidate, party=Party.PROVIDER)


def test_the_employer_cannot_sign_as_anyone_else(enrolment, employer_contact) -> None:
    review = make_review(enrolment)
    for party in (Party.CANDIDATE, Party.PROVIDER):
        with pytest.raises(ValidationError, match="you sign this review as the employer"):
            services.review_sign(review=review, by=employer_contact, party=party)


def test_the_assessor_cannot_sign_as_the_apprentice(enrolment) -> None:
    review = make_review(enrolment)
    with pytest.raises(ValidationError, match="You cannot sign as the apprentice"):
        services.review_sign(review=review, by=enrolment.assessor, party=Party.CANDIDATE)


@pytest.mark.parametrize("who", ["iqa", "eqa", "other_employer_contact", "platform_admin"])
def test_who_is_no_party_signs_nothing(request, enrolment, who) -> None:
    review = make_review(enrolment)
    with pytest.raises(ValidationError, match="You are not a party to this review"):
        services.review_sign(review=review, by=request.getfixturevalue(who), party=Party.PROVIDER)
    assert not ReviewSignature.objects.exists()


def test_a_party_signs_once(enrolment) -> None:
    review = make_review(enrolment)
    services.review_sign(review=review, by=enrolment.candidate, party=Party.CANDIDATE)
    with pytest.raises(ValidationError, match="The apprentice signed this review already"):
        services.review_sign(review=review, by=enrolment.candidate, party=Party.CANDIDATE)


def test_a_frozen_enrolments_review_is_not_signed(enrolment) -> None:
    review = make_review(enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.WITHDRAWN)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.review_sign(review=review, by=enrolment.candidate, party=Party.CANDIDATE)


def test_the_first_signature_turns_the_targets_into_action_points(enrolment, employer_contact) -> None:
    review = make_review(enrolment, targets=(Target(text="Read the returns policy", due=_days(14)),
                                             Target(text="Shadow a refund", due=_days(30))))
    assert not ActionPoint.objects.exists()
    services.review_sign(review=review, by=employer_contact, party=Party.EMPLOYER)
    points = list(ActionPoint.objects.filter(enrolment=enrolment).order_by("due"))
    assert [(point.text, point.due, point.set_by) for point in points] == [
        ("Read the returns policy", _days(14), enrolment.assessor), ("Shadow a refund", _days(30), enrolment.assessor)]
    assert all(target.action_point_id for target in review.targets.all())
    services.review_sign(review=review, by=enrolment.candidate, party=Party.CANDIDATE)
    assert ActionPoint.objects.count() == 2


def test_a_target_past_due_is_refused_at_the_first_signature(enrolment) -> None:
    review = make_review(enrolment, held_on=_days(-20), targets=(Target(text="Read the policy", due=_days(-1)),))
    with pytest.raises(ValidationError, match="was due on .* before today: the assessor should give it a new date"):
        services.review_sign(review=review, by=enrolment.candidate, party=Party.CANDIDATE)
    assert not ReviewSignature.objects.exists()


def test_a_change_after_signing_voids_the_signatures_and_keeps_them(enrolment, employer_contact) -> None:
    review = make_review(enrolment)
    services.review_sign(review=review, by=enrolment.candidate, party=Party.CANDIDATE)
    services.review_sign(review=review, by=employer_contact, party=Party.EMPLOYER)
    services.review_edit(review=review, by=enrolment.assessor,
                         content=review_content(wellbeing="Tired; support agreed."))
    signatures = list(ReviewSignature.objects.filter(review=review))
    assert len(signatures) == 2
    assert all(s.void_at is not None and s.voided_by == enrolment.assessor for s in signatures)
    review.refresh_from_db()
    assert not services.is_complete(review)
    assert AuditRecord.objects.filter(action="progress review changed").count() == 1
    voided = AuditRecord.objects.get(action="progress review signatures voided")
    assert {entry["party"] for entry in (voided.before or {})["signatures"]} == {"candidate", "employer"}


def test_after_a_void_every_party_signs_again_and_completes(enrolment, employer_contact) -> None:
    review = make_review(enrolment)
    services.review_sign(review=review, by=enrolment.candidate, party=Party.CANDIDATE)
    services.review_edit(review=review, by=enrolment.assessor, content=review_content(progress="More progress."))
    for person, party in ((enrolment.candidate, Party.CANDIDATE), (employer_contact, Party.EMPLOYER),
                          (enrolment.assessor, Party.PROVIDER)):
        services.review_sign(review=review, by=person, party=party)
    review.refresh_from_db()
    assert services.is_complete(review)
    assert ReviewSignature.objects.filter(review=review).count() == 4


def test_a_changed_target_voids_the_signatures(enrolment) -> None:
    review = make_review(enrolment)
    services.review_sign(review=review, by=enrolment.candidate, party=Party.CANDIDATE)
    services.review_edit(review=review, by=enrolment.assessor,
                         content=review_content(targets=(Target(text="Another target", due=_days(9)),)))
    assert ReviewSignature.objects.get().void_at is not None


def test_saving_without_a_change_voids_nothing(enrolment) -> None:
    review = make_review(enrolment)
    services.review_sign(review=review, by=enrolment.candidate, party=Party.CANDIDATE)
    services.review_edit(review=review, by=enrolment.assessor, content=review_content())
    assert ReviewSignature.objects.get().void_at is None
    assert not AuditRecord.objects.filter(action="progress review changed").exists()


def test_the_candidate_cannot_change_their_review(enrolment) -> None:
    review = make_review(enrolment)
    with pytest.raises(ValidationError, match="Your assessor or your centre"):
        services.review_edit(review=review, by=enrolment.candidate, content=review_content(progress="All done."))


# --------------------------------------------------------------------------- safeguarding


@pytest.fixture
def lead(centre) -> User:
    """The centre's second administrator, its designated safeguarding lead once named."""
    person = User.objects.create_user("sid.safe@example.org", None, first_name="Sid", last_name="Safe")
    Role.objects.create(user=person, centre=centre, kind=RoleKind.CENTRE_ADMIN)
    return person


def test_the_lead_opens_the_review_the_alert_links_to(client, enrolment, lead, centre_admin) -> None:
    candidate_services.safeguarding_lead_set(centre=enrolment.centre, by=centre_admin, person=lead)
    enrolment.centre.refresh_from_db()
    make_review(enrolment, **_concern())
    client.force_login(lead)
    page = client.get(Notification.objects.get(recipient=lead).link)
    assert page.status_code == 200 and "unpaid nights" in page.text


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def _concern() -> dict[str, object]:
    return {"safeguarding_concern": True, "safeguarding_note": "Mentions being made to work unpaid nights."}


def test_a_concern_alerts_the_designated_lead_by_inbox_and_email(enrolment, lead, centre_admin, on_commit) -> None:
    candidate_services.safeguarding_lead_set(centre=enrolment.centre, by=centre_admin, person=lead)
    enrolment.centre.refresh_from_db()
    with on_commit(execute=True):
        review = make_review(enrolment, **_concern())
    notice = Notification.objects.get(kind=NoticeKind.SAFEGUARDING_CONCERN)
    assert notice.recipient == lead and "Cara Candidate" in notice.text
    assert [message.to for message in mail.outbox] == [[lead.email]]
    assert "unpaid nights" in mail.outbox[0].body
    record = AuditRecord.objects.get(action="safeguarding concern raised")
    assert record.after == {"person": str(lead), "named_lead": True}
    assert str(review.pk) in notice.link


def test_with_no_lead_named_the_centre_admins_are_alerted(enrolment, centre_admin, on_commit) -> None:
    with on_commit(execute=True):
        make_review(enrolment, **_concern())
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [centre_admin.pk]
    assert "named no designated safeguarding lead" in mail.outbox[0].body
    assert AuditRecord.objects.get(action="safeguarding concern raised").after == {
        "person": str(centre_admin), "named_lead": False}


def test_the_safeguarding_email_goes_even_to_someone_who_turned_emails_off(enrolment, centre_admin, on_commit) -> None:
    Preferences.objects.create(user=centre_admin, email_off=list(NoticeKind.values))
    with on_commit(execute=True):
        make_review(enrolment, **_concern())
    assert [message.to for message in mail.outbox] == [[centre_admin.email]]


def test_no_concern_alerts_nobody(enrolment, centre_admin) -> None:
    make_review(enrolment)
    assert not Notification.objects.filter(kind=NoticeKind.SAFEGUARDING_CONCERN).exists()
    assert not AuditRecord.objects.filter(action="safeguarding concern raised").exists()


def test_a_concern_raised_in_a_change_alerts_once(enrolment, centre_admin) -> None:
    review = make_review(enrolment)
    services.review_edit(review=review, by=enrolment.assessor, content=review_content(**_concern()))
    services.review_edit(review=review, by=enrolment.assessor,
                         content=review_content(**_concern(), wellbeing="Better since the talk."))
    assert Notification.objects.filter(kind=NoticeKind.SAFEGUARDING_CONCERN).count() == 1


def test_the_lead_is_one_of_the_centres_admins(enrolment, centre_admin, employer_contact, stranger_assessor,
                                              lead) -> None:
    for person in (employer_contact, stranger_assessor, enrolment.candidate, enrolment.assessor):
        with pytest.raises(ValidationError, match="Choose one of the centre's administrators"):
            candidate_services.safeguarding_lead_set(centre=enrolment.centre, by=centre_admin, person=person)
    candidate_services.safeguarding_lead_set(centre=enrolment.centre, by=centre_admin, person=lead)
    candidate_services.safeguarding_lead_set(centre=enrolment.centre, by=centre_admin, person=None)
    assert [record.action for record in AuditRecord.objects.order_by("sequence")] == [
        "safeguarding lead named", "safeguarding lead removed"]


def test_a_removed_employer_contact_signs_no_more(enrolment, employer_contact) -> None:
    review = make_review(enrolment)
    EmployerContact.objects.filter(user=employer_contact).update(removed_at=timezone.now())
    with pytest.raises(ValidationError, match="You are not a party to this review"):
        services.review_sign(review=review, by=employer_contact, party=Party.EMPLOYER)
