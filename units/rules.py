"""Rules of combination, as pure data and a pure evaluator.

No ORM and no I/O: `units.spec.spec_for` builds a `Spec` from the database, the
planner (`units.planner`) and every view evaluate against it. A `Spec` is
compiled once (scopes, level filters, sub-groups, one-counts beaters) and the
compiled form is kept on the instance, so evaluating the same spec again costs
a few dictionary look-ups per rule.

Semantics, shared with the planner:

* scope of a rule: its units if it lists any, else its groups pooled (sub-groups
  included), else every unit; `level`/`level_op` keep only units at that level
  (units without a level never match) — for `total` and `each_group` rules;
* one_counts: of its units, only the highest-valued chosen one counts (ties go
  to the earlier unit in spec order); a unit beaten by another chosen unit of any
  one_counts rule contributes nothing to any other rule nor to the total;
* total: sum of value (or number of units for measure "count", or when the
  spec's value_name is "none") over the counted units in scope, between minimum
  and maximum;
* mandatory: every unit of the scope chosen (and counted);
* each_group: at least `per_group` counted units (default 1) from each listed group;
* barred: at most one of the listed units; with no units listed, at most one
  unit per barring code among the counted units of the scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "UnitSpec",
    "GroupSpec",
    "RuleSpec",
    "Spec",
    "RuleResult",
    "Evaluation",
    "SpecError",
    "UnknownUnits",
    "PathwayError",
    "evaluate",
    "KINDS",
]

KINDS = ("total", "mandatory", "each_group", "barred", "one_counts")
MEASURES = ("value", "count")
LEVEL_OPS = ("eq", "ge", "le")
VALUE_NAMES = ("credits", "unit values", "none")


@dataclass(frozen=True, slots=True)
class UnitSpec:
    code: str
    title: str
    group: str | None
    level: int | None
    value: int
    glh: int | None = None
    tqt: int | None = None
    barring_code: str = ""


@dataclass(frozen=True, slots=True)
class GroupSpec:
    code: str
    title: str
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class RuleSpec:
    identifier: str
    kind: str  # "total" | "mandatory" | "each_group" | "barred" | "one_counts"
    message: str
    measure: str = "value"  # "value" | "count"
    minimum: int | None = None
    maximum: int | None = None
    groups: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    level: int | None = None
    level_op: str = "eq"  # "eq" | "ge" | "le"
    per_group: int | None = None
    pathway: str | None = None


@dataclass(frozen=True)
class Spec:
    code: str
    version: str
    title: str
    value_name: str  # "credits" | "unit values" | "none"
    units: tuple[UnitSpec, ...]
    groups: tuple[GroupSpec, ...]
    rules: tuple[RuleSpec, ...]
    pathways: tuple[str, ...] = ()

    def __getstate__(self) -> dict:
        # The compiled form kept on the instance (see compile_spec) is rebuilt on demand, never pickled or copied.
        return {k: v for k, v in self.__dict__.items() if k != _ATTR}


@dataclass(frozen=True, slots=True)
class RuleResult:
    identifier: str
    kind: str
    met: bool
    value: int
    minimum: int | None
    maximum: int | None
    shortfall: int
    excess: int
    message: str


@dataclass(frozen=True)
class Evaluation:
    valid: bool
    total: int
    results: tuple[RuleResult, ...]
    glh: int | None
    tqt: int | None


class SpecError(ValueError):
    """The spec, or what was asked of it, is inconsistent."""


class UnknownUnits(SpecError):
    def __init__(self, codes: Iterable[str]) -> None:
        self.codes = tuple(dict.fromkeys(codes))
        noun = "unit" if len(self.codes) == 1 else "units"
        super().__init__(f"Unknown {noun}: {', '.join(self.codes)}")


class PathwayError(SpecError):
    """A pathway is missing where the spec has pathways, or given where it has none, or unknown."""


# --------------------------------------------------------------------------- words


def words(n: int, counts_units: bool, value_name: str) -> str:
    """What `n` of the measure is called: '1 credit', '3 unit values', '2 units'."""
    if counts_units or value_name == "none":
        return "unit" if n == 1 else "units"
    if value_name == "unit values":
        return "unit value" if n == 1 else "unit values"
    return "credit" if n == 1 else "credits"


def _listing(codes: Iterable[str]) -> str:
    return ", ".join(codes)


def _and_listing(codes: tuple[str, ...]) -> str:
    if len(codes) <= 1:
        return "".join(codes)
    return ", ".join(codes[:-1]) + " and " + codes[-1]


def level_noun(level: int | None, op: str, plural: bool) -> str:
    unit = "units" if plural else "unit"
    if level is None:
        return unit
    if op == "ge":
        return f"{unit} at level {level} or above"
    if op == "le":
        return f"{unit} at level {level} or below"
    return f"level {level} {unit}"


def bounds_phrase(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        if minimum == maximum:
            return f"exactly {minimum}"
        return f"between {minimum} and {maximum}"
    if minimum is not None:
        return f"at least {minimum}"
    if maximum is not None:
        return f"at most {maximum}"
    return ""


def _groups_phrase(groups: tuple[str, ...]) -> str:
    return ("group " if len(groups) == 1 else "groups ") + _listing(groups)


def scope_phrase(rule: RuleSpec, *, use_level: bool = True) -> str:
    """'in total', 'from group A', 'from level 3 units in groups B, C, D, E'."""
    level = rule.level if use_level else None
    if rule.units:
        if level is None:
            return ("from unit " if len(rule.units) == 1 else "from units ") + _listing(rule.units)
        return f"from {level_noun(level, rule.level_op, True)} among {_listing(rule.units)}"
    if rule.groups:
        if level is None:
            return "from " + _groups_phrase(rule.groups)
        return f"from {level_noun(level, rule.level_op, True)} in {_groups_phrase(rule.groups)}"
    if level is None:
        return "in total"
    return f"from {level_noun(level, rule.level_op, True)}"


# --------------------------------------------------------------------------- compiled form

_CACHE_LIMIT = 4096
_ATTR = "_rules_compiled"  # where compile_spec keeps the compiled form on a Spec


def _level_ok(level: int | None, wanted: int | None, op: str) -> bool:
    if wanted is None:
        return True
    if level is None:
        return False
    if op == "ge":
        return level >= wanted
    if op == "le":
        return level <= wanted
    return level == wanted


class _Total:
    __slots__ = ("rule", "slot", "terms", "minimum", "maximum", "counts", "value_name", "scope", "cache", "bounds")
    kind = "total"

    def __init__(self, rule: RuleSpec, slot: int, terms: tuple[tuple[int, int], ...], counts: bool, value_name: str):
        self.rule = rule
        self.slot = slot
        self.terms = terms  # (unit index, weight)
        self.minimum = rule.minimum
        self.maximum = rule.maximum
        self.scope = scope_phrase(rule)
        self.bounds = bounds_phrase(rule.minimum, rule.maximum)
        self.counts = counts
        self.value_name = value_name
        self.cache: dict[int, RuleResult] = {}

    def words_of(self, n: int) -> str:
        return words(n, self.counts, self.value_name)

    def contributions(self):
        for index, weight in self.terms:
            if weight:
                yield index, self.slot, weight

    def result(self, acc, counted, chosen) -> RuleResult:
        value = acc[self.slot]
        hit = self.cache.get(value)
        if hit is None:
            hit = self._make(value)
            if len(self.cache) > _CACHE_LIMIT:
                self.cache.clear()
            self.cache[value] = hit
        return hit

    def _make(self, value: int) -> RuleResult:
        lo, hi = self.minimum, self.maximum
        shortfall = lo - value if lo is not None and value < lo else 0
        excess = value - hi if hi is not None and value > hi else 0
        if shortfall:
            message = f"{shortfall} more {self.words_of(shortfall)} needed {self.scope}"
        elif excess:
            message = f"{excess} {self.words_of(excess)} too many {self.scope}: at most {hi}"
        else:
            message = f"Met: {value} {self.words_of(value)} {self.scope}"
            if self.bounds:
                message += f" ({self.bounds})"
        return RuleResult(self.rule.identifier, "total", not (shortfall or excess), value, lo, hi, shortfall, excess,
                          message)


class _Mandatory:
    __slots__ = ("rule", "slot", "members", "codes", "cache")
    kind = "mandatory"

    def __init__(self, rule: RuleSpec, slot: int, members: tuple[int, ...], codes: tuple[str, ...]):
        self.rule = rule
        self.slot = slot
        self.members = members
        self.codes = codes  # all unit codes of the spec, by index
        self.cache: dict[tuple[int, ...], RuleResult] = {}

    def contributions(self):
        for index in self.members:
            yield index, self.slot, 1

    def result(self, acc, counted, chosen) -> RuleResult:
        have = acc[self.slot]
        if have == len(self.members):
            key: tuple[int, ...] = ()
        else:
            key = tuple(i for i in self.members if i not in counted)
        hit = self.cache.get(key)
        if hit is None:
            hit = self._make(have, key)
            if len(self.cache) > _CACHE_LIMIT:
                self.cache.clear()
            self.cache[key] = hit
        return hit

    def _make(self, have: int, missing: tuple[int, ...]) -> RuleResult:
        need = len(self.members)
        names = tuple(self.codes[i] for i in self.members)
        if not missing:
            if need == 1:
                message = f"Met: mandatory unit {names[0]} chosen"
            else:
                message = f"Met: all {need} mandatory units chosen ({_listing(names)})"
        else:
            missing_names = _listing(self.codes[i] for i in missing)
            if len(missing) == 1:
                message = f"1 mandatory unit missing: {missing_names}"
            else:
                message = f"{len(missing)} mandatory units missing: {missing_names}"
        return RuleResult(self.rule.identifier, "mandatory", not missing, have, need, None, len(missing), 0, message)


class _EachGroup:
    __slots__ = ("rule", "slots", "groups", "members", "per", "cache", "noun_one", "noun_many")
    kind = "each_group"

    def __init__(self, rule: RuleSpec, slots: tuple[int, ...], groups: tuple[str, ...],
                 members: tuple[tuple[int, ...], ...], per: int):
        self.rule = rule
        self.slots = slots
        self.groups = groups
        self.members = members  # per group: unit indices counting for it
        self.per = per
        self.noun_one = level_noun(rule.level, rule.level_op, False)
        self.noun_many = level_noun(rule.level, rule.level_op, True)
        self.cache: dict[tuple[int, ...], RuleResult] = {}

    def contributions(self):
        for slot, members in zip(self.slots, self.members, strict=True):
            for index in members:
                yield index, slot, 1

    def result(self, acc, counted, chosen) -> RuleResult:
        per = self.per
        key = tuple(acc[s] if acc[s] < per else per for s in self.slots)
        hit = self.cache.get(key)
        if hit is None:
            hit = self._make(key)
            if len(self.cache) > _CACHE_LIMIT:
                self.cache.clear()
            self.cache[key] = hit
        return hit

    def _make(self, have: tuple[int, ...]) -> RuleResult:
        per = self.per
        need = per * len(self.groups)
        value = sum(have)
        shortfall = need - value
        noun = self.noun_one if per == 1 else self.noun_many
        requirement = f"at least {per} {noun} from each of {_groups_phrase(self.groups)}"
        if len(self.groups) == 1:
            requirement = f"at least {per} {noun} from {_groups_phrase(self.groups)}"
        if not shortfall:
            message = f"Met: {requirement}"
        else:
            short = [(g, per - h) for g, h in zip(self.groups, have, strict=True) if h < per]
            many = self.noun_one if shortfall == 1 else self.noun_many
            if len(short) == 1:
                message = f"{shortfall} more {many} needed from group {short[0][0]} ({requirement})"
            else:
                parts = ", ".join(f"{n} from group {g}" for g, n in short)
                message = f"{shortfall} more {many} needed: {parts} ({requirement})"
        return RuleResult(self.rule.identifier, "each_group", not shortfall, value, need, None, shortfall, 0, message)


class _Barred:
    __slots__ = ("rule", "slots", "bars", "labels", "codes", "cache", "met")
    kind = "barred"

    def __init__(self, rule: RuleSpec, slots: tuple[int, ...], bars: tuple[tuple[int, ...], ...],
                 labels: tuple[str, ...], codes: tuple[str, ...]):
        self.rule = rule
        self.slots = slots
        self.bars = bars  # groups of unit indices of which at most one may count
        self.labels = labels  # "" for the listed units, else the barring code
        self.codes = codes
        self.cache: dict[tuple[tuple[int, ...], ...], RuleResult] = {}
        self.met: dict[int, RuleResult] = {}

    def contributions(self):
        for slot, members in zip(self.slots, self.bars, strict=True):
            for index in members:
                yield index, slot, 1

    def result(self, acc, counted, chosen) -> RuleResult:
        worst = 0
        for s in self.slots:
            if acc[s] > worst:
                worst = acc[s]
        if worst <= 1:
            hit = self.met.get(worst)
            if hit is None:
                hit = self.met[worst] = RuleResult(
                    self.rule.identifier, "barred", True, worst, None, 1, 0, 0, "Met: no barred units taken together"
                )
            return hit
        key = tuple(
            tuple(i for i in members if i in counted)
            for s, members in zip(self.slots, self.bars, strict=True)
            if acc[s] > 1
        )
        hit = self.cache.get(key)
        if hit is None:
            hit = self._make(worst, key)
            if len(self.cache) > _CACHE_LIMIT:
                self.cache.clear()
            self.cache[key] = hit
        return hit

    def _make(self, worst: int, clashes: tuple[tuple[int, ...], ...]) -> RuleResult:
        excess = sum(len(c) - 1 for c in clashes)
        parts = []
        for clash in clashes:
            names = tuple(self.codes[i] for i in clash)
            parts.append(f"{_and_listing(names)} may not be taken together")
        label = "Barred combination" if len(clashes) == 1 else "Barred combinations"
        message = f"{label}: {'; '.join(parts)} (remove {excess})"
        return RuleResult(self.rule.identifier, "barred", False, worst, None, 1, 0, excess, message)


class _OneCounts:
    __slots__ = ("rule", "members", "codes", "tvalues", "cache", "names")
    kind = "one_counts"

    def __init__(self, rule: RuleSpec, members: tuple[int, ...], codes: tuple[str, ...], tvalues: tuple[int, ...]):
        self.rule = rule
        self.members = members
        self.codes = codes
        self.tvalues = tvalues
        self.names = _listing(codes[i] for i in members)
        self.cache: dict[tuple[int | None, tuple[int, ...]], RuleResult] = {}

    def contributions(self):
        return ()

    def result(self, acc, counted, chosen) -> RuleResult:
        winner = None
        others = []
        for i in self.members:
            if i in chosen:
                if i in counted:
                    winner = i
                else:
                    others.append(i)
        key = (winner, tuple(others))
        hit = self.cache.get(key)
        if hit is None:
            hit = self._make(winner, key[1])
            if len(self.cache) > _CACHE_LIMIT:
                self.cache.clear()
            self.cache[key] = hit
        return hit

    def _make(self, winner: int | None, others: tuple[int, ...]) -> RuleResult:
        head = f"Only the highest-valued of {self.names} counts"
        if winner is None and not others:
            message = f"Met: {head}; none chosen"
        else:
            bits = []
            if winner is not None:
                bits.append(f"{self.codes[winner]} counts")
            if others:
                verb = "does" if len(others) == 1 else "do"
                bits.append(f"{_and_listing(tuple(self.codes[i] for i in others))} {verb} not")
            message = f"Met: {head}; {', '.join(bits)}"
        value = self.tvalues[winner] if winner is not None else 0
        return RuleResult(self.rule.identifier, "one_counts", True, value, None, None, 0, 0, message)


class RuleSet:
    """The rules that apply for one pathway, compiled."""

    __slots__ = ("pathway", "rules", "checks", "beaters", "contrib", "nslots")

    def __init__(self, compiled: Compiled, pathway: str | None) -> None:
        spec = compiled.spec
        self.pathway = pathway
        self.rules = tuple(r for r in spec.rules if r.pathway is None or r.pathway == pathway)
        codes = compiled.codes
        n = len(codes)
        checks = []
        slot = 0
        beaters: list[set[int]] = [set() for _ in range(n)]
        for rule in self.rules:
            kind = rule.kind
            if kind == "total":
                counts = rule.measure == "count" or compiled.counts_units
                members = compiled.scope(rule, use_level=True)
                values = compiled.values
                terms = tuple((i, 1 if counts else values[i]) for i in members)
                checks.append(_Total(rule, slot, terms, counts, spec.value_name))
                slot += 1
            elif kind == "mandatory":
                checks.append(_Mandatory(rule, slot, compiled.scope(rule, use_level=False), codes))
                slot += 1
            elif kind == "each_group":
                per = rule.per_group if rule.per_group is not None else 1
                restrict = set(compiled.indices(rule.units)) if rule.units else None
                members = []
                for g in rule.groups:
                    mine = tuple(
                        i for i in compiled.group_members[g]
                        if (restrict is None or i in restrict)
                        and _level_ok(compiled.levels[i], rule.level, rule.level_op)
                    )
                    members.append(mine)
                slots = tuple(range(slot, slot + len(members)))
                slot += len(members)
                checks.append(_EachGroup(rule, slots, rule.groups, tuple(members), per))
            elif kind == "barred":
                if rule.units:
                    bars = (compiled.indices(rule.units),)
                    labels = ("",)
                else:
                    by_code: dict[str, list[int]] = {}
                    for i in compiled.scope(rule, use_level=False):
                        code = compiled.barring[i]
                        if code:
                            by_code.setdefault(code, []).append(i)
                    pairs = [(c, tuple(m)) for c, m in by_code.items()]
                    bars = tuple(m for _, m in pairs)
                    labels = tuple(c for c, _ in pairs)
                slots = tuple(range(slot, slot + len(bars)))
                slot += len(bars)
                checks.append(_Barred(rule, slots, bars, labels, codes))
            elif kind == "one_counts":
                members = compiled.scope(rule, use_level=False)
                tv = compiled.tvalues
                for a in members:
                    for b in members:
                        if a != b and (tv[b] > tv[a] or (tv[b] == tv[a] and b < a)):
                            beaters[a].add(b)
                checks.append(_OneCounts(rule, members, codes, tv))
            else:  # pragma: no cover - compile() rejects unknown kinds
                raise SpecError(f"Rule {rule.identifier}: unknown kind {kind!r}")
        self.checks = tuple(checks)
        self.nslots = slot
        self.beaters = tuple(frozenset(b) for b in beaters)
        contrib: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        for check in checks:
            for index, s, amount in check.contributions():
                contrib[index].append((s, amount))
        self.contrib = tuple(tuple(c) for c in contrib)


class Compiled:
    """Everything about a Spec that does not depend on the units chosen."""

    __slots__ = (
        "spec", "codes", "index", "values", "tvalues", "levels", "glh", "tqt", "barring",
        "group_members", "counts_units", "_rulesets", "__weakref__",
    )

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        if spec.value_name not in VALUE_NAMES:
            raise SpecError(f"{spec.code}: unknown value name {spec.value_name!r}")
        self.counts_units = spec.value_name == "none"
        self.codes = tuple(u.code for u in spec.units)
        self.index = {}
        for i, code in enumerate(self.codes):
            if code in self.index:
                raise SpecError(f"{spec.code}: unit {code} appears twice")
            self.index[code] = i
        self.values = tuple(u.value for u in spec.units)
        self.tvalues = tuple(1 for _ in spec.units) if self.counts_units else self.values
        self.levels = tuple(u.level for u in spec.units)
        self.glh = tuple(u.glh for u in spec.units)
        self.tqt = tuple(u.tqt for u in spec.units)
        self.barring = tuple(u.barring_code for u in spec.units)

        parents: dict[str, str | None] = {}
        for g in spec.groups:
            if g.code in parents:
                raise SpecError(f"{spec.code}: group {g.code} appears twice")
            parents[g.code] = g.parent
        for code, parent in parents.items():
            if parent is not None and parent not in parents:
                raise SpecError(f"{spec.code}: group {code} has unknown parent group {parent}")
        # Each group's units include its sub-groups' (any depth).
        members: dict[str, list[int]] = {g: [] for g in parents}
        for i, unit in enumerate(spec.units):
            if unit.group is None:
                continue
            if unit.group not in parents:
                raise SpecError(f"{spec.code}: unit {unit.code} is in unknown group {unit.group}")
            seen = set()
            g: str | None = unit.group
            while g is not None:
                if g in seen:
                    raise SpecError(f"{spec.code}: group {g} is its own ancestor")
                seen.add(g)
                members[g].append(i)
                g = parents[g]
        self.group_members = {g: tuple(m) for g, m in members.items()}

        pathways = set(spec.pathways)
        if len(pathways) != len(spec.pathways):
            raise SpecError(f"{spec.code}: a pathway appears twice")
        identifiers = set()
        for rule in spec.rules:
            where = f"{spec.code}: rule {rule.identifier}"
            if rule.identifier in identifiers:
                raise SpecError(f"{where} appears twice")
            identifiers.add(rule.identifier)
            if rule.kind not in KINDS:
                raise SpecError(f"{where}: unknown kind {rule.kind!r}")
            if rule.measure not in MEASURES:
                raise SpecError(f"{where}: unknown measure {rule.measure!r}")
            if rule.level_op not in LEVEL_OPS:
                raise SpecError(f"{where}: unknown level operator {rule.level_op!r}")
            if rule.pathway is not None and rule.pathway not in pathways:
                raise SpecError(f"{where}: unknown pathway {rule.pathway!r}")
            unknown_units = [c for c in rule.units if c not in self.index]
            if unknown_units:
                raise SpecError(f"{where} names unknown units {', '.join(unknown_units)}")
            unknown_groups = [c for c in rule.groups if c not in parents]
            if unknown_groups:
                raise SpecError(f"{where} names unknown groups {', '.join(unknown_groups)}")
        self._rulesets: dict[str | None, RuleSet] = {}

    # -- scopes

    def indices(self, codes: Iterable[str]) -> tuple[int, ...]:
        return tuple(sorted({self.index[c] for c in codes}))

    def scope(self, rule: RuleSpec, *, use_level: bool) -> tuple[int, ...]:
        """Unit indices in the rule's scope, in spec order."""
        if rule.units:
            members = self.indices(rule.units)
        elif rule.groups:
            pooled: set[int] = set()
            for g in rule.groups:
                pooled.update(self.group_members[g])
            members = tuple(sorted(pooled))
        else:
            members = tuple(range(len(self.codes)))
        if use_level and rule.level is not None:
            members = tuple(i for i in members if _level_ok(self.levels[i], rule.level, rule.level_op))
        return members

    # -- pathways

    def check_pathway(self, pathway: str | None) -> None:
        pathways = self.spec.pathways
        if pathways:
            if pathway is None:
                raise PathwayError(
                    f"{self.spec.code} has pathways; choose one of: {', '.join(pathways)}"
                )
            if pathway not in pathways:
                raise PathwayError(
                    f"{self.spec.code} has no pathway {pathway!r}; choose one of: {', '.join(pathways)}"
                )
        elif pathway is not None:
            raise PathwayError(f"{self.spec.code} has no pathways, so pathway {pathway!r} does not apply")

    def ruleset(self, pathway: str | None) -> RuleSet:
        if pathway == "":
            pathway = None  # as a form's empty choice sends it
        rs = self._rulesets.get(pathway)
        if rs is None:
            self.check_pathway(pathway)
            rs = self._rulesets[pathway] = RuleSet(self, pathway)
        return rs

    def resolve(self, codes: Iterable[str]) -> list[int]:
        """Unit indices for codes, in the order given (duplicates kept); UnknownUnits for the rest."""
        if isinstance(codes, str):
            raise TypeError("codes must be an iterable of unit codes, not a string")
        index = self.index
        out = []
        unknown = None
        for c in codes:
            i = index.get(c)
            if i is None:
                if unknown is None:
                    unknown = []
                unknown.append(c)
            else:
                out.append(i)
        if unknown:
            raise UnknownUnits(unknown)
        return out


