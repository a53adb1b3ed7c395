"""The exact unit planner: the smallest valid completion of a candidate's units.

`plan()` models the rules of `units.rules` (same compiled scopes, same one_counts
semantics) as a CP-SAT problem and optimises lexicographically:

1. the smallest total (as `evaluate` counts it), then the fewest units, then the
   most preferred units — one weighted objective, as the three ranges are small;
2. the earliest units in spec order: the lexicographically smallest tuple of
   spec positions, i.e. the largest sum of 2^(m-1-j) over the free units chosen,
   solved in chunks of at most 50 units (each optimum fixed before the next) so
   no coefficient overflows int64.

Each stage fixes the previous optimum as a constraint, so the answer is unique
and deterministic. When no completion exists the planner finds a minimal set of
conflicting constraints (rules, chosen units, avoided units, the allowed units)
and says which rules make it impossible, in plain English.

OR-Tools is imported lazily, inside the functions that solve: it pulls in numpy and pandas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.utils.translation import gettext, ngettext

from units.rules import (
    Barred,
    Check,
    Compiled,
    EachGroup,
    Mandatory,
    OneCounts,
    RuleKind,
    RuleSet,
    RuleSpec,
    Spec,
    Total,
    UnknownUnits,
    ValueName,
    amount,
    and_listing,
    bounds_phrase,
    compile_spec,
    evaluate,
    scope_phrase,
    words,
)

if TYPE_CHECKING:
    from ortools.sat.python.cp_model import CpSolver, CpSolverStatus, IntVar, LinearExpr

__all__ = ["Plan", "Impossible", "plan"]

CHUNK = 50
TIME_LIMIT = 60.0


@dataclass(frozen=True)
class Plan:
    units: tuple[str, ...]  # in spec order, chosen included
    total: int


@dataclass(frozen=True)
class Impossible:
    reasons: tuple[str, ...]


class PlannerError(RuntimeError):
    """The solver gave no answer within its limits (never expected for real specs)."""


def _solver() -> CpSolver:
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.max_time_in_seconds = TIME_LIMIT
    params.symmetry_level = 0
    # Measured on a 60-unit spec: the full LP relaxation (knapsack-like totals) and no probing
    # roughly halve the time of each stage and cut the slow tail.
    params.linearization_level = 2
    params.cp_model_probing_level = 0
    return solver


def _stopped(solver: CpSolver, status: CpSolverStatus, code: str, doing: str = "") -> PlannerError:
    return PlannerError(f"the solver stopped with status {solver.status_name(status)} {doing}for {code}")


# --------------------------------------------------------------------------- model


class _Model:
    """Unit variables, one_counts `counted` variables and the constraints of the rules in `rules`.

    Units in `excluded` get no variable (they are never chosen); units in `fixed` are chosen.
    The rules pose themselves through the `units.rules.Constraints` methods below.
    """

    def __init__(self, compiled: Compiled, ruleset: RuleSet, excluded: set[int], fixed: Iterable[int] = (),
                 rules: set[str] | None = None) -> None:
        from ortools.sat.python import cp_model

        self.model = model = cp_model.CpModel()
        self.feasible = True  # False when a rule is plainly impossible (a needed unit has no variable)
        self.x: list[IntVar | None] = [
            None if i in excluded else model.new_bool_var("") for i in range(len(compiled.codes))
        ]
        for i in fixed:
            self._fix(self.x[i])
        self.counted = self._counted(ruleset.beaters)
        for check in ruleset.checks:
            if rules is None or check.rule.identifier in rules:
                check.constrain(self)

    def _fix(self, var: IntVar | None) -> None:
        if var is None:
            self.feasible = False
        else:
            self.model.add(var == 1)

    def _counted(self, beaters: tuple[frozenset[int], ...]) -> list[IntVar | None]:
        """Per unit, a variable true when it is chosen and not beaten by another chosen unit of a one_counts rule."""
        counted = list(self.x)
        for i, unit_beaters in enumerate(beaters):
            var = self.x[i]
            live = [b for j in unit_beaters if (b := self.x[j]) is not None]
            if var is not None and live:
                counted[i] = self._unbeaten(var, live)
        return counted

    def _unbeaten(self, var: IntVar, beaters: list[IntVar]) -> IntVar:
        model = self.model
        unbeaten = model.new_bool_var("")
        model.add_implication(unbeaten, var)
        for beater in beaters:
            model.add_bool_or([unbeaten.Not(), beater.Not()])
        model.add_bool_or([unbeaten, var.Not(), *beaters])
        return unbeaten

    def _live(self, members: Sequence[int]) -> list[IntVar]:
        return [var for i in members if (var := self.counted[i]) is not None]

    def weighted(self, terms: Sequence[tuple[int, int]]) -> LinearExpr:
        """The weighted sum of the counted units in `terms` (unit index, weight)."""
        from ortools.sat.python.cp_model import LinearExpr

        live = [(var, weight) for i, weight in terms if (var := self.counted[i]) is not None and weight]
        return LinearExpr.weighted_sum([var for var, _ in live], [weight for _, weight in live])

    # -- units.rules.Constraints

    def within(self, terms: Sequence[tuple[int, int]], minimum: int | None, maximum: int | None) -> None:
        expr = self.weighted(terms)
        if minimum is not None:
            self.model.add(expr >= minimum)
        if maximum is not None:
            self.model.add(expr <= maximum)

    def require(self, index: int) -> None:
        self._fix(self.counted[index])

    def at_least(self, members: Sequence[int], n: int) -> None:
        from ortools.sat.python.cp_model import LinearExpr

        live = self._live(members)
        if len(live) < n:
            self.feasible = False
        elif n == 1:
            self.model.add_bool_or(live)
        elif n > 0:
            self.model.add(LinearExpr.sum(live) >= n)

    def at_most_one(self, members: Sequence[int]) -> None:
        live = self._live(members)
        if len(live) > 1:
            self.model.add_at_most_one(live)


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class _Request:
    """What plan() was asked, as unit indices."""

    chosen: set[int]
    avoid: set[int]
    prefer: set[int]
    allowed: set[int] | None

    def outside(self, n: int) -> set[int]:
        """The units the allowed ones leave out."""
        allowed = self.allowed
        return set() if allowed is None else {i for i in range(n) if i not in allowed}


def _indices(compiled: Compiled, lists: Sequence[Iterable[str] | None]) -> list[list[int] | None]:
    """Resolve every list of codes, raising one UnknownUnits naming all the unknown codes."""
    out: list[list[int] | None] = []
    unknown: list[str] = []
    for codes in lists:
        if codes is None:
            out.append(None)
            continue
        if isinstance(codes, str):
            raise TypeError("unit codes must be given as an iterable of codes, not a string")
        try:
            out.append(compiled.resolve(codes))
        except UnknownUnits as error:
            unknown.extend(error.codes)
            out.append([])
    if unknown:
        raise UnknownUnits(unknown)
    return out


def _request(compiled: Compiled, chosen: Iterable[str], avoid: Iterable[str], prefer: Iterable[str],
             allowed: Iterable[str] | None) -> _Request:
    chosen_l, avoid_l, prefer_l, allowed_l = _indices(compiled, [chosen, avoid, prefer, allowed])
    return _Request(set(chosen_l or ()), set(avoid_l or ()), set(prefer_l or ()),
                    set(allowed_l) if allowed_l is not None else None)


def _refusal(codes: tuple[str, ...], request: _Request) -> Impossible | None:
    """Impossible when the request contradicts itself, before any solving."""
    clash = sorted(request.chosen & request.avoid)
    if clash:
        return Impossible(tuple(
            gettext("Unit %(unit)s is both chosen and avoided") % {"unit": codes[i]} for i in clash
        ))
    if request.allowed is not None:
        outside = sorted(request.chosen - request.allowed)
        if outside:
            return Impossible(tuple(
                gettext("Chosen unit %(unit)s is not among the allowed units") % {"unit": codes[i]} for i in outside
            ))
    return None


def plan(
    spec: Spec,
    chosen: Iterable[str] = (),
    *,
    avoid: Iterable[str] = (),
    prefer: Iterable[str] = (),
    pathway: str | None = None,
    allowed: Iterable[str] | None = None,
) -> Plan | Impossible:
    """The valid completion of `chosen` with the smallest total, fewest units, most preferred, earliest units."""
    compiled = compile_spec(spec)
    ruleset = compiled.ruleset(pathway)  # PathwayError
    request = _request(compiled, chosen, avoid, prefer, allowed)
    refusal = _refusal(compiled.codes, request)
    if refusal is not None:
        return refusal
    excluded = request.avoid | request.outside(len(compiled.codes))
    m = _Model(compiled, ruleset, excluded, request.chosen)
    units = _solve(compiled, m, request) if m.feasible else None
    if units is None:
        return Impossible(_Diagnosis(compiled, ruleset, request).reasons())
    evaluation = evaluate(spec, units, pathway)
    if not evaluation.valid:  # pragma: no cover - the model and evaluate() share their semantics
        raise PlannerError(f"the planner's answer for {spec.code} is not valid: {units}")
    return Plan(units, evaluation.total)


def _solve(compiled: Compiled, m: _Model, request: _Request) -> tuple[str, ...] | None:
    """The chosen and picked unit codes in spec order; None when no completion exists."""
    from ortools.sat.python import cp_model

    free = [(i, var) for i, var in enumerate(m.x) if var is not None and i not in request.chosen]
    primary = _primary(compiled, m, free, request.prefer)
    solver = _solver()
    m.model.minimize(primary)
    status = solver.solve(m.model)
    if status == cp_model.INFEASIBLE:
        return None
    if status != cp_model.OPTIMAL:
        raise _stopped(solver, status, compiled.spec.code)
    m.model.add(primary == round(solver.objective_value))
    values = _earliest(compiled, m, solver, free, [solver.boolean_value(var) for _, var in free])
    picked = set(request.chosen)
    picked.update(i for (i, _), value in zip(free, values, strict=True) if value)
    return tuple(compiled.codes[i] for i in sorted(picked))


def _primary(compiled: Compiled, m: _Model, free: list[tuple[int, IntVar]], prefer: set[int]) -> LinearExpr:
    """Smallest total, then fewest units, then most preferred: one objective, each range scaled past the next."""
    from ortools.sat.python.cp_model import LinearExpr

    tvalues = compiled.tvalues
    live = [(var, tvalues[i]) for i, var in enumerate(m.counted) if var is not None]
    total_expr = LinearExpr.weighted_sum([var for var, _ in live], [value for _, value in live])
    count_expr = LinearExpr.sum([var for _, var in free])
    preferred = [var for i, var in free if i in prefer]
    pref_expr = LinearExpr.sum(preferred)
    k2 = len(preferred) + 1
    k1 = (len(free) + 1) * k2
    return total_expr * k1 + count_expr * k2 - pref_expr


def _earliest(compiled: Compiled, m: _Model, solver: CpSolver, free: list[tuple[int, IntVar]],
              values: list[bool]) -> list[bool]:
    """The largest binary number over the free units in spec order, chunk by chunk; the values of the free units."""
    from ortools.sat.python import cp_model

    model = m.model
    for start in range(0, len(free), CHUNK):
        chunk = [var for _, var in free[start:start + CHUNK]]
        model.clear_hints()  # type: ignore[no-untyped-call]  # OR-Tools 9.15 leaves it unannotated
        for (_, var), value in zip(free, values, strict=True):
            model.add_hint(var, value)
        weights = [1 << (len(chunk) - 1 - j) for j in range(len(chunk))]
        lex = cp_model.LinearExpr.weighted_sum(chunk, weights)
        model.maximize(lex)
        status = solver.solve(model)
        if status != cp_model.OPTIMAL:
            raise _stopped(solver, status, compiled.spec.code)
        values = [solver.boolean_value(var) for _, var in free]
        model.add(lex == round(solver.objective_value))
    return values


# --------------------------------------------------------------------------- why it is impossible

# The most specific first: mandatory units, barred units, groups, then totals.
_PRIORITY = {RuleKind.MANDATORY: 0, RuleKind.BARRED: 1, RuleKind.EACH_GROUP: 2, RuleKind.TOTAL: 3}


@dataclass(frozen=True, slots=True)
class _Ask:
    """One thing plan() was asked to respect, which the diagnosis drops and restores."""

    what: Literal["chosen", "avoid", "allowed", "rule"]
    unit: int = -1
    rule: str = ""


class _Diagnosis:
    """Plain-English reasons: every rule that cannot be met on its own, else a minimal conflicting set of rules."""

    def __init__(self, compiled: Compiled, ruleset: RuleSet, request: _Request) -> None:
        self.compiled = compiled
        self.ruleset = ruleset
        self.allowed = request.allowed
        self.units = [_Ask("chosen", i) for i in sorted(request.chosen)]
        self.units += [_Ask("avoid", i) for i in sorted(request.avoid)]
        if request.allowed is not None:
            self.units.append(_Ask("allowed"))
        self.checks = {check.rule.identifier: check for check in ruleset.checks}
        self.rules = [_Ask("rule", rule=c.rule.identifier) for c in ruleset.checks if not isinstance(c, OneCounts)]

    def reasons(self) -> tuple[str, ...]:
        """Why no completion exists."""
        return self._rule_by_rule() or (self._together(),)

    def _rule_by_rule(self) -> tuple[str, ...]:
        reasons: list[tuple[int, int, str]] = []
        for position, rule in enumerate(self.rules):
            if self.infeasible([*self.units, rule]):
                check = self.checks[rule.rule]
                explained_by, found = _explain_one(self, check, self.minimal(self.units, [rule]))
                # What the chosen units already break comes first, whatever the rule's kind.
                priority = 1 if explained_by is _already_exceeded else _PRIORITY.get(check.kind, 9)
                reasons.extend((priority, position, reason) for reason in found)
        return tuple(reason for *_, reason in sorted(reasons))

    def _together(self) -> str:
        if not self.infeasible(self.units + self.rules):  # pragma: no cover - plan() found it infeasible
            return gettext("No valid combination of units exists")
        core = self.minimal(self.rules[::-1], self.units)[::-1]
        needed = self.minimal(self.units, core)
        ids = tuple(ask.rule for ask in core)
        detail = "; ".join(f"{ask.rule}: {_text(self.checks[ask.rule].rule)}" for ask in core)
        values = {"rules": and_listing(ids), "where": _context(self.compiled, needed), "detail": detail}
        if len(ids) == 2:
            # Translators: %(where)s is empty or starts with a space, e.g. " with the chosen unit A1".
            return gettext("Rules %(rules)s cannot both be met%(where)s (%(detail)s)") % values
        return gettext("Rules %(rules)s cannot all be met together%(where)s (%(detail)s)") % values

    def forbidden(self, asks: Iterable[_Ask]) -> set[int]:
        """The units the asks keep out: avoided, or outside the allowed units."""
        n = len(self.compiled.codes)
        excluded: set[int] = set()
        for ask in asks:
            if ask.what == "avoid":
                excluded.add(ask.unit)
            elif ask.what == "allowed" and self.allowed is not None:
                excluded.update(i for i in range(n) if i not in self.allowed)
        return excluded

    def infeasible(self, asks: Sequence[_Ask]) -> bool:
        """Whether the asks cannot all be met."""
        from ortools.sat.python import cp_model

        fixed = [ask.unit for ask in asks if ask.what == "chosen"]
        rules = {ask.rule for ask in asks if ask.what == "rule"}
        m = _Model(self.compiled, self.ruleset, self.forbidden(asks), fixed, rules)
        if not m.feasible:
            return True
        solver = _solver()
        status = solver.solve(m.model)
        if status not in (cp_model.INFEASIBLE, cp_model.FEASIBLE, cp_model.OPTIMAL):
            raise _stopped(solver, status, self.compiled.spec.code, "while explaining why no plan exists ")
        return status == cp_model.INFEASIBLE

    def minimal(self, candidates: list[_Ask], keep: list[_Ask]) -> list[_Ask]:
        """Deletion filter: the candidates the conflict needs, given `keep`."""
        core = list(candidates)
        k = 0
        while k < len(core):
            trial = core[:k] + core[k + 1:]
            if self.infeasible(trial + keep):
                core = trial
            else:
                k += 1
        return core


def _text(rule: RuleSpec) -> str:
    return rule.message.strip().rstrip(".")


def _context(compiled: Compiled, needed: Sequence[_Ask]) -> str:
    codes = compiled.codes
    chosen = tuple(codes[a.unit] for a in needed if a.what == "chosen")
    avoid = tuple(codes[a.unit] for a in needed if a.what == "avoid")
    parts = []
    if chosen:
        parts.append(ngettext("with the chosen unit %(units)s", "with the chosen units %(units)s", len(chosen))
                     % {"units": and_listing(chosen)})
    if avoid:
        parts.append(ngettext("without the avoided unit %(units)s", "without the avoided units %(units)s", len(avoid))
                     % {"units": and_listing(avoid)})
    if any(a.what == "allowed" for a in needed):
        parts.append(gettext("using only the allowed units"))
    if not parts:
        return ""
    joined = parts[0]
    for part in parts[1:]:
        # Translators: joins two conditions, e.g. "with the chosen unit A1 and without the avoided unit B2".
        joined = gettext("%(first)s and %(second)s") % {"first": joined, "second": part}
    return " " + joined


@dataclass(frozen=True)
class _Why:
    """One rule that cannot be met, and the unit constraints it conflicts with."""

    diagnosis: _Diagnosis
    check: Check
    needed: list[_Ask]

    @property
    def name(self) -> str:
        rule = self.check.rule
        return gettext("rule %(rule)s (%(text)s)") % {"rule": rule.identifier, "text": _text(rule)}

    @property
    def where(self) -> str:
        return _context(self.diagnosis.compiled, self.needed)

    @property
    def chosen(self) -> tuple[str, ...]:
        return tuple(self.diagnosis.compiled.codes[a.unit] for a in self.needed if a.what == "chosen")

    @property
    def avoided(self) -> set[int]:
        return {a.unit for a in self.needed if a.what == "avoid"}

    @property
    def forbidden(self) -> set[int]:
        return self.diagnosis.forbidden(self.needed)

    def counts(self) -> bool:
        """Whether the rule's sum counts units (else it sums values or hours)."""
        check = self.check
        return check.counts if isinstance(check, Total) else True

    def words(self, n: int) -> str:
        check = self.check
        return check.words_of(n) if isinstance(check, Total) else words(n, True, ValueName.NONE)

    def amount(self, n: int) -> str:
        """`n` with the rule's measure: '3 credits'."""
        check = self.check
        if isinstance(check, Total):
            return amount(n, check.counts, check.value_name)
        return amount(n, True, ValueName.NONE)


