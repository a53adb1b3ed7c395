"""Every inconsistency of a loaded spec, for `manage.py validate_specs` and the fixture tests.

References stay inside the spec, no rule is over an empty group or contradicts
itself, assessable items are the finest level the spec gives, and every rule set
(each pathway) can be satisfied (decided by the planner).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from units.models import AssessableItem, Criterion, Group, Outcome, Qualification, Rule, RuleKind, Unit
from units.planner import Impossible, plan
from units.rules import SpecError, compile_spec
from units.spec import spec_for


def _listing(codes) -> str:
    return ", ".join(codes)


def _at_level(level: int, op: str) -> str:
    return {"ge": f"at level {level} or above", "le": f"at level {level} or below"}.get(op, f"at level {level}")


def problems(qualification: Qualification) -> list[str]:
    """Every inconsistency of one loaded spec, each naming the rule or unit; empty when all is well."""
    out: list[str] = []
    q = qualification
    groups = list(Group.objects.filter(qualification=q).select_related("parent"))
    units = list(Unit.objects.filter(qualification=q).select_related("group"))
    rules = list(
        Rule.objects.filter(qualification=q).select_related("pathway").prefetch_related("groups", "units")
    )

    # ---- structure: every row refers to rows of the same qualification
    for group in groups:
        if group.parent is not None and group.parent.qualification_id != q.pk:
            out.append(f"group {group.code}: its parent group {group.parent.code} belongs to another qualification")
    for unit in units:
        if unit.group is None:
            if groups:
                out.append(f"unit {unit.code} is in no group")
        elif unit.group.qualification_id != q.pk:
            out.append(f"unit {unit.code}: its group {unit.group.code} belongs to another qualification")

    # ---- every group's units, sub-groups included
    children: dict[int, list[int]] = defaultdict(list)
    for group in groups:
        if group.parent_id is not None:
            children[group.parent_id].append(group.pk)
    direct: dict[int, int] = defaultdict(int)
    for unit in units:
        if unit.group_id is not None:
            direct[unit.group_id] += 1

    def unit_count(group_id: int, seen: frozenset = frozenset()) -> int:
        if group_id in seen:
            return 0
        return direct[group_id] + sum(unit_count(c, seen | {group_id}) for c in children[group_id])

    # ---- rules, one by one
    for rule in rules:
        name = f"rule {rule.identifier}"
        if not rule.message.strip():
            out.append(f"{name} has no message")
        if rule.pathway is not None and rule.pathway.qualification_id != q.pk:
            out.append(f"{name}: its pathway {rule.pathway.name} belongs to another qualification")
        foreign_groups = [g.code for g in rule.groups.all() if g.qualification_id != q.pk]
        foreign_units = [u.code for u in rule.units.all() if u.qualification_id != q.pk]
        if foreign_groups:
            out.append(f"{name} names groups of another qualification: {_listing(foreign_groups)}")
        if foreign_units:
            out.append(f"{name} names units of another qualification: {_listing(foreign_units)}")
        for group in rule.groups.all():
            if group.qualification_id == q.pk and unit_count(group.pk) == 0:
                out.append(f"{name} is over group {group.code}, which has no units")
        if rule.minimum is not None and rule.maximum is not None and rule.maximum < rule.minimum:
            out.append(f"{name}: its maximum {rule.maximum} is below its minimum {rule.minimum}")
        if rule.kind == RuleKind.TOTAL and rule.minimum is None and rule.maximum is None:
            out.append(f"{name} sets neither a minimum nor a maximum")
        if rule.kind == RuleKind.EACH_GROUP and not rule.groups.exists():
            out.append(f"{name} lists no groups")
        if rule.kind == RuleKind.BARRED and len(rule.units.all()) == 1:
            out.append(f"{name} bars a single unit ({rule.units.all()[0].code}) from nothing")

    # ---- assessable items: the finest level the spec gives
    out.extend(_item_problems(q, units))

    # ---- what needs the compiled rules: scopes, barred mandatory units, and whether any combination exists
    try:
        spec = spec_for(q)
        compiled = compile_spec(spec)
    except SpecError as error:
        out.append(f"the rules cannot be read: {error}")
        return out
    rule_sets = spec.pathways or (None,)
    barred_mandatory: dict[str, list[str]] = {}
    for pathway in rule_sets:
        ruleset = compiled.ruleset(pathway)
        mandatory: dict[int, list[str]] = defaultdict(list)
        for check in ruleset.checks:
            if check.kind == "mandatory":
                for i in check.members:
                    mandatory[i].append(check.rule.identifier)
            if check.kind == "one_counts" and len(check.members) < 2:
                out.append(f"rule {check.rule.identifier}: only the highest-valued of fewer than two units counts")
            if check.kind in ("total", "each_group") and check.rule.level is not None:
                at = _at_level(check.rule.level, check.rule.level_op)
                if check.kind == "total" and not check.terms and compiled.scope(check.rule, use_level=False):
                    out.append(f"rule {check.rule.identifier}: none of the units in its scope is {at}")
                if check.kind == "each_group":
                    for code, members in zip(check.groups, check.members, strict=True):
                        if not members and compiled.group_members[code]:
                            out.append(f"rule {check.rule.identifier}: group {code} has no units {at}")
        for check in ruleset.checks:
            if check.kind != "barred":
                continue
            for bar, label in zip(check.bars, check.labels, strict=True):
                clash = [i for i in bar if i in mandatory]
                for a, b in combinations(clash, 2):
                    by = sorted(set(mandatory[a] + mandatory[b]))
                    how = f" (barring code {label})" if label else ""
                    text = (f"rules {_listing(by)} and {check.rule.identifier}: mandatory units "
                            f"{compiled.codes[a]} and {compiled.codes[b]} are barred from each other{how}")
                    barred_mandatory.setdefault(text, []).append(pathway)
    for text, pathways in barred_mandatory.items():
        if spec.pathways and len(pathways) < len(spec.pathways):
            text += f" in pathway {_listing(pathways)}"
        out.append(text)

    # Barring codes only bar where a barred rule without listed units applies them.
    applies_codes = any(r.kind == "barred" and not r.units for r in spec.rules)
    if not applies_codes:
        sharing: dict[str, list[str]] = defaultdict(list)
        for unit in spec.units:
            if unit.barring_code:
                sharing[unit.barring_code].append(unit.code)
        for code, members in sharing.items():
            if len(members) > 1:
                out.append(f"units {_listing(members)} share barring code {code}, but no barred rule "
                           f"without listed units applies barring codes")

    for pathway in rule_sets:
        result = plan(spec, pathway=pathway)
        if isinstance(result, Impossible):
            where = f"pathway {pathway}" if pathway else "the rules"
            for reason in result.reasons:
                out.append(f"no combination of units satisfies {where}: {reason}")
    return list(dict.fromkeys(out))


def _item_problems(q: Qualification, units: list[Unit]) -> list[str]:
    out: list[str] = []
    outcomes: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in Outcome.objects.filter(unit__qualification=q):
        outcomes[outcome.unit_id].append(outcome)
    criteria: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in Criterion.objects.filter(outcome__unit__qualification=q).select_related("outcome"):
        criteria[criterion.outcome.unit_id].append(criterion)
    items: dict[int, list[AssessableItem]] = defaultdict(list)
    for item in AssessableItem.objects.filter(unit__qualification=q):
        items[item.unit_id].append(item)

    for unit in units:
        found = {(i.outcome_id, i.criterion_id, i.code) for i in items[unit.pk]}
        if criteria[unit.pk]:
            level = "its criteria"
            expected = {(c.outcome_id, c.pk, c.code) for c in criteria[unit.pk]}
            with_criteria = {c.outcome_id for c in criteria[unit.pk]}
            bare = [o.code for o in outcomes[unit.pk] if o.pk not in with_criteria]
            if bare:
                out.append(f"unit {unit.code}: outcomes {_listing(bare)} have no criteria, "
                           f"so nothing of them is assessed")
        elif outcomes[unit.pk]:
            level = "its outcomes"
            expected = {(o.pk, None, o.code) for o in outcomes[unit.pk]}
        else:
            level = "the unit itself"
            expected = {(None, None, unit.code)}
        if found != expected:
            missing = sorted(code for *_, code in expected - found)
            extra = sorted(code for *_, code in found - expected)
            detail = []
            if missing:
                detail.append(f"missing {_listing(missing)}")
            if extra:
                detail.append(f"unexpected {_listing(extra)}")
            out.append(f"unit {unit.code}: its assessable items do not match {level} ({'; '.join(detail)})")
        if len(items[unit.pk]) != len(found):
            out.append(f"unit {unit.code}: the same assessable item appears twice")
    return out
