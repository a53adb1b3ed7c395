"""The exact planner: worked examples, reasons when impossible, and optimality against brute force."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.units.specs import WORKED, brute_evaluate, ocr_l3, pathway_spec, random_specs
from units.planner import Impossible, Plan, plan
from units.rules import GroupSpec, PathwayError, RuleSpec, Spec, UnitSpec, UnknownUnits, evaluate

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_planner_does_not_import_ortools() -> None:
    code = "import sys, units.planner, units.rules; assert 'ortools' not in sys.modules, 'ortools imported'"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_worked_example_is_kept_as_it_is() -> None:
    result = plan(ocr_l3(), WORKED)
    assert result == Plan(WORKED, 42)


def test_smallest_completion_from_nothing() -> None:
    spec = ocr_l3()
    result = plan(spec)
    assert isinstance(result, Plan)
    assert evaluate(spec, result.units).valid
    assert result.total == 42
    assert result.units[:2] == ("F3", "F4")
    # Deterministic: the same answer every time.
    assert all(plan(spec) == result for _ in range(3))


def test_completion_keeps_chosen_units_and_avoids_others() -> None:
    spec = ocr_l3()
    result = plan(spec, ["D7"], avoid=["A3"])
    assert isinstance(result, Plan)
    assert "D7" in result.units and "A3" not in result.units
    assert evaluate(spec, result.units).valid
    assert list(result.units) == [u.code for u in spec.units if u.code in result.units]  # spec order


def test_preferred_units_win_ties() -> None:
    units = (UnitSpec("X", "x", "A", 2, 5), UnitSpec("Y", "y", "A", 2, 5), UnitSpec("Z", "z", "A", 2, 5))
    spec = Spec("tie", "1", "Tie", "credits", units, (GroupSpec("A", "A"),),
                (RuleSpec("t", "total", "At least 10 credits", minimum=10),))
    assert plan(spec).units == ("X", "Y")  # earliest in spec order
    assert plan(spec, prefer=["Z"]).units == ("X", "Z")
    assert plan(spec, prefer=["Y", "Z"]).units == ("Y", "Z")
    # A preferred unit never costs value: smallest total first.
    cheap = Spec("cheap", "1", "Cheap", "credits", units + (UnitSpec("W", "w", "A", 2, 6),),
                 (GroupSpec("A", "A"),), (RuleSpec("t", "total", "At least 10 credits", minimum=10),))
    assert plan(cheap, prefer=["W"]).units == ("X", "Y")


def test_fewest_units_among_equal_totals() -> None:
    units = (UnitSpec("S1", "s", "A", 2, 2), UnitSpec("S2", "s", "A", 2, 2), UnitSpec("B", "b", "A", 2, 4))
    spec = Spec("few", "1", "Few", "credits", units, (GroupSpec("A", "A"),),
                (RuleSpec("t", "total", "At least 4 credits", minimum=4),))
    assert plan(spec) == Plan(("B",), 4)


def test_earliest_units_over_more_than_one_chunk() -> None:
    units = tuple(UnitSpec(f"U{i:03d}", "u", "A" if i < 55 else "B", 2, 1) for i in range(110))
    spec = Spec("wide", "1", "Wide", "credits", units, (GroupSpec("A", "A"), GroupSpec("B", "B")),
                (RuleSpec("each", "each_group", "Two from each group", groups=("A", "B"), per_group=2),
                 RuleSpec("late", "mandatory", "U108 is mandatory", units=("U108",))))
    assert plan(spec) == Plan(("U000", "U001", "U055", "U108"), 4)
    assert plan(spec, avoid=["U000", "U056"]).units == ("U001", "U002", "U055", "U108")


def test_one_counts_in_the_planner() -> None:
    spec = pathway_spec()
    # People pathway: 8 credits of people options; P1 (3) is beaten by P1X (5) when both are chosen.
    assert plan(spec, pathway="people") == Plan(("K1", "K2", "P1X", "P2"), 17)
    result = plan(spec, ["P1", "P1X"], pathway="people")
    assert result == Plan(("K1", "K2", "P1", "P1X", "P2"), 17)


def test_pathways_in_the_planner() -> None:
    spec = pathway_spec()
    assert plan(spec, pathway="technical") == Plan(("K1", "K2", "T1", "T3"), 18)
    with pytest.raises(PathwayError, match="technical"):
        plan(spec)
    with pytest.raises(PathwayError):
        plan(ocr_l3(), pathway="technical")


def test_unknown_units_raise() -> None:
    with pytest.raises(UnknownUnits) as info:
        plan(ocr_l3(), ["F3", "NOPE"], avoid=["ALSO"], prefer=["F4"], allowed=["F3", "THIRD"])
    assert set(info.value.codes) == {"NOPE", "ALSO", "THIRD"}


def test_allowed_units_decide_whether_a_valid_combination_exists() -> None:
    spec = ocr_l3()
    achieved = [*WORKED, "D7"]
    result = plan(spec, allowed=achieved)
    assert isinstance(result, Plan) and set(result.units) <= set(achieved)
    result = plan(spec, allowed=WORKED[:-1])
    assert isinstance(result, Impossible)
    assert any("rule total" in r and "using only the allowed units" in r for r in result.reasons)
    outside = plan(spec, ["D7"], allowed=WORKED)
    assert outside == Impossible(("Chosen unit D7 is not among the allowed units",))


# --------------------------------------------------------------------------- impossible, and why


def test_chosen_units_already_exceed_a_maximum() -> None:
    result = plan(pathway_spec(), ["T1", "T3", "P1", "P2"], pathway="technical")
    assert isinstance(result, Impossible)
    assert len(result.reasons) == 1
    reason = result.reasons[0]
    assert reason.startswith("The chosen units already exceed a maximum: remove one.")
    assert "options-cap" in reason and "1 unit too many from group OPT: at most 3" in reason


def test_chosen_units_barred_from_each_other() -> None:
    result = plan(pathway_spec(), ["T1", "T2"], pathway="technical")
    assert isinstance(result, Impossible)
    assert any("barred from each other" in r and "rule barring" in r and "T1 and T2" in r for r in result.reasons)


def test_mandatory_unit_avoided() -> None:
    result = plan(ocr_l3(), avoid=["F4"])
    assert isinstance(result, Impossible)
    assert result.reasons[0] == "Mandatory unit F4 is avoided: rule group-a (Units F3 and F4 are mandatory)"
    assert any("group-a-credits" in r for r in result.reasons)


def test_not_enough_units_in_a_group() -> None:
    result = plan(ocr_l3(), avoid=["B11", "B12"])
    assert isinstance(result, Impossible)
    assert result.reasons == (
        "Not enough units in group C for rule each-optional-group (At least one unit from each of groups B, C, D "
        "and E): 1 unit needed, only 0 available without the avoided units B11 and B12",
    )


def test_chosen_and_avoided() -> None:
    assert plan(ocr_l3(), ["F3"], avoid=["F3"]) == Impossible(("Unit F3 is both chosen and avoided",))


def test_rules_that_conflict_with_each_other() -> None:
    units = (UnitSpec("A", "a", "G", 2, 5), UnitSpec("B", "b", "G", 2, 5), UnitSpec("C", "c", "G", 2, 5))
    rules = (
        RuleSpec("enough", "total", "At least 10 credits.", minimum=10),
        RuleSpec("few", "total", "At most one unit.", measure="count", maximum=1),
        RuleSpec("free", "total", "At most 100 credits.", maximum=100),
    )
    spec = Spec("clash", "1", "Clash", "credits", units, (GroupSpec("G", "G"),), rules)
    result = plan(spec)
    assert result == Impossible(
        ("Rules enough and few cannot both be met (enough: At least 10 credits; few: At most one unit)",)
    )


def test_exact_total_that_no_combination_gives() -> None:
    units = (UnitSpec("A", "a", "G", 2, 5), UnitSpec("B", "b", "G", 2, 5))
    spec = Spec("odd", "1", "Odd", "credits", units, (GroupSpec("G", "G"),),
                (RuleSpec("seven", "total", "Exactly 7 credits.", minimum=7, maximum=7),))
    result = plan(spec)
    assert isinstance(result, Impossible)
    assert result.reasons == ("No combination of units gives exactly 7 credits in total: rule seven (Exactly 7 "
                              "credits)",)


# --------------------------------------------------------------------------- against brute force


def brute_plan(spec: Spec, chosen, avoid, prefer, pathway, allowed):
    position = {u.code: i for i, u in enumerate(spec.units)}
    best = None
    candidates = [u.code for u in spec.units
                  if u.code not in chosen and u.code not in avoid and (allowed is None or u.code in allowed)]
    for size in range(len(candidates) + 1):
        for extra in itertools.combinations(candidates, size):
            units = set(chosen) | set(extra)
            if allowed is not None and not units <= set(allowed):
                continue
            if units & set(avoid):
                continue
            result = brute_evaluate(spec, units, pathway)
            if not result["valid"]:
                continue
            key = (result["total"], len(units), -len(units & set(prefer)), tuple(sorted(position[c] for c in units)))
            if best is None or key < best[0]:
                best = (key, units, result["total"])
    return best


@st.composite
def planning_cases(draw):
    spec = draw(random_specs(max_units=7))
    codes = [u.code for u in spec.units]
    chosen = draw(st.lists(st.sampled_from(codes), unique=True, max_size=2))
    avoid = draw(st.lists(st.sampled_from(codes), unique=True, max_size=2))
    prefer = draw(st.lists(st.sampled_from(codes), unique=True, max_size=3))
    allowed = draw(st.one_of(st.none(), st.lists(st.sampled_from(codes), unique=True)))
    pathway = draw(st.sampled_from(spec.pathways)) if spec.pathways else None
    return spec, chosen, avoid, prefer, pathway, allowed


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planning_cases())
def test_planner_is_valid_and_optimal_by_brute_force(case) -> None:
    spec, chosen, avoid, prefer, pathway, allowed = case
    result = plan(spec, chosen, avoid=avoid, prefer=prefer, pathway=pathway, allowed=allowed)
    best = brute_plan(spec, chosen, avoid, prefer, pathway, allowed)
    if isinstance(result, Impossible):
        assert best is None, f"brute force found {best}"
        assert result.reasons and all(r.strip() for r in result.reasons)
        return
    assert best is not None
    assert evaluate(spec, result.units, pathway).valid
    assert set(chosen) <= set(result.units)
    assert not set(avoid) & set(result.units)
    assert allowed is None or set(result.units) <= set(allowed)
    order = [u.code for u in spec.units]
    assert list(result.units) == [c for c in order if c in result.units]
    assert set(result.units) == best[1]
    assert result.total == best[2]


def test_the_planner_meets_a_glh_range_with_the_fewest_hours() -> None:
    units = (
        UnitSpec("H1", "h1", "A", 3, 5, glh=100),
        UnitSpec("H2", "h2", "A", 3, 5, glh=120),
        UnitSpec("H3", "h3", "A", 2, 5, glh=90),
        UnitSpec("H4", "h4", "A", 2, 5, glh=60),
    )
    spec = Spec("hours", "1", "Hours", "credits", units, (GroupSpec("A", "A"),),
                (RuleSpec("glh", "total", "GLH 245-305.", measure="glh", minimum=245, maximum=305),
                 RuleSpec("units", "total", "Three units.", measure="count", minimum=3, maximum=3)))
    result = plan(spec)
    assert isinstance(result, Plan)
    assert evaluate(spec, result.units).valid
    assert sum(u.glh or 0 for u in units if u.code in result.units) in range(245, 306)
    impossible = plan(spec, ["H1", "H2", "H3"])
    assert isinstance(impossible, Impossible)
    assert any("GLH" in reason for reason in impossible.reasons), impossible.reasons
