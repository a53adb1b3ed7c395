"""Judging a choice of units against a spec's rules."""

from __future__ import annotations

from collections.abc import Iterable

from units.rules.compiled import Compiled, RuleSet, compile_spec
from units.rules.spec import COMPILED_ATTR, Evaluation, Spec

__all__ = ["evaluate", "counted_units"]


def counted_units(ruleset: RuleSet, chosen: set[int]) -> list[int]:
    """The chosen units that count: not beaten by another chosen unit of a one_counts rule."""
    beaters = ruleset.beaters
    return [i for i in chosen if not beaters[i] or chosen.isdisjoint(beaters[i])]


def evaluate(spec: Spec, codes: Iterable[str], pathway: str | None = None) -> Evaluation:
    """Every rule's verdict on the units `codes` under `pathway`, and whether all are met."""
    # Look-ups before calls: evaluate() runs on every change of a candidate's plan and in the planner's checks.
    compiled = spec.__dict__.get(COMPILED_ATTR) or compile_spec(spec)
    ruleset = compiled.rulesets.get(pathway) or compiled.ruleset(pathway)
    chosen = set(compiled.resolve(codes))
    beaters = ruleset.beaters
    # counted_units, inlined: this is the hot path of every plan page.
    counted = [i for i in chosen if not beaters[i] or chosen.isdisjoint(beaters[i])]
    counted_set = set(counted) if len(counted) != len(chosen) else chosen

    acc = [0] * ruleset.nslots
    contrib = ruleset.contrib
    tvalues = compiled.tvalues
    total = 0
    for i in counted:
        total += tvalues[i]
        for slot, amount in contrib[i]:
            acc[slot] += amount
    results = tuple([check.result(acc, counted_set, chosen) for check in ruleset.checks])
    glh, tqt = _hours(compiled, chosen)
    valid = True
    for result in results:
        if not result.met:
            valid = False
            break
    return Evaluation(valid, total, results, glh, tqt)


def _hours(compiled: Compiled, chosen: set[int]) -> tuple[int | None, int | None]:
    """The guided learning hours and total qualification time of the chosen units; None where none is given."""
    glh = tqt = None
    for i in chosen:
        g = compiled.glh[i]
        if g is not None:
            glh = g if glh is None else glh + g
        t = compiled.tqt[i]
        if t is not None:
            tqt = t if tqt is None else tqt + t
    return glh, tqt