def compile_spec(spec: Spec) -> Compiled:
    """The compiled form of a spec, built once and kept on the (frozen) instance."""
    compiled = spec.__dict__.get(_ATTR)
    if compiled is None:
        compiled = Compiled(spec)
        object.__setattr__(spec, _ATTR, compiled)
    return compiled


def counted_units(ruleset: RuleSet, chosen: set[int]) -> list[int]:
    """The chosen units that count: not beaten by another chosen unit of a one_counts rule."""
    beaters = ruleset.beaters
    return [i for i in chosen if not beaters[i] or chosen.isdisjoint(beaters[i])]


def evaluate(spec: Spec, codes: Iterable[str], pathway: str | None = None) -> Evaluation:
    compiled = spec.__dict__.get(_ATTR) or compile_spec(spec)
    ruleset = compiled._rulesets.get(pathway) or compiled.ruleset(pathway)
    chosen = set(compiled.resolve(codes))
    beaters = ruleset.beaters
    counted = [i for i in chosen if not beaters[i] or chosen.isdisjoint(beaters[i])]
    counted_set = set(counted) if len(counted) != len(chosen) else chosen

    acc = [0] * ruleset.nslots
    contrib = ruleset.contrib
    tvalues = compiled.tvalues
    total = 0
    for i in counted:
        total += tvalues[i]
        for s, amount in contrib[i]:
            acc[s] += amount
    results = tuple([check.result(acc, counted_set, chosen) for check in ruleset.checks])
    valid = True
    for r in results:
        if not r.met:
            valid = False
            break

    glh = tqt = None
    for i in chosen:
        g = compiled.glh[i]
        if g is not None:
            glh = g if glh is None else glh + g
        t = compiled.tqt[i]
        if t is not None:
            tqt = t if tqt is None else tqt + t
    return Evaluation(valid, total, results, glh, tqt)
