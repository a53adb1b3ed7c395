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

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from units.models import (
    GATEWAY_NO_VALUE_KINDS,
    GATEWAY_NUMBER_KINDS,
    KSB_GROUPS,
    AssessableItem,
    Criterion,
    Duty,
    GatewayKind,
    GatewayRequirement,
    Group,
    Measure,
    Outcome,
    Qualification,
    QualificationKind,
    Rule,
    RuleKind,
    Unit,
)
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
    out.extend(_standard_problems(catalogue))
    try:
        spec = spec_for(qualification)
        compiled = compile_spec(spec)
    except SpecError as error:
        out.append(_("the rules cannot be read: %(error)s") % {"error": error})
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
            yield _("group %(group)s: its parent group %(parent)s belongs to another qualification") % {
                "group": group.code, "parent": group.parent.code}


def _unit_problems(c: _Catalogue) -> Iterator[str]:
    for unit in c.units:
        if unit.group is None:
            if c.groups:
                yield _("unit %(unit)s is in no group") % {"unit": unit.code}
        elif not c.owns(unit.group):
            yield _("unit %(unit)s: its group %(group)s belongs to another qualification") % {
                "unit": unit.code, "group": unit.group.code}


# --------------------------------------------------------------------------- rules, one by one


def _no_message(rule: Rule, c: _Catalogue) -> Iterator[str]:
    if not rule.message.strip():
        yield _("rule %(rule)s has no message") % {"rule": rule.identifier}


def _foreign_pathway(rule: Rule, c: _Catalogue) -> Iterator[str]:
    if rule.pathway is not None and rule.pathway.qualification_id != c.qualification.pk:
        yield _("rule %(rule)s: its pathway %(pathway)s belongs to another qualification") % {
            "rule": rule.identifier, "pathway": rule.pathway.name}


def _foreign_groups(rule: Rule, c: _Catalogue) -> Iterator[str]:
    foreign = [g.code for g in rule.groups.all() if not c.owns(g)]
    if foreign:
        yield _("rule %(rule)s names groups of another qualification: %(groups)s") % {
            "rule": rule.identifier, "groups": listing(foreign)}


def _foreign_units(rule: Rule, c: _Catalogue) -> Iterator[str]:
    foreign = [u.code for u in rule.units.all() if not c.owns(u)]
    if foreign:
        yield _("rule %(rule)s names units of another qualification: %(units)s") % {
            "rule": rule.identifier, "units": listing(foreign)}


def _empty_groups(rule: Rule, c: _Catalogue) -> Iterator[str]:
    for group in rule.groups.all():
        if c.owns(group) and not c.members[group.pk]:
            yield _("rule %(rule)s is over group %(group)s, which has no units") % {
                "rule": rule.identifier, "group": group.code}


def _maximum_below_minimum(rule: Rule, c: _Catalogue) -> Iterator[str]:
    if rule.minimum is not None and rule.maximum is not None and rule.maximum < rule.minimum:
        yield _("rule %(rule)s: its maximum %(maximum)d is below its minimum %(minimum)d") % {
            "rule": rule.identifier, "maximum": rule.maximum, "minimum": rule.minimum}


def _total_without_bounds(rule: Rule, c: _Catalogue) -> Iterator[str]:
    if rule.kind == RuleKind.TOTAL and rule.minimum is None and rule.maximum is None:
        yield _("rule %(rule)s sets neither a minimum nor a maximum") % {"rule": rule.identifier}


def _each_group_without_groups(rule: Rule, c: _Catalogue) -> Iterator[str]:
    if rule.kind == RuleKind.EACH_GROUP and not rule.groups.exists():
        yield _("rule %(rule)s lists no groups") % {"rule": rule.identifier}


def _barred_single_unit(rule: Rule, c: _Catalogue) -> Iterator[str]:
    units = rule.units.all()
    if rule.kind == RuleKind.BARRED and len(units) == 1:
        yield _("rule %(rule)s bars a single unit (%(unit)s) from nothing") % {
            "rule": rule.identifier, "unit": units[0].code}


_RULE_CHECKS: tuple[Callable[[Rule, _Catalogue], Iterator[str]], ...] = (
    _no_message, _foreign_pathway, _foreign_groups, _foreign_units, _empty_groups, _maximum_below_minimum,
    _total_without_bounds, _each_group_without_groups, _barred_single_unit,
)


# --------------------------------------------------------------------------- what needs the compiled rules


def _compiled_problems(spec: Spec, compiled: Compiled) -> Iterator[str]:
    """Per pathway, checks over nothing; then mandatory units barred from each other, once for all pathways."""
    barred_mandatory: dict[_Clash, list[str]] = {}
    for pathway in spec.pathways or (None,):
        ruleset = compiled.ruleset(pathway)
        for check in ruleset.checks:
            yield from _hours_not_given(check, compiled)
            yield from _one_counts_over_one(check)
            yield from _total_level_matches_nothing(check)
            yield from _each_group_level_matches_nothing(check, compiled)
        for clash in _mandatory_units_barred(ruleset, compiled.codes):
            barred_mandatory.setdefault(clash, []).append(pathway or "")
    for clash, pathways in barred_mandatory.items():
        some = bool(spec.pathways) and len(pathways) < len(spec.pathways)
        yield _clash_text(clash, listing(pathways) if some else "")


