"""One class per rule kind: how it is compiled, judged against chosen units, and posed to the planner.

A check owns slots in the evaluator's accumulator (`contributions` says which
counted unit adds how much to which slot), turns the accumulated values into a
RuleResult (memoised per distinct outcome, so repeated evaluations cost a look-up),
and states its constraint to the planner through the `Constraints` protocol, which
keeps this module free of OR-Tools.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, ClassVar, Protocol, Self

from django.utils.translation import get_language, gettext, ngettext

from units.rules.phrases import (
    amount,
    and_listing,
    bounds_phrase,
    groups_phrase,
    listing,
    measure_name,
    more_needed,
    scope_phrase,
    words,
)
from units.rules.scope import level_ok
from units.rules.spec import RuleResult, RuleSpec
from units.rules.vocabulary import LevelOp, RuleKind

if TYPE_CHECKING:
    from units.rules.compiled import Compiled

__all__ = ["Constraints", "Check", "Total", "Mandatory", "EachGroup", "Barred", "OneCounts", "CHECKS"]

CACHE_LIMIT = 4096


class Constraints(Protocol):
    """The planner's model as a rule sees it: constraints on the counted units, by unit index."""

    def within(self, terms: Sequence[tuple[int, int]], minimum: int | None, maximum: int | None) -> None:
        """The weighted sum of `terms` (unit index, weight) lies within the bounds given."""

    def require(self, index: int) -> None:
        """The unit counts."""

    def at_least(self, members: Sequence[int], n: int) -> None:
        """At least `n` of `members` count."""

    def at_most_one(self, members: Sequence[int]) -> None:
        """At most one of `members` counts."""


def _met(identifier: str, kind: RuleKind, value: int, minimum: int | None, maximum: int | None,
         detail: str) -> RuleResult:
    """A met rule's result: its message is the detail under the "Met:" label."""
    # Translators: a rule of combination that is met, e.g. "Met: 37 credits in total (at least 37)".
    message = gettext("Met: %(detail)s") % {"detail": detail}
    return RuleResult(identifier, kind, True, value, minimum, maximum, 0, 0, message, detail)


class Check(ABC):
    """A rule compiled against its spec; `scope` is every unit the rule covers, before any level filter.

    Results are memoised per outcome and per language: a message is worded in the
    language active when it was made.
    """

    __slots__ = ("rule", "scope", "cache")
    kind: ClassVar[RuleKind]

    def __init__(self, rule: RuleSpec, scope: tuple[int, ...]) -> None:
        self.rule = rule
        self.scope = scope
        self.cache: dict[Hashable, RuleResult] = {}

    @classmethod
    @abstractmethod
    def build(cls, compiled: Compiled, rule: RuleSpec, scope: tuple[int, ...], slot: int) -> Self:
        """The check for `rule`, its accumulator slots numbered from `slot`."""

    @property
    def width(self) -> int:
        """How many accumulator slots the check uses."""
        return 0

    def contributions(self) -> Iterator[tuple[int, int, int]]:
        """(unit index, slot, amount): what each counted unit adds to the accumulator."""
        return iter(())

    def beaten(self) -> Iterator[tuple[int, int]]:
        """(unit, beater): a chosen beater stops the unit counting anywhere."""
        return iter(())

    @abstractmethod
    def result(self, acc: Sequence[int], counted: AbstractSet[int], chosen: AbstractSet[int]) -> RuleResult:
        """The verdict, given the accumulator and the counted and chosen unit indices."""

    @abstractmethod
    def constrain(self, model: Constraints) -> None:
        """Pose the rule to the planner's model."""

    def _remember(self, key: Hashable, result: RuleResult) -> RuleResult:
        # Bounded: a long-lived process sees many distinct choices.
        if len(self.cache) > CACHE_LIMIT:
            self.cache.clear()
        self.cache[key] = result
        return result


