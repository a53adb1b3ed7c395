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

OR-Tools is imported lazily: it pulls in numpy and pandas.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from units.rules import (
    Compiled,
    RuleSet,
    RuleSpec,
    Spec,
    UnknownUnits,
    _and_listing,
    bounds_phrase,
    compile_spec,
    evaluate,
    scope_phrase,
    words,
)

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


def _cp():
    from ortools.sat.python import cp_model

    return cp_model


def _solver(cp_model):
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


# --------------------------------------------------------------------------- model


class _Model:
    """Unit variables, one_counts `counted` variables and the constraints of the rules in `rules`.

    Units in `excluded` get no variable (they are never chosen); units in `fixed` are chosen.
    """

    def __init__(self, compiled: Compiled, ruleset: RuleSet, excluded: set[int], fixed: Iterable[int] = (),
                 rules: set[str] | None = None) -> None:
        cp_model = _cp()
        self.model = model = cp_model.CpModel()
        n = len(compiled.codes)
        self.x = x = [None if i in excluded else model.new_bool_var("") for i in range(n)]
        for i in fixed:
            model.add(x[i] == 1)
        # Counted: chosen and not beaten by another chosen unit of a one_counts rule.
        counted = list(x)
        for i, beaters in enumerate(ruleset.beaters):
            if x[i] is None:
                continue
            live = [x[b] for b in beaters if x[b] is not None]
            if not live:
                continue
            c = model.new_bool_var("")
            model.add_implication(c, x[i])
            for xb in live:
                model.add_bool_or([c.Not(), xb.Not()])
            model.add_bool_or([c, x[i].Not(), *live])
            counted[i] = c
        self.counted = counted
        self.feasible = True  # False when a rule is plainly impossible (a needed unit has no variable)

        for check in ruleset.checks:
            kind = check.kind
            if kind == "one_counts" or (rules is not None and check.rule.identifier not in rules):
                continue
            if kind == "total":
                terms = [(counted[i], w) for i, w in check.terms if counted[i] is not None and w]
                expr = cp_model.LinearExpr.weighted_sum([t[0] for t in terms], [t[1] for t in terms])
                if check.minimum is not None:
                    model.add(expr >= check.minimum)
                if check.maximum is not None:
                    model.add(expr <= check.maximum)
            elif kind == "mandatory":
                for i in check.members:
                    if counted[i] is None:
                        self.feasible = False
                    else:
                        model.add(counted[i] == 1)
            elif kind == "each_group":
                for members in check.members:
                    live = [counted[i] for i in members if counted[i] is not None]
                    if len(live) < check.per:
                        self.feasible = False
                    elif check.per == 1:
                        model.add_bool_or(live)
                    elif check.per > 0:
                        model.add(cp_model.LinearExpr.sum(live) >= check.per)
            elif kind == "barred":
                for members in check.bars:
                    live = [counted[i] for i in members if counted[i] is not None]
                    if len(live) > 1:
                        model.add_at_most_one(live)


