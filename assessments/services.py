"""Every write of the assessment workflow: decisions, feedback, sign-off, declarations, IQA review.

Each function is atomic, takes keyword arguments only and raises ValidationError
with a message a person can act on; each writes an audit record in the same
transaction (assessments/audit.py) and sends its email after commit. Who may call
them is decided by the views through the gate (candidates/access.py); the
services check the rules of the workflow itself.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from candidates.models import Enrolment, User
from evidence import services as evidence_services
from evidence.models import EvidenceItem, EvidenceVersion, Mapping, MappingStatus, VersionStatus
from units.models import AssessableItem, Unit

from . import audit, notify
from .models import (
    Countersignature,
    Decision,
    DecisionOutcome,
    FeedbackMessage,
    IqaReferral,
    ItemSignOff,
    LearnerDeclaration,
    SignedEvidence,
    UnitSample,
    UnitSignOff,
)


def _when(moment: object) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def _lock_enrolment(enrolment: Enrolment) -> Enrolment:
    # Every sign-off of one enrolment queues behind this row lock: no two can interleave.
    return Enrolment.objects.select_for_update().get(pk=enrolment.pk)


# --------------------------------------------------------------------------- decisions on mappings


def _decide(*, mapping: Mapping, by: User, outcome: str, feedback: str, link_base: str) -> Decision:
    mapping = Mapping.objects.select_for_update().select_related(
        "version__item__enrolment", "assessable_item__unit"
    ).get(pk=mapping.pk)
    version = mapping.version
    enrolment = version.item.enrolment
    if version.status != VersionStatus.SUBMITTED:
        raise ValidationError("This version is still a draft: decisions are made on submitted evidence only.")
    if version.item.current_version_id != version.pk:
        raise ValidationError("A newer version of this evidence exists: judge that one instead.")
    if ItemSignOff.objects.current().filter(enrolment=enrolment, assessable_item=mapping.assessable_item).exists():
        raise ValidationError(f"{mapping.assessable_item} is already signed off; its decisions are final.")
    if mapping.status == outcome:
        raise ValidationError(f"This mapping is already {mapping.get_status_display().lower()}.")
    before = mapping.status
    now = timezone.now()
    decision = Decision.objects.create(
        enrolment=enrolment, mapping=mapping, version=version, assessable_item=mapping.assessable_item,
        outcome=outcome, feedback=feedback.strip(), by=by, at=now,
    )
    mapping.status = outcome
    mapping.save(update_fields=["status"])
    if feedback.strip():
        FeedbackMessage.objects.create(
            enrolment=enrolment, evidence=version.item, version=version, decision=decision, author=by,
            text=feedback.strip(), at=now,
        )
    audit.record(
        actor=by, action=f"mapping {outcome}", obj=decision, enrolment_id=enrolment.pk,
        object_label=f"{version.title} v{version.number} → {mapping.assessable_item}",
        before={"status": before}, after={"status": outcome, "feedback": feedback.strip()},
    )
    notify.decision_made(decision=decision, link_base=link_base)
    return decision


@transaction.atomic
def mapping_accept(*, mapping: Mapping, by: User, link_base: str = "") -> Decision:
    """Accept one mapping of a submitted, current version: it now counts towards signing its item off."""
    return _decide(mapping=mapping, by=by, outcome=DecisionOutcome.ACCEPTED, feedback="", link_base=link_base)


@transaction.atomic
def mapping_refer(*, mapping: Mapping, by: User, feedback: str, link_base: str = "") -> Decision:
    """Refer one mapping back to the candidate with feedback saying what is missing."""
    if not feedback.strip():
        raise ValidationError({"feedback": "Say what is missing, so the candidate knows how to revise the evidence."})
    return _decide(mapping=mapping, by=by, outcome=DecisionOutcome.REFERRED, feedback=feedback, link_base=link_base)


@transaction.atomic
def mapping_add(*, version: EvidenceVersion, assessable_item: AssessableItem, by: User) -> Mapping:
    """Map a submitted version to one more assessable item, on the candidate's behalf."""
    wanted = set(version.mappings.values_list("assessable_item_id", flat=True))
    if assessable_item.pk in wanted:
        raise ValidationError(f"This evidence is already mapped to {assessable_item}.")
    mappings = evidence_services.mappings_set(
        version=version, assessable_item_ids=wanted | {assessable_item.pk}, by=by
    )
    added = next(m for m in mappings if m.assessable_item_id == assessable_item.pk)
    audit.record(
        actor=by, action="mapping added", obj=added, enrolment_id=version.item.enrolment_id,
        object_label=f"{version.title} v{version.number} → {assessable_item}", after={"status": added.status},
    )
    return added


