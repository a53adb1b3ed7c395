"""Structural checks of a loaded spec, for `manage.py validate_specs` and the fixture tests.

* every unit's assessable items are the finest level its spec gives: one per
  criterion where the unit has criteria, else one per outcome, else one item
  for the unit itself (its own code, no outcome, no criterion);
* groups, units, pathways and rules only refer to rows of the same qualification;
* every rule has a message.
"""

from __future__ import annotations

from .models import AssessableItem, Criterion, Group, Outcome, Qualification, Rule, Unit


def _sorted(rows: list[tuple]) -> list[tuple]:
    return sorted(rows, key=lambda row: tuple(-1 if value is None else value for value in row))


def structure_problems(qualification: Qualification) -> list[str]:
    """Plain-English problems with one loaded spec; empty when it is coherent."""
    problems: list[str] = []
    units = list(Unit.objects.filter(qualification=qualification).select_related("group"))
    outcomes = list(Outcome.objects.filter(unit__qualification=qualification))
    criteria = list(Criterion.objects.filter(outcome__unit__qualification=qualification).select_related("outcome"))
    items = list(AssessableItem.objects.filter(unit__qualification=qualification))

    outcomes_by_unit: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        outcomes_by_unit.setdefault(outcome.unit_id, []).append(outcome)
    criteria_by_unit: dict[int, list[Criterion]] = {}
    for criterion in criteria:
        criteria_by_unit.setdefault(criterion.outcome.unit_id, []).append(criterion)
    items_by_unit: dict[int, list[AssessableItem]] = {}
    for item in items:
        items_by_unit.setdefault(item.unit_id, []).append(item)

    for unit in units:
        found = _sorted([(i.outcome_id, i.criterion_id, i.code) for i in items_by_unit.get(unit.pk, [])])
        if criteria_by_unit.get(unit.pk):
            expected = _sorted([(c.outcome_id, c.pk, c.code) for c in criteria_by_unit[unit.pk]])
            level = "its criteria"
            bare = [o.code for o in outcomes_by_unit[unit.pk] if not any(
                c.outcome_id == o.pk for c in criteria_by_unit[unit.pk])]
            if bare:
                problems.append(f"Unit {unit.code}: outcomes without criteria in a unit with criteria: {bare}.")
        elif outcomes_by_unit.get(unit.pk):
            expected = _sorted([(o.pk, None, o.code) for o in outcomes_by_unit[unit.pk]])
            level = "its outcomes"
        else:
            expected = [(None, None, unit.code)]
            level = "the unit itself"
        if found != expected:
            problems.append(
                f"Unit {unit.code}: the assessable items ({[code for *_, code in found]}) are not {level} "
                f"({[code for *_, code in expected]})."
            )
        if unit.group is not None and unit.group.qualification_id != qualification.pk:
            problems.append(f"Unit {unit.code}: its group belongs to another qualification.")

    for group in Group.objects.filter(qualification=qualification).select_related("parent"):
        if group.parent is not None and group.parent.qualification_id != qualification.pk:
            problems.append(f"Group {group.code}: its parent belongs to another qualification.")

    for rule in Rule.objects.filter(qualification=qualification).prefetch_related("groups", "units").select_related(
        "pathway"
    ):
        if not rule.message.strip():
            problems.append(f"Rule {rule.identifier}: no message.")
        if rule.pathway is not None and rule.pathway.qualification_id != qualification.pk:
            problems.append(f"Rule {rule.identifier}: its pathway belongs to another qualification.")
        outside = [g.code for g in rule.groups.all() if g.qualification_id != qualification.pk]
        outside += [u.code for u in rule.units.all() if u.qualification_id != qualification.pk]
        if outside:
            problems.append(f"Rule {rule.identifier}: refers to rows of another qualification: {outside}.")
    return problems
