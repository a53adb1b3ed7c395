"""Named reads of evidence: the units a candidate maps to, the library, the matrix cells.

Every read is scoped through candidates/access.py and costs a fixed number of
queries whatever the amount of evidence (the tests pin the counts).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from candidates.models import Enrolment, UnitChoice
from evidence.models import (
    EvidenceFile,
    EvidenceItem,
    EvidenceVersion,
    Mapping,
    MappingStatus,
    VersionStatus,
)
from portfolio_site.paging import CountedRows
from portfolio_site.prepared import counted, prepared
from units.cache import keep_units, units_kept
from units.models import AssessableItem, Outcome, Unit

# The reads of the candidate's pages (home, progress, library): the same shapes on every request, so compiled
# once a process (portfolio_site.prepared).
_chosen_units = prepared(lambda enrolment: UnitChoice.objects.filter(enrolment_id=enrolment).values_list(
    "unit_id", flat=True
))


def units_for(enrolment: Enrolment) -> list[Unit]:
    """The units evidence is mapped to: the candidate's chosen units, else every unit of the qualification.

    Each unit has its assessable items prefetched (with their element), in order. Two queries; one once the
    qualification's units are kept (units.cache, shared: never change them).
    """
    read_at, kept = units_kept([enrolment.qualification_id])
    if enrolment.qualification_id in kept:
        chosen = set(_chosen_units(enrolment=enrolment.pk))
        units = kept[enrolment.qualification_id]
        return [unit for unit in units if unit.pk in chosen] or units
    chosen_rows = UnitChoice.objects.filter(enrolment_id=enrolment.pk, unit_id=OuterRef("pk"))
    units = list(
        _units_with_items(Unit.objects.filter(qualification_id=enrolment.qualification_id))
        .annotate(is_chosen=Exists(chosen_rows))
    )
    picked = [unit for unit in units if unit.is_chosen]
    for unit in units:
        del unit.is_chosen  # this enrolment's: the kept units are every reader's
    keep_units(read_at, {enrolment.qualification_id: units})
    return picked or units


def _units_with_items(units: QuerySet[Unit]) -> QuerySet[Unit]:
    items = AssessableItem.objects.select_related("outcome", "criterion").order_by("order", "pk")
    return units.prefetch_related(Prefetch("items", queryset=items)).order_by("order", "code")


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
    "draft": gettext_lazy("Draft"),
    "submitted": gettext_lazy("Submitted"),
    "referred": gettext_lazy("Has a referral"),
    "accepted": gettext_lazy("Has an acceptance"),
    "unmapped": gettext_lazy("Not mapped yet"),
}


def _library_of(enrolment: int) -> QuerySet[EvidenceItem]:
    """The enrolment `enrolment`'s evidence items, newest first; each with its current version and file count."""
    file_counts = (
        EvidenceFile.objects.filter(version_id=OuterRef("current_version_id"))
        .order_by().values("version_id").annotate(n=Count("pk")).values("n")
    )
    return (
        EvidenceItem.objects.filter(enrolment_id=enrolment)
        .select_related("current_version")
        .defer("current_version__text")
        # A correlated count, not a JOIN + GROUP BY: the page query and its COUNT stay plain over 1,000s of items.
        .annotate(file_count=Coalesce(Subquery(file_counts, output_field=IntegerField()), 0))
        .order_by("-current_version__date", "-pk")
    )


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
    items = _library_of(enrolment.pk)
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


#: The unfiltered library's pages that start before this row are prepared reads (a page's offset and size are part
#: of its SQL, not parameters: compiled once each, as `fixed` values); pages further on are read through the ORM.
PREPARED_LIBRARY_ROWS = 200

_library_count = prepared(lambda enrolment: counted(EvidenceItem.objects.filter(enrolment_id=enrolment)))
_library_page = prepared(lambda start, stop, enrolment: _library_of(enrolment)[start:stop])


class LibraryRows(CountedRows):
    """`library(enrolment)` unfiltered, for a Paginator of `size` a page: its count and its first pages are
    prepared reads, the rows (and queries) the queryset gives."""

    def __init__(self, enrolment: Enrolment, size: int) -> None:
        # The queryset is built only for what the prepared reads do not serve (`__getitem__`).
        super().__init__(None, lambda: _library_count(enrolment=enrolment.pk)[0])
        self.enrolment = enrolment
        self.size = size

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, slice):
            return library(self.enrolment)[index]
        start, stop, size = index.start or 0, index.stop, self.size
        # A page (the last one is cut short by the count): read as a whole page, one compiled read an offset.
        if (index.step is not None or stop is None or start % size or not start < stop <= start + size
                or start >= PREPARED_LIBRARY_ROWS):
            return list(library(self.enrolment)[index])
        return _library_page(fixed={"start": start, "stop": start + size}, enrolment=self.enrolment.pk)[:stop - start]


