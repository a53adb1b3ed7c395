"""A whole spec read for display, in a fixed number of queries whatever its size.

`outline_for(qualification)` runs eight queries (groups, units, outcomes,
criteria, pathways, rules and the rules' groups and units) and wires the rows
together in Python, so a page showing a 15-unit spec costs the same as one
showing a 1-unit spec. The rows are plain model instances with a few list
attributes added (``unit_list``, ``outcome_list``, ``criterion_list``...).

What counts as "mandatory" here is for display only; the rules engine
(`units.rules`) is what judges a candidate's choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from units.rules.scope import covered, group_members

from .models import Criterion, Group, Outcome, Pathway, Qualification, Rule, RuleKind, Unit, ValueName


@dataclass
class PathwayRules:
    pathway: Pathway
    rules: list[Rule]


@dataclass
class Outline:
    qualification: Qualification
    groups: list[Group]  # top-level groups, each with .subgroup_list and .unit_list
    units: list[Unit]  # every unit, in spec order
    ungrouped_units: list[Unit]
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
    groups = list(Group.objects.filter(qualification=q))
    units = list(Unit.objects.filter(qualification=q))
    outcomes = list(Outcome.objects.filter(unit__qualification=q))
    criteria = list(Criterion.objects.filter(outcome__unit__qualification=q))
    pathways = list(Pathway.objects.filter(qualification=q))
    rules = list(Rule.objects.filter(qualification=q))
    rule_groups = list(Rule.groups.through.objects.filter(rule__qualification=q).values_list("rule_id", "group_id"))
    rule_units = list(Rule.units.through.objects.filter(rule__qualification=q).values_list("rule_id", "unit_id"))

    top_groups, ungrouped = _wire_groups(groups, units)
    _wire_outcomes(units, outcomes, criteria)
    _wire_rules(rules, groups, units, rule_groups, rule_units)
    _mark_mandatory(rules, groups, units, {pathway.pk: pathway.name for pathway in pathways})
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


def _wire_groups(groups: list[Group], units: list[Unit]) -> tuple[list[Group], list[Unit]]:
    """Sub-groups and units under their groups; the top-level groups and the ungrouped units."""
    groups_by_id = {group.pk: group for group in groups}
    for group in groups:
        group.subgroup_list = []
        group.unit_list = []
    top_groups = []
    for group in groups:
        parent = groups_by_id.get(group.parent_id)
        if parent is not None:
            parent.subgroup_list.append(group)
        else:
            top_groups.append(group)
    ungrouped = []
    for unit in units:
        unit.outcome_list = []
        unit.mandatory = False
        unit.mandatory_pathways = []
        group = groups_by_id.get(unit.group_id)
        if group is not None:
            group.unit_list.append(unit)
            unit.group = group  # no query when a template asks for unit.group
        else:
            ungrouped.append(unit)
    return top_groups, ungrouped


def _wire_outcomes(units: list[Unit], outcomes: list[Outcome], criteria: list[Criterion]) -> None:
    units_by_id = {unit.pk: unit for unit in units}
    outcomes_by_id = {}
    for outcome in outcomes:
        outcome.criterion_list = []
        outcomes_by_id[outcome.pk] = outcome
        units_by_id[outcome.unit_id].outcome_list.append(outcome)
    for criterion in criteria:
        outcomes_by_id[criterion.outcome_id].criterion_list.append(criterion)
    for unit in units:
        unit.criterion_count = sum(len(outcome.criterion_list) for outcome in unit.outcome_list)


def _wire_rules(rules: list[Rule], groups: list[Group], units: list[Unit], rule_groups: list[tuple[int, int]],
                rule_units: list[tuple[int, int]]) -> None:
    groups_by_id = {group.pk: group for group in groups}
    units_by_id = {unit.pk: unit for unit in units}
    rules_by_id = {rule.pk: rule for rule in rules}
    for rule in rules:
        rule.group_list = []
        rule.unit_list = []
    for rule_id, group_id in rule_groups:
        rules_by_id[rule_id].group_list.append(groups_by_id[group_id])
    for rule_id, unit_id in rule_units:
        rules_by_id[rule_id].unit_list.append(units_by_id[unit_id])
    for rule in rules:
        rule.group_list.sort(key=lambda g: (g.order, g.code))
        rule.unit_list.sort(key=lambda u: (u.order, u.code))


def _mark_mandatory(rules: list[Rule], groups: list[Group], units: list[Unit], pathway_names: dict[int, str]) -> None:
    """Flag the units in a mandatory rule's scope (the rules engine's definition), for every or some pathways."""
    position = {unit.pk: i for i, unit in enumerate(units)}
    members = group_members({group.pk: group.parent_id for group in groups}, [unit.group_id for unit in units])
    for rule in rules:
        if rule.kind != RuleKind.MANDATORY:
            continue
        listed = [position[unit.pk] for unit in rule.unit_list]
        for i in covered(listed, [group.pk for group in rule.group_list], members, len(units)):
            _mark(units[i], None if rule.pathway_id is None else pathway_names[rule.pathway_id])


def _mark(unit: Unit, pathway: str | None) -> None:
    if pathway is None:
        unit.mandatory = True
    elif pathway not in unit.mandatory_pathways:
        unit.mandatory_pathways.append(pathway)


def _totals(units: list[Unit]) -> dict[str, dict[str, int]]:
    """GLH and TQT: over all units and the mandatory ones, where any unit gives them."""
    totals: dict[str, dict[str, int]] = {}
    for attribute in ("glh", "tqt"):
        given = [unit for unit in units if getattr(unit, attribute) is not None]
        if given:
            totals[attribute] = {
                "all": sum(getattr(unit, attribute) for unit in given),
                "mandatory": sum(getattr(unit, attribute) for unit in given if unit.mandatory),
                "given_for": len(given),
            }
    return totals