def _hours_not_given(check: Check, compiled: Compiled) -> Iterator[str]:
    rule = check.rule
    if not isinstance(check, Total) or rule.measure not in (Measure.GLH, Measure.TQT):
        return
    hours = compiled.glh if rule.measure == Measure.GLH else compiled.tqt
    missing = [compiled.codes[i] for i, _ in check.terms if hours[i] is None]
    if missing:
        # The English is the same for one unit and for several; other languages may need two forms.
        yield ngettext(
            "rule %(rule)s totals %(measure)s, but units %(units)s give none: give each its %(field)s",
            "rule %(rule)s totals %(measure)s, but units %(units)s give none: give each its %(field)s",
            len(missing),
        ) % {"rule": rule.identifier, "measure": rule.measure.upper(), "units": listing(missing),
             "field": rule.measure}


def _one_counts_over_one(check: Check) -> Iterator[str]:
    if isinstance(check, OneCounts) and len(check.members) < 2:
        yield _("rule %(rule)s: only the highest-valued of fewer than two units counts") % {
            "rule": check.rule.identifier}


def _total_level_matches_nothing(check: Check) -> Iterator[str]:
    rule = check.rule
    if isinstance(check, Total) and rule.level is not None and not check.terms and check.scope:
        sentences = {
            "ge": _("rule %(rule)s: none of the units in its scope is at level %(level)d or above"),
            "le": _("rule %(rule)s: none of the units in its scope is at level %(level)d or below"),
        }
        sentence = sentences.get(rule.level_op) or _("rule %(rule)s: none of the units in its scope is at level "
                                                     "%(level)d")
        yield sentence % {"rule": rule.identifier, "level": rule.level}


def _each_group_level_matches_nothing(check: Check, compiled: Compiled) -> Iterator[str]:
    rule = check.rule
    if not isinstance(check, EachGroup) or rule.level is None:
        return
    sentences = {
        "ge": _("rule %(rule)s: group %(group)s has no units at level %(level)d or above"),
        "le": _("rule %(rule)s: group %(group)s has no units at level %(level)d or below"),
    }
    sentence = sentences.get(rule.level_op) or _("rule %(rule)s: group %(group)s has no units at level %(level)d")
    for code, members in zip(check.groups, check.members, strict=True):
        if not members and compiled.group_members[code]:
            yield sentence % {"rule": rule.identifier, "group": code, "level": rule.level}


@dataclass(frozen=True)
class _Clash:
    """Mandatory units `a` and `b` (of the rules `by`) barred from each other by `rule`, through barring code `code`."""

    by: str
    rule: str
    a: str
    b: str
    code: str


def _clash_text(clash: _Clash, pathways: str) -> str:
    """The clash in one sentence; `pathways` names the pathways it happens in when not all of them."""
    names = {"rules": clash.by, "rule": clash.rule, "a": clash.a, "b": clash.b, "code": clash.code,
             "pathways": pathways}
    if clash.code and pathways:
        sentence = _("rules %(rules)s and %(rule)s: mandatory units %(a)s and %(b)s are barred from each other "
                     "(barring code %(code)s) in pathway %(pathways)s")
    elif clash.code:
        sentence = _("rules %(rules)s and %(rule)s: mandatory units %(a)s and %(b)s are barred from each other "
                     "(barring code %(code)s)")
    elif pathways:
        sentence = _("rules %(rules)s and %(rule)s: mandatory units %(a)s and %(b)s are barred from each other "
                     "in pathway %(pathways)s")
    else:
        sentence = _("rules %(rules)s and %(rule)s: mandatory units %(a)s and %(b)s are barred from each other")
    return sentence % names


def _mandatory_units_barred(ruleset: RuleSet, codes: tuple[str, ...]) -> Iterator[_Clash]:
    mandatory: dict[int, list[str]] = defaultdict(list)
    for check in ruleset.checks:
        if isinstance(check, Mandatory):
            for i in check.members:
                mandatory[i].append(check.rule.identifier)
    for check in ruleset.checks:
        if isinstance(check, Barred):
            yield from _mandatory_clashes(check, mandatory, codes)


def _mandatory_clashes(check: Barred, mandatory: dict[int, list[str]], codes: tuple[str, ...]) -> Iterator[_Clash]:
    for bar, label in zip(check.bars, check.labels, strict=True):
        clash = [i for i in bar if i in mandatory]
        for a, b in combinations(clash, 2):
            by = sorted(set(mandatory[a] + mandatory[b]))
            yield _Clash(listing(by), check.rule.identifier, codes[a], codes[b], label or "")


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
            yield _("units %(units)s share barring code %(code)s, but no barred rule without listed units applies "
                    "barring codes") % {"units": listing(members), "code": code}


