"""Every inconsistency of a loaded spec, for `manage.py validate_specs` and the fixture tests.

References stay inside the spec, no rule is over an empty group or contradicts
itself, assessable items are the finest level the spec gives, and every rule set
(each pathway) can be satisfied (decided by the planner). Each finding is one
small function; `problems` runs them in a fixed order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import combinations

from units.models import AssessableItem, Criterion, Group, Measure, Outcome, Qualification, Rule, RuleKind, Unit
from units.planner import Impossible, plan
from units.rules import (
    Barred,
    Check,
    Compiled,
    EachGroup,
    Mandatory,
    OneCounts,
    RuleSet,
    Spec,
    SpecError,
    Total,
    compile_spec,
    listing,
)
from units.rules.scope import group_members
from units.spec import spec_for

ItemKey = tuple[int | None, int | None, str]  # (outcome id, criterion id, code) of an assessable item


def problems(qualification: Qualification) -> list[str]:
    """Every inconsistency of one loaded spec, each naming the rule or unit; empty when all is well."""
    catalogue = _Catalogue.load(qualification)
    out = [*_group_problems(catalogue), *_unit_problems(catalogue)]
    for rule in catalogue.rules:
        for check in _RULE_CHECKS:
            out.extend(check(rule, catalogue))
    out.extend(_item_problems(qualification, catalogue.units))
    try:
        spec = spec_for(qualification)
        compiled = compile_spec(spec)
    except SpecError as error:
        out.append(f"the rules cannot be read: {error}")
        return out
    out.extend(_compiled_problems(spec, compiled))
    out.extend(_barring_code_problems(spec))
    out.extend(_satisfiability_problems(spec))
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class _Catalogue:
    """One qualification's rows, and which units each of its groups holds (sub-groups included)."""

    qualification: Qualification
    groups: list[Group]
    units: list[Unit]
    rules: list[Rule]
    members: dict[int, tuple[int, ...]]  # group id -> unit positions

    @classmethod
    def load(cls, q: Qualification) -> _Catalogue:
        groups = list(Group.objects.filter(qualification=q).select_related("parent"))
        units = list(Unit.objects.filter(qualification=q).select_related("group"))
        rules = list(
            Rule.objects.filter(qualification=q).select_related("pathway").prefetch_related("groups", "units")
        )
        members = group_members({g.pk: g.parent_id for g in groups}, [u.group_id for u in units])
        return cls(q, groups, units, rules, members)

    def owns(self, row: Group | Unit) -> bool:
        return row.qualification_id == self.qualification.pk


# --------------------------------------------------------------------------- structure


def _group_problems(c: _Catalogue) -> Iterator[str]:
    for group in c.groups:
        if group.parent is not None and not c.owns(group.parent):
            yield f"group {group.code}: its parent group {group.parent.code} belongs to another qualification"


def _unit_problems(c: _Catalogue) -> Iterator[str]:
    for unit in c.units:
        if unit.group is None:
            if c.groups:
                yield f"unit {unit.code} is in no group"
        elif not c.owns(unit.group):
            yield f"unit {unit.code}: its group {unit.group.code} belongs to another qualification"


# --------------------------------------------------------------------------- rules, one by one


def _no_message(rule: Rule, c: _Catalogue) -> Iterator[str]:
    if not rule.message.strip():
        yield f"rule {rule.identifier} has no message"


def _foreign_pathway(rule: Rule, c: _Catalogue) -> Iterator[str]:
    if rule.pathway is not None and rule.pathway.qualification_id != c.qualification.pk:
        yield f"rule {rule.identifier}: its pathway {rule.pathway.name} belongs to another qualification"


def _foreign_groups(rule: Rule, c: _Catalogue) -> Iterator[str]:
    foreign = [g.code for g in rule.groups.all() if not c.owns(g)]
    if foreign:
        yield f"rule {rule.identifier} names groups of another qualification: {listing(foreign)}"


def _foreign_units(rule: Rule, c: _Catalogue) -> Iterator[str]:
    foreign = [u.code for u in rule.units.all() if not c.owns(u)]
    if foreign:
        yield f"rule {rule.identifier} names units of another qualification: {listing(foreign)}"


