"""A spec as plain frozen data, what evaluating it returns, and the errors it raises."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import ngettext

from units.rules.vocabulary import LevelOp, Measure, RuleKind

__all__ = [
    "UnitSpec", "GroupSpec", "RuleSpec", "Spec", "RuleResult", "Evaluation", "SpecError", "UnknownUnits",
    "PathwayError", "COMPILED_ATTR",
]

COMPILED_ATTR = "_rules_compiled"  # where compile_spec keeps the compiled form on a Spec


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
    # kind, measure and level_op hold RuleKind, Measure and LevelOp values; plain strings read from the
    # database are accepted as they are and checked when the spec is compiled.
    identifier: str
    kind: str
    message: str
    measure: str = Measure.VALUE
    minimum: int | None = None
    maximum: int | None = None
    groups: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    level: int | None = None
    level_op: str = LevelOp.EQ
    per_group: int | None = None
    pathway: str | None = None


@dataclass(frozen=True)
class Spec:
    code: str
    version: str
    title: str
    value_name: str  # a ValueName value
    units: tuple[UnitSpec, ...]
    groups: tuple[GroupSpec, ...]
    rules: tuple[RuleSpec, ...]
    pathways: tuple[str, ...] = ()

    def __getstate__(self) -> dict[str, Any]:
        # The compiled form kept on the instance (see compile_spec) is rebuilt on demand, never pickled or copied.
        return {k: v for k, v in self.__dict__.items() if k != COMPILED_ATTR}


@dataclass(frozen=True, slots=True)
class RuleResult:
    identifier: str
    kind: RuleKind
    met: bool
    value: int
    minimum: int | None
    maximum: int | None
    shortfall: int
    excess: int
    message: str  # "Met: 37 credits in total (at least 37)", "3 more credits needed from group B"
    detail: str = ""  # the message without its "Met:" label ("37 credits in total (at least 37)")


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
        super().__init__(
            ngettext("Unknown unit: %(codes)s", "Unknown units: %(codes)s", len(self.codes))
            % {"codes": ", ".join(self.codes)}
        )


class PathwayError(SpecError):
    """A pathway is missing where the spec has pathways, or given where it has none, or unknown."""
