"""The words of a spec's rules, once: used by the catalogue models' choices and by the engine alike.

Plain StrEnums, so the pure engine needs no Django; each member carries the label
a person sees, and `choices()` gives what a model field wants.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

__all__ = ["LabelledEnum", "RuleKind", "Measure", "LevelOp", "ValueName"]


class LabelledEnum(StrEnum):
    """A StrEnum whose members are written `NAME = value, label`."""

    _value_: str
    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for a model field's `choices`."""
        return [(member.value, member.label) for member in cls]


class RuleKind(LabelledEnum):
    TOTAL = "total", "Total value or number of units over a scope"
    MANDATORY = "mandatory", "Mandatory units"
    EACH_GROUP = "each_group", "At least N units from each of several groups"
    BARRED = "barred", "Barred combination"
    ONE_COUNTS = "one_counts", "Only the highest-valued of these counts"


class Measure(LabelledEnum):
    VALUE = "value", "Total value"
    COUNT = "count", "Number of units"
    GLH = "glh", "Guided learning hours"
    TQT = "tqt", "Total qualification time, in hours"


class LevelOp(LabelledEnum):
    EQ = "eq", "at level"
    GE = "ge", "at level or above"
    LE = "le", "at level or below"


class ValueName(LabelledEnum):
    CREDITS = "credits", "credits"
    UNIT_VALUES = "unit values", "unit values"
    NONE = "none", "none (rules count units)"