@dataclass(frozen=True)
class MappedItem:
    """What the library shows of one mapping: "A1 1.2", and its status."""

    unit_code: str
    code: str
    status: str


_mapped = prepared(lambda versions: (
    Mapping.objects.filter(version_id__in=versions)
    .order_by("assessable_item__unit__order", "assessable_item__unit__code", "assessable_item__order")
    .values_list("version_id", "assessable_item__unit__code", "assessable_item__code", "status")
))


def attach_mappings(items: Iterable[EvidenceItem]) -> None:
    """Set `item.mapped` (a list of MappedItem, in unit and item order) on each item, in one light query."""
    items = list(items)
    # A version's id is missing only between an item's creation and its first version: no mapping either.
    rows = _mapped(versions=[item.current_version_id for item in items if item.current_version_id is not None])
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


#: The status a claim of a draft version counts as: not yet before the assessor (never "claimed, awaiting review").
DRAFT_CLAIM = "draft"


def _counted_mappings() -> Q:
    """The mappings that say where an item stands: those of each current version that is submitted; while the
    current version is a draft, those of the version before it (still what the assessor judged) and the draft's."""
    return Q(version__current_of__isnull=False) | Q(
        version__item__current_version__status=VersionStatus.DRAFT,
        version__number=F("version__item__current_version__number") - 1,
    )


def _count_claims(rows: Iterable[tuple[int, int, int, str, str]]) -> dict[int, dict[int, dict[str, int]]]:
    """{enrolment: {assessable item: {status: evidence items}}} from (enrolment, evidence item, assessable item,
    version status, mapping status) rows of `_counted_mappings()`: a claim only in a draft counts as DRAFT_CLAIM;
    one also in the submitted version before counts with that version's status."""
    submitted: dict[tuple[int, int, int], str] = {}
    drafted: set[tuple[int, int, int]] = set()
    for enrolment_id, evidence_id, item_id, version_status, status in rows:
        key = (enrolment_id, evidence_id, item_id)
        if version_status == VersionStatus.DRAFT:
            drafted.add(key)
        else:
            submitted[key] = status
    claims = {**{key: DRAFT_CLAIM for key in drafted}, **submitted}
    counts: dict[int, dict[int, dict[str, int]]] = {}
    for (enrolment_id, _evidence_id, item_id), status in claims.items():
        by_status = counts.setdefault(enrolment_id, {}).setdefault(item_id, {})
        by_status[status] = by_status.get(status, 0) + 1
    return counts


def _claim_rows(mappings: QuerySet[Mapping]) -> Iterable[tuple[int, int, int, str, str]]:
    return mappings.filter(_counted_mappings()).order_by().values_list(
        "version__item__enrolment_id", "version__item_id", "assessable_item_id", "version__status", "status"
    )


_claims_of_one = prepared(lambda enrolment: _claim_rows(
    Mapping.objects.filter(version__item__enrolment_id=enrolment)
))
_claims_of = prepared(lambda own: _claim_rows(Mapping.objects.filter(version__item__enrolment_id__in=own)))
_chosen_of = prepared(lambda own: (
    UnitChoice.objects.filter(enrolment_id__in=own).values_list("enrolment_id", "unit_id")
))


def mapping_counts(enrolment: Enrolment) -> dict[int, dict[str, int]]:
    """For each assessable item: how many evidence items map to it, by status (DRAFT_CLAIM: only in a draft).

    An item revised in a draft version still counts with the decisions on its submitted version. One query.
    """
    rows = _claims_of_one(enrolment=enrolment.pk)
    return _count_claims(rows).get(enrolment.pk, {})


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
    """The tracking matrix of each enrolment, by enrolment pk: four queries however many enrolments there are
    (two once their qualifications' units are kept, units.cache).

    Units (with items) per qualification, the chosen units, and the mapping counts are each read once for all.
    """
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    qualifications = {e.qualification_id for e in enrolments}
    read_at, units_by_qualification = units_kept(qualifications)
    missing = qualifications - set(units_by_qualification)
    if missing:
        read: dict[int, list[Unit]] = {pk: [] for pk in missing}
        for unit in _units_with_items(Unit.objects.filter(qualification_id__in=missing)):
            read[unit.qualification_id].append(unit)
        keep_units(read_at, read)
        units_by_qualification.update(read)
    own = [enrolment.pk for enrolment in enrolments]
    chosen: dict[int, set[int]] = {}
    for enrolment_id, unit_id in _chosen_of(own=own):
        chosen.setdefault(enrolment_id, set()).add(unit_id)
    counts = _count_claims(_claims_of(own=own))
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


