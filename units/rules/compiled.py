"""A spec compiled once: unit tables, group membership, and per pathway the checks of its rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext

from units.rules.kinds import CHECKS, Check
from units.rules.scope import ancestry, covered, group_members, level_ok
from units.rules.spec import COMPILED_ATTR, PathwayError, RuleSpec, Spec, SpecError, UnknownUnits
from units.rules.vocabulary import LevelOp, Measure, RuleKind, ValueName

__all__ = ["Compiled", "RuleSet", "compile_spec"]

_KINDS = frozenset(RuleKind)
_MEASURES = frozenset(Measure)
_LEVEL_OPS = frozenset(LevelOp)
_VALUE_NAMES = frozenset(ValueName)


class RuleSet:
    """The rules that apply for one pathway, compiled."""

    __slots__ = ("pathway", "rules", "checks", "beaters", "contrib", "nslots")

    def __init__(self, compiled: Compiled, pathway: str | None) -> None:
        self.pathway = pathway
        self.rules = tuple(r for r in compiled.spec.rules if r.pathway is None or r.pathway == pathway)
        checks: list[Check] = []
        slot = 0
        for rule in self.rules:
            check = CHECKS[rule.kind].build(compiled, rule, compiled.covered(rule), slot)
            slot += check.width
            checks.append(check)
        self.checks = tuple(checks)
        self.nslots = slot
        n = len(compiled.codes)
        self.beaters = _beaters(checks, n)
        self.contrib = _contributions(checks, n)


def _beaters(checks: Sequence[Check], n: int) -> tuple[frozenset[int], ...]:
    """Per unit, the units that stop it counting when chosen."""
    beaters: list[set[int]] = [set() for _ in range(n)]
    for check in checks:
        for unit, beater in check.beaten():
            beaters[unit].add(beater)
    return tuple(frozenset(b) for b in beaters)


def _contributions(checks: Sequence[Check], n: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Per unit, the (slot, amount) pairs it adds to the accumulator when it counts."""
    contrib: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for check in checks:
        for index, slot, amount in check.contributions():
            contrib[index].append((slot, amount))
    return tuple(tuple(c) for c in contrib)


class Compiled:
    """Everything about a Spec that does not depend on the units chosen."""

    __slots__ = (
        "spec", "codes", "index", "values", "tvalues", "levels", "glh", "tqt", "barring",
        "group_members", "counts_units", "rulesets", "__weakref__",
    )

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        if spec.value_name not in _VALUE_NAMES:
            raise SpecError(f"{spec.code}: unknown value name {spec.value_name!r}")
        self.counts_units = spec.value_name == ValueName.NONE
        self.codes = tuple(u.code for u in spec.units)
        self.index = _unit_index(spec)
        self.values = tuple(u.value for u in spec.units)
        self.tvalues = tuple(1 for _ in spec.units) if self.counts_units else self.values
        self.levels = tuple(u.level for u in spec.units)
        self.glh = tuple(u.glh for u in spec.units)
        self.tqt = tuple(u.tqt for u in spec.units)
        self.barring = tuple(u.barring_code for u in spec.units)
        parents = _parents(spec)
        self.group_members = group_members(parents, [u.group for u in spec.units])
        _check_rules(spec, self.index, parents)
        self.rulesets: dict[str | None, RuleSet] = {}  # by pathway; filled by ruleset()

    def weights(self, measure: str) -> tuple[int, ...] | None:
        """What each unit adds to a total of `measure`; None when the total counts units.

        A unit without GLH (or TQT) adds nothing to a total of GLH (or TQT); validate_specs names such units.
        """
        if measure == Measure.GLH:
            return tuple(g or 0 for g in self.glh)
        if measure == Measure.TQT:
            return tuple(t or 0 for t in self.tqt)
        if measure == Measure.COUNT or self.counts_units:
            return None
        return self.values

    # -- scopes

    def indices(self, codes: Iterable[str]) -> tuple[int, ...]:
        """Unit indices for known codes, in spec order, without duplicates."""
        return tuple(sorted({self.index[c] for c in codes}))

    def covered(self, rule: RuleSpec) -> tuple[int, ...]:
        """Unit indices the rule covers, in spec order, before its level filter."""
        return covered(self.indices(rule.units), rule.groups, self.group_members, len(self.codes))

    def at_level(self, members: tuple[int, ...], rule: RuleSpec) -> tuple[int, ...]:
        """The members that pass the rule's level filter."""
        if rule.level is None:
            return members
        return tuple(i for i in members if level_ok(self.levels[i], rule.level, rule.level_op))

    # -- pathways

    def check_pathway(self, pathway: str | None) -> None:
        """PathwayError unless `pathway` is one of the spec's, or None for a spec without pathways."""
        code, pathways = self.spec.code, self.spec.pathways
        if pathway in pathways or (pathway is None and not pathways):
            return
        values = {"code": code, "pathway": pathway, "pathways": ", ".join(pathways)}
        if not pathways:
            raise PathwayError(gettext("%(code)s has no pathways, so pathway '%(pathway)s' does not apply") % values)
        if pathway is None:
            raise PathwayError(gettext("%(code)s has pathways; choose one of: %(pathways)s") % values)
        raise PathwayError(gettext("%(code)s has no pathway '%(pathway)s'; choose one of: %(pathways)s") % values)

    def ruleset(self, pathway: str | None) -> RuleSet:
        """The compiled rules of one pathway (None, or '' as a form's empty choice sends it, for none)."""
        ruleset = self.rulesets.get(pathway)
        if ruleset is None:
            key = pathway or None  # as a form's empty choice sends it
            self.check_pathway(key)
            ruleset = self.rulesets.get(key) or RuleSet(self, key)
            self.rulesets[key] = self.rulesets[pathway] = ruleset
        return ruleset

    def resolve(self, codes: Iterable[str]) -> list[int]:
        """Unit indices for codes, in the order given (duplicates kept); UnknownUnits for the rest."""
        if isinstance(codes, str):
            raise TypeError("codes must be an iterable of unit codes, not a string")
        found: list[int] = []
        unknown: list[str] = []
        for code in codes:
            i = self.index.get(code)
            if i is None:
                unknown.append(code)
            else:
                found.append(i)
        if unknown:
            raise UnknownUnits(unknown)
        return found


