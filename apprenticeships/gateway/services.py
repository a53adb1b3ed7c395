"""The gateway's writes: the English, maths and qualification achievements on record, and the signatures.

A signature is refused until every requirement is met, and given only in the signer's own party: the
apprentice as the apprentice, a current employer contact as the employer, the enrolment's assessor or the
centre's admin as the training provider. Each pins the content hash of the declaration as it stands; a
later change of that content voids it (reads.gateway_of says which are void).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from candidates.models import EmployerContact, Enrolment, Role, RoleKind, User
from candidates.services import ensure_open

from ..models import Achievement, AchievementKind, GatewaySignature
from ..signing import Party
from .reads import gateway_of, is_standard

#: The levels an English or maths achievement may have.
LEVELS = (1, 2, 3)


def _refuse_own(enrolment: Enrolment, by: User) -> None:
    if enrolment.candidate_id == by.pk:
        raise ValidationError(_("Your centre records your English, maths and qualifications: not you."),
                              code="own_enrolment")


def _facts(achievement: Achievement) -> dict[str, object]:
    return {"kind": achievement.kind, "level": achievement.level, "title": achievement.title,
            "achieved_on": achievement.achieved_on.isoformat(), "evidenced_by": achievement.evidenced_by}


@transaction.atomic
def achievement_record(*, enrolment: Enrolment, by: User, kind: str, level: int | None, title: str,
                       achieved_on: datetime.date, evidenced_by: str) -> Achievement:
    """Record an English or maths achievement (with its level) or a qualification achieved (with its name)."""
    ensure_open(enrolment)
    _refuse_own(enrolment, by)
    errors: dict[str, str] = {}
    title, evidenced_by = title.strip(), evidenced_by.strip()
    if kind not in AchievementKind.values:
        errors["kind"] = _("Choose English, maths or a qualification.")
    elif kind == AchievementKind.QUALIFICATION:
        level = None
        if not title:
            errors["title"] = _("Name the qualification achieved, as the standard names it.")
    elif level not in LEVELS:
        errors["level"] = _("Choose the level achieved: 1, 2 or 3.")
    if achieved_on > timezone.localdate():
        errors["achieved_on"] = _("The date is in the future; record an achievement once it is certified.")
    if not evidenced_by:
        errors["evidenced_by"] = _("Say how it is evidenced: e.g. the certificate seen and its number.")
    if errors:
        raise ValidationError(errors)
    achievement = Achievement.objects.create(
        enrolment=enrolment, kind=kind, level=level, title=title, achieved_on=achieved_on,
        evidenced_by=evidenced_by, recorded_by=by, recorded_at=timezone.now())
    trail.record(actor=by, action="gateway achievement recorded", obj=achievement, enrolment_id=enrolment.pk,
                 after=_facts(achievement))
    return achievement


@transaction.atomic
def achievement_delete(*, achievement: Achievement, by: User) -> None:
    """Remove a record made in error; signatures that rested on it become void."""
    locked = Achievement.objects.select_for_update().select_related("enrolment").get(pk=achievement.pk)
    ensure_open(locked.enrolment)
    _refuse_own(locked.enrolment, by)
    trail.record(actor=by, action="gateway achievement removed", obj=locked, enrolment_id=locked.enrolment_id,
                 before=_facts(locked))
    locked.delete()


def stands_as(enrolment: Enrolment, person: User, party: str) -> bool:
    """Whether `person` may sign `enrolment`'s gateway as `party` (one query at most)."""
    if party == Party.CANDIDATE:
        return enrolment.candidate_id == person.pk
    if enrolment.candidate_id == person.pk:
        return False  # on their own enrolment a person is the apprentice and nothing else
    if party == Party.PROVIDER:
        return enrolment.assessor_id == person.pk or Role.objects.filter(
            user=person, centre_id=enrolment.centre_id, kind=RoleKind.CENTRE_ADMIN).exists()
    if party == Party.EMPLOYER:
        return EmployerContact.objects.current().filter(enrolment_id=enrolment.pk, user=person).exists()
    return False


@transaction.atomic
def gateway_sign(*, enrolment: Enrolment, by: User, party: str) -> GatewaySignature:
    """`by` signs the gateway declaration as `party`, pinning the hash of its content as it stands now."""
    locked = Enrolment.objects.select_for_update().select_related("qualification").get(pk=enrolment.pk)
    ensure_open(locked)
    if not is_standard(locked):
        raise ValidationError(_("This qualification is not an apprenticeship standard: it has no gateway."),
                              code="not_standard")
    if not stands_as(locked, by, party):
        raise ValidationError(_("You cannot sign as the %(party)s: each party signs for themselves.") % {
            "party": Party(party).label if party in Party.values else party}, code="not_party")
    view = gateway_of(locked, timezone.localdate())
    if not view.gateway.all_met:
        unmet = "; ".join(outcome.requirement.text for outcome in view.gateway.unmet)
        raise ValidationError(_("The gateway cannot be signed until every requirement is met. Not met yet: "
                                "%(unmet)s") % {"unmet": unmet}, code="not_met")
    if party in view.valid_by_party:
        raise ValidationError(_("The %(party)s has already signed this declaration.") % {
            "party": Party(party).label}, code="signed")
    signature = GatewaySignature.objects.create(enrolment=locked, party=party, signed_by=by,
                                                signed_at=timezone.now(), content_hash=view.content_hash)
    trail.record(actor=by, action="gateway declaration signed", obj=signature, enrolment_id=locked.pk,
                 after={"party": party, "content_hash": view.content_hash})
    return signature
