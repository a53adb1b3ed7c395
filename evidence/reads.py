"""Named reads of evidence: the units a candidate maps to, the library, the matrix cells.

Every read is scoped through candidates/access.py and costs a fixed number of
queries whatever the amount of evidence (the tests pin the counts).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from candidates.models import Enrolment, UnitChoice
from evidence.models import (
    EvidenceFile,
    EvidenceItem,
    EvidenceVersion,
    Mapping,
    MappingStatus,
    VersionStatus,
)
from units.models import AssessableItem, Outcome, Unit


def units_for(enrolment: Enrolment) -> list[Unit]:
    """The units evidence is mapped to: the candidate's chosen units, else every unit of the qualification.

    Each unit has its assessable items prefetched (with their element), in order. Two queries.
    """
    chosen = UnitChoice.objects.filter(enrolment_id=enrolment.pk, unit_id=OuterRef("pk"))
    items = AssessableItem.objects.select_related("outcome", "criterion").order_by("order", "pk")
    units = list(
        Unit.objects.filter(qualification_id=enrolment.qualification_id)
        .annotate(is_chosen=Exists(chosen))
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("order", "code")
    )
    picked = [unit for unit in units if unit.is_chosen]
    return picked or units


def mappable_items(enrolment: Enrolment) -> list[AssessableItem]:
    """Every assessable item of `units_for(enrolment)`."""
    return [item for unit in units_for(enrolment) for item in unit.assessable_items()]


@dataclass
class ElementGroup:
    """The items of one element (outcome) of a unit, for the mapping tree; `outcome` is None for unit-level items."""

    outcome: Outcome | None
    items: list[AssessableItem] = field(default_factory=list)


def unit_tree(unit: Unit) -> list[ElementGroup]:
    """A unit's assessable items grouped by element, in order: criteria under their element, else flat."""
    groups: list[ElementGroup] = []
    for item in unit.assessable_items():
        # Items that are the elements themselves (seed 002) need no heading of their own.
        outcome = item.outcome if item.criterion_id else None
        if not groups or groups[-1].outcome != outcome:
            groups.append(ElementGroup(outcome=outcome))
        groups[-1].items.append(item)
    return groups


LIBRARY_STATUSES = {
    "draft": "Draft",
    "submitted": "Submitted",
    "referred": "Has a referral",
    "accepted": "Has an acceptance",
    "unmapped": "Not mapped yet",
}


def library(
    enrolment: Enrolment,
    *,
    kind: str = "",
    unit_id: int | None = None,
    assessable_item_id: int | None = None,
    status: str = "",
    text: str = "",
) -> QuerySet[EvidenceItem]:
    """The enrolment's evidence items, newest first, filtered; each with its current version and file count.

    One query per page whatever the page size; `attach_mappings(page)` adds the mappings in one more.
    """
    file_counts = (
        EvidenceFile.objects.filter(version_id=OuterRef("current_version_id"))
        .order_by().values("version_id").annotate(n=Count("pk")).values("n")
    )
    items = (
        EvidenceItem.objects.of_enrolment(enrolment)
        .select_related("current_version")
        .defer("current_version__text")
        # A correlated count, not a JOIN + GROUP BY: the page query and its COUNT stay plain over 1,000s of items.
        .annotate(file_count=Coalesce(Subquery(file_counts, output_field=IntegerField()), 0))
        .order_by("-current_version__date", "-pk")
    )
    if kind:
        items = items.filter(kind=kind)
    if unit_id:
        items = items.mapped_to_unit(unit_id)
    if assessable_item_id:
        items = items.mapped_to_item(assessable_item_id)
    if status in (VersionStatus.DRAFT, VersionStatus.SUBMITTED):
        items = items.filter(current_version__status=status)
    elif status in (MappingStatus.REFERRED, MappingStatus.ACCEPTED):
        items = items.filter(
            Exists(Mapping.objects.filter(version_id=OuterRef("current_version_id"), status=status))
        )
    elif status == "unmapped":
        items = items.exclude(Exists(Mapping.objects.filter(version_id=OuterRef("current_version_id"))))
    if text.strip():
        items = items.search(text.strip())
    return items


@dataclass(frozen=True)
class MappedItem:
    """What the library shows of one mapping: "A1 1.2", and its status."""

    unit_code: str
    code: str
    status: str


def attach_mappings(items: Iterable[EvidenceItem]) -> None:
    """Set `item.mapped` (a list of MappedItem, in unit and item order) on each item, in one light query."""
    items = list(items)
    rows = (
        Mapping.objects.filter(version_id__in=[item.current_version_id for item in items])
        .order_by("assessable_item__unit__order", "assessable_item__unit__code", "assessable_item__order")
        .values_list("version_id", "assessable_item__unit__code", "assessable_item__code", "status")
    )
    by_version: dict[int, list[MappedItem]] = {}
    for version_id, unit_code, code, status in rows:
        by_version.setdefault(version_id, []).append(MappedItem(unit_code, code, status))
    for item in items:
        # A per-page attribute the library template reads; the model has no field for it.
        item.mapped = by_version.get(item.current_version_id, [])  # type: ignore[attr-defined]


