"""Sign-off: of one assessable item, the learner's declaration, and of a whole unit.

Atomic, keyword-only, audited in the same transaction; one enrolment's sign-offs
queue behind its row lock.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from candidates.models import Enrolment, User
from evidence.models import EvidenceFile, Mapping, MappingStatus, VersionStatus
from units.models import AssessableItem, Unit

from ..models import (
    IqaReferral,
    ItemSignOff,
    LearnerDeclaration,
    SignedEvidence,
    UnitSignOff,
)
from .independence import refuse_own_enrolment
from .locks import lock_enrolment, when_words


def already_signed_message(sign_off: ItemSignOff | UnitSignOff) -> str:
    """'Already signed off by Ash Assessor at 3 March 2026, 10:15'."""
    return _("Already signed off by %(person)s at %(when)s.") % {"person": sign_off.by, "when": when_words(sign_off.at)}


def unit_round(*, enrolment: Enrolment, unit: Unit) -> int:
    """How many times the IQA referred this unit back: its items are signed off afresh in each round."""
    return IqaReferral.objects.filter(unit_sign_off__enrolment=enrolment, unit_sign_off__unit=unit).count()


@transaction.atomic
def item_sign_off(*, enrolment: Enrolment, assessable_item: AssessableItem, by: User) -> ItemSignOff:
    """Sign one assessable item off on its accepted evidence, pinning the versions and file hashes relied on.

    Exactly one sign-off per item and enrolment, however many requests race: the
    enrolment row is locked and a unique constraint stands behind it. The loser gets
    "Already signed off by X at Y".
    """
    refuse_own_enrolment(enrolment=enrolment, by=by)
    enrolment = lock_enrolment(enrolment)
    round_ = unit_round(enrolment=enrolment, unit=assessable_item.unit)
    existing = ItemSignOff.objects.select_related("by").filter(
        enrolment=enrolment, assessable_item=assessable_item, round=round_
    ).first()
    if existing is not None:
        raise ValidationError(already_signed_message(existing), code="already_signed")
    if assessable_item.unit.qualification_id != enrolment.qualification_id:
        raise ValidationError(_("This item belongs to another qualification."))
    accepted = list(
        Mapping.objects.filter(
            version__item__enrolment=enrolment, assessable_item=assessable_item, status=MappingStatus.ACCEPTED,
            version__status=VersionStatus.SUBMITTED,
        ).select_related("version").prefetch_related("version__files")
    )
    if not accepted:
        raise ValidationError(_("%(item)s has no accepted evidence yet: accept a mapping to it first.") % {
            "item": assessable_item})
    try:
        with transaction.atomic():
            sign_off = ItemSignOff.objects.create(
                enrolment=enrolment, assessable_item=assessable_item, round=round_, by=by, at=timezone.now()
            )
    except IntegrityError:  # a concurrent request on a database that did not serialize on the row lock
        existing = ItemSignOff.objects.select_related("by").get(
            enrolment=enrolment, assessable_item=assessable_item, round=round_
        )
        raise ValidationError(already_signed_message(existing), code="already_signed") from None
    rows = []
    for mapping in accepted:
        version = mapping.version
        files: list[EvidenceFile | None] = [*version.files.all()] or [None]
        for evidence_file in files:
            rows.append(SignedEvidence(
                sign_off=sign_off, version=version, version_number=version.number, title=version.title,
                file_name=evidence_file.original_name if evidence_file else "",
                sha256=evidence_file.sha256 if evidence_file else "",
            ))
    SignedEvidence.objects.bulk_create(rows)
    trail.record(
        actor=by, action="item signed off", obj=sign_off, enrolment_id=enrolment.pk,
        after={"evidence": [{"version": r.version_id, "number": r.version_number, "file": r.file_name,
                             "sha256": r.sha256} for r in rows]},
    )
    return sign_off


def has_assessed_work(*, enrolment: Enrolment, unit: Unit) -> bool:
    """Whether some item of `unit` is signed off or has accepted evidence: what the learner declaration covers."""
    return ItemSignOff.objects.current().filter(enrolment=enrolment, assessable_item__unit=unit).exists() or (
        Mapping.objects.filter(
            version__item__enrolment=enrolment, assessable_item__unit=unit, status=MappingStatus.ACCEPTED,
            version__status=VersionStatus.SUBMITTED,
        ).exists()
    )


@transaction.atomic
def learner_declare(*, enrolment: Enrolment, unit: Unit, by: User) -> LearnerDeclaration:
    """The candidate confirms the evidence for a unit is their own work (once per unit)."""
    if by.pk != enrolment.candidate_id:
        raise ValidationError(_("Only the candidate declares that the evidence is their own work."))
    if unit.qualification_id != enrolment.qualification_id:
        raise ValidationError(_("This unit belongs to another qualification."))
    lock_enrolment(enrolment)
    if not has_assessed_work(enrolment=enrolment, unit=unit):
        raise ValidationError(
            _("Nothing in unit %(unit)s has been accepted or signed off yet, so there is nothing to declare: you "
              "declare the evidence your own work once your assessor has accepted some of it.") % {"unit": unit.code},
            code="nothing_assessed",
        )
    if LearnerDeclaration.objects.filter(enrolment=enrolment, unit=unit).exists():
        raise ValidationError(_("You have already declared unit %(unit)s your own work.") % {"unit": unit.code})
    declaration = LearnerDeclaration.objects.create(enrolment=enrolment, unit=unit, by=by, at=timezone.now())
    trail.record(actor=by, action="learner declaration", obj=declaration, enrolment_id=enrolment.pk,
                 after={"unit": unit.code, "text": declaration.text})
    return declaration


@transaction.atomic
def unit_sign_off(*, enrolment: Enrolment, unit: Unit, by: User) -> UnitSignOff:
    """Sign a whole unit off with the assessor's declaration.

    Needs every assessable item of the unit signed off and the candidate's declaration;
    after an IQA referral the new sign-off replaces the referred one.
    """
    refuse_own_enrolment(enrolment=enrolment, by=by)
    enrolment = lock_enrolment(enrolment)
    if unit.qualification_id != enrolment.qualification_id:
        raise ValidationError(_("This unit belongs to another qualification."))
    current = UnitSignOff.objects.current().select_related("by").filter(enrolment=enrolment, unit=unit).first()
    if current is not None:
        raise ValidationError(already_signed_message(current), code="already_signed")
    items = set(unit.items.values_list("pk", flat=True))
    signed = set(
        ItemSignOff.objects.current().filter(enrolment=enrolment, assessable_item__unit=unit).values_list(
            "assessable_item_id", flat=True
        )
    )
    missing = AssessableItem.objects.filter(pk__in=items - signed)
    if missing:
        codes = ", ".join(item.code for item in missing)
        raise ValidationError(_("Sign off every item of unit %(unit)s first; still open: %(codes)s.") % {
            "unit": unit.code, "codes": codes})
    declaration = LearnerDeclaration.objects.filter(enrolment=enrolment, unit=unit).first()
    if declaration is None:
        raise ValidationError(
            _("The candidate has not yet confirmed that the evidence for unit %(unit)s is their own work; "
              "ask them to make the learner declaration on their unit page.") % {"unit": unit.code}
        )
    referred = (
        UnitSignOff.objects.filter(enrolment=enrolment, unit=unit, referral__isnull=False, replaced_by__isnull=True)
        .order_by("-at").first()
    )
    try:
        with transaction.atomic():
            sign_off = UnitSignOff.objects.create(
                enrolment=enrolment, unit=unit, learner_declaration=declaration, by=by, at=timezone.now(),
                replaces=referred,
            )
    except IntegrityError:
        raise ValidationError(
            _("Unit %(unit)s was signed off by someone else a moment ago.") % {"unit": unit.code}
        ) from None
    trail.record(
        actor=by, action="unit signed off", obj=sign_off, enrolment_id=enrolment.pk,
        after={"unit": unit.code, "declaration": sign_off.declaration, "replaces": referred.pk if referred else None},
    )
    return sign_off
