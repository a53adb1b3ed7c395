"""A whole spec read for display, in a fixed number of queries whatever its size.

`outline_for(qualification)` runs eight queries (groups, units, outcomes,
criteria, pathways, rules and the rules' groups and units) and wires the rows
together in Python, so a page showing a 15-unit spec costs the same as one
showing a 1-unit spec. The rows come wrapped in small dataclasses
(`GroupEntry`, `UnitEntry`, `OutcomeEntry`) that carry what was wired, and
show the templates the row's own fields under the same names.

What counts as "mandatory" here is for display only; the rules engine
(`units.rules`) is what judges a candidate's choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from units.rules.scope import covered, group_members

from .models import Criterion, Group, Outcome, Pathway, Qualification, Rule, RuleKind, Unit, ValueName


@dataclass
class OutcomeEntry:
    """An outcome (element, learning outcome or level) and its criteria, in spec order."""

    outcome: Outcome
    criterion_list: list[Criterion] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.outcome.code

    @property
    def title(self) -> str:
        return self.outcome.title

    @property
    def description(self) -> str:
        return self.outcome.description


@dataclass
class UnitEntry:
    """A unit, its outcomes, and whether a mandatory rule covers it for every pathway or for some."""

    unit: Unit
    outcome_list: list[OutcomeEntry] = field(default_factory=list)
    mandatory: bool = False
    mandatory_pathways: list[str] = field(default_factory=list)  # pathway names, in rule order

    @property
    def pk(self) -> int:
        return self.unit.pk

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def title(self) -> str:
        return self.unit.title

    @property
    def description(self) -> str:
        return self.unit.description

    @property
    def level(self) -> int | None:
        return self.unit.level

    @property
    def value(self) -> int:
        return self.unit.value

    @property
    def glh(self) -> int | None:
        return self.unit.glh

    @property
    def tqt(self) -> int | None:
        return self.unit.tqt

    @property
    def criterion_count(self) -> int:
        return sum(len(outcome.criterion_list) for outcome in self.outcome_list)


@dataclass
class GroupEntry:
    """A group, its sub-groups and its own units (not its sub-groups'), in spec order."""

    group: Group
    subgroup_list: list[GroupEntry] = field(default_factory=list)
    unit_list: list[UnitEntry] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.group.pk

    @property
    def code(self) -> str:
        return self.group.code

    @property
    def title(self) -> str:
        return self.group.title

    @property
    def description(self) -> str:
        return self.group.description


@dataclass
class PathwayRules:
    pathway: Pathway
    rules: list[Rule]


@dataclass
class Outline:
    qualification: Qualification
    groups: list[GroupEntry]  # top-level groups
    units: list[UnitEntry]  # every unit, in spec order
    ungrouped_units: list[UnitEntry]
    general_rules: list[Rule]  # rules that apply whichever pathway is followed
    pathway_rules: list[PathwayRules]
    outcome_word: str = "element"
    unit_word: str = "unit"
    totals: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def shows_value(self) -> bool:
        return self.qualification.value_name != ValueName.NONE

    @property
    def shows_glh(self) -> bool:
        return "glh" in self.totals

    @property
    def shows_tqt(self) -> bool:
        return "tqt" in self.totals


def value_label(value: int, value_name: str) -> str:
    """'6 credits', '1 credit', '20 unit values'; '' where the spec counts units."""
    if value_name == ValueName.NONE:
        return ""
    word = value_name if value != 1 else value_name.removesuffix("s")
    return f"{value} {word}"


def outline_for(qualification: Qualification) -> Outline:
    """Every group, unit, outcome, criterion, pathway and rule of a spec, wired together in eight queries."""
    q = qualification
    groups = [GroupEntry(group) for group in Group.objects.filter(qualification=q)]
    units = [UnitEntry(unit) for unit in Unit.objects.filter(qualification=q)]
    outcomes = list(Outcome.objects.filter(unit__qualification=q))
    criteria = list(Criterion.objects.filter(outcome__unit__qualification=q))
    pathways = list(Pathway.objects.filter(qualification=q))
    rules = list(Rule.objects.filter(qualification=q))
    rule_groups = list(Rule.groups.through.objects.filter(rule__qualification=q).values_list("rule_id", "group_id"))
    rule_units = list(Rule.units.through.objects.filter(rule__qualification=q).values_list("rule_id", "unit_id"))

    top_groups, ungrouped = _wire_groups(groups, units)
    _wire_outcomes(units, outcomes, criteria)
    _mark_mandatory(rules, groups, units, rule_groups, rule_units, {pathway.pk: pathway.name for pathway in pathways})
    framework = q.kind == "framework"
    return Outline(
        qualification=q,
        groups=top_groups,
        units=units,
        ungrouped_units=ungrouped,
        general_rules=[rule for rule in rules if rule.pathway_id is None],
        pathway_rules=[
            PathwayRules(pathway, [rule for rule in rules if rule.pathway_id == pathway.pk]) for pathway in pathways
        ],
        outcome_word="level" if framework else ("learning outcome" if criteria else "element"),
        unit_word="skill" if framework else "unit",
        totals=_totals(units),
    )


def _wire_groups(groups: list[GroupEntry], units: list[UnitEntry]) -> tuple[list[GroupEntry], list[UnitEntry]]:
    """Sub-groups and units under their groups; the top-level groups and the ungrouped units."""
    groups_by_id = {entry.pk: entry for entry in groups}
    top_groups: list[GroupEntry] = []
    for entry in groups:
        parent_id = entry.group.parent_id
        parent = None if parent_id is None else groups_by_id.get(parent_id)
        if parent is not None:
            parent.subgroup_list.append(entry)
        else:
            top_groups.append(entry)
    ungrouped: list[UnitEntry] = []
    for unit in units:
        group_id = unit.unit.group_id
        group = None if group_id is None else groups_by_id.get(group_id)
        if group is not None:
            group.unit_list.append(unit)
        else:
            ungrouped.append(unit)
    return top_groups, ungrouped


def _wire_outcomes(units: list[UnitEntry], outcomes: list[Outcome], criteria: list[Criterion]) -> None:
    units_by_id = {unit.pk: unit for unit in units}
    outcomes_by_id: dict[int, OutcomeEntry] = {}
    for outcome in outcomes:
        entry = outcomes_by_id[outcome.pk] = OutcomeEntry(outcome)
        units_by_id[outcome.unit_id].outcome_list.append(entry)
    for criterion in criteria:
        outcomes_by_id[criterion.outcome_id].criterion_list.append(criterion)


def _mark_mandatory(
    rules: list[Rule],
    groups: list[GroupEntry],
    units: list[UnitEntry],
    rule_groups: list[tuple[int, int]],
    rule_units: list[tuple[int, int]],
    pathway_names: dict[int, str],
) -> None:
    """Flag the units in a mandatory rule's scope (the rules engine's definition), for every or some pathways."""
    position = {unit.pk: i for i, unit in enumerate(units)}
    members = group_members({entry.pk: entry.group.parent_id for entry in groups}, [u.unit.group_id for u in units])
    listed: dict[int, list[int]] = {}
    for rule_id, unit_id in rule_units:
        listed.setdefault(rule_id, []).append(position[unit_id])
    pooled: dict[int, list[int]] = {}
    for rule_id, group_id in rule_groups:
        pooled.setdefault(rule_id, []).append(group_id)
    for rule in rules:
        if rule.kind != RuleKind.MANDATORY:
            continue
        for i in covered(listed.get(rule.pk, []), pooled.get(rule.pk, []), members, len(units)):
            _mark(units[i], None if rule.pathway_id is None else pathway_names[rule.pathway_id])


def _mark(unit: UnitEntry, pathway: str | None) -> None:
    if pathway is None:
        unit.mandatory = True
    elif pathway not in unit.mandatory_pathways:
        unit.mandatory_pathways.append(pathway)


def _totals(units: list[UnitEntry]) -> dict[str, dict[str, int]]:
    """GLH and TQT: over all units and the mandatory ones, where any unit gives them."""
    totals: dict[str, dict[str, int]] = {}
    for attribute, hours in (("glh", [unit.glh for unit in units]), ("tqt", [unit.tqt for unit in units])):
        given = {i: unit_hours for i, unit_hours in enumerate(hours) if unit_hours is not None}
        if given:
            totals[attribute] = {
                "all": sum(given.values()),
                "mandatory": sum(unit_hours for i, unit_hours in given.items() if units[i].mandatory),
                "given_for": len(given),
            }
    return totals