@dataclass
class Cell:
    """What the evidence says about one assessable item: how many pieces map to it, and their best state."""

    item: AssessableItem
    counts: dict[str, int] = field(default_factory=dict)
    # What the matrix page shows, once it has weighed sign-offs against the counts (assessments/views/matrix.py).
    state: str = ""
    label: str = ""
    symbol: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def status(self) -> str:
        """accepted when some evidence was accepted; else referred, else claimed; none without evidence."""
        return MappingStatus.strongest(self.counts)


@dataclass
class UnitRow:
    unit: Unit
    cells: list[Cell]

    @property
    def covered(self) -> int:
        """Items with at least one piece of evidence mapped."""
        return sum(1 for cell in self.cells if cell.total)

    @property
    def accepted(self) -> int:
        return sum(1 for cell in self.cells if cell.status == MappingStatus.ACCEPTED)


def mapping_counts(enrolment: Enrolment) -> dict[int, dict[str, int]]:
    """For each assessable item: how many evidence items' current versions map to it, by mapping status. One query."""
    rows = (
        Mapping.objects.filter(version__item__enrolment_id=enrolment.pk, version__current_of__isnull=False)
        .values("assessable_item_id", "status")
        .annotate(pieces=Count("version_id", distinct=True))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["assessable_item_id"], {})[row["status"]] = row["pieces"]
    return counts


def matrix(enrolment: Enrolment, units: Iterable[Unit] | None = None) -> list[UnitRow]:
    """The tracking matrix: the candidate's units x their assessable items, each cell with its evidence.

    Three queries (units, items, mapping counts); pass `units` already read to save two.
    """
    counts = mapping_counts(enrolment)
    return [
        UnitRow(unit=unit, cells=[Cell(item=item, counts=counts.get(item.pk, {})) for item in unit.assessable_items()])
        for unit in (units if units is not None else units_for(enrolment))
    ]


def matrices(enrolments: Iterable[Enrolment]) -> dict[int, list[UnitRow]]:
    """The tracking matrix of each enrolment, by enrolment pk: four queries however many enrolments there are.

    Units (with items) per qualification, the chosen units, and the mapping counts are each read once for all.
    """
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    items = AssessableItem.objects.select_related("outcome", "criterion").order_by("order", "pk")
    units_by_qualification: dict[int, list[Unit]] = {}
    for unit in (
        Unit.objects.filter(qualification_id__in={e.qualification_id for e in enrolments})
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("order", "code")
    ):
        units_by_qualification.setdefault(unit.qualification_id, []).append(unit)
    chosen: dict[int, set[int]] = {}
    for enrolment_id, unit_id in UnitChoice.objects.filter(enrolment__in=enrolments).values_list(
        "enrolment_id", "unit_id"
    ):
        chosen.setdefault(enrolment_id, set()).add(unit_id)
    counts: dict[int, dict[int, dict[str, int]]] = {}
    for row in (
        Mapping.objects.filter(version__item__enrolment__in=enrolments, version__current_of__isnull=False)
        .values("version__item__enrolment_id", "assessable_item_id", "status")
        .annotate(pieces=Count("version_id", distinct=True))
        .order_by()
    ):
        by_item = counts.setdefault(row["version__item__enrolment_id"], {})
        by_item.setdefault(row["assessable_item_id"], {})[row["status"]] = row["pieces"]
    result: dict[int, list[UnitRow]] = {}
    for enrolment in enrolments:
        units = units_by_qualification.get(enrolment.qualification_id, [])
        picked = [unit for unit in units if unit.pk in chosen.get(enrolment.pk, ())]
        own = counts.get(enrolment.pk, {})
        result[enrolment.pk] = [
            UnitRow(unit=unit, cells=[Cell(item=item, counts=own.get(item.pk, {})) for item in unit.assessable_items()])
            for unit in (picked or units)
        ]
    return result


def units_with_evidence(enrolment: Enrolment) -> list[str]:
    """Codes of the units some current evidence version of this enrolment maps to, in spec order. One query."""
    return list(
        Unit.objects.filter(
            items__mappings__version__item__enrolment_id=enrolment.pk,
            items__mappings__version__current_of__isnull=False,
        )
        .order_by("order", "code")
        .values_list("code", flat=True)
        .distinct()
    )


def recent_versions(enrolments: Iterable[Enrolment], *, limit: int = 8) -> list[EvidenceVersion]:
    """The latest changed versions of these enrolments' evidence, newest first. One query."""
    return list(
        EvidenceVersion.objects.filter(item__enrolment__in=list(enrolments))
        .select_related("item", "item__enrolment__qualification", "submitted_by", "created_by")
        .order_by("-updated_at", "-pk")[:limit]
    )