class Total(Check):
    __slots__ = ("slot", "terms", "minimum", "maximum", "counts", "value_name")
    kind = RuleKind.TOTAL

    def __init__(self, rule: RuleSpec, scope: tuple[int, ...], slot: int, terms: tuple[tuple[int, int], ...],
                 counts: bool, value_name: str) -> None:
        super().__init__(rule, scope)
        self.slot = slot
        self.terms = terms  # (unit index, weight) for the units in scope at the rule's level
        self.minimum = rule.minimum
        self.maximum = rule.maximum
        self.counts = counts
        self.value_name = value_name

    @classmethod
    def build(cls, compiled: Compiled, rule: RuleSpec, scope: tuple[int, ...], slot: int) -> Self:
        weights = compiled.weights(rule.measure)
        counts = weights is None
        terms = tuple((i, 1 if weights is None else weights[i]) for i in compiled.at_level(scope, rule))
        return cls(rule, scope, slot, terms, counts, measure_name(rule.measure, compiled.spec.value_name))

    @property
    def width(self) -> int:
        return 1

    def words_of(self, n: int) -> str:
        """What `n` of this rule's measure is called."""
        return words(n, self.counts, self.value_name)

    def contributions(self) -> Iterator[tuple[int, int, int]]:
        return ((index, self.slot, weight) for index, weight in self.terms if weight)

    def result(self, acc: Sequence[int], counted: AbstractSet[int], chosen: AbstractSet[int]) -> RuleResult:
        key = (get_language(), acc[self.slot])
        return self.cache.get(key) or self._remember(key, self._make(key[1]))

    def _make(self, value: int) -> RuleResult:
        lo, hi = self.minimum, self.maximum
        shortfall = lo - value if lo is not None and value < lo else 0
        excess = value - hi if hi is not None and value > hi else 0
        scope = scope_phrase(self.rule)
        if shortfall:
            message = more_needed(shortfall, self.counts, self.value_name, scope)
        elif excess:
            message = gettext("%(amount)s too many %(scope)s: at most %(maximum)s") % {
                "amount": amount(excess, self.counts, self.value_name), "scope": scope, "maximum": hi,
            }
        else:
            bounds = bounds_phrase(lo, hi)
            values = {"amount": amount(value, self.counts, self.value_name), "scope": scope, "bounds": bounds}
            # Translators: what a met total rule has, e.g. "37 credits in total (at least 37)".
            detail = (gettext("%(amount)s %(scope)s (%(bounds)s)") if bounds
                      else gettext("%(amount)s %(scope)s")) % values
            return _met(self.rule.identifier, self.kind, value, lo, hi, detail)
        return RuleResult(self.rule.identifier, self.kind, False, value, lo, hi, shortfall, excess, message, message)

    def constrain(self, model: Constraints) -> None:
        model.within(self.terms, self.minimum, self.maximum)


class Mandatory(Check):
    __slots__ = ("slot", "members", "codes")
    kind = RuleKind.MANDATORY

    def __init__(self, rule: RuleSpec, scope: tuple[int, ...], slot: int, codes: tuple[str, ...]) -> None:
        super().__init__(rule, scope)
        self.slot = slot
        self.members = scope
        self.codes = codes  # all unit codes of the spec, by index

    @classmethod
    def build(cls, compiled: Compiled, rule: RuleSpec, scope: tuple[int, ...], slot: int) -> Self:
        return cls(rule, scope, slot, compiled.codes)

    @property
    def width(self) -> int:
        return 1

    def contributions(self) -> Iterator[tuple[int, int, int]]:
        return ((index, self.slot, 1) for index in self.members)

    def result(self, acc: Sequence[int], counted: AbstractSet[int], chosen: AbstractSet[int]) -> RuleResult:
        have = acc[self.slot]
        missing = () if have == len(self.members) else tuple(i for i in self.members if i not in counted)
        key = (get_language(), missing)
        return self.cache.get(key) or self._remember(key, self._make(have, missing))

    def _make(self, have: int, missing: tuple[int, ...]) -> RuleResult:
        need = len(self.members)
        if not missing:
            names = tuple(self.codes[i] for i in self.members)
            if need == 1:
                detail = gettext("mandatory unit %(unit)s chosen") % {"unit": names[0]}
            else:
                detail = gettext("all %(count)s mandatory units chosen (%(units)s)") % {
                    "count": need, "units": listing(names),
                }
            return _met(self.rule.identifier, self.kind, have, need, None, detail)
        message = ngettext(
            "%(count)s mandatory unit missing: %(units)s", "%(count)s mandatory units missing: %(units)s",
            len(missing),
        ) % {"count": len(missing), "units": listing(self.codes[i] for i in missing)}
        return RuleResult(self.rule.identifier, self.kind, False, have, need, None, len(missing), 0, message, message)

    def constrain(self, model: Constraints) -> None:
        for index in self.members:
            model.require(index)