# --------------------------------------------------------------------------- plan


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
    chosen_l, avoid_l, prefer_l, allowed_l = _indices(compiled, [chosen, avoid, prefer, allowed])
    codes = compiled.codes
    n = len(codes)
    chosen_s, avoid_s, prefer_s = set(chosen_l), set(avoid_l), set(prefer_l)
    allowed_s = set(allowed_l) if allowed_l is not None else None

    clash = sorted(chosen_s & avoid_s)
    if clash:
        return Impossible(tuple(f"Unit {codes[i]} is both chosen and avoided" for i in clash))
    if allowed_s is not None:
        outside = sorted(chosen_s - allowed_s)
        if outside:
            return Impossible(tuple(f"Chosen unit {codes[i]} is not among the allowed units" for i in outside))

    excluded = set(avoid_s)
    if allowed_s is not None:
        excluded.update(i for i in range(n) if i not in allowed_s)

    cp_model = _cp()
    m = _Model(compiled, ruleset, excluded, chosen_s)
    model, x, counted = m.model, m.x, m.counted
    if not m.feasible:
        return Impossible(_diagnose(compiled, ruleset, chosen_s, avoid_s, allowed_s))

    free = [i for i in range(n) if x[i] is not None and i not in chosen_s]
    tvalues = compiled.tvalues
    live = [i for i in range(n) if x[i] is not None]
    total_expr = cp_model.LinearExpr.weighted_sum([counted[i] for i in live], [tvalues[i] for i in live])
    count_expr = cp_model.LinearExpr.sum([x[i] for i in free])
    preferred = [i for i in free if i in prefer_s]
    pref_expr = cp_model.LinearExpr.sum([x[i] for i in preferred])
    k2 = len(preferred) + 1
    k1 = (len(free) + 1) * k2
    primary = total_expr * k1 + count_expr * k2 - pref_expr

    solver = _solver(cp_model)
    model.minimize(primary)
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return Impossible(_diagnose(compiled, ruleset, chosen_s, avoid_s, allowed_s))
    if status != cp_model.OPTIMAL:
        raise PlannerError(f"the solver stopped with status {solver.status_name(status)} for {spec.code}")
    best = round(solver.objective_value)
    model.add(primary == best)
    values = [solver.boolean_value(x[i]) for i in free]

    # Earliest units: the largest binary number over the free units in spec order, chunk by chunk.
    for start in range(0, len(free), CHUNK):
        chunk = free[start:start + CHUNK]
        model.clear_hints()
        for j, i in enumerate(free):
            model.add_hint(x[i], values[j])
        weights = [1 << (len(chunk) - 1 - j) for j in range(len(chunk))]
        lex = cp_model.LinearExpr.weighted_sum([x[i] for i in chunk], weights)
        model.maximize(lex)
        status = solver.solve(model)
        if status != cp_model.OPTIMAL:
            raise PlannerError(f"the solver stopped with status {solver.status_name(status)} for {spec.code}")
        values = [solver.boolean_value(x[i]) for i in free]
        model.add(lex == round(solver.objective_value))

    picked = set(chosen_s)
    picked.update(i for j, i in enumerate(free) if values[j])
    units = tuple(codes[i] for i in sorted(picked))
    evaluation = evaluate(spec, units, pathway)
    if not evaluation.valid:  # pragma: no cover - the model and evaluate() share their semantics
        raise PlannerError(f"the planner's answer for {spec.code} is not valid: {units}")
    return Plan(units, evaluation.total)


# --------------------------------------------------------------------------- why it is impossible


def _diagnose(
    compiled: Compiled, ruleset: RuleSet, chosen: set[int], avoid: set[int], allowed: set[int] | None
) -> tuple[str, ...]:
    """Plain-English reasons: every rule that cannot be met on its own, else a minimal conflicting set of rules."""
    cp_model = _cp()
    n = len(compiled.codes)
    units: list[tuple[str, int | None]] = [("chosen", i) for i in sorted(chosen)]
    units += [("avoid", i) for i in sorted(avoid)]
    if allowed is not None:
        units.append(("allowed", None))
    checks = {check.rule.identifier: check for check in ruleset.checks}
    rules = [("rule", check.rule.identifier) for check in ruleset.checks if check.kind != "one_counts"]

    def infeasible(subset) -> bool:
        excluded: set[int] = set()
        fixed = []
        names = set()
        for kind, key in subset:
            if kind == "chosen":
                fixed.append(key)
            elif kind == "avoid":
                excluded.add(key)
            elif kind == "allowed":
                excluded.update(i for i in range(n) if i not in allowed)
            else:
                names.add(key)
        m = _Model(compiled, ruleset, excluded, fixed, names)
        if not m.feasible:
            return True
        solver = _solver(cp_model)
        status = solver.solve(m.model)
        if status not in (cp_model.INFEASIBLE, cp_model.FEASIBLE, cp_model.OPTIMAL):
            raise PlannerError(f"the solver stopped with status {solver.status_name(status)} "
                               f"while explaining why no plan exists for {compiled.spec.code}")
        return status == cp_model.INFEASIBLE

    def minimal(candidates, keep) -> list:
        """Deletion filter: the candidates the conflict needs, given `keep`."""
        core = list(candidates)
        k = 0
        while k < len(core):
            trial = core[:k] + core[k + 1:]
            if infeasible(trial + keep):
                core = trial
            else:
                k += 1
        return core

    reasons: list[tuple[int, int, str]] = []
    for position, rule in enumerate(rules):
        if infeasible(units + [rule]):
            needed = minimal(units, [rule])
            check = checks[rule[1]]
            for reason in _explain_one(compiled, ruleset, check, needed, allowed):
                priority = 1 if reason.startswith("The chosen units") else _PRIORITY.get(check.kind, 9)
                reasons.append((priority, position, reason))
    if reasons:
        # The most specific first: mandatory units, barred units, groups, then totals.
        return tuple(reason for *_, reason in sorted(reasons))
    if not infeasible(units + rules):  # pragma: no cover - plan() found it infeasible
        return ("No valid combination of units exists",)
    core_rules = minimal(rules[::-1], units)[::-1]
    needed = minimal(units, core_rules)
    ids = tuple(r[1] for r in core_rules)
    detail = "; ".join(f"{r[1]}: {_text(checks[r[1]].rule)}" for r in core_rules)
    verb = "cannot both be met" if len(ids) == 2 else "cannot all be met together"
    return (f"Rules {_and_listing(ids)} {verb}{_context(compiled, needed)} ({detail})",)


