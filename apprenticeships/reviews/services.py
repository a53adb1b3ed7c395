"""Every write of progress reviews: the schedule, the review itself, its signatures, the safeguarding alert.

Each is atomic, keyword-only and audited, refuses a frozen enrolment, and asks the gate's own relations
(candidates/access.py `relations_to`) again where it matters: who writes a review (whoever holds ``judge``:
the assessor or the centre) and as which party a person signs (the candidate as the apprentice, a current
employer contact as the employer, the assessor or a centre admin as the training provider; nobody as
another party). A signature pins the hash of the review's `signed_content()`; any change to that content
after the first signature voids every signature given (the rows stay, marked void with the time and who
changed the review), and the targets become action points when the review is first signed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.services import action_point_set
from audit import trail
from candidates import access
from candidates.access import Permission, Relation
from candidates.models import Enrolment, RoleKind, User
from candidates.services import ensure_open
from inbox.models import NoticeKind
from inbox.services import notify
from units.models import AssessableItem

from ..models import (
    DEFAULT_REVIEW_WEEKS,
    EntryStatus,
    OtjEntry,
    ProgressReview,
    ReviewSchedule,
    ReviewSignature,
    ReviewTarget,
)
from ..signing import Party, content_hash

#: The longest interval between reviews a schedule may set (a year).
MAX_REVIEW_WEEKS = 52


@dataclass(frozen=True)
class Target:
    """One target of a review form: what, by when."""

    text: str
    due: datetime.date


@dataclass(frozen=True)
class ReviewContent:
    """What the assessor fills in on a review (the off-the-job hours are the log's, taken when it is created)."""

    held_on: datetime.date
    progress: str
    english_maths: str
    wellbeing: str
    safeguarding_concern: bool = False
    safeguarding_note: str = ""
    items: Sequence[AssessableItem] = ()
    targets: Sequence[Target] = field(default_factory=tuple)


# --------------------------------------------------------------------------- the schedule


def _refuse_non_provider(enrolment: Enrolment, by: User) -> None:
    if enrolment.candidate_id == by.pk:
        raise ValidationError(_("Your assessor or your centre writes your progress reviews: not you."),
                              code="own_enrolment")
    if not access.may(access.relations_to(by, enrolment), Permission.JUDGE):
        raise ValidationError(_("Only the apprentice's assessor or the centre writes their progress reviews."),
                              code="not_provider")


@transaction.atomic
def schedule_set(*, enrolment: Enrolment, by: User, interval_weeks: int) -> ReviewSchedule:
    """Review the enrolment's progress every `interval_weeks` weeks from now on; audited before and after."""
    ensure_open(enrolment)
    _refuse_non_provider(enrolment, by)
    if not 1 <= interval_weeks <= MAX_REVIEW_WEEKS:
        raise ValidationError({"interval_weeks": _("Give the weeks between reviews: from 1 to %(most)d.") % {
            "most": MAX_REVIEW_WEEKS}})
    schedule = ReviewSchedule.objects.select_for_update().filter(enrolment=enrolment).first()
    before = {"interval_weeks": schedule.interval_weeks if schedule else DEFAULT_REVIEW_WEEKS}
    if schedule is None:
        schedule = ReviewSchedule(enrolment=enrolment)
    schedule.interval_weeks, schedule.set_by, schedule.set_at = interval_weeks, by, timezone.now()
    schedule.save()
    trail.record(actor=by, action="review schedule set", obj=schedule, enrolment_id=enrolment.pk,
                 before=before, after={"interval_weeks": interval_weeks})
    return schedule


# --------------------------------------------------------------------------- the review


def _check(enrolment: Enrolment, content: ReviewContent) -> None:
    errors: dict[str, str] = {}
    if content.held_on > timezone.localdate():
        errors["held_on"] = _("The review date is in the future; record the review once it has been held.")
    elif content.held_on < enrolment.start_date:
        errors["held_on"] = _("The review date is before the apprentice started (%(start)s); check the date.") % {
            "start": content_date(enrolment.start_date)}
    for name, value, message in (
        ("progress", content.progress, _("Say what progress the apprentice made since the last review.")),
        ("english_maths", content.english_maths, _("Say where the apprentice stands in English and maths.")),
        ("wellbeing", content.wellbeing, _("Say how the apprentice is: their wellbeing and any support they need.")),
    ):
        if not value.strip():
            errors[name] = message
    if content.safeguarding_concern and not content.safeguarding_note.strip():
        errors["safeguarding_note"] = _("Describe the safeguarding concern: the designated person reads it.")
    if any(item.unit.qualification_id != enrolment.qualification_id for item in content.items):
        errors["items"] = _("Choose units and criteria of this qualification only.")
    for target in content.targets:
        if not target.text.strip():
            errors["targets"] = _("Say what each target asks of the apprentice.")
        elif target.due <= content.held_on:
            errors["targets"] = _("Give each target a due date after the review date (target “%(text)s”).") % {
                "text": target.text.strip()[:60]}
    if errors:
        raise ValidationError(errors)


def content_date(day: datetime.date) -> str:
    """A date as the forms take it: 02/03/2026."""
    return day.strftime("%d/%m/%Y")


def otj_minutes(enrolment: Enrolment) -> tuple[int, int]:
    """The minutes of off-the-job training logged and verified so far."""
    recorded = verified = 0
    for minutes, status in OtjEntry.objects.filter(enrolment=enrolment).values_list("minutes", "status"):
        recorded += minutes
        verified += minutes if status == EntryStatus.VERIFIED else 0
    return recorded, verified


def _facts(review: ProgressReview) -> dict[str, object]:
    return {**review.signed_content(), "hash": content_hash(review.signed_content())}


def _write(review: ProgressReview, content: ReviewContent) -> None:
    review.held_on = content.held_on
    review.progress, review.english_maths = content.progress.strip(), content.english_maths.strip()
    review.wellbeing = content.wellbeing.strip()
    review.safeguarding_concern = content.safeguarding_concern
    review.safeguarding_note = content.safeguarding_note.strip() if content.safeguarding_concern else ""
    review.save()
    review.items.set(list(content.items))


def _set_targets(review: ProgressReview, targets: Iterable[Target]) -> None:
    """Replace the targets; one kept with the same words and date keeps its action point."""
    kept = {(target.text, target.due): target for target in review.targets.all()}
    rows = []
    for order, target in enumerate(targets):
        old = kept.pop((target.text.strip(), target.due), None)
        rows.append(ReviewTarget(review=review, order=order, text=target.text.strip(), due=target.due,
                                 action_point=old.action_point if old else None))
    review.targets.all().delete()
    ReviewTarget.objects.bulk_create(rows)


@transaction.atomic
def review_create(*, enrolment: Enrolment, by: User, content: ReviewContent) -> ProgressReview:
    """The assessor (or the centre) records a progress review, with the off-the-job hours of the log today."""
    ensure_open(enrolment)
    _refuse_non_provider(enrolment, by)
    _check(enrolment, content)
    recorded, verified = otj_minutes(enrolment)
    review = ProgressReview(enrolment=enrolment, otj_recorded_minutes=recorded, otj_verified_minutes=verified,
                            created_by=by, created_at=timezone.now())
    _write(review, content)
    _set_targets(review, content.targets)
    trail.record(actor=by, action="progress review recorded", obj=review, enrolment_id=enrolment.pk,
                 after=_facts(review))
    if review.safeguarding_concern:
        _alert_safeguarding(review, by)
    return review


def _locked(review: ProgressReview) -> ProgressReview:
    locked = ProgressReview.objects.select_for_update().select_related("enrolment__centre").get(pk=review.pk)
    ensure_open(locked.enrolment)
    return locked


@transaction.atomic
def review_edit(*, review: ProgressReview, by: User, content: ReviewContent) -> ProgressReview:
    """Change a review. A change voids every signature given (kept, marked void); no change changes nothing."""
    locked = _locked(review)
    _refuse_non_provider(locked.enrolment, by)
    _check(locked.enrolment, content)
    before = _facts(locked)
    concern_before = (locked.safeguarding_concern, locked.safeguarding_note)
    _write(locked, content)
    _set_targets(locked, content.targets)
    after = _facts(locked)
    if after["hash"] == before["hash"]:
        return locked
    locked.changed_by, locked.changed_at = by, timezone.now()
    locked.save(update_fields=["changed_by", "changed_at"])
    trail.record(actor=by, action="progress review changed", obj=locked, enrolment_id=locked.enrolment_id,
                 before=before, after=after)
    _void_signatures(locked, by)
    if locked.safeguarding_concern and (locked.safeguarding_concern, locked.safeguarding_note) != concern_before:
        _alert_safeguarding(locked, by)
    return locked


def _void_signatures(review: ProgressReview, by: User) -> None:
    valid = list(review.signatures.filter(void_at__isnull=True).select_related("user"))
    if not valid:
        return
    now = timezone.now()
    review.signatures.filter(pk__in=[signature.pk for signature in valid]).update(void_at=now, voided_by=by)
    trail.record(actor=by, action="progress review signatures voided", obj=review, enrolment_id=review.enrolment_id,
                 before={"signatures": [{"party": signature.party, "person": str(signature.user),
                                         "hash": signature.content_hash} for signature in valid]},
                 after={"reason": _("the review changed after it was signed")})


# --------------------------------------------------------------------------- signatures


def parties_of(enrolment: Enrolment, user: User) -> frozenset[Party]:
    """The parties `user` may sign `enrolment`'s reviews as: none, or one of apprentice, employer, provider."""
    relations = access.relations_to(user, enrolment)
    if not access.may(relations, Permission.SIGN):
        return frozenset()
    if Relation.CANDIDATE in relations:
        return frozenset({Party.CANDIDATE})
    if Relation.EMPLOYER in relations:
        return frozenset({Party.EMPLOYER})
    if relations & {Relation.ASSESSOR, Relation.CENTRE_ADMIN}:
        return frozenset({Party.PROVIDER})
    return frozenset()


def _refuse_party(enrolment: Enrolment, by: User, party: Party) -> None:
    parties = parties_of(enrolment, by)
    if party in parties:
        return
    if not parties:
        raise ValidationError(_("You are not a party to this review: the apprentice, their employer contact and "
                                "the training provider (the assessor or a centre admin) sign it."), code="no_party")
    (yours,) = parties
    raise ValidationError(_("You cannot sign as the %(party)s: you sign this review as the %(yours)s.") % {
        "party": Party(party).label.lower(), "yours": yours.label.lower()}, code="other_party")


def _targets_to_action_points(review: ProgressReview, by: User) -> None:
    """Each target without an action point becomes one, set in the name of the review's author."""
    author = review.created_by
    for target in review.targets.filter(action_point__isnull=True).order_by("order", "pk"):
        if target.due < timezone.localdate():
            raise ValidationError(_("The target “%(text)s” was due on %(due)s, before today: the assessor should give "
                                    "it a new date before the review is signed.") % {
                "text": target.text[:60], "due": content_date(target.due)}, code="target_past")
        target.action_point = action_point_set(enrolment=review.enrolment, by=author, text=target.text,
                                               due=target.due)
        target.save(update_fields=["action_point"])


@transaction.atomic
def review_sign(*, review: ProgressReview, by: User, party: Party) -> ReviewSignature:
    """`by` signs the review as `party`: the time and the hash of its content as it stands now.

    Refused for a party that is not theirs, and when that party has a valid signature already. The first
    signature turns the targets into action points.
    """
    locked = _locked(review)
    _refuse_party(locked.enrolment, by, party)
    signed = {signature.party: signature
              for signature in locked.signatures.filter(void_at__isnull=True).select_related("user")}
    if party in signed:
        raise ValidationError(_("The %(party)s signed this review already (%(name)s, %(when)s).") % {
            "party": Party(party).label.lower(), "name": signed[party].user,
            "when": date_format(timezone.localtime(signed[party].signed_at), "DATETIME_FORMAT")},
            code="signed")
    if not signed:
        _targets_to_action_points(locked, by)
    digest = content_hash(locked.signed_content())
    signature = ReviewSignature.objects.create(review=locked, party=party, user=by, signed_at=timezone.now(),
                                               content_hash=digest)
    trail.record(actor=by, action="progress review signed", obj=locked, enrolment_id=locked.enrolment_id,
                 after={"party": str(party), "hash": digest})
    return signature


def is_complete(review: ProgressReview) -> bool:
    """Signed by all three parties, each signature valid and pinning the review's content as it is now.

    Reads the signatures through their prefetch cache when loaded."""
    digest = content_hash(review.signed_content())
    valid = {signature.party for signature in review.signatures.all()
             if signature.void_at is None and signature.content_hash == digest}
    return valid == set(Party.values)


# --------------------------------------------------------------------------- safeguarding


def safeguarding_recipients(enrolment: Enrolment) -> tuple[list[User], bool]:
    """Who is alerted of a concern: the centre's designated safeguarding lead, else its centre admins (and False)."""
    lead = enrolment.centre.safeguarding_lead
    if lead is not None and lead.is_active:
        return [lead], True
    return list(access.people_with_role(enrolment.centre, RoleKind.CENTRE_ADMIN)), False


def _alert_safeguarding(review: ProgressReview, by: User) -> None:
    enrolment = review.enrolment
    recipients, named = safeguarding_recipients(enrolment)
    link = reverse("apprenticeships:review_detail", kwargs={"pk": enrolment.pk, "review_pk": review.pk})
    notify(recipients=recipients, kind=NoticeKind.SAFEGUARDING_CONCERN,
           words={"by": str(by), "candidate": str(enrolment.candidate)}, link=link,
           email_template="apprenticeships/email/safeguarding_concern",
           email_context={"review": review, "enrolment": enrolment, "by": by, "named": named})
    trail.record(actor=by, action="safeguarding concern raised", obj=review, enrolment_id=enrolment.pk,
                 after={"person": ", ".join(str(person) for person in recipients) or _("nobody"),
                        "named_lead": named})
