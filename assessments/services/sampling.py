"""The IQA's review of unit sign-offs: sample, countersign, refer back to the assessor."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from candidates.models import User
from units.models import Unit

from .. import notify
from ..models import (
    Countersignature,
    IqaReferral,
    UnitSample,
    UnitSignOff,
)
from .independence import refuse_own_sign_off
from .locks import lock_enrolment, when_words


def _lock_unit_sign_off(sign_off: UnitSignOff, *, by: User) -> UnitSignOff:
    lock_enrolment(sign_off.enrolment)
    sign_off = UnitSignOff.objects.select_related("enrolment", "unit", "by").get(pk=sign_off.pk)
    refuse_own_sign_off(sign_off=sign_off, by=by)
    if IqaReferral.objects.filter(unit_sign_off=sign_off).exists():
        raise ValidationError(_("This sign-off was already referred back; wait for the assessor to sign again."))
    done = Countersignature.objects.select_related("by").filter(unit_sign_off=sign_off).first()
    if done is not None:
        raise ValidationError(_("Already countersigned by %(iqa)s at %(when)s.") % {
            "iqa": done.by, "when": when_words(done.at)})
    return sign_off


@transaction.atomic
def unit_sample(*, unit_sign_off: UnitSignOff, by: User) -> UnitSample:
    """The IQA puts a unit sign-off in their sample: the unit is no longer achieved until they countersign it."""
    sign_off = _lock_unit_sign_off(unit_sign_off, by=by)
    chosen = UnitSample.objects.select_related("by").filter(unit_sign_off=sign_off).first()
    if chosen is not None:
        raise ValidationError(_("Already in the sample of %(iqa)s since %(when)s.") % {
            "iqa": chosen.by, "when": when_words(chosen.at)})
    sample = UnitSample.objects.create(unit_sign_off=sign_off, by=by, at=timezone.now())
    trail.record(actor=by, action="unit sampled by IQA", obj=sample, enrolment_id=sign_off.enrolment_id,
                 object_label=f"{sign_off.unit.code} for {sign_off.enrolment.candidate}",
                 before={"unit_sign_off": sign_off.pk, "state": "signed off"},
                 after={"state": "sampled, awaiting countersignature"})
    return sample


@transaction.atomic
def countersign(*, unit_sign_off: UnitSignOff, by: User, comment: str = "") -> Countersignature:
    """The IQA countersigns a sampled unit sign-off."""
    sign_off = _lock_unit_sign_off(unit_sign_off, by=by)
    countersignature = Countersignature.objects.create(
        unit_sign_off=sign_off, by=by, comment=comment.strip(), at=timezone.now()
    )
    trail.record(actor=by, action="unit countersigned", obj=countersignature, enrolment_id=sign_off.enrolment_id,
                 object_label=f"{sign_off.unit.code} for {sign_off.enrolment.candidate}",
                 after={"unit_sign_off": sign_off.pk, "comment": countersignature.comment})
    return countersignature


def iqa_comments_missing(unit: Unit) -> str:
    """The error of an IQA referral with no comments, naming the unit."""
    return _("Say why you are referring unit %(unit)s back: what must the assessor look at again?") % {
        "unit": unit.code}


@transaction.atomic
def iqa_refer(*, unit_sign_off: UnitSignOff, by: User, comments: str) -> IqaReferral:
    """The IQA refers a unit sign-off back: it is superseded (kept), the unit reopens, the assessor is emailed."""
    if not comments.strip():
        raise ValidationError({"comments": iqa_comments_missing(unit_sign_off.unit)})
    sign_off = _lock_unit_sign_off(unit_sign_off, by=by)
    referral = IqaReferral.objects.create(unit_sign_off=sign_off, comments=comments.strip(), by=by, at=timezone.now())
    trail.record(actor=by, action="unit referred by IQA", obj=referral, enrolment_id=sign_off.enrolment_id,
                 object_label=f"{sign_off.unit.code} for {sign_off.enrolment.candidate}",
                 before={"unit_sign_off": sign_off.pk, "state": "signed off"},
                 after={"state": "reopened", "comments": referral.comments})
    notify.unit_referred(referral=referral)
    return referral