def _unit_index(spec: Spec) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, unit in enumerate(spec.units):
        if unit.code in index:
            raise SpecError(f"{spec.code}: unit {unit.code} appears twice")
        index[unit.code] = i
    return index


def _parents(spec: Spec) -> dict[str, str | None]:
    """Each group's parent, once every group and every unit's group is known and no group is its own ancestor."""
    parents: dict[str, str | None] = {}
    for group in spec.groups:
        if group.code in parents:
            raise SpecError(f"{spec.code}: group {group.code} appears twice")
        parents[group.code] = group.parent
    for code, parent in parents.items():
        if parent is not None and parent not in parents:
            raise SpecError(f"{spec.code}: group {code} has unknown parent group {parent}")
    for unit in spec.units:
        if unit.group is not None:
            _check_unit_group(spec, unit.code, unit.group, parents)
    return parents


def _check_unit_group(spec: Spec, unit: str, group: str, parents: dict[str, str | None]) -> None:
    if group not in parents:
        raise SpecError(f"{spec.code}: unit {unit} is in unknown group {group}")
    top = parents[ancestry(group, parents)[-1]]
    if top is not None:  # the climb stopped at a group it had already passed
        raise SpecError(f"{spec.code}: group {top} is its own ancestor")


def _check_rules(spec: Spec, index: dict[str, int], parents: dict[str, str | None]) -> None:
    if len(set(spec.pathways)) != len(spec.pathways):
        raise SpecError(f"{spec.code}: a pathway appears twice")
    identifiers: set[str] = set()
    for rule in spec.rules:
        where = f"{spec.code}: rule {rule.identifier}"
        if rule.identifier in identifiers:
            raise SpecError(f"{where} appears twice")
        identifiers.add(rule.identifier)
        _check_rule(rule, where, spec.pathways, index, parents)


def _check_rule(rule: RuleSpec, where: str, pathways: tuple[str, ...], index: dict[str, int],
                parents: dict[str, str | None]) -> None:
    if rule.kind not in _KINDS:
        raise SpecError(f"{where}: unknown kind {rule.kind!r}")
    if rule.measure not in _MEASURES:
        raise SpecError(f"{where}: unknown measure {rule.measure!r}")
    if rule.level_op not in _LEVEL_OPS:
        raise SpecError(f"{where}: unknown level operator {rule.level_op!r}")
    if rule.pathway is not None and rule.pathway not in pathways:
        raise SpecError(f"{where}: unknown pathway {rule.pathway!r}")
    unknown_units = [c for c in rule.units if c not in index]
    if unknown_units:
        raise SpecError(f"{where} names unknown units {', '.join(unknown_units)}")
    unknown_groups = [c for c in rule.groups if c not in parents]
    if unknown_groups:
        raise SpecError(f"{where} names unknown groups {', '.join(unknown_groups)}")


def compile_spec(spec: Spec) -> Compiled:
    """The compiled form of a spec, built once and kept on the (frozen) instance."""
    compiled = spec.__dict__.get(COMPILED_ATTR)
    if compiled is None:
        compiled = Compiled(spec)
        object.__setattr__(spec, COMPILED_ATTR, compiled)
    return compiled