class EachGroup(Check):
    __slots__ = ("slots", "groups", "members", "per", "level", "level_op")
    kind = RuleKind.EACH_GROUP

    def __init__(self, rule: RuleSpec, scope: tuple[int, ...], slots: tuple[int, ...],
                 members: tuple[tuple[int, ...], ...], per: int) -> None:
        super().__init__(rule, scope)
        self.slots = slots
        self.groups = rule.groups
        self.members = members  # per group: unit indices counting for it
        self.per = per
        self.level = rule.level
        self.level_op = rule.level_op

    @classmethod
    def build(cls, compiled: Compiled, rule: RuleSpec, scope: tuple[int, ...], slot: int) -> Self:
        listed = set(scope) if rule.units else None
        levels = compiled.levels
        members = tuple(
            tuple(
                i for i in compiled.group_members[group]
                if (listed is None or i in listed) and level_ok(levels[i], rule.level, rule.level_op)
            )
            for group in rule.groups
        )
        per = rule.per_group if rule.per_group is not None else 1
        return cls(rule, scope, tuple(range(slot, slot + len(members))), members, per)

    @property
    def width(self) -> int:
        return len(self.slots)

    def contributions(self) -> Iterator[tuple[int, int, int]]:
        for slot, members in zip(self.slots, self.members, strict=True):
            for index in members:
                yield index, slot, 1

    def result(self, acc: Sequence[int], counted: AbstractSet[int], chosen: AbstractSet[int]) -> RuleResult:
        per = self.per
        have = tuple(acc[s] if acc[s] < per else per for s in self.slots)
        key = (get_language(), have)
        return self.cache.get(key) or self._remember(key, self._make(have))

    def _make(self, have: tuple[int, ...]) -> RuleResult:
        per = self.per
        need = per * len(self.groups)
        value = sum(have)
        shortfall = need - value
        requirement = self._requirement()
        if not shortfall:
            return _met(self.rule.identifier, self.kind, value, need, None, requirement)
        message = self._short_message(have, shortfall, requirement)
        return RuleResult(self.rule.identifier, self.kind, False, value, need, None, shortfall, 0, message, message)

    def _requirement(self) -> str:
        """'at least 1 unit from group A', 'at least 2 level 3 units from each of groups B, C'."""
        if len(self.groups) == 1:
            groups = groups_phrase(self.groups)
        else:
            groups = gettext("each of groups %(groups)s") % {"groups": listing(self.groups)}
        per = self.per
        if self.level is None:
            text = ngettext("at least %(count)s unit from %(groups)s", "at least %(count)s units from %(groups)s", per)
        elif self.level_op == LevelOp.GE:
            text = ngettext(
                "at least %(count)s unit at level %(level)s or above from %(groups)s",
                "at least %(count)s units at level %(level)s or above from %(groups)s", per,
            )
        elif self.level_op == LevelOp.LE:
            text = ngettext(
                "at least %(count)s unit at level %(level)s or below from %(groups)s",
                "at least %(count)s units at level %(level)s or below from %(groups)s", per,
            )
        else:
            text = ngettext(
                "at least %(count)s level %(level)s unit from %(groups)s",
                "at least %(count)s level %(level)s units from %(groups)s", per,
            )
        return text % {"count": per, "level": self.level, "groups": groups}

    def _short_message(self, have: tuple[int, ...], shortfall: int, requirement: str) -> str:
        short = [(g, self.per - h) for g, h in zip(self.groups, have, strict=True) if h < self.per]
        if len(short) == 1:
            where = gettext("from group %(group)s") % {"group": short[0][0]}
        else:
            # Translators: how many units each group still lacks, e.g. "1 from group B, 2 from group C".
            where = ", ".join(gettext("%(count)s from group %(group)s") % {"count": n, "group": g} for g, n in short)
        values = {"count": shortfall, "level": self.level, "where": where, "requirement": requirement}
        single = len(short) == 1
        if self.level is None:
            text = (ngettext("%(count)s more unit needed %(where)s (%(requirement)s)",
                             "%(count)s more units needed %(where)s (%(requirement)s)", shortfall) if single else
                    ngettext("%(count)s more unit needed: %(where)s (%(requirement)s)",
                             "%(count)s more units needed: %(where)s (%(requirement)s)", shortfall))
        elif self.level_op == LevelOp.GE:
            text = (ngettext("%(count)s more unit at level %(level)s or above needed %(where)s (%(requirement)s)",
                             "%(count)s more units at level %(level)s or above needed %(where)s (%(requirement)s)",
                             shortfall) if single else
                    ngettext("%(count)s more unit at level %(level)s or above needed: %(where)s (%(requirement)s)",
                             "%(count)s more units at level %(level)s or above needed: %(where)s (%(requirement)s)",
                             shortfall))
        elif self.level_op == LevelOp.LE:
            text = (ngettext("%(count)s more unit at level %(level)s or below needed %(where)s (%(requirement)s)",
                             "%(count)s more units at level %(level)s or below needed %(where)s (%(requirement)s)",
                             shortfall) if single else
                    ngettext("%(count)s more unit at level %(level)s or below needed: %(where)s (%(requirement)s)",
                             "%(count)s more units at level %(level)s or below needed: %(where)s (%(requirement)s)",
                             shortfall))
        else:
            text = (ngettext("%(count)s more level %(level)s unit needed %(where)s (%(requirement)s)",
                             "%(count)s more level %(level)s units needed %(where)s (%(requirement)s)",
                             shortfall) if single else
                    ngettext("%(count)s more level %(level)s unit needed: %(where)s (%(requirement)s)",
                             "%(count)s more level %(level)s units needed: %(where)s (%(requirement)s)",
                             shortfall))
        return text % values

    def constrain(self, model: Constraints) -> None:
        for members in self.members:
            model.at_least(members, self.per)


