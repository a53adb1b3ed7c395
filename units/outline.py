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

from django.utils.translation import gettext, ngettext

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

    summary: str = ""  # '3 learning outcomes, 12 criteria', worded by `outline_for`


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

    @property
    def units_listed_label(self) -> str:
        """'Units listed', or 'Skills listed' for a framework."""
        return gettext("Skills listed") if self.unit_word == "skill" else gettext("Units listed")

    @property
    def assessed_intro(self) -> str:
        """The paragraph saying what evidence maps to, in the spec's own words for its parts."""
        if self.unit_word == "skill":
            return gettext(
                "Evidence maps to the finest level the spec gives: the criteria where a unit has criteria, else its "
                "levels, else the unit itself. Open a skill to see its levels."
            )
        if self.outcome_word == "learning outcome":
            return gettext(
                "Evidence maps to the finest level the spec gives: the criteria where a unit has criteria, else its "
                "learning outcomes, else the unit itself. Open a unit to see its learning outcomes and criteria."
            )
        return gettext(
            "Evidence maps to the finest level the spec gives: the criteria where a unit has criteria, else its "
            "elements, else the unit itself. Open a unit to see its elements and criteria."
        )

    def outcome_count(self, n: int) -> str:
        """'3 learning outcomes', '1 level', '2 elements'."""
        if self.outcome_word == "level":
            return ngettext("%(count)s level", "%(count)s levels", n) % {"count": n}
        if self.outcome_word == "learning outcome":
            return ngettext("%(count)s learning outcome", "%(count)s learning outcomes", n) % {"count": n}
        return ngettext("%(count)s element", "%(count)s elements", n) % {"count": n}


def value_label(value: int, value_name: str) -> str:
    """'6 credits', '1 credit', '20 unit values'; '' where the spec counts units."""
    if value_name == ValueName.NONE:
        return ""
    if value_name == ValueName.UNIT_VALUES:
        return ngettext("%(count)s unit value", "%(count)s unit values", value) % {"count": value}
    return ngettext("%(count)s credit", "%(count)s credits", value) % {"count": value}


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
    outline = Outline(
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
    for unit in units:
        unit.summary = _summary(outline, unit)
    return outline


def _summary(outline: Outline, unit: UnitEntry) -> str:
    """'3 learning outcomes, 12 criteria', '2 levels', or 'assessed as a whole'."""
    if not unit.outcome_list:
        return gettext("assessed as a whole")
    outcomes = outline.outcome_count(len(unit.outcome_list))
    criteria = unit.criterion_count
    if not criteria:
        return outcomes
    counted = ngettext("%(count)s criterion", "%(count)s criteria", criteria) % {"count": criteria}
    # Translators: what a unit holds, e.g. "3 learning outcomes, 12 criteria".
    return gettext("%(outcomes)s, %(criteria)s") % {"outcomes": outcomes, "criteria": counted}


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
