"""The assessor's decisions on mapped evidence: accept, refer, map, unmap, feedback.

Atomic, keyword-only; ValidationError with a message a person can act on; each writes
its audit record in the same transaction and sends its email after commit. Who may
call them is decided by the views through the gate.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from candidates import access
from candidates.access import Permission
from candidates.models import User
from candidates.services import ensure_open
from evidence import services as evidence_services
from evidence.models import ASSESSOR_KINDS, EvidenceItem, EvidenceVersion, Mapping, MappingStatus, VersionStatus
from units.models import AssessableItem

from .. import notify
from ..models import (
    Decision,
    DecisionOutcome,
    FeedbackMessage,
    ItemSignOff,
)
from .independence import refuse_own_enrolment


def _decide(
    *, mapping: Mapping, by: User, outcome: str, feedback: str, tell: bool = True, own_record: bool = False
) -> Decision:
    mapping = Mapping.objects.select_for_update().select_related(
        "version__item__enrolment", "assessable_item__unit"
    ).get(pk=mapping.pk)
    version = mapping.version
    enrolment = version.item.enrolment
    ensure_open(enrolment)
    refuse_own_enrolment(enrolment=enrolment, by=by)
    if version.status != VersionStatus.SUBMITTED:
        raise ValidationError(_("This version is still a draft: decisions are made on submitted evidence only."))
    if version.item.current_version_id != version.pk:
        raise ValidationError(_("A newer version of this evidence exists: judge that one instead."))
    if ItemSignOff.objects.current().filter(enrolment=enrolment, assessable_item=mapping.assessable_item).exists():
        raise ValidationError(_("%(item)s is already signed off; its decisions are final.") % {
            "item": mapping.assessable_item})
    if mapping.status == outcome:
        raise ValidationError(_("This mapping is already %(status)s.") % {
            "status": mapping.get_status_display().lower()})
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
    trail.record(
        actor=by, action=f"mapping {outcome}", obj=decision, enrolment_id=enrolment.pk,
        object_label=f"{version.title} v{version.number} → {mapping.assessable_item}",
        before={"status": before},
        after={"status": outcome, "feedback": feedback.strip(), **({"own_record": True} if own_record else {})},
    )
    if tell and not own_record:
        notify.decision_made(decision=decision)
    return decision


def refer_feedback_missing(item: AssessableItem) -> str:
    """The error of a referral with no feedback, naming the claim's item."""
    return _("Say what is missing from the claim on %(item)s and how the evidence could show it, so the "
             "candidate knows how to revise it.") % {"item": f"{item.unit.code} {item.code}"}


@transaction.atomic
def mapping_accept(*, mapping: Mapping, by: User) -> Decision:
    """Accept one mapping of a submitted, current version: it now counts towards signing its item off."""
    return _decide(mapping=mapping, by=by, outcome=DecisionOutcome.ACCEPTED, feedback="")


@transaction.atomic
def mapping_refer(*, mapping: Mapping, by: User, feedback: str) -> Decision:
    """Refer one mapping back to the candidate with feedback saying what is missing."""
    if not feedback.strip():
        raise ValidationError({"feedback": refer_feedback_missing(mapping.assessable_item)})
    return _decide(mapping=mapping, by=by, outcome=DecisionOutcome.REFERRED, feedback=feedback)


@transaction.atomic
def mapping_accept_all(*, version: EvidenceVersion, by: User) -> list[Decision]:
    """Accept every claim of `version` still awaiting a decision, all or none, each recorded and audited as a
    single accept is; the candidate gets one email listing them. Claims on items already signed off stay as they are.
    """
    enrolment = version.item.enrolment
    refuse_own_enrolment(enrolment=enrolment, by=by)
    ensure_open(enrolment)
    claimed = list(
        Mapping.objects.select_for_update(of=("self",))
        .filter(version=version, status=MappingStatus.CLAIMED)
        .exclude(assessable_item__in=ItemSignOff.objects.current().filter(enrolment=enrolment)
                 .values("assessable_item"))
        .order_by("assessable_item__unit__order", "assessable_item__order", "pk")
    )
    if not claimed:
        raise ValidationError(
            _("Nothing on this evidence is waiting for a decision: every claim on it has been accepted or "
              "referred already."),
            code="nothing_claimed",
        )
    decisions = [_decide(mapping=mapping, by=by, outcome=DecisionOutcome.ACCEPTED, feedback="", tell=False)
                 for mapping in claimed]
    notify.decisions_accepted(decisions=decisions)
    return decisions


@transaction.atomic
def mapping_add(*, version: EvidenceVersion, assessable_item: AssessableItem, by: User) -> Mapping:
    """Map a submitted version to one more assessable item, on the candidate's behalf."""
    refuse_own_enrolment(enrolment=version.item.enrolment, by=by)
    wanted = set(version.mappings.values_list("assessable_item_id", flat=True))
    if assessable_item.pk in wanted:
        raise ValidationError(_("This evidence is already mapped to %(item)s.") % {"item": assessable_item})
    mappings = evidence_services.mappings_set(
        version=version, assessable_item_ids=wanted | {assessable_item.pk}, by=by
    )
    added = next(m for m in mappings if m.assessable_item_id == assessable_item.pk)
    trail.record(
        actor=by, action="mapping added", obj=added, enrolment_id=version.item.enrolment_id,
        object_label=f"{version.title} v{version.number} → {assessable_item}", after={"status": added.status},
    )
    return added


