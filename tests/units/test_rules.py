"""The rules-of-combination engine: worked examples, every rule kind, and agreement with a brute-force evaluator."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.units.specs import WORKED, brute_evaluate, ocr_l3, pathway_spec, random_specs
from units.rules import (
    Evaluation,
    GroupSpec,
    PathwayError,
    RuleResult,
    RuleSpec,
    Spec,
    SpecError,
    UnitSpec,
    UnknownUnits,
    evaluate,
)


def by_rule(evaluation: Evaluation) -> dict[str, RuleResult]:
    return {r.identifier: r for r in evaluation.results}


def small(rules, units=None, groups=None, value_name="credits", pathways=()) -> Spec:
    groups = groups or (GroupSpec("A", "A"), GroupSpec("B", "B"), GroupSpec("R", "R"))
    units = units or (
        UnitSpec("A1", "a1", "A", 2, 3),
        UnitSpec("A2", "a2", "A", 3, 4),
        UnitSpec("B1", "b1", "B", 3, 5),
        UnitSpec("R1", "r1", "R", 1, 1),
        UnitSpec("R2", "r2", "R", 1, 1),
        UnitSpec("R3", "r3", "R", 1, 1),
    )
    return Spec("small", "1", "Small", value_name, tuple(units), tuple(groups), tuple(rules), pathways)


# --------------------------------------------------------------------------- the seed's worked example


def test_worked_example_is_valid_with_42_credits() -> None:
    evaluation = evaluate(ocr_l3(), WORKED)
    results = by_rule(evaluation)
    assert evaluation.valid
    assert evaluation.total == 42
    assert results["total"].value == 42
    assert results["total"].message == "Met: 42 credits in total (at least 42)"
    assert results["group-a-credits"].value == 12
    assert results["group-a"].met and results["group-a"].shortfall == 0
    assert results["optional"].value == 30
    assert results["each-optional-group"].met
    assert results["optional-level-3"].value == 19
    assert [r.identifier for r in evaluation.results] == [r.identifier for r in ocr_l3().rules]
    assert evaluation.glh == 40 + 40 + 30 + 35
    assert evaluation.tqt == 120


def test_worked_example_short_of_level_3_credits() -> None:
    # Swap the level-3 D6 (8) for the level-4 D7 (9): still 30 optional credits, but only 11 at level 3...
    evaluation = evaluate(ocr_l3(), ["F3", "F4", "A13", "B12", "C5", "D7", "A14"])
    results = by_rule(evaluation)
    assert not evaluation.valid
    lvl = results["optional-level-3"]
    assert (lvl.met, lvl.value, lvl.shortfall) == (False, 0, 10)
    assert lvl.message == "10 more credits needed from level 3 units in groups B, C, D, E"
    assert results["optional"].value == 7 + 3 + 4 + 9 + 7


def test_messages_for_short_rules_name_what_is_missing() -> None:
    results = by_rule(evaluate(ocr_l3(), ["F3", "A3"]))
    assert results["group-a"].message == "1 mandatory unit missing: F4"
    assert (results["group-a"].value, results["group-a"].minimum, results["group-a"].shortfall) == (1, 2, 1)
    each = results["each-optional-group"]
    assert (each.value, each.minimum, each.shortfall) == (1, 4, 3)
    assert "group C" in each.message and "group D" in each.message and "group E" in each.message
    assert "group B" not in each.message.split("(")[0]
    assert results["optional-level-3"].message == "5 more credits needed from level 3 units in groups B, C, D, E"
    assert results["total"].message == "31 more credits needed in total"


def test_order_and_duplicates_of_codes_do_not_matter() -> None:
    spec = ocr_l3()
    a = evaluate(spec, WORKED)
    b = evaluate(spec, iter(reversed(WORKED + WORKED)))
    assert a == b


# --------------------------------------------------------------------------- rule kinds


def test_total_maximum_excess_message() -> None:
    spec = small([RuleSpec("r-cap", "total", "At most 2 units from R", measure="count", groups=("R",), maximum=2)])
    result = evaluate(spec, ["R1", "R2", "R3"]).results[0]
    assert (result.met, result.value, result.excess, result.maximum) == (False, 3, 1, 2)
    assert result.message == "1 unit too many from group R: at most 2"
    assert evaluate(spec, ["R1", "R2"]).results[0].message == "Met: 2 units from group R (at most 2)"


def test_total_exact_and_between() -> None:
    exact = small([RuleSpec("a", "total", "m", groups=("A",), minimum=7, maximum=7)])
    assert evaluate(exact, ["A1", "A2"]).results[0].message == "Met: 7 credits from group A (exactly 7)"
    over = evaluate(exact, ["A1", "A2", "B1"])
    assert over.valid  # B1 is outside the scope
    between = small([RuleSpec("a", "total", "m", minimum=4, maximum=8)])
    res = evaluate(between, ["A1", "A2", "B1"]).results[0]
    assert (res.value, res.excess, res.met) == (12, 4, False)
    assert res.message == "4 credits too many in total: at most 8"
    assert evaluate(between, ["A2"]).results[0].message == "Met: 4 credits in total (between 4 and 8)"
    assert evaluate(between, ["R1"]).results[0].message == "3 more credits needed in total"


def test_total_over_listed_units_and_level_operators() -> None:
    units_rule = RuleSpec("u", "total", "m", units=("A1", "B1"), minimum=8)
    ge = RuleSpec("ge", "total", "m", level=2, level_op="ge", minimum=1)
    le = RuleSpec("le", "total", "m", level=2, level_op="le", minimum=1)
    spec = small([units_rule, ge, le])
    results = by_rule(evaluate(spec, ["A1", "A2", "R1"]))
    assert results["u"].value == 3
    assert results["u"].message == "5 more credits needed from units A1, B1"
    assert results["ge"].value == 7
    assert results["le"].value == 4
    assert results["ge"].message == "Met: 7 credits from units at level 2 or above (at least 1)"
    assert results["le"].message == "Met: 4 credits from units at level 2 or below (at least 1)"


def test_level_filter_skips_units_without_a_level() -> None:
    units = (UnitSpec("X", "x", "A", None, 5), UnitSpec("Y", "y", "A", 3, 1))
    spec = small([RuleSpec("l3", "total", "m", level=3, minimum=2)], units=units)
    assert evaluate(spec, ["X", "Y"]).results[0].value == 1


def test_measures_and_value_names() -> None:
    count = small([RuleSpec("n", "total", "m", measure="count", minimum=5)])
    assert evaluate(count, ["A1", "A2"]).results[0].message == "3 more units needed in total"
    values = small([RuleSpec("v", "total", "m", minimum=9)], value_name="unit values")
    assert evaluate(values, ["A1"]).results[0].message == "6 more unit values needed in total"
    assert evaluate(values, ["A1", "B1"]).results[0].message == "1 more unit value needed in total"
    none = small([RuleSpec("v", "total", "m", minimum=4)], value_name="none")
    ev = evaluate(none, ["A1", "B1"])
    assert ev.total == 2  # counts units, whatever their values
    assert ev.results[0].message == "2 more units needed in total"


def test_mandatory_all_met_message() -> None:
    spec = small([
        RuleSpec("m", "mandatory", "m", units=("A1", "A2")),
        RuleSpec("one", "mandatory", "m", units=("B1",)),
    ])
    results = by_rule(evaluate(spec, ["A1", "A2", "B1"]))
    assert results["m"].message == "Met: all 2 mandatory units chosen (A1, A2)"
    assert results["one"].message == "Met: mandatory unit B1 chosen"
    results = by_rule(evaluate(spec, []))
    assert results["m"].message == "2 mandatory units missing: A1, A2"
    assert results["m"].shortfall == 2


def test_mandatory_over_a_group() -> None:
    spec = small([RuleSpec("ma", "mandatory", "All of group A", groups=("A",))])
    res = evaluate(spec, ["A2"]).results[0]
    assert (res.value, res.minimum, res.shortfall) == (1, 2, 1)
    assert res.message == "1 mandatory unit missing: A1"


def test_each_group_with_per_group_and_level() -> None:
    spec = small([RuleSpec("each", "each_group", "m", groups=("A", "R"), per_group=2)])
    res = evaluate(spec, ["A1", "R1", "R2", "R3"]).results[0]
    assert (res.value, res.minimum, res.shortfall) == (3, 4, 1)
    assert res.message == "1 more unit needed from group A (at least 2 units from each of groups A, R)"
    lvl = small([RuleSpec("each", "each_group", "m", groups=("A", "B"), level=3)])
    res = evaluate(lvl, ["A1"]).results[0]
    assert res.shortfall == 2
    assert res.message == ("2 more level 3 units needed: 1 from group A, 1 from group B "
                           "(at least 1 level 3 unit from each of groups A, B)")
    assert evaluate(lvl, ["A2", "B1"]).results[0].message == "Met: at least 1 level 3 unit from each of groups A, B"


def test_sub_groups_are_pooled_into_their_parent() -> None:
    spec = pathway_spec()
    ev = evaluate(spec, ["K1", "K2", "T1", "T3", "P2"], pathway="technical")
    results = by_rule(ev)
    assert results["options-cap"].value == 3  # OPT pools OPT-T and OPT-P
    assert results["tech-total"].value == 10
    assert ev.valid
    assert ev.glh == 40 and ev.tqt == 80


def test_barred_listed_units() -> None:
    spec = small([RuleSpec("bar", "barred", "A1 and B1 are barred", units=("A1", "B1"))])
    res = evaluate(spec, ["A1", "B1", "A2"]).results[0]
    assert (res.met, res.value, res.maximum, res.excess) == (False, 2, 1, 1)
    assert res.message == "Barred combination: A1 and B1 may not be taken together (remove 1)"
    assert evaluate(spec, ["A1", "A2"]).results[0].message == "Met: no barred units taken together"


def test_barred_by_barring_code() -> None:
    units = (
        UnitSpec("X1", "x", "A", 2, 3, barring_code="X"),
        UnitSpec("X2", "x", "A", 2, 3, barring_code="X"),
        UnitSpec("X3", "x", "B", 2, 3, barring_code="X"),
        UnitSpec("Y1", "y", "A", 2, 3, barring_code="Y"),
        UnitSpec("Y2", "y", "A", 2, 3, barring_code="Y"),
        UnitSpec("Z", "z", "A", 2, 3),
    )
    spec = small([RuleSpec("codes", "barred", "Barring codes")], units=units)
    res = evaluate(spec, ["X1", "X2", "X3", "Y1", "Y2", "Z"]).results[0]
    assert (res.value, res.excess) == (3, 3)
    assert res.message == ("Barred combinations: X1, X2 and X3 may not be taken together; "
                           "Y1 and Y2 may not be taken together (remove 3)")
    assert evaluate(spec, ["X1", "Y1", "Z"]).valid
    in_group = small([RuleSpec("codes", "barred", "Barring codes in group B", groups=("B",))], units=units)
    assert evaluate(in_group, ["X1", "X2"]).valid  # neither is in group B


def test_one_counts_only_the_highest_valued_counts_everywhere() -> None:
    spec = pathway_spec()
    ev = evaluate(spec, ["K1", "K2", "P1", "P1X", "P2"], pathway="people")
    results = by_rule(ev)
    assert results["coaching"].met
    assert results["coaching"].value == 5
    assert results["coaching"].message == "Met: Only the highest-valued of P1, P1X counts; P1X counts, P1 does not"
    assert results["people-total"].value == 9  # P1X 5 + P2 4; P1 contributes nothing
    assert results["options-cap"].value == 2
    assert ev.total == 4 + 4 + 5 + 4
    assert ev.glh == 40  # hours are still spent on every chosen unit
    alone = by_rule(evaluate(spec, ["P1"], pathway="people"))["coaching"]
    assert alone.value == 3 and alone.message == "Met: Only the highest-valued of P1, P1X counts; P1 counts"


def test_one_counts_tie_goes_to_the_earlier_unit() -> None:
    units = (UnitSpec("L2", "l2", "A", 2, 4), UnitSpec("L3", "l3", "A", 3, 4))
    rules = [
        RuleSpec("one", "one_counts", "m", units=("L2", "L3")),
        RuleSpec("l3", "total", "m", level=3, minimum=4),
    ]
    ev = evaluate(small(rules, units=units), ["L2", "L3"])
    assert ev.total == 4
    assert not ev.valid  # L3 is beaten by the earlier, equal-valued L2


def test_glh_and_tqt_none_when_no_unit_has_the_figure() -> None:
    ev = evaluate(small([]), ["A1"])
    assert (ev.glh, ev.tqt, ev.valid, ev.results) == (None, None, True, ())


# --------------------------------------------------------------------------- errors


def test_unknown_units_are_named() -> None:
    with pytest.raises(UnknownUnits) as info:
        evaluate(ocr_l3(), ["F3", "Z9", "Q1", "Z9"])
    assert info.value.codes == ("Z9", "Q1")
    assert "Z9" in str(info.value) and "Q1" in str(info.value)
    assert isinstance(info.value, SpecError) and isinstance(info.value, ValueError)


def test_a_string_is_not_a_list_of_codes() -> None:
    with pytest.raises(TypeError):
        evaluate(ocr_l3(), "F3")


def test_pathways() -> None:
    spec = pathway_spec()
    with pytest.raises(PathwayError) as info:
        evaluate(spec, ["K1"])
    assert "technical" in str(info.value) and "people" in str(info.value)
    with pytest.raises(PathwayError, match="nonsense"):
        evaluate(spec, ["K1"], pathway="nonsense")
    with pytest.raises(PathwayError):
        evaluate(ocr_l3(), WORKED, pathway="technical")
    tech = by_rule(evaluate(spec, ["K1", "K2"], pathway="technical"))
    people = by_rule(evaluate(spec, ["K1", "K2"], pathway="people"))
    assert "tech-total" in tech and "people-total" not in tech
    assert "people-total" in people and "tech-total" not in people
    assert "core" in tech and "core" in people


@pytest.mark.parametrize(
    "change, fragment",
    [
        (dict(rules=(RuleSpec("x", "total", "m", groups=("NOPE",)),)), "NOPE"),
        (dict(rules=(RuleSpec("x", "mandatory", "m", units=("NOPE",)),)), "NOPE"),
        (dict(rules=(RuleSpec("x", "sometimes", "m"),)), "sometimes"),
        (dict(rules=(RuleSpec("x", "total", "m", level_op="gt"),)), "gt"),
        (dict(rules=(RuleSpec("x", "total", "m", pathway="nowhere"),)), "nowhere"),
        (dict(rules=(RuleSpec("x", "total", "m"), RuleSpec("x", "total", "m"))), "twice"),
        (dict(units=(UnitSpec("A1", "a", "NOPE", 1, 1),)), "NOPE"),
        (dict(units=(UnitSpec("A1", "a", "A", 1, 1), UnitSpec("A1", "a", "A", 1, 1))), "twice"),
        (dict(groups=(GroupSpec("A", "a", "B"), GroupSpec("B", "b", "A"))), "ancestor"),
        (dict(value_name="points"), "points"),
    ],
)
def test_inconsistent_specs_raise_spec_error(change, fragment) -> None:
    spec = dataclasses.replace(small([]), **change)
    if "units" in change and "groups" not in change:
        spec = dataclasses.replace(spec, groups=(GroupSpec("A", "A"),))
    with pytest.raises(SpecError, match=fragment):
        evaluate(spec, ["A1"] if spec.units else [])


def test_compiled_form_is_per_instance() -> None:
    one = small([RuleSpec("t", "total", "m", minimum=3)])
    two = dataclasses.replace(one, rules=(RuleSpec("t", "total", "m", minimum=30),))
    assert evaluate(one, ["A1"]).valid
    assert not evaluate(two, ["A1"]).valid
    assert one == dataclasses.replace(one)  # the cache is not part of equality


# --------------------------------------------------------------------------- against brute force


@st.composite
def spec_and_choice(draw):
    spec = draw(random_specs())
    codes = draw(st.lists(st.sampled_from([u.code for u in spec.units]), max_size=8))
    pathway = draw(st.sampled_from(spec.pathways)) if spec.pathways else None
    return spec, codes, pathway


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec_and_choice())
def test_evaluate_agrees_with_brute_force(case) -> None:
    spec, codes, pathway = case
    got = evaluate(spec, codes, pathway)
    want = brute_evaluate(spec, codes, pathway)
    assert got.valid == want["valid"]
    assert got.total == want["total"]
    assert (got.glh, got.tqt) == (want["glh"], want["tqt"])
    assert [(r.identifier, r.met, r.value, r.shortfall, r.excess) for r in got.results] == want["results"]
    for r in got.results:
        assert r.message and r.message.startswith("Met") == r.met or r.kind == "barred"


def test_specs_pickle_and_copy_without_their_compiled_form() -> None:
    import copy
    import pickle

    spec = pathway_spec()
    before = evaluate(spec, ["K1", "K2", "T1", "T3"], pathway="technical")
    for clone in (pickle.loads(pickle.dumps(spec)), copy.deepcopy(spec), copy.copy(spec)):
        assert clone == spec
        assert evaluate(clone, ["K1", "K2", "T1", "T3"], pathway="technical") == before


def test_an_empty_pathway_is_no_pathway() -> None:
    assert evaluate(ocr_l3(), WORKED, pathway="") == evaluate(ocr_l3(), WORKED)
    with pytest.raises(PathwayError):
        evaluate(pathway_spec(), ["K1"], pathway="")


# --------------------------------------------------------------------------- hours: GLH and TQT ranges


def hours_spec(*rules: RuleSpec) -> Spec:
    units = (
        UnitSpec("H1", "h1", "A", 3, 5, glh=100, tqt=150),
        UnitSpec("H2", "h2", "A", 3, 5, glh=120, tqt=180),
        UnitSpec("H3", "h3", "B", 2, 5, glh=90, tqt=120),
        UnitSpec("H4", "h4", "B", 2, 5),  # no hours given: adds nothing to an hours total
    )
    return small(rules, units=units)


def test_a_glh_range_is_met_inside_it_and_short_or_over_outside() -> None:
    spec = hours_spec(RuleSpec("glh", "total", "GLH 200-230.", measure="glh", minimum=200, maximum=230))
    met = by_rule(evaluate(spec, ["H1", "H2", "H4"]))["glh"]
    assert (met.met, met.value, met.message) == (True, 220, "Met: 220 GLH in total (between 200 and 230)")
    short = by_rule(evaluate(spec, ["H1", "H3"]))["glh"]
    assert (short.met, short.value, short.shortfall, short.message) == (False, 190, 10, "10 more GLH needed in total")
    over = by_rule(evaluate(spec, ["H1", "H2", "H3"]))["glh"]
    assert (over.met, over.excess) == (False, 310 - 230)


def test_tqt_at_least_counts_total_qualification_time_from_a_group() -> None:
    spec = hours_spec(RuleSpec("tqt", "total", "TQT at least 370 from group A.", measure="tqt", minimum=370,
                               groups=("A",)))
    result = by_rule(evaluate(spec, ["H1", "H2", "H3"]))["tqt"]
    assert (result.met, result.value, result.shortfall) == (False, 330, 40)
    assert result.message == "40 more hours TQT needed from group A"


def test_hours_measures_ignore_a_spec_that_counts_units() -> None:
    spec = dataclasses.replace(hours_spec(RuleSpec("glh", "total", "m", measure="glh", maximum=150)),
                               value_name="none")
    result = by_rule(evaluate(spec, ["H1", "H3"]))["glh"]
    assert (result.value, result.excess) == (190, 40)