class Barred(Check):
    __slots__ = ("slots", "bars", "labels", "codes", "met")
    kind = RuleKind.BARRED

    def __init__(self, rule: RuleSpec, scope: tuple[int, ...], slots: tuple[int, ...],
                 bars: tuple[tuple[int, ...], ...], labels: tuple[str, ...], codes: tuple[str, ...]) -> None:
        super().__init__(rule, scope)
        self.slots = slots
        self.bars = bars  # groups of unit indices of which at most one may count
        self.labels = labels  # "" for the listed units, else the barring code
        self.codes = codes
        self.met: dict[tuple[str | None, int], RuleResult] = {}

    @classmethod
    def build(cls, compiled: Compiled, rule: RuleSpec, scope: tuple[int, ...], slot: int) -> Self:
        bars: tuple[tuple[int, ...], ...]
        labels: tuple[str, ...]
        if rule.units:
            bars, labels = (scope,), ("",)
        else:
            by_code: dict[str, list[int]] = {}
            for i in scope:
                if compiled.barring[i]:
                    by_code.setdefault(compiled.barring[i], []).append(i)
            bars = tuple(tuple(members) for members in by_code.values())
            labels = tuple(by_code)
        return cls(rule, scope, tuple(range(slot, slot + len(bars))), bars, labels, compiled.codes)

    @property
    def width(self) -> int:
        return len(self.slots)

    def contributions(self) -> Iterator[tuple[int, int, int]]:
        for slot, members in zip(self.slots, self.bars, strict=True):
            for index in members:
                yield index, slot, 1

    def result(self, acc: Sequence[int], counted: AbstractSet[int], chosen: AbstractSet[int]) -> RuleResult:
        worst = 0
        for s in self.slots:
            if acc[s] > worst:
                worst = acc[s]
        language = get_language()
        if worst <= 1:
            return self.met.get((language, worst)) or self._met(language, worst)
        clashes = tuple(
            tuple(i for i in members if i in counted)
            for s, members in zip(self.slots, self.bars, strict=True)
            if acc[s] > 1
        )
        key = (language, clashes)
        return self.cache.get(key) or self._remember(key, self._make(worst, clashes))

    def _met(self, language: str | None, worst: int) -> RuleResult:
        result = _met(self.rule.identifier, self.kind, worst, None, 1, gettext("no barred units taken together"))
        self.met[(language, worst)] = result
        return result

    def _make(self, worst: int, clashes: tuple[tuple[int, ...], ...]) -> RuleResult:
        excess = sum(len(c) - 1 for c in clashes)
        parts = [
            gettext("%(units)s may not be taken together") % {"units": and_listing(tuple(self.codes[i] for i in clash))}
            for clash in clashes
        ]
        message = ngettext(
            "Barred combination: %(clashes)s (remove %(excess)s)",
            "Barred combinations: %(clashes)s (remove %(excess)s)", len(clashes),
        ) % {"clashes": "; ".join(parts), "excess": excess}
        return RuleResult(self.rule.identifier, self.kind, False, worst, None, 1, 0, excess, message, message)

    def constrain(self, model: Constraints) -> None:
        for members in self.bars:
            model.at_most_one(members)


