"""How the engine and the planner put rules into words.

Every sentence is a whole translatable phrase with named placeholders; counts
go through `ngettext`. The phrases are looked up when called (never at import),
so the words follow the language active for the request. Translation is not
I/O: the engine stays pure.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext, ngettext

from units.rules.spec import RuleSpec
from units.rules.vocabulary import LevelOp, Measure, ValueName

__all__ = [
    "measure_name", "words", "amount", "more_needed", "listing", "and_listing", "groups_phrase", "level_noun",
    "bounds_phrase", "scope_phrase",
]


def measure_name(measure: str, value_name: str) -> str:
    """What a rule's sum is called, as `words` takes it: the spec's value name, or the hours measured."""
    if measure in (Measure.GLH, Measure.TQT):
        return measure
    return value_name


def _measure(counts_units: bool, value_name: str) -> str:
    """The measure's key: 'glh', 'tqt', 'units', 'unit_values' or 'credits'."""
    if value_name == Measure.GLH:
        return "glh"
    if value_name == Measure.TQT:
        return "tqt"
    if counts_units or value_name == ValueName.NONE:
        return "units"
    if value_name == ValueName.UNIT_VALUES:
        return "unit_values"
    return "credits"


def words(n: int, counts_units: bool, value_name: str) -> str:
    """What `n` of the measure is called, without the number: 'credit', 'unit values', 'units', 'GLH', 'hours TQT'."""
    measure = _measure(counts_units, value_name)
    if measure == "glh":
        # Translators: guided learning hours, as a unit of measure after a number.
        return gettext("GLH")
    if measure == "tqt":
        # Translators: total qualification time in hours, as a unit of measure after a number.
        return ngettext("hour TQT", "hours TQT", n)
    if measure == "units":
        # Translators: units of a qualification, after a number.
        return ngettext("unit", "units", n)
    if measure == "unit_values":
        return ngettext("unit value", "unit values", n)
    return ngettext("credit", "credits", n)


def amount(n: int, counts_units: bool, value_name: str) -> str:
    """`n` with its measure: '1 credit', '3 unit values', '2 units', '30 GLH', '40 hours TQT'."""
    measure = _measure(counts_units, value_name)
    if measure == "glh":
        return ngettext("%(count)s GLH", "%(count)s GLH", n) % {"count": n}
    if measure == "tqt":
        return ngettext("%(count)s hour TQT", "%(count)s hours TQT", n) % {"count": n}
    if measure == "units":
        return ngettext("%(count)s unit", "%(count)s units", n) % {"count": n}
    if measure == "unit_values":
        return ngettext("%(count)s unit value", "%(count)s unit values", n) % {"count": n}
    return ngettext("%(count)s credit", "%(count)s credits", n) % {"count": n}


def more_needed(n: int, counts_units: bool, value_name: str, scope: str) -> str:
    """'3 more credits needed from group A' (`scope` from `scope_phrase`)."""
    measure = _measure(counts_units, value_name)
    if measure == "glh":
        text = ngettext("%(count)s more GLH needed %(scope)s", "%(count)s more GLH needed %(scope)s", n)
    elif measure == "tqt":
        text = ngettext(
            "%(count)s more hour TQT needed %(scope)s", "%(count)s more hours TQT needed %(scope)s", n
        )
    elif measure == "units":
        text = ngettext("%(count)s more unit needed %(scope)s", "%(count)s more units needed %(scope)s", n)
    elif measure == "unit_values":
        text = ngettext(
            "%(count)s more unit value needed %(scope)s", "%(count)s more unit values needed %(scope)s", n
        )
    else:
        text = ngettext("%(count)s more credit needed %(scope)s", "%(count)s more credits needed %(scope)s", n)
    return text % {"count": n, "scope": scope}


def listing(codes: Iterable[str]) -> str:
    """'A, B, C'."""
    return ", ".join(codes)


def and_listing(codes: tuple[str, ...]) -> str:
    """'A, B and C'."""
    if len(codes) <= 1:
        return "".join(codes)
    # Translators: the end of a list of unit or rule codes, "A, B and C".
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(codes[:-1]), "last": codes[-1]}


def groups_phrase(groups: tuple[str, ...]) -> str:
    """'group A', 'groups B, C'."""
    return ngettext("group %(groups)s", "groups %(groups)s", len(groups)) % {"groups": listing(groups)}


def level_noun(level: int | None, op: str, n: int) -> str:
    """'units', 'level 3 unit', 'units at level 2 or above', singular or plural as `n` asks."""
    if level is None:
        return ngettext("unit", "units", n)
    if op == LevelOp.GE:
        text = ngettext("unit at level %(level)s or above", "units at level %(level)s or above", n)
    elif op == LevelOp.LE:
        text = ngettext("unit at level %(level)s or below", "units at level %(level)s or below", n)
    else:
        text = ngettext("level %(level)s unit", "level %(level)s units", n)
    return text % {"level": level}


def bounds_phrase(minimum: int | None, maximum: int | None) -> str:
    """'exactly 3', 'between 2 and 4', 'at least 1', 'at most 5', or ''."""
    if minimum is not None and maximum is not None:
        if minimum == maximum:
            return gettext("exactly %(count)s") % {"count": minimum}
        return gettext("between %(minimum)s and %(maximum)s") % {"minimum": minimum, "maximum": maximum}
    if minimum is not None:
        return gettext("at least %(count)s") % {"count": minimum}
    if maximum is not None:
        return gettext("at most %(count)s") % {"count": maximum}
    return ""


def scope_phrase(rule: RuleSpec, *, use_level: bool = True) -> str:
    """'in total', 'from group A', 'from level 3 units in groups B, C, D, E'."""
    level = rule.level if use_level else None
    if rule.units:
        return _units_scope_phrase(rule.units, level, rule.level_op)
    if rule.groups:
        return _groups_scope_phrase(rule.groups, level, rule.level_op)
    if level is None:
        return gettext("in total")
    if rule.level_op == LevelOp.GE:
        text = gettext("from units at level %(level)s or above")
    elif rule.level_op == LevelOp.LE:
        text = gettext("from units at level %(level)s or below")
    else:
        text = gettext("from level %(level)s units")
    return text % {"level": level}


def _groups_scope_phrase(groups: tuple[str, ...], level: int | None, op: str) -> str:
    n = len(groups)
    if level is None:
        text = ngettext("from group %(groups)s", "from groups %(groups)s", n)
    elif op == LevelOp.GE:
        text = ngettext(
            "from units at level %(level)s or above in group %(groups)s",
            "from units at level %(level)s or above in groups %(groups)s", n,
        )
    elif op == LevelOp.LE:
        text = ngettext(
            "from units at level %(level)s or below in group %(groups)s",
            "from units at level %(level)s or below in groups %(groups)s", n,
        )
    else:
        text = ngettext(
            "from level %(level)s units in group %(groups)s", "from level %(level)s units in groups %(groups)s", n
        )
    return text % {"level": level, "groups": listing(groups)}


def _units_scope_phrase(units: tuple[str, ...], level: int | None, op: str) -> str:
    if level is None:
        text = ngettext("from unit %(units)s", "from units %(units)s", len(units))
    elif op == LevelOp.GE:
        text = gettext("from units at level %(level)s or above among %(units)s")
    elif op == LevelOp.LE:
        text = gettext("from units at level %(level)s or below among %(units)s")
    else:
        text = gettext("from level %(level)s units among %(units)s")
    return text % {"level": level, "units": listing(units)}