@transaction.atomic
def mapping_remove(*, mapping: Mapping, by: User) -> None:
    """Remove a claim nobody has judged yet from a version."""
    version = mapping.version
    refuse_own_enrolment(enrolment=version.item.enrolment, by=by)
    label = f"{version.title} v{version.number} → {mapping.assessable_item}"
    remaining = set(version.mappings.exclude(pk=mapping.pk).values_list("assessable_item_id", flat=True))
    evidence_services.mappings_set(version=version, assessable_item_ids=remaining, by=by)
    trail.record(
        actor=by, action="mapping removed", object_type="evidence.Mapping", object_id=mapping.pk,
        object_label=label, enrolment_id=version.item.enrolment_id, before={"status": mapping.status},
    )


@transaction.atomic
def feedback_post(*, evidence: EvidenceItem, by: User, text: str) -> FeedbackMessage:
    """Add a message to the conversation on an evidence item."""
    ensure_open(evidence.enrolment)
    if not text.strip():
        raise ValidationError({"text": _("Write your message before sending it.")})
    return FeedbackMessage.objects.create(
        enrolment_id=evidence.enrolment_id, evidence=evidence, version_id=evidence.current_version_id, author=by,
        text=text.strip(), at=timezone.now(),
    )


def carry_forward(*, version: EvidenceVersion, by: User) -> list[Decision]:
    """On submitting a version after the first: every claim kept unchanged from the version before keeps its
    acceptance there (a decision carried forward, `Decision.carried_from`); returns the decisions carried.

    Only acceptances carry. A claim referred on the version before comes back as claimed, for the assessor to
    judge the revision that answers the referral; a claim new in this version is claimed; a claim the candidate
    took off the draft has nothing to carry. Called inside the submission's transaction (assessments.receivers).
    """
    previous = (
        EvidenceVersion.objects.filter(item_id=version.item_id, number__lt=version.number,
                                       status=VersionStatus.SUBMITTED).order_by("-number").first()
    )
    if previous is None:
        return []
    accepted: dict[int, Decision] = {}
    for decision in Decision.objects.filter(
        mapping__version=previous, mapping__status=MappingStatus.ACCEPTED, outcome=DecisionOutcome.ACCEPTED
    ).order_by("at", "pk"):
        accepted[decision.assessable_item_id] = decision  # the latest acceptance of each claim
    kept = [m for m in version.mappings.select_related("assessable_item")
            if m.assessable_item_id in accepted and m.status == MappingStatus.CLAIMED]
    now = timezone.now()
    carried = []
    for mapping in kept:
        earlier = accepted[mapping.assessable_item_id]
        decision = Decision.objects.create(
            enrolment_id=version.item.enrolment_id, mapping=mapping, version=version,
            assessable_item=mapping.assessable_item, outcome=DecisionOutcome.ACCEPTED, by_id=earlier.by_id, at=now,
            carried_from=earlier,
        )
        mapping.status = MappingStatus.ACCEPTED
        mapping.save(update_fields=["status"])
        trail.record(
            actor=by, action="decision carried forward", obj=decision, enrolment_id=version.item.enrolment_id,
            object_label=f"{version.title} v{version.number} → {mapping.assessable_item}",
            before={"status": MappingStatus.CLAIMED},
            after={"status": MappingStatus.ACCEPTED, "from_version": previous.number, "decision": earlier.pk},
        )
        carried.append(decision)
    return carried


def is_own_record(version: EvidenceVersion) -> bool:
    """Whether `version` is an assessor's own record (observation, professional discussion, questioning)
    submitted by someone who judges its enrolment: its claims then count as assessed by its author."""
    enrolment = version.item.enrolment
    author = version.submitted_by
    if version.item.kind not in ASSESSOR_KINDS or author is None or author.pk == enrolment.candidate_id:
        return False
    return access.may(access.relations_to(author, enrolment), Permission.JUDGE)


def own_record_accept(*, version: EvidenceVersion) -> list[Decision]:
    """Accept the claims of an assessor's own record as its author submits it: no second click.

    Independence holds: the author judges the candidate's performance they observed, questioned or discussed,
    never their own enrolment (the candidate cannot write these kinds, and `refuse_own_enrolment` stands in
    `_decide`); the decisions are the author's, recorded as "mapping accepted" with ``own_record`` in the audit
    trail. Claims on items already signed off stay as they are (their decisions are final). No email: the author
    made them, and the candidate is told of the record by the record itself.
    """
    if not is_own_record(version):
        return []
    author = version.submitted_by
    assert author is not None  # is_own_record checked it
    signed = set(
        ItemSignOff.objects.current().filter(enrolment_id=version.item.enrolment_id)
        .values_list("assessable_item_id", flat=True)
    )
    return [
        _decide(mapping=mapping, by=author, outcome=DecisionOutcome.ACCEPTED, feedback="", own_record=True)
        for mapping in version.mappings.all()
        if mapping.status == MappingStatus.CLAIMED and mapping.assessable_item_id not in signed
    ]