def _empty_groups(rule: Rule, c: _Catalogue) -> Iterator[str]:
    for group in rule.groups.all():
        if c.owns(group) and not c.members[group.pk]:
            yield f"rule {rule.identifier} is over group {group.code}, which has no units"


def _maximum_below_minimum(rule: Rule, c: _Catalogue) -> Iterator[str]:
    if rule.minimum is not None and rule.maximum is not None and rule.maximum < rule.minimum:
        yield f"rule {rule.identifier}: its maximum {rule.maximum} is below its minimum {rule.minimum}"


def _total_without_bounds(rule: Rule, c: _Catalogue) -> Iterator[str]:
    if rule.kind == RuleKind.TOTAL and rule.minimum is None and rule.maximum is None:
        yield f"rule {rule.identifier} sets neither a minimum nor a maximum"


def _each_group_without_groups(rule: Rule, c: _Catalogue) -> Iterator[str]:
    if rule.kind == RuleKind.EACH_GROUP and not rule.groups.exists():
        yield f"rule {rule.identifier} lists no groups"


def _barred_single_unit(rule: Rule, c: _Catalogue) -> Iterator[str]:
    units = rule.units.all()
    if rule.kind == RuleKind.BARRED and len(units) == 1:
        yield f"rule {rule.identifier} bars a single unit ({units[0].code}) from nothing"


_RULE_CHECKS: tuple[Callable[[Rule, _Catalogue], Iterator[str]], ...] = (
    _no_message, _foreign_pathway, _foreign_groups, _foreign_units, _empty_groups, _maximum_below_minimum,
    _total_without_bounds, _each_group_without_groups, _barred_single_unit,
)


# --------------------------------------------------------------------------- what needs the compiled rules


def _compiled_problems(spec: Spec, compiled: Compiled) -> Iterator[str]:
    """Per pathway, checks over nothing; then mandatory units barred from each other, once for all pathways."""
    barred_mandatory: dict[str, list[str]] = {}
    for pathway in spec.pathways or (None,):
        ruleset = compiled.ruleset(pathway)
        for check in ruleset.checks:
            yield from _hours_not_given(check, compiled)
            yield from _one_counts_over_one(check)
            yield from _total_level_matches_nothing(check)
            yield from _each_group_level_matches_nothing(check, compiled)
        for text in _mandatory_units_barred(ruleset, compiled.codes):
            barred_mandatory.setdefault(text, []).append(pathway or "")
    for text, pathways in barred_mandatory.items():
        if spec.pathways and len(pathways) < len(spec.pathways):
            text += f" in pathway {listing(pathways)}"
        yield text


def _hours_not_given(check: Check, compiled: Compiled) -> Iterator[str]:
    rule = check.rule
    if not isinstance(check, Total) or rule.measure not in (Measure.GLH, Measure.TQT):
        return
    hours = compiled.glh if rule.measure == Measure.GLH else compiled.tqt
    missing = [compiled.codes[i] for i, _ in check.terms if hours[i] is None]
    if missing:
        yield (f"rule {rule.identifier} totals {rule.measure.upper()}, but units {listing(missing)} give none: "
               f"give each its {rule.measure}")


def _one_counts_over_one(check: Check) -> Iterator[str]:
    if isinstance(check, OneCounts) and len(check.members) < 2:
        yield f"rule {check.rule.identifier}: only the highest-valued of fewer than two units counts"


def _total_level_matches_nothing(check: Check) -> Iterator[str]:
    rule = check.rule
    if isinstance(check, Total) and rule.level is not None and not check.terms and check.scope:
        yield f"rule {rule.identifier}: none of the units in its scope is {_at_level(rule.level, rule.level_op)}"


def _each_group_level_matches_nothing(check: Check, compiled: Compiled) -> Iterator[str]:
    rule = check.rule
    if not isinstance(check, EachGroup) or rule.level is None:
        return
    for code, members in zip(check.groups, check.members, strict=True):
        if not members and compiled.group_members[code]:
            yield f"rule {rule.identifier}: group {code} has no units {_at_level(rule.level, rule.level_op)}"


def _mandatory_units_barred(ruleset: RuleSet, codes: tuple[str, ...]) -> Iterator[str]:
    mandatory: dict[int, list[str]] = defaultdict(list)
    for check in ruleset.checks:
        if isinstance(check, Mandatory):
            for i in check.members:
                mandatory[i].append(check.rule.identifier)
    for check in ruleset.checks:
        if isinstance(check, Barred):
            yield from _mandatory_clashes(check, mandatory, codes)


