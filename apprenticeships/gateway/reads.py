"""The gateway of one enrolment as its page and pack show it: the facts gathered, each requirement judged, the
content the declaration pins, and the signatures (valid or void). Nine queries, however many KSBs, evidence,
records and signatures there are."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum

from assessments.models import ItemSignOff
from candidates.models import Enrolment
from evidence.models import Mapping, MappingStatus, VersionStatus
from evidence.reads import _counted_mappings
from units.models import AssessableItem, GatewayRequirement, QualificationKind

from .. import services as otj
from ..models import Achievement, EntryStatus, OtjEntry, OtjPlan
from ..reads import hours
from ..signing import Party, content_hash
from . import evaluate
from .evaluate import EvidenceNote, Facts, Gateway, Ksb, Record, Requirement

#: The parties in the order the page and the pack list them.
PARTIES = (Party.EMPLOYER, Party.CANDIDATE, Party.PROVIDER)


@dataclass(frozen=True)
class SignatureView:
    """A signature as shown: the row, and whether it is void (the content changed after it was given)."""

    party: str
    party_label: str
    signed_by: str
    signed_at: datetime.datetime
    content_hash: str
    void: bool


@dataclass
class GatewayView:
    """Everything the gateway page and the pack show of one enrolment."""

    enrolment: Enrolment
    is_standard: bool
    plan: OtjPlan | None = None
    facts: Facts | None = None
    gateway: Gateway = field(default_factory=Gateway)
    achievements: list[Achievement] = field(default_factory=list)
    content: dict[str, object] = field(default_factory=dict)
    content_hash: str = ""
    signatures: list[SignatureView] = field(default_factory=list)

    @property
    def valid_by_party(self) -> dict[str, SignatureView]:
        """The valid signature of each party that has one (its latest)."""
        return {s.party: s for s in self.signatures if not s.void}

    @property
    def parties(self) -> list[tuple[str, str, SignatureView | None]]:
        """(party, its label, its valid signature or None) for each party, in order."""
        valid = self.valid_by_party
        return [(party.value, str(party.label), valid.get(party.value)) for party in PARTIES]

    @property
    def all_signed(self) -> bool:
        return self.gateway.all_met and all(party in self.valid_by_party for party in Party.values)

    @property
    def ksbs_by_group(self) -> list[tuple[str, list[Ksb]]]:
        groups: dict[str, list[Ksb]] = defaultdict(list)
        for ksb in self.facts.ksbs if self.facts else ():
            groups[ksb.group].append(ksb)
        return list(groups.items())


def is_standard(enrolment: Enrolment) -> bool:
    return enrolment.qualification.kind == QualificationKind.STANDARD


def _ksbs(enrolment: Enrolment) -> tuple[Ksb, ...]:
    """The standard's KSBs with their accepted evidence and current sign-offs (three queries)."""
    items = list(AssessableItem.objects.filter(unit__qualification_id=enrolment.qualification_id)
                 .select_related("outcome").order_by("unit__order", "order", "pk"))
    evidence: dict[int, list[EvidenceNote]] = defaultdict(list)
    for item_id, title, date in (
        Mapping.objects.filter(version__item__enrolment_id=enrolment.pk, status=MappingStatus.ACCEPTED,
                               version__status=VersionStatus.SUBMITTED)
        .filter(_counted_mappings()).order_by("version__date", "pk")
        .values_list("assessable_item_id", "version__title", "version__date")
    ):
        evidence[item_id].append(EvidenceNote(title=title, date=date))
    sign_offs = {s.assessable_item_id: s for s in
                 ItemSignOff.objects.current().filter(enrolment_id=enrolment.pk).select_related("by")}
    ksbs = []
    for item in items:
        sign_off = sign_offs.get(item.pk)
        ksbs.append(Ksb(code=item.code, group=item.outcome.code if item.outcome else "", text=item.text,
                        evidence=tuple(evidence.get(item.pk, ())),
                        signed_off_on=sign_off.at.date() if sign_off else None,
                        signed_off_by=str(sign_off.by) if sign_off else ""))
    return tuple(ksbs)


def records_of(achievements: list[Achievement]) -> tuple[Record, ...]:
    return tuple(Record(kind=a.kind, level=a.level, title=a.title, achieved_on=a.achieved_on,
                        evidenced_by=a.evidenced_by) for a in achievements)


def gateway_of(enrolment: Enrolment, today: datetime.date) -> GatewayView:
    """The enrolment's gateway judged on `today`, with its signatures; for a qualification that is not a
    standard, a view that says so (no query)."""
    if not is_standard(enrolment):
        return GatewayView(enrolment=enrolment, is_standard=False)
    requirements = [Requirement(code=r.code, kind=r.kind, value=r.value, text=r.text)
                    for r in GatewayRequirement.objects.filter(qualification_id=enrolment.qualification_id)]
    plan = OtjPlan.objects.select_related("rule").filter(enrolment_id=enrolment.pk).first()
    verified = OtjEntry.objects.filter(enrolment_id=enrolment.pk, status=EntryStatus.VERIFIED).aggregate(
        minutes=Sum("minutes"))["minutes"] or 0
    achievements = list(Achievement.objects.filter(enrolment_id=enrolment.pk).select_related("recorded_by"))
    records = records_of(achievements)
    facts = Facts(today=today, programme_start=plan.planned_start if plan else None,
                  otj_minimum=otj.plan_minimum(plan) if plan else None, otj_verified=hours(verified),
                  records=records, ksbs=_ksbs(enrolment))
    gateway = evaluate.evaluate(requirements, facts)
    content = evaluate.declaration_content(
        enrolment_id=enrolment.pk, qualification=f"{enrolment.qualification.code} {enrolment.qualification.version}",
        gateway=gateway, records=records)
    digest = content_hash(content)
    signatures = [
        SignatureView(party=s.party, party_label=str(s.get_party_display()), signed_by=str(s.signed_by),
                      signed_at=s.signed_at, content_hash=s.content_hash, void=s.content_hash != digest)
        for s in enrolment.gateway_signatures.select_related("signed_by").order_by("signed_at", "pk")
    ]
    return GatewayView(enrolment=enrolment, is_standard=True, plan=plan, facts=facts, gateway=gateway,
                       achievements=achievements, content=content, content_hash=digest, signatures=signatures)