@transaction.atomic
def mapping_remove(*, mapping: Mapping, by: User) -> None:
    """Remove a claim nobody has judged yet from a version."""
    version = mapping.version
    label = f"{version.title} v{version.number} → {mapping.assessable_item}"
    remaining = set(version.mappings.exclude(pk=mapping.pk).values_list("assessable_item_id", flat=True))
    evidence_services.mappings_set(version=version, assessable_item_ids=remaining, by=by)
    audit.record(
        actor=by, action="mapping removed", object_type="evidence.Mapping", object_id=mapping.pk,
        object_label=label, enrolment_id=version.item.enrolment_id, before={"status": mapping.status},
    )


@transaction.atomic
def feedback_post(*, evidence: EvidenceItem, by: User, text: str) -> FeedbackMessage:
    """Add a message to the conversation on an evidence item."""
    if not text.strip():
        raise ValidationError({"text": "Write your message before sending it."})
    return FeedbackMessage.objects.create(
        enrolment_id=evidence.enrolment_id, evidence=evidence, version_id=evidence.current_version_id, author=by,
        text=text.strip(), at=timezone.now(),
    )


# --------------------------------------------------------------------------- sign-off


def already_signed_message(sign_off: ItemSignOff | UnitSignOff) -> str:
    """'Already signed off by Ash Assessor at 3 March 2026, 10:15'."""
    return f"Already signed off by {sign_off.by} at {_when(sign_off.at)}."


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
    enrolment = _lock_enrolment(enrolment)
    round_ = unit_round(enrolment=enrolment, unit=assessable_item.unit)
    existing = ItemSignOff.objects.select_related("by").filter(
        enrolment=enrolment, assessable_item=assessable_item, round=round_
    ).first()
    if existing is not None:
        raise ValidationError(already_signed_message(existing), code="already_signed")
    if assessable_item.unit.qualification_id != enrolment.qualification_id:
        raise ValidationError("This item belongs to another qualification.")
    accepted = list(
        Mapping.objects.filter(
            version__item__enrolment=enrolment, assessable_item=assessable_item, status=MappingStatus.ACCEPTED,
            version__status=VersionStatus.SUBMITTED,
        ).select_related("version").prefetch_related("version__files")
    )
    if not accepted:
        raise ValidationError(f"{assessable_item} has no accepted evidence yet: accept a mapping to it first.")
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
        files = list(version.files.all())
        for evidence_file in files or [None]:
            rows.append(SignedEvidence(
                sign_off=sign_off, version=version, version_number=version.number, title=version.title,
                file_name=evidence_file.original_name if evidence_file else "",
                sha256=evidence_file.sha256 if evidence_file else "",
            ))
    SignedEvidence.objects.bulk_create(rows)
    audit.record(
        actor=by, action="item signed off", obj=sign_off, enrolment_id=enrolment.pk,
        after={"evidence": [{"version": r.version_id, "number": r.version_number, "file": r.file_name,
                             "sha256": r.sha256} for r in rows]},
    )
    return sign_off


@transaction.atomic
def learner_declare(*, enrolment: Enrolment, unit: Unit, by: User) -> LearnerDeclaration:
    """The candidate confirms the evidence for a unit is their own work (once per unit)."""
    if by.pk != enrolment.candidate_id:
        raise ValidationError("Only the candidate declares that the evidence is their own work.")
    if unit.qualification_id != enrolment.qualification_id:
        raise ValidationError("This unit belongs to another qualification.")
    _lock_enrolment(enrolment)
    if LearnerDeclaration.objects.filter(enrolment=enrolment, unit=unit).exists():
        raise ValidationError(f"You have already declared unit {unit.code} your own work.")
    declaration = LearnerDeclaration.objects.create(enrolment=enrolment, unit=unit, by=by, at=timezone.now())
    audit.record(actor=by, action="learner declaration", obj=declaration, enrolment_id=enrolment.pk,
                 after={"unit": unit.code, "text": declaration.text})
    return declaration


