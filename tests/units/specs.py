"""Specs built by hand for the rules and planner tests (never shipped), and a random-spec strategy."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hypothesis import strategies as st

from units.rules import GroupSpec, RuleSpec, Spec, UnitSpec

#: The OCR spec's worked example (DOMAIN.md): 42 credits, a valid combination of `ocr_l3()` and of the real spec.
WORKED = ("F3", "F4", "A3", "A13", "B11", "C5", "D6")


def ocr_l3() -> Spec:
    """A hand-built copy of the OCR Level 3 Customer Service rules, with a handful of units.

    At least 42 credits in total; 12 from group A, where F3 and F4 are mandatory;
    at least 30 from groups B-E pooled with at least one unit from each of B, C, D, E;
    at least 10 of the optional credits from units at exactly level 3.
    """
    groups = (
        GroupSpec("A", "Mandatory units"),
        GroupSpec("B", "Optional group B"),
        GroupSpec("C", "Optional group C"),
        GroupSpec("D", "Optional group D"),
        GroupSpec("E", "Optional group E"),
    )
    units = (
        UnitSpec("F3", "Principles of customer service", "A", 3, 6, glh=40, tqt=60),
        UnitSpec("F4", "Communicate with customers", "A", 3, 6, glh=40, tqt=60),
        UnitSpec("A3", "Resolve customer problems", "B", 3, 5, glh=30),
        UnitSpec("A13", "Deliver customer service", "B", 2, 7, glh=35),
        UnitSpec("A14", "Improve customer relationships", "B", 4, 7),
        UnitSpec("B11", "Handle customer complaints", "C", 3, 6),
        UnitSpec("B12", "Use social media for customer service", "C", 2, 3),
        UnitSpec("C5", "Work with others in customer service", "D", 2, 4),
        UnitSpec("C6", "Promote products and services", "D", 3, 5),
        UnitSpec("D6", "Lead a customer service team", "E", 3, 8),
        UnitSpec("D7", "Manage customer service performance", "E", 4, 9),
    )
    rules = (
        RuleSpec("total", "total", "At least 42 credits in total.", minimum=42),
        RuleSpec("group-a", "mandatory", "Units F3 and F4 are mandatory.", units=("F3", "F4")),
        RuleSpec("group-a-credits", "total", "12 credits from group A.", groups=("A",), minimum=12, maximum=12),
        RuleSpec("optional", "total", "At least 30 credits from groups B-E.", groups=("B", "C", "D", "E"),
                 minimum=30),
        RuleSpec("each-optional-group", "each_group", "At least one unit from each of groups B, C, D and E.",
                 groups=("B", "C", "D", "E"), per_group=1),
        RuleSpec("optional-level-3", "total", "At least 10 optional credits from level 3 units.",
                 groups=("B", "C", "D", "E"), minimum=10, level=3),
    )
    return Spec("ocr-l3-test", "1", "OCR L3 Customer Service (test copy)", "credits", units, groups, rules)


def pathway_spec() -> Spec:
    """A small made-up spec with two pathways, sub-groups, barring codes and a one_counts pair."""
    groups = (
        GroupSpec("CORE", "Core"),
        GroupSpec("OPT", "Options"),
        GroupSpec("OPT-T", "Technical options", parent="OPT"),
        GroupSpec("OPT-P", "People options", parent="OPT"),
    )
    units = (
        UnitSpec("K1", "Core one", "CORE", 2, 4, glh=20, tqt=40),
        UnitSpec("K2", "Core two", "CORE", 2, 4, glh=20, tqt=40),
        UnitSpec("T1", "Networks", "OPT-T", 3, 5, barring_code="NET"),
        UnitSpec("T2", "Networks (alternative)", "OPT-T", 3, 6, barring_code="NET"),
        UnitSpec("T3", "Servers", "OPT-T", 3, 5),
        UnitSpec("P1", "Coaching L2", "OPT-P", 2, 3),
        UnitSpec("P1X", "Coaching L3", "OPT-P", 3, 5),
        UnitSpec("P2", "Teams", "OPT-P", 3, 4),
    )
    rules = (
        RuleSpec("core", "mandatory", "K1 and K2 are mandatory.", units=("K1", "K2")),
        RuleSpec("barring", "barred", "Units sharing a barring code may not be taken together."),
        RuleSpec("coaching", "one_counts", "Only one level of coaching counts.", units=("P1", "P1X")),
        RuleSpec("tech-total", "total", "At least 10 credits of technical options.", groups=("OPT-T",),
                 minimum=10, pathway="technical"),
        RuleSpec("people-total", "total", "At least 8 credits of people options.", groups=("OPT-P",),
                 minimum=8, pathway="people"),
        RuleSpec("options-cap", "total", "At most 3 option units.", groups=("OPT",), measure="count", maximum=3),
    )
    return Spec("pathways-test", "1", "Made-up pathway spec", "credits", units, groups, rules,
                pathways=("technical", "people"))


# --------------------------------------------------------------------------- random specs

UNIT_CODES = tuple(f"U{i}" for i in range(8))


@st.composite
def random_specs(draw, max_units: int = 8, allow_pathways: bool = True) -> Spec:
    n = draw(st.integers(1, max_units))
    group_codes = ["G0", "G1", "G2"][: draw(st.integers(1, 3))]
    groups = [GroupSpec(group_codes[0], "g")]
    for code in group_codes[1:]:
        parent = draw(st.sampled_from([None, *[g.code for g in groups]]))
        groups.append(GroupSpec(code, "g", parent))
    value_name = draw(st.sampled_from(["credits", "credits", "unit values", "none"]))
    units = []
    for code in UNIT_CODES[:n]:
        units.append(UnitSpec(
            code, "u",
            draw(st.sampled_from([None, *group_codes])),
            draw(st.sampled_from([None, 1, 2, 3])),
            0 if value_name == "none" and draw(st.booleans()) else draw(st.integers(0, 6)),
            glh=draw(st.sampled_from([None, 5, 10, 20])),
            tqt=draw(st.sampled_from([None, 7, 15])),
            barring_code=draw(st.sampled_from(["", "", "X", "Y"])),
        ))
    codes = [u.code for u in units]
    pathways = tuple(draw(st.sampled_from([(), (), ("p", "q")]))) if allow_pathways else ()
    some_units = st.lists(st.sampled_from(codes), unique=True, max_size=4).map(tuple)

    def units_of(least):
        return st.lists(st.sampled_from(codes), unique=True, min_size=least, max_size=4).map(tuple)

    some_groups = st.lists(st.sampled_from(group_codes), unique=True, max_size=3).map(tuple)
    rules = []
    for k in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["total", "total", "mandatory", "each_group", "barred", "one_counts"]))
        pathway = draw(st.sampled_from([None, *pathways]))
        ident = f"r{k}"
        if kind == "total":
            measure = draw(st.sampled_from(["value", "count", "glh", "tqt"]))
            scale = 5 if measure in ("glh", "tqt") else 1  # hours come in larger numbers than credits
            lo = draw(st.sampled_from([None, 0, 1, 3, 5, 8]))
            hi = draw(st.sampled_from([None, 2, 6, 10, 14]))
            lo, hi = (None if lo is None else lo * scale), (None if hi is None else hi * scale)
            rule = RuleSpec(ident, kind, "m", measure=measure, minimum=lo,
                            maximum=hi, groups=draw(some_groups), units=draw(st.sampled_from([(), draw(some_units)])),
                            level=draw(st.sampled_from([None, 2, 3])),
                            level_op=draw(st.sampled_from(["eq", "ge", "le"])), pathway=pathway)
        elif kind == "mandatory":
            rule = RuleSpec(ident, kind, "m", units=draw(units_of(1)), pathway=pathway)
        elif kind == "each_group":
            listed = st.lists(st.sampled_from(group_codes), unique=True, min_size=1, max_size=3).map(tuple)
            rule = RuleSpec(ident, kind, "m", groups=draw(listed),
                            per_group=draw(st.sampled_from([None, 1, 2])), level=draw(st.sampled_from([None, 2])),
                            level_op=draw(st.sampled_from(["eq", "ge"])), pathway=pathway)
        elif kind == "barred":
            rule = RuleSpec(ident, kind, "m", units=draw(st.sampled_from([(), draw(some_units)])),
                            groups=draw(some_groups), pathway=pathway)
        else:
            rule = RuleSpec(ident, kind, "m", units=draw(units_of(min(2, n))), pathway=pathway)
        rules.append(rule)
    return Spec("random", "1", "Random", value_name, tuple(units), tuple(groups), tuple(rules), pathways)


# --------------------------------------------------------------------------- an independent evaluator


# What brute_evaluate reports for one rule: identifier, met, value, shortfall, excess.
BruteResult = tuple[str, bool, int, int, int]


def brute_evaluate(spec: Spec, codes: Iterable[str], pathway: str | None = None) -> dict[str, Any]:
    """The rules of combination, written plainly and separately from units.rules."""
    brute = _Brute(spec, set(codes), [r for r in spec.rules if r.pathway is None or r.pathway == pathway])
    counted = {c for c in brute.chosen if not brute.beaten(c)}
    judges = {"total": brute.total, "mandatory": brute.mandatory, "each_group": brute.each_group,
              "barred": brute.barred}
    out: list[BruteResult] = []
    for rule in brute.rules:
        value, shortfall, excess = judges.get(rule.kind, brute.one_counts)(rule, counted)
        out.append((rule.identifier, shortfall == 0 and excess == 0, value, shortfall, excess))
    glh = [brute.units[c].glh for c in brute.chosen if brute.units[c].glh is not None]
    tqt = [brute.units[c].tqt for c in brute.chosen if brute.units[c].tqt is not None]
    return {
        "valid": all(r[1] for r in out),
        "total": sum(brute.weight(c) for c in counted),
        "results": out,
        "glh": sum(glh) if glh else None,
        "tqt": sum(tqt) if tqt else None,
    }


class _Brute:
    """A spec, a choice of units and the rules that apply, with each rule judged by its own plain method.

    Each judge returns (value, shortfall, excess) for one rule over the units that count.
    """

    def __init__(self, spec: Spec, chosen: set[str], rules: list[RuleSpec]) -> None:
        self.spec = spec
        self.chosen = chosen
        self.rules = rules
        self.units = {u.code: u for u in spec.units}
        self.position = {u.code: i for i, u in enumerate(spec.units)}
        self.parents = {g.code: g.parent for g in spec.groups}

    def weight(self, code: str) -> int:
        return 1 if self.spec.value_name == "none" else self.units[code].value

    def within(self, group: str | None, target: str) -> bool:
        while group is not None:
            if group == target:
                return True
            group = self.parents[group]
        return False

    def level_ok(self, code: str, rule: RuleSpec) -> bool:
        if rule.level is None:
            return True
        level = self.units[code].level
        if level is None:
            return False
        return {"eq": level == rule.level, "ge": level >= rule.level, "le": level <= rule.level}[rule.level_op]

    def scope(self, rule: RuleSpec) -> set[str]:
        if rule.units:
            return set(rule.units)
        if rule.groups:
            return {c for c in self.units if any(self.within(self.units[c].group, g) for g in rule.groups)}
        return set(self.units)

    def beaten(self, code: str) -> bool:
        """Whether a "one counts" rule counts another chosen unit in place of this one."""
        for rule in self.rules:
            if rule.kind != "one_counts" or code not in self.scope(rule):
                continue
            for other in self.scope(rule):
                if other != code and other in self.chosen and self.outweighs(other, code):
                    return True
        return False

    def outweighs(self, other: str, code: str) -> bool:
        """Heavier, or as heavy and earlier in the spec."""
        heavier = self.weight(other) > self.weight(code)
        return heavier or (self.weight(other) == self.weight(code) and self.position[other] < self.position[code])

    def total(self, rule: RuleSpec, counted: set[str]) -> tuple[int, int, int]:
        members = [c for c in counted if c in self.scope(rule) and self.level_ok(c, rule)]
        value = sum(self.measured(c, rule.measure) for c in members)
        shortfall = max(0, rule.minimum - value) if rule.minimum is not None else 0
        excess = max(0, value - rule.maximum) if rule.maximum is not None else 0
        return value, shortfall, excess

    def measured(self, code: str, measure: str) -> int:
        """What one unit adds to a total of `measure`: hours (none given: 0), else 1 or its value."""
        unit = self.units[code]
        if measure == "glh":
            return unit.glh or 0
        if measure == "tqt":
            return unit.tqt or 0
        return 1 if measure == "count" or self.spec.value_name == "none" else unit.value

    def mandatory(self, rule: RuleSpec, counted: set[str]) -> tuple[int, int, int]:
        need = self.scope(rule)
        return len(need & counted), len(need - counted), 0

    def each_group(self, rule: RuleSpec, counted: set[str]) -> tuple[int, int, int]:
        per = 1 if rule.per_group is None else rule.per_group
        value = shortfall = 0
        for g in rule.groups:
            n = sum(1 for c in counted if self.within(self.units[c].group, g) and self.level_ok(c, rule)
                    and (not rule.units or c in rule.units))
            value += min(n, per)
            shortfall += max(0, per - n)
        return value, shortfall, 0

    def barred(self, rule: RuleSpec, counted: set[str]) -> tuple[int, int, int]:
        if rule.units:
            clashes = [set(rule.units) & counted]
        else:
            by_code: dict[str, set[str]] = {}
            for c in counted & self.scope(rule):
                if self.units[c].barring_code:
                    by_code.setdefault(self.units[c].barring_code, set()).add(c)
            clashes = list(by_code.values())
        value = max((len(c) for c in clashes), default=0)
        return value, 0, sum(max(0, len(c) - 1) for c in clashes)

    def one_counts(self, rule: RuleSpec, counted: set[str]) -> tuple[int, int, int]:
        members = [c for c in counted if c in self.scope(rule)]
        return (self.weight(members[0]) if members else 0), 0, 0