def _explain_one(
    diagnosis: _Diagnosis, check: Check, needed: list[_Ask]
) -> tuple[Callable[[_Why], list[str]] | None, list[str]]:
    """Why one rule cannot be met, given the unit constraints it conflicts with (`needed`), and which explained it."""
    why = _Why(diagnosis, check, needed)
    for explain in _EXPLANATIONS:
        reasons = explain(why)
        if reasons:
            return explain, reasons
    text = gettext("Rule %(rule)s cannot be met%(where)s: %(text)s") % {
        "rule": check.rule.identifier, "where": why.where, "text": _text(check.rule),
    }
    return None, [text]


def _already_exceeded(why: _Why) -> list[str]:
    check = why.check
    if not isinstance(check, Total | Barred) or not why.chosen:
        return []
    spec, pathway = why.diagnosis.compiled.spec, why.diagnosis.ruleset.pathway
    result = next(r for r in evaluate(spec, why.chosen, pathway).results if r.identifier == check.rule.identifier)
    if not result.excess:
        return []
    values = {"count": result.excess, "message": result.message, "rule": why.name}
    if isinstance(check, Barred):
        return [ngettext(
            "The chosen units are barred from each other: remove one. %(message)s; %(rule)s",
            "The chosen units are barred from each other: remove %(count)s. %(message)s; %(rule)s", result.excess,
        ) % values]
    if not why.counts():
        return [gettext("The chosen units already exceed a maximum: remove one or more. %(message)s; %(rule)s")
                % values]
    return [ngettext(
        "The chosen units already exceed a maximum: remove one. %(message)s; %(rule)s",
        "The chosen units already exceed a maximum: remove %(count)s. %(message)s; %(rule)s", result.excess,
    ) % values]


