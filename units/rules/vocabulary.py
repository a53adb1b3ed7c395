"""The words of a spec's rules, once: used by the catalogue models' choices and by the engine alike.

Plain StrEnums; each member carries the label a person sees (marked for
translation, looked up when shown), and `choices()` gives what a model field wants.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self

from django.utils.translation import gettext_lazy as _

__all__ = ["LabelledEnum", "RuleKind", "Measure", "LevelOp", "ValueName"]


class LabelledEnum(StrEnum):
    """A StrEnum whose members are written `NAME = value, label`."""

    _value_: str
    label: Any  # a lazily translated string

    def __new__(cls, value: str, label: Any) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, Any]]:
        """(value, label) pairs for a model field's `choices`."""
        return [(member.value, member.label) for member in cls]


class RuleKind(LabelledEnum):
    TOTAL = "total", _("Total value or number of units over a scope")
    MANDATORY = "mandatory", _("Mandatory units")
    EACH_GROUP = "each_group", _("At least N units from each of several groups")
    BARRED = "barred", _("Barred combination")
    ONE_COUNTS = "one_counts", _("Only the highest-valued of these counts")


class Measure(LabelledEnum):
    VALUE = "value", _("Total value")
    COUNT = "count", _("Number of units")
    GLH = "glh", _("Guided learning hours")
    TQT = "tqt", _("Total qualification time, in hours")


class LevelOp(LabelledEnum):
    # Translators: how a rule's level filter compares, e.g. "at level or above" 3.
    EQ = "eq", _("at level")
    GE = "ge", _("at level or above")
    LE = "le", _("at level or below")


class ValueName(LabelledEnum):
    CREDITS = "credits", _("credits")
    UNIT_VALUES = "unit values", _("unit values")
    NONE = "none", _("none (rules count units)")