def _mandatory_clashes(check: Barred, mandatory: dict[int, list[str]], codes: tuple[str, ...]) -> Iterator[str]:
    for bar, label in zip(check.bars, check.labels, strict=True):
        clash = [i for i in bar if i in mandatory]
        for a, b in combinations(clash, 2):
            by = sorted(set(mandatory[a] + mandatory[b]))
            how = f" (barring code {label})" if label else ""
            yield (f"rules {listing(by)} and {check.rule.identifier}: mandatory units "
                   f"{codes[a]} and {codes[b]} are barred from each other{how}")


def _barring_code_problems(spec: Spec) -> Iterator[str]:
    # Barring codes only bar where a barred rule without listed units applies them.
    if any(r.kind == RuleKind.BARRED and not r.units for r in spec.rules):
        return
    sharing: dict[str, list[str]] = defaultdict(list)
    for unit in spec.units:
        if unit.barring_code:
            sharing[unit.barring_code].append(unit.code)
    for code, members in sharing.items():
        if len(members) > 1:
            yield (f"units {listing(members)} share barring code {code}, but no barred rule "
                   f"without listed units applies barring codes")


def _satisfiability_problems(spec: Spec) -> Iterator[str]:
    for pathway in spec.pathways or (None,):
        result = plan(spec, pathway=pathway)
        if isinstance(result, Impossible):
            where = f"pathway {pathway}" if pathway else "the rules"
            for reason in result.reasons:
                yield f"no combination of units satisfies {where}: {reason}"


# --------------------------------------------------------------------------- assessable items


def _item_problems(q: Qualification, units: list[Unit]) -> list[str]:
    outcomes: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in Outcome.objects.filter(unit__qualification=q):
        outcomes[outcome.unit_id].append(outcome)
    criteria: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in Criterion.objects.filter(outcome__unit__qualification=q).select_related("outcome"):
        criteria[criterion.outcome.unit_id].append(criterion)
    items: dict[int, list[AssessableItem]] = defaultdict(list)
    for item in AssessableItem.objects.filter(unit__qualification=q):
        items[item.unit_id].append(item)
    out: list[str] = []
    for unit in units:
        out.extend(_unit_item_problems(unit, outcomes[unit.pk], criteria[unit.pk], items[unit.pk]))
    return out


def _unit_item_problems(unit: Unit, outcomes: list[Outcome], criteria: list[Criterion],
                        items: list[AssessableItem]) -> Iterator[str]:
    """The unit's items must be its criteria, else its outcomes, else the unit itself: once each."""
    found: set[ItemKey] = {(i.outcome_id, i.criterion_id, i.code) for i in items}
    expected: set[ItemKey]
    if criteria:
        yield from _bare_outcomes(unit, outcomes, criteria)
        level, expected = "its criteria", {(c.outcome_id, c.pk, c.code) for c in criteria}
    elif outcomes:
        level, expected = "its outcomes", {(o.pk, None, o.code) for o in outcomes}
    else:
        level, expected = "the unit itself", {(None, None, unit.code)}
    if found != expected:
        yield f"unit {unit.code}: its assessable items do not match {level} ({_difference(expected, found)})"
    if len(items) != len(found):
        yield f"unit {unit.code}: the same assessable item appears twice"


def _bare_outcomes(unit: Unit, outcomes: list[Outcome], criteria: list[Criterion]) -> Iterator[str]:
    with_criteria = {c.outcome_id for c in criteria}
    bare = [o.code for o in outcomes if o.pk not in with_criteria]
    if bare:
        yield f"unit {unit.code}: outcomes {listing(bare)} have no criteria, so nothing of them is assessed"


def _difference(expected: set[ItemKey], found: set[ItemKey]) -> str:
    missing = sorted(code for *_, code in expected - found)
    extra = sorted(code for *_, code in found - expected)
    detail = []
    if missing:
        detail.append(f"missing {listing(missing)}")
    if extra:
        detail.append(f"unexpected {listing(extra)}")
    return "; ".join(detail)


def _at_level(level: int, op: str) -> str:
    return {"ge": f"at level {level} or above", "le": f"at level {level} or below"}.get(op, f"at level {level}")