_PRIORITY = {"mandatory": 0, "barred": 1, "each_group": 2, "total": 3}


def _text(rule: RuleSpec) -> str:
    return rule.message.strip().rstrip(".")


def _context(compiled: Compiled, needed) -> str:
    codes = compiled.codes
    chosen = tuple(codes[a[1]] for a in needed if a[0] == "chosen")
    avoid = tuple(codes[a[1]] for a in needed if a[0] == "avoid")
    parts = []
    if chosen:
        parts.append(f"with the chosen unit{'s' if len(chosen) > 1 else ''} {_and_listing(chosen)}")
    if avoid:
        parts.append(f"without the avoided unit{'s' if len(avoid) > 1 else ''} {_and_listing(avoid)}")
    if any(a[0] == "allowed" for a in needed):
        parts.append("using only the allowed units")
    return (" " + " and ".join(parts)) if parts else ""


def _explain_one(compiled: Compiled, ruleset: RuleSet, check, needed, allowed: set[int] | None) -> list[str]:
    """Why one rule cannot be met, given the unit constraints it conflicts with (`needed`)."""
    spec = compiled.spec
    codes = compiled.codes
    rule: RuleSpec = check.rule
    name = f"rule {rule.identifier} ({_text(rule)})"
    where = _context(compiled, needed)
    chosen = tuple(codes[a[1]] for a in needed if a[0] == "chosen")
    avoided = {a[1] for a in needed if a[0] == "avoid"}
    forbidden = set(avoided)
    if any(a[0] == "allowed" for a in needed):
        forbidden.update(i for i in range(len(codes)) if i not in allowed)
    counts = rule.measure == "count" or compiled.counts_units

    if check.kind in ("total", "barred") and chosen:
        result = next(r for r in evaluate(spec, chosen, ruleset.pathway).results if r.identifier == rule.identifier)
        if result.excess:
            if check.kind == "barred":
                remove = "one" if result.excess == 1 else str(result.excess)
                return [f"The chosen units are barred from each other: remove {remove}. "
                        f"{result.message}; {name}"]
            remove = ("one" if result.excess == 1 else str(result.excess)) if counts else "one or more"
            return [f"The chosen units already exceed a maximum: remove {remove}. {result.message}; {name}"]

    if check.kind == "mandatory":
        gone = [i for i in check.members if i in forbidden]
        if gone:
            return [
                f"Mandatory unit {codes[i]} "
                f"{'is avoided' if i in avoided else 'is not among the allowed units'}: {name}"
                for i in gone
            ]

    if check.kind == "each_group":
        short = []
        for group, members in zip(check.groups, check.members, strict=True):
            available = sum(1 for i in members if i not in forbidden)
            if available < check.per:
                noun = "unit" if check.per == 1 else "units"
                short.append(f"Not enough units in group {group} for {name}: {check.per} {noun} needed, "
                             f"only {available} available{where}")
        if short:
            return short

    if check.kind == "total" and check.minimum is not None:
        best = _best_total(compiled, ruleset, check, chosen, forbidden)
        if best is not None and best < check.minimum:
            return [f"Not enough units for {name}: at most {best} {words(best, counts, spec.value_name)} "
                    f"{scope_phrase(rule)} can be had{where}, but at least {check.minimum} are needed"]
        if check.maximum is not None:
            return [f"No combination of units gives {bounds_phrase(check.minimum, check.maximum)} "
                    f"{words(check.maximum, counts, spec.value_name)} {scope_phrase(rule)}{where}: {name}"]

    return [f"Rule {rule.identifier} cannot be met{where}: {_text(rule)}"]


def _best_total(compiled: Compiled, ruleset: RuleSet, check, chosen, forbidden: set[int]) -> int | None:
    """The largest value of a total rule's sum reachable under the unit constraints alone."""
    cp_model = _cp()
    fixed = compiled.resolve(chosen)
    if forbidden.intersection(fixed):
        return None
    m = _Model(compiled, ruleset, forbidden, fixed, set())  # no rule enforced
    terms = [(m.counted[i], w) for i, w in check.terms if m.counted[i] is not None and w]
    m.model.maximize(cp_model.LinearExpr.weighted_sum([t[0] for t in terms], [t[1] for t in terms]))
    solver = _solver(cp_model)
    status = solver.solve(m.model)
    if status != cp_model.OPTIMAL:
        return None
    return round(solver.objective_value)
