"""Named reads of the catalogue for its list page and a standard's parts (the spec page's read is units.outline)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from .models import AssessableItem, Duty, GatewayRequirement, Qualification, QualificationKind


@dataclass(frozen=True)
class CatalogueRow:
    """One version of a qualification or framework as the list shows it; the template reads the row's own fields."""

    qualification: Qualification
    unit_count: int
    is_latest: bool
    has_other_versions: bool

    @property
    def code(self) -> str:
        return self.qualification.code

    @property
    def version(self) -> str:
        return self.qualification.version

    @property
    def title(self) -> str:
        return self.qualification.title

    @property
    def kind(self) -> str:
        return self.qualification.kind

    @property
    def awarding_body(self) -> str:
        return self.qualification.awarding_body

    @property
    def level(self) -> int | None:
        return self.qualification.level


def catalogue_rows() -> list[CatalogueRow]:
    """Every version of every qualification and framework, by title, code and version (two queries)."""
    rows = list(Qualification.objects.annotate(unit_count=Count("units")).order_by("title", "code", "version_order"))
    latest = set(Qualification.objects.latest_versions().values_list("pk", flat=True))
    versions_per_code: dict[str, int] = {}
    for row in rows:
        versions_per_code[row.code] = versions_per_code.get(row.code, 0) + 1
    return [
        CatalogueRow(
            qualification=row,
            unit_count=row.unit_count,
            is_latest=row.pk in latest,
            has_other_versions=versions_per_code[row.code] > 1,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class StandardParts:
    """What an apprenticeship standard adds to its spec page: its duties (each with its KSBs) and its gateway."""

    duties: list[Duty]
    gateway_requirements: list[GatewayRequirement]


def standard_parts(qualification: Qualification) -> StandardParts | None:
    """None for a credit-based qualification or a framework; else three queries whatever the standard's size.

    Each duty's KSBs are in `duty.ksb_list`, in the standard's order.
    """
    if qualification.kind != QualificationKind.STANDARD:
        return None
    duties = list(Duty.objects.filter(qualification=qualification))
    ksbs: dict[int, list[AssessableItem]] = {duty.pk: [] for duty in duties}
    links = Duty.items.through.objects.filter(duty__qualification=qualification).select_related("assessableitem")
    for link in links.order_by("assessableitem__order", "assessableitem__id"):
        ksbs[link.duty_id].append(link.assessableitem)
    for duty in duties:
        duty.ksb_list = ksbs[duty.pk]  # type: ignore[attr-defined]
    requirements = list(GatewayRequirement.objects.filter(qualification=qualification))
    return StandardParts(duties, requirements)