class OneCounts(Check):
    __slots__ = ("members", "codes", "tvalues", "names")
    kind = RuleKind.ONE_COUNTS

    def __init__(self, rule: RuleSpec, scope: tuple[int, ...], codes: tuple[str, ...],
                 tvalues: tuple[int, ...]) -> None:
        super().__init__(rule, scope)
        self.members = scope
        self.codes = codes
        self.tvalues = tvalues
        self.names = listing(codes[i] for i in scope)

    @classmethod
    def build(cls, compiled: Compiled, rule: RuleSpec, scope: tuple[int, ...], slot: int) -> Self:
        return cls(rule, scope, compiled.codes, compiled.tvalues)

    def beaten(self) -> Iterator[tuple[int, int]]:
        # Ties go to the earlier unit in spec order.
        tv = self.tvalues
        for a in self.members:
            for b in self.members:
                if a != b and (tv[b] > tv[a] or (tv[b] == tv[a] and b < a)):
                    yield a, b

    def result(self, acc: Sequence[int], counted: AbstractSet[int], chosen: AbstractSet[int]) -> RuleResult:
        winner = None
        others = []
        for i in self.members:
            if i in chosen:
                if i in counted:
                    winner = i
                else:
                    others.append(i)
        key = (get_language(), winner, tuple(others))
        return self.cache.get(key) or self._remember(key, self._make(winner, tuple(others)))

    def _make(self, winner: int | None, others: tuple[int, ...]) -> RuleResult:
        values = {
            "units": self.names,
            "winner": "" if winner is None else self.codes[winner],
            "others": and_listing(tuple(self.codes[i] for i in others)),
        }
        if winner is not None and others:
            text = ngettext(
                "Only the highest-valued of %(units)s counts; %(winner)s counts, %(others)s does not",
                "Only the highest-valued of %(units)s counts; %(winner)s counts, %(others)s do not",
                len(others),
            )
        elif winner is not None:
            text = gettext("Only the highest-valued of %(units)s counts; %(winner)s counts")
        elif others:
            text = ngettext(
                "Only the highest-valued of %(units)s counts; %(others)s does not",
                "Only the highest-valued of %(units)s counts; %(others)s do not", len(others),
            )
        else:
            text = gettext("Only the highest-valued of %(units)s counts; none chosen")
        value = self.tvalues[winner] if winner is not None else 0
        return _met(self.rule.identifier, self.kind, value, None, None, text % values)

    def constrain(self, model: Constraints) -> None:
        # Nothing to add: the planner's counted variables already follow `beaten`.
        return None


CHECKS: dict[str, type[Check]] = {check.kind: check for check in (Total, Mandatory, EachGroup, Barred, OneCounts)}