_recent = prepared(lambda limit, own: (
    EvidenceVersion.objects.filter(item__enrolment_id__in=own).select_related("item").defer("text")
    .order_by("-updated_at", "-pk")[:limit]
))


def recent_versions(enrolments: Iterable[Enrolment], *, limit: int = 8) -> list[EvidenceVersion]:
    """The latest changed versions of these enrolments' evidence, newest first, each with its item (not its text:
    the home page lists titles). One query; the limit is part of the SQL (`fixed`)."""
    return _recent(fixed={"limit": limit}, own=[enrolment.pk for enrolment in enrolments])


# --------------------------------------------------------------------------- what changed between versions


@dataclass(frozen=True)
class TextPart:
    """A run of words of a version's text: `change` is "added", "removed" or "" (the same in both versions)."""

    change: str
    text: str


@dataclass
class VersionChanges:
    """What changed from the version before to this one: its words, its files and its claims."""

    previous: EvidenceVersion
    title_changed: bool
    date_changed: bool
    text: list[TextPart]
    files_added: list[EvidenceFile]
    files_removed: list[EvidenceFile]
    files_kept: list[EvidenceFile]
    items_added: list[AssessableItem]
    items_removed: list[AssessableItem]
    items_kept: list[AssessableItem]

    @property
    def text_changed(self) -> bool:
        return any(part.change for part in self.text)

    @property
    def anything(self) -> bool:
        return bool(self.title_changed or self.date_changed or self.text_changed or self.files_added
                    or self.files_removed or self.items_added or self.items_removed)


def text_diff(before: str, after: str) -> list[TextPart]:
    """`after` against `before`, word by word: runs of words kept, removed and added, in reading order."""
    old, new = before.split(), after.split()
    parts: list[TextPart] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(TextPart("", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(TextPart("removed", " ".join(old[i1:i2])))
        if j2 > j1:
            parts.append(TextPart("added", " ".join(new[j1:j2])))
    return parts


def version_changes(version: EvidenceVersion) -> VersionChanges | None:
    """What changed since the version before `version` (None for a first version). Five queries."""
    previous = (
        EvidenceVersion.objects.filter(item_id=version.item_id, number__lt=version.number)
        .order_by("-number").first()
    )
    if previous is None:
        return None
    files = list(EvidenceFile.objects.filter(version__in=[previous, version]).order_by("original_name", "pk"))
    old_files = {f.sha256: f for f in files if f.version_id == previous.pk}
    new_files = {f.sha256: f for f in files if f.version_id == version.pk}
    mappings = list(
        Mapping.objects.filter(version__in=[previous, version]).select_related("assessable_item__unit")
    )
    old_items = {m.assessable_item_id: m.assessable_item for m in mappings if m.version_id == previous.pk}
    new_items = {m.assessable_item_id: m.assessable_item for m in mappings if m.version_id == version.pk}
    return VersionChanges(
        previous=previous,
        title_changed=previous.title != version.title,
        date_changed=previous.date != version.date,
        text=text_diff(previous.text, version.text),
        files_added=[f for sha, f in new_files.items() if sha not in old_files],
        files_removed=[f for sha, f in old_files.items() if sha not in new_files],
        files_kept=[f for sha, f in new_files.items() if sha in old_files],
        items_added=[item for pk, item in new_items.items() if pk not in old_items],
        items_removed=[item for pk, item in old_items.items() if pk not in new_items],
        items_kept=[item for pk, item in new_items.items() if pk in old_items],
    )


def previous_statuses(version: EvidenceVersion) -> dict[int, str]:
    """{assessable item: status} of the claims of the version before `version` ({} for a first version). One query."""
    if version.number <= 1:
        return {}
    return dict(
        Mapping.objects.filter(version__item_id=version.item_id, version__number=version.number - 1)
        .values_list("assessable_item_id", "status")
    )