@transaction.atomic
def unit_sign_off(*, enrolment: Enrolment, unit: Unit, by: User) -> UnitSignOff:
    """Sign a whole unit off with the assessor's declaration.

    Needs every assessable item of the unit signed off and the candidate's declaration;
    after an IQA referral the new sign-off replaces the referred one.
    """
    enrolment = _lock_enrolment(enrolment)
    if unit.qualification_id != enrolment.qualification_id:
        raise ValidationError("This unit belongs to another qualification.")
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
        raise ValidationError(f"Sign off every item of unit {unit.code} first; still open: {codes}.")
    declaration = LearnerDeclaration.objects.filter(enrolment=enrolment, unit=unit).first()
    if declaration is None:
        raise ValidationError(
            f"The candidate has not yet confirmed that the evidence for unit {unit.code} is their own work; "
            "ask them to make the learner declaration on their unit page."
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
        raise ValidationError(f"Unit {unit.code} was signed off by someone else a moment ago.") from None
    audit.record(
        actor=by, action="unit signed off", obj=sign_off, enrolment_id=enrolment.pk,
        after={"unit": unit.code, "declaration": sign_off.declaration, "replaces": referred.pk if referred else None},
    )
    return sign_off


# --------------------------------------------------------------------------- the IQA


def _lock_unit_sign_off(sign_off: UnitSignOff) -> UnitSignOff:
    _lock_enrolment(sign_off.enrolment)
    sign_off = UnitSignOff.objects.select_related("enrolment", "unit", "by").get(pk=sign_off.pk)
    if IqaReferral.objects.filter(unit_sign_off=sign_off).exists():
        raise ValidationError("This sign-off was already referred back; wait for the assessor to sign again.")
    done = Countersignature.objects.select_related("by").filter(unit_sign_off=sign_off).first()
    if done is not None:
        raise ValidationError(f"Already countersigned by {done.by} at {_when(done.at)}.")
    return sign_off


@transaction.atomic
def unit_sample(*, unit_sign_off: UnitSignOff, by: User) -> UnitSample:
    """The IQA puts a unit sign-off in their sample: the unit is no longer achieved until they countersign it."""
    sign_off = _lock_unit_sign_off(unit_sign_off)
    chosen = UnitSample.objects.select_related("by").filter(unit_sign_off=sign_off).first()
    if chosen is not None:
        raise ValidationError(f"Already in the sample of {chosen.by} since {_when(chosen.at)}.")
    sample = UnitSample.objects.create(unit_sign_off=sign_off, by=by, at=timezone.now())
    audit.record(actor=by, action="unit sampled by IQA", obj=sample, enrolment_id=sign_off.enrolment_id,
                 object_label=f"{sign_off.unit.code} for {sign_off.enrolment.candidate}",
                 before={"unit_sign_off": sign_off.pk, "state": "signed off"},
                 after={"state": "sampled, awaiting countersignature"})
    return sample


@transaction.atomic
def countersign(*, unit_sign_off: UnitSignOff, by: User, comment: str = "") -> Countersignature:
    """The IQA countersigns a sampled unit sign-off."""
    sign_off = _lock_unit_sign_off(unit_sign_off)
    if sign_off.by_id == by.pk:
        raise ValidationError("You signed this unit off yourself; another IQA must countersign it.")
    countersignature = Countersignature.objects.create(
        unit_sign_off=sign_off, by=by, comment=comment.strip(), at=timezone.now()
    )
    audit.record(actor=by, action="unit countersigned", obj=countersignature, enrolment_id=sign_off.enrolment_id,
                 object_label=f"{sign_off.unit.code} for {sign_off.enrolment.candidate}",
                 after={"unit_sign_off": sign_off.pk, "comment": countersignature.comment})
    return countersignature


@transaction.atomic
def iqa_refer(*, unit_sign_off: UnitSignOff, by: User, comments: str, link_base: str = "") -> IqaReferral:
    """The IQA refers a unit sign-off back: it is superseded (kept), the unit reopens, the assessor is emailed."""
    if not comments.strip():
        raise ValidationError({"comments": "Say what the assessor must look at again."})
    sign_off = _lock_unit_sign_off(unit_sign_off)
    referral = IqaReferral.objects.create(unit_sign_off=sign_off, comments=comments.strip(), by=by, at=timezone.now())
    audit.record(actor=by, action="unit referred by IQA", obj=referral, enrolment_id=sign_off.enrolment_id,
                 object_label=f"{sign_off.unit.code} for {sign_off.enrolment.candidate}",
                 before={"unit_sign_off": sign_off.pk, "state": "signed off"},
                 after={"state": "reopened", "comments": referral.comments})
    notify.unit_referred(referral=referral, link_base=link_base)
    return referral
