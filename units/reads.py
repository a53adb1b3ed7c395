"""Named reads of the catalogue for its list page (the spec page's read is units.outline)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from .models import Qualification


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
