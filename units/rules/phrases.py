"""How the engine and the planner put rules into words."""

from __future__ import annotations

from collections.abc import Iterable

from units.rules.spec import RuleSpec
from units.rules.vocabulary import LevelOp, Measure, ValueName

__all__ = [
    "measure_name", "words", "listing", "and_listing", "groups_phrase", "level_noun", "bounds_phrase", "scope_phrase",
]


def measure_name(measure: str, value_name: str) -> str:
    """What a rule's sum is called, as `words` takes it: the spec's value name, or the hours measured."""
    if measure in (Measure.GLH, Measure.TQT):
        return measure
    return value_name


def words(n: int, counts_units: bool, value_name: str) -> str:
    """What `n` of the measure is called: '1 credit', '3 unit values', '2 units', '30 GLH', '40 hours TQT'."""
    if value_name == Measure.GLH:
        return "GLH"
    if value_name == Measure.TQT:
        return "hour TQT" if n == 1 else "hours TQT"
    if counts_units or value_name == ValueName.NONE:
        return "unit" if n == 1 else "units"
    if value_name == ValueName.UNIT_VALUES:
        return "unit value" if n == 1 else "unit values"
    return "credit" if n == 1 else "credits"


def listing(codes: Iterable[str]) -> str:
    """'A, B, C'."""
    return ", ".join(codes)


def and_listing(codes: tuple[str, ...]) -> str:
    """'A, B and C'."""
    if len(codes) <= 1:
        return "".join(codes)
    return ", ".join(codes[:-1]) + " and " + codes[-1]


def groups_phrase(groups: tuple[str, ...]) -> str:
    """'group A', 'groups B, C'."""
    return ("group " if len(groups) == 1 else "groups ") + listing(groups)


def level_noun(level: int | None, op: str, plural: bool) -> str:
    """'units', 'level 3 unit', 'units at level 2 or above'."""
    unit = "units" if plural else "unit"
    if level is None:
        return unit
    if op == LevelOp.GE:
        return f"{unit} at level {level} or above"
    if op == LevelOp.LE:
        return f"{unit} at level {level} or below"
    return f"level {level} {unit}"


def bounds_phrase(minimum: int | None, maximum: int | None) -> str:
    """'exactly 3', 'between 2 and 4', 'at least 1', 'at most 5', or ''."""
    if minimum is not None and maximum is not None:
        return f"exactly {minimum}" if minimum == maximum else f"between {minimum} and {maximum}"
    if minimum is not None:
        return f"at least {minimum}"
    if maximum is not None:
        return f"at most {maximum}"
    return ""


def scope_phrase(rule: RuleSpec, *, use_level: bool = True) -> str:
    """'in total', 'from group A', 'from level 3 units in groups B, C, D, E'."""
    level = rule.level if use_level else None
    if rule.units:
        return _units_scope_phrase(rule.units, level, rule.level_op)
    if rule.groups:
        if level is None:
            return "from " + groups_phrase(rule.groups)
        return f"from {level_noun(level, rule.level_op, True)} in {groups_phrase(rule.groups)}"
    if level is None:
        return "in total"
    return f"from {level_noun(level, rule.level_op, True)}"


def _units_scope_phrase(units: tuple[str, ...], level: int | None, op: str) -> str:
    if level is None:
        return ("from unit " if len(units) == 1 else "from units ") + listing(units)
    return f"from {level_noun(level, op, True)} among {listing(units)}"