def _satisfiability_problems(spec: Spec) -> Iterator[str]:
    for pathway in spec.pathways or (None,):
        result = plan(spec, pathway=pathway)
        if isinstance(result, Impossible):
            for reason in result.reasons:
                if pathway:
                    yield _("no combination of units satisfies pathway %(pathway)s: %(reason)s") % {
                        "pathway": pathway, "reason": reason}
                else:
                    yield _("no combination of units satisfies the rules: %(reason)s") % {"reason": reason}


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
        sentence = _("unit %(unit)s: its assessable items do not match its criteria (%(difference)s)")
        expected = {(c.outcome_id, c.pk, c.code) for c in criteria}
    elif outcomes:
        sentence = _("unit %(unit)s: its assessable items do not match its outcomes (%(difference)s)")
        expected = {(o.pk, None, o.code) for o in outcomes}
    else:
        sentence = _("unit %(unit)s: its assessable items do not match the unit itself (%(difference)s)")
        expected = {(None, None, unit.code)}
    if found != expected:
        yield sentence % {"unit": unit.code, "difference": _difference(expected, found)}
    if len(items) != len(found):
        yield _("unit %(unit)s: the same assessable item appears twice") % {"unit": unit.code}


def _bare_outcomes(unit: Unit, outcomes: list[Outcome], criteria: list[Criterion]) -> Iterator[str]:
    with_criteria = {c.outcome_id for c in criteria}
    bare = [o.code for o in outcomes if o.pk not in with_criteria]
    if bare:
        # The English is the same for one outcome and for several; other languages may need two forms.
        yield ngettext(
            "unit %(unit)s: outcomes %(outcomes)s have no criteria, so nothing of them is assessed",
            "unit %(unit)s: outcomes %(outcomes)s have no criteria, so nothing of them is assessed",
            len(bare),
        ) % {"unit": unit.code, "outcomes": listing(bare)}


def _difference(expected: set[ItemKey], found: set[ItemKey]) -> str:
    missing = sorted(code for *_, code in expected - found)
    extra = sorted(code for *_, code in found - expected)
    detail = []
    if missing:
        detail.append(_("missing %(codes)s") % {"codes": listing(missing)})
    if extra:
        detail.append(_("unexpected %(codes)s") % {"codes": listing(extra)})
    return "; ".join(detail)


# --------------------------------------------------------------------------- apprenticeship standards


def _standard_problems(c: _Catalogue) -> Iterator[str]:
    """A standard: no rules, KSBs grouped under outcomes K, S and B, gateway values read by kind.

    Duties and gateway requirements belong to standards only.
    """
    q = c.qualification
    duties = list(Duty.objects.filter(qualification=q))
    requirements = list(GatewayRequirement.objects.filter(qualification=q))
    if q.kind != QualificationKind.STANDARD:
        for duty in duties:
            yield _("duty %(duty)s: only an apprenticeship standard (kind \"standard\") has duties") % {
                "duty": duty.code}
        for requirement in requirements:
            yield _("gateway requirement %(code)s: only an apprenticeship standard (kind \"standard\") has gateway "
                    "requirements") % {"code": requirement.code}
        return
    for rule in c.rules:
        yield _("rule %(rule)s: a standard has no rules of combination (progress is by KSBs): remove the rule") % {
            "rule": rule.identifier}
    groups = ", ".join(KSB_GROUPS)
    for outcome in Outcome.objects.filter(unit__qualification=q).select_related("unit"):
        if outcome.code not in KSB_GROUPS:
            yield _("outcome %(outcome)s of unit %(unit)s: a standard groups its KSBs under the outcomes %(groups)s "
                    "(knowledge, skills, behaviours): use one of those codes") % {
                "outcome": outcome.code, "unit": outcome.unit.code, "groups": groups}
    for requirement in requirements:
        yield from _gateway_value_problems(requirement)


def _gateway_value_problems(requirement: GatewayRequirement) -> Iterator[str]:
    where = {"code": requirement.code, "kind": requirement.kind, "value": repr(requirement.value)}
    if requirement.kind in GATEWAY_NUMBER_KINDS and not (requirement.value.isdigit() and requirement.value.isascii()):
        yield _("gateway requirement %(code)s: a %(kind)s requirement's value %(value)s is not a whole number: "
                "write the number as text, e.g. \"12\"") % where
    elif requirement.kind in GATEWAY_NO_VALUE_KINDS and requirement.value:
        yield _("gateway requirement %(code)s: a %(kind)s requirement takes no value (%(value)s given): remove "
                "it") % where
    elif requirement.kind == GatewayKind.QUALIFICATION_ACHIEVED and not requirement.value.strip():
        yield _("gateway requirement %(code)s: a %(kind)s requirement names the qualification in its value: give "
                "it") % where