def _mandatory_unavailable(why: _Why) -> list[str]:
    if not isinstance(why.check, Mandatory):
        return []
    codes, avoided, forbidden = why.diagnosis.compiled.codes, why.avoided, why.forbidden
    return [
        (gettext("Mandatory unit %(unit)s is avoided: %(rule)s") if i in avoided
         else gettext("Mandatory unit %(unit)s is not among the allowed units: %(rule)s"))
        % {"unit": codes[i], "rule": why.name}
        for i in why.check.members
        if i in forbidden
    ]


def _groups_short(why: _Why) -> list[str]:
    check = why.check
    if not isinstance(check, EachGroup):
        return []
    forbidden = why.forbidden
    short = []
    for group, members in zip(check.groups, check.members, strict=True):
        available = sum(1 for i in members if i not in forbidden)
        if available < check.per:
            short.append(ngettext(
                "Not enough units in group %(group)s for %(rule)s: %(count)s unit needed, "
                "only %(available)s available%(where)s",
                "Not enough units in group %(group)s for %(rule)s: %(count)s units needed, "
                "only %(available)s available%(where)s",
                check.per,
            ) % {"group": group, "rule": why.name, "count": check.per, "available": available, "where": why.where})
    return short


def _total_out_of_reach(why: _Why) -> list[str]:
    check = why.check
    if not isinstance(check, Total) or check.minimum is None:
        return []
    rule = check.rule
    best = _best_total(why.diagnosis, check, why.chosen, why.forbidden)
    if best is not None and best < check.minimum:
        return [gettext(
            "Not enough units for %(rule)s: at most %(amount)s %(scope)s can be had%(where)s, "
            "but at least %(minimum)s are needed"
        ) % {
            "rule": why.name, "amount": why.amount(best), "scope": scope_phrase(rule), "where": why.where,
            "minimum": check.minimum,
        }]
    if check.maximum is not None:
        # Translators: %(bounds)s is e.g. "between 2 and 4" and %(measure)s the plural measure, e.g. "credits".
        return [gettext("No combination of units gives %(bounds)s %(measure)s %(scope)s%(where)s: %(rule)s") % {
            "bounds": bounds_phrase(check.minimum, check.maximum), "measure": why.words(check.maximum),
            "scope": scope_phrase(rule), "where": why.where, "rule": why.name,
        }]
    return []


_EXPLANATIONS: tuple[Callable[[_Why], list[str]], ...] = (
    _already_exceeded, _mandatory_unavailable, _groups_short, _total_out_of_reach,
)


def _best_total(diagnosis: _Diagnosis, check: Total, chosen: tuple[str, ...], forbidden: set[int]) -> int | None:
    """The largest value of a total rule's sum reachable under the unit constraints alone."""
    from ortools.sat.python import cp_model

    compiled = diagnosis.compiled
    fixed = compiled.resolve(chosen)
    if forbidden.intersection(fixed):
        return None
    m = _Model(compiled, diagnosis.ruleset, forbidden, fixed, set())  # no rule enforced
    m.model.maximize(m.weighted(check.terms))
    solver = _solver()
    status = solver.solve(m.model)
    if status != cp_model.OPTIMAL:
        return None
    return round(solver.objective_value)
