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

from collections import defaultdict
from dataclasses import dataclass, field

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


def _descendants(group: Group) -> list[Group]:
    found = [group]
    for sub in group.subgroup_list:
        found.extend(_descendants(sub))
    return found


def _scope(rule: Rule, units: list[Unit]) -> list[Unit]:
    """The rule's units, else its groups' units pooled (sub-groups included), else every unit."""
    if rule.unit_list:
        return rule.unit_list
    if rule.group_list:
        group_ids = {g.pk for group in rule.group_list for g in _descendants(group)}
        return [unit for unit in units if unit.group_id in group_ids]
    return list(units)


def outline_for(qualification: Qualification) -> Outline:
    groups = list(Group.objects.filter(qualification=qualification))
    units = list(Unit.objects.filter(qualification=qualification))
    outcomes = list(Outcome.objects.filter(unit__qualification=qualification))
    criteria = list(Criterion.objects.filter(outcome__unit__qualification=qualification))
    pathways = list(Pathway.objects.filter(qualification=qualification))
    rules = list(Rule.objects.filter(qualification=qualification))
    rule_groups = list(
        Rule.groups.through.objects.filter(rule__qualification=qualification).values_list("rule_id", "group_id")
    )
    rule_units = list(
        Rule.units.through.objects.filter(rule__qualification=qualification).values_list("rule_id", "unit_id")
    )

    groups_by_id = {group.pk: group for group in groups}
    units_by_id = {unit.pk: unit for unit in units}
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

    outcomes_by_id = {}
    for outcome in outcomes:
        outcome.criterion_list = []
        outcomes_by_id[outcome.pk] = outcome
        units_by_id[outcome.unit_id].outcome_list.append(outcome)
    for criterion in criteria:
        outcomes_by_id[criterion.outcome_id].criterion_list.append(criterion)
    for unit in units:
        unit.criterion_count = sum(len(outcome.criterion_list) for outcome in unit.outcome_list)

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

    pathways_by_id = {pathway.pk: pathway for pathway in pathways}
    general_rules = [rule for rule in rules if rule.pathway_id is None]
    by_pathway: dict[int, list[Rule]] = defaultdict(list)
    for rule in rules:
        if rule.pathway_id is not None:
            by_pathway[rule.pathway_id].append(rule)
    for rule in rules:
        if rule.kind != RuleKind.MANDATORY:
            continue
        for unit in _scope(rule, units):
            if rule.pathway_id is None:
                unit.mandatory = True
            else:
                name = pathways_by_id[rule.pathway_id].name
                if name not in unit.mandatory_pathways:
                    unit.mandatory_pathways.append(name)

    totals: dict[str, dict[str, int]] = {}
    for attribute in ("glh", "tqt"):
        given = [unit for unit in units if getattr(unit, attribute) is not None]
        if given:
            totals[attribute] = {
                "all": sum(getattr(unit, attribute) for unit in given),
                "mandatory": sum(getattr(unit, attribute) for unit in given if unit.mandatory),
                "given_for": len(given),
            }

    if qualification.kind == "framework":
        outcome_word = "level"
    elif criteria:
        outcome_word = "learning outcome"
    else:
        outcome_word = "element"

    return Outline(
        qualification=qualification,
        groups=top_groups,
        units=units,
        ungrouped_units=ungrouped,
        general_rules=general_rules,
        pathway_rules=[PathwayRules(pathway, by_pathway.get(pathway.pk, [])) for pathway in pathways],
        outcome_word=outcome_word,
        unit_word="skill" if qualification.kind == "framework" else "unit",
        totals=totals,
    )
