"""Assessment data built through the services, for tests of every app (and the permission walk)."""

from __future__ import annotations

from assessments.models import UnitSignOff
from candidates.models import Enrolment, User
from evidence import services as evidence_services
from evidence.models import EvidenceItem, EvidenceKind, Mapping
from tests.evidence.evidence_factories import make_evidence
from units.models import AssessableItem, Unit


def items_of(enrolment: Enrolment, unit_code: str) -> list[AssessableItem]:
    return list(AssessableItem.objects.filter(unit__qualification=enrolment.qualification, unit__code=unit_code)
                .order_by("order", "pk"))


def unit_of(enrolment: Enrolment, unit_code: str) -> Unit:
    return Unit.objects.get(qualification=enrolment.qualification, code=unit_code)


def submitted_evidence(
    enrolment: Enrolment, items: list[AssessableItem], *, by: User | None = None, with_file: bool = True,
    kind: str = EvidenceKind.WORK_PRODUCT, title: str = "Reply to a complaint", **fields: object,
) -> EvidenceItem:
    """A submitted evidence item (a PNG by default) mapped to `items`, through the evidence services; `fields` go
    to its first version (e.g. a testimony's witness)."""
    author = by or enrolment.candidate
    item = make_evidence(enrolment, by=author, kind=kind, with_file=with_file, title=title, **fields)
    evidence_services.mappings_set(version=item.current_version, assessable_item_ids=[i.pk for i in items], by=author)
    evidence_services.version_submit(version=item.current_version, by=author)
    item.refresh_from_db()
    return item


def mapping_of(evidence: EvidenceItem, item: AssessableItem) -> Mapping:
    return Mapping.objects.get(version=evidence.current_version, assessable_item=item)


def accepted_evidence(enrolment: Enrolment, items: list[AssessableItem], *, assessor: User) -> EvidenceItem:
    """Submitted evidence with every mapping accepted by `assessor`."""
    from assessments import services

    evidence = submitted_evidence(enrolment, items)
    for item in items:
        services.mapping_accept(mapping=mapping_of(evidence, item), by=assessor)
    return evidence


def signed_unit(enrolment: Enrolment, unit_code: str, *, assessor: User) -> UnitSignOff:
    """A unit with every item accepted and signed off, the learner declaration made, and the unit signed off."""
    from assessments import services

    unit = unit_of(enrolment, unit_code)
    items = items_of(enrolment, unit_code)
    accepted_evidence(enrolment, items, assessor=assessor)
    for item in items:
        services.item_sign_off(enrolment=enrolment, assessable_item=item, by=assessor)
    services.learner_declare(enrolment=enrolment, unit=unit, by=enrolment.candidate)
    return services.unit_sign_off(enrolment=enrolment, unit=unit, by=assessor)
