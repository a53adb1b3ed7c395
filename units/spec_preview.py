"""What the "Qualification specs" preview shows of a checked spec file, before anything is written.

Built from the loader's `SpecCheck` (the parsed `Spec` and the changes against the loaded version) and the
file's own entries (for the number of assessable items per unit): groups, units, every rule in the rules
engine's words on the planner's smallest valid plan, and that plan itself as a sanity check.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from units.planner import Impossible, PlannerError, plan
from units.rules import GroupSpec, RuleSpec, Spec, SpecError, UnitSpec, evaluate
from units.services.specs import SpecCheck
from units.specfile import SpecFile, SpecFileError, read_spec

__all__ = ["Preview", "PathwayPlan", "RuleLine", "UnitRow", "preview_of"]


@dataclass(frozen=True)
class UnitRow:
    unit: UnitSpec
    items: int


@dataclass(frozen=True)
class RuleLine:
    rule: RuleSpec
    met: bool
    status: str
    text: str  # the rules engine's words on the smallest plan, as the rules panel shows them


@dataclass
class PathwayPlan:
    pathway: str | None
    units: tuple[str, ...] = ()
    total: int = 0
    problems: tuple[str, ...] = ()  # why no plan exists (a spec nobody could complete)
    lines: list[RuleLine] = field(default_factory=list)


@dataclass
class Preview:
    spec: Spec
    groups: tuple[GroupSpec, ...]
    units: list[UnitRow]
    plans: list[PathwayPlan]
    changes: tuple[str, ...]
    replaces: bool


def preview_of(check: SpecCheck, content: bytes) -> Preview | None:
    """The preview of a clean check (None when the check found problems)."""
    if check.spec is None:
        return None
    spec = check.spec
    items = _items_per_unit(content)
    return Preview(
        spec=spec,
        groups=spec.groups,
        units=[UnitRow(unit, items[unit.code]) for unit in spec.units],
        plans=[_plan(spec, pathway) for pathway in (spec.pathways or (None,))],
        changes=check.changes,
        replaces=check.replaces,
    )


def _items_per_unit(content: bytes) -> Counter[str]:
    try:
        spec_file: SpecFile = read_spec(content)
    except SpecFileError:
        return Counter()
    counts: Counter[str] = Counter()
    for entry in spec_file.entries:
        unit = entry.fields.get("unit") if entry.model == "units.assessableitem" else None
        if isinstance(unit, list | tuple) and unit:
            counts[str(unit[-1])] += 1
    return counts


def _plan(spec: Spec, pathway: str | None) -> PathwayPlan:
    """The planner's smallest valid plan under `pathway`, and every rule's verdict on it."""
    try:
        found = plan(spec, pathway=pathway)
    except (SpecError, PlannerError) as error:
        return PathwayPlan(pathway, problems=(str(error),))
    if isinstance(found, Impossible):
        return PathwayPlan(pathway, problems=found.reasons)
    evaluation = evaluate(spec, found.units, pathway)
    rules = {rule.identifier: rule for rule in spec.rules}
    lines = []
    for result in evaluation.results:
        status = _("Met") if result.met else (_("Too many") if result.excess else _("Short"))
        text = result.detail or result.message
        lines.append(RuleLine(rules[result.identifier], result.met, status, text[:1].upper() + text[1:]))
    return PathwayPlan(pathway, found.units, found.total, lines=lines)
