"""check_combination, plan_units and validate_specs: output contracts and exit codes."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.units.db_specs import save_spec
from tests.units.specs import WORKED, ocr_l3, pathway_spec
from units.models import AssessableItem, Criterion, Group, Outcome, Rule, RuleKind, Unit
from units.rules import GroupSpec, RuleSpec, Spec, UnitSpec

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OCR = "ocr-l3-test"
PATHWAYS = "pathways-test"


def run(*args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of a management command."""
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def ocr():
    return save_spec(ocr_l3())


@pytest.fixture
def pathways():
    return save_spec(pathway_spec())


# --------------------------------------------------------------------------- check_combination


def test_check_combination_json_valid(ocr) -> None:
    code, out, err = run("check_combination", OCR, *WORKED, "--json")
    assert code == 0 and err == ""
    payload = json.loads(out)
    assert set(payload) == {"qualification", "valid", "total", "rules"}
    assert payload["qualification"] == OCR
    assert payload["valid"] is True
    assert payload["total"] == 42
    assert [r["rule"] for r in payload["rules"]] == [r.identifier for r in ocr_l3().rules]
    first = payload["rules"][0]
    assert first == {"rule": "total", "met": True, "value": 42, "minimum": 42, "maximum": None, "shortfall": 0,
                     "excess": 0, "message": "Met: 42 credits in total (at least 42)"}
    level3 = next(r for r in payload["rules"] if r["rule"] == "optional-level-3")
    assert level3["value"] == 19


def test_check_combination_json_invalid_still_exits_0(ocr) -> None:
    code, out, _ = run("check_combination", OCR, "F3", "A3", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["valid"] is False
    mandatory = next(r for r in payload["rules"] if r["rule"] == "group-a")
    assert mandatory["met"] is False and mandatory["shortfall"] == 1 and "F4" in mandatory["message"]


def test_check_combination_human_readable(ocr) -> None:
    code, out, _ = run("check_combination", OCR, *WORKED[:-1])
    assert code == 0
    lines = out.splitlines()
    rule_lines = [line for line in lines if line.startswith("  ")]
    assert len(rule_lines) == len(ocr_l3().rules)
    assert any("short" in line and "each-optional-group" in line and "group E" in line for line in rule_lines)
    assert any("met" in line and "group-a " in line for line in rule_lines)
    assert "Total: 34 credits" in out
    assert "Not valid" in out


def test_check_combination_latest_version_unless_asked(ocr) -> None:
    newer = dataclasses.replace(ocr_l3(), version="2", rules=(RuleSpec("total", "total", "m", minimum=100),))
    save_spec(newer, version_order=2)
    assert json.loads(run("check_combination", OCR, *WORKED, "--json")[1])["valid"] is False
    assert json.loads(run("check_combination", f"{OCR}@1", *WORKED, "--json")[1])["valid"] is True


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("nope", "F3"), "Unknown qualification 'nope'"),
        ((f"{OCR}@7", "F3"), "no version '7'"),
        ((OCR, "F3", "Z9"), "Unknown unit: Z9"),
        ((OCR, "F3", "--pathway", "technical"), "has no pathways"),
        ((PATHWAYS, "K1"), "choose one of: technical, people"),
        ((PATHWAYS, "K1", "--pathway", "nonsense"), "no pathway 'nonsense'"),
    ],
)
def test_check_combination_bad_input_exits_2(ocr, pathways, args, fragment) -> None:
    for extra in ((), ("--json",)):
        code, out, err = run("check_combination", *args, *extra)
        assert code == 2
        assert out == ""
        assert fragment in err
        assert len(err.strip().splitlines()) == 1


def test_check_combination_with_a_pathway(pathways) -> None:
    code, out, _ = run("check_combination", PATHWAYS, "K1", "K2", "T1", "T3", "--pathway", "technical", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["valid"] is True
    assert "people-total" not in [r["rule"] for r in payload["rules"]]


# --------------------------------------------------------------------------- plan_units


def test_plan_units_json(ocr) -> None:
    code, out, err = run("plan_units", OCR, "--json")
    assert code == 0 and err == ""
    payload = json.loads(out)
    assert set(payload) == {"qualification", "units", "total"}
    assert payload["qualification"] == OCR and payload["total"] == 42
    assert payload["units"][:2] == ["F3", "F4"]


def test_plan_units_keeps_chosen_avoids_and_prefers(ocr) -> None:
    code, out, _ = run("plan_units", OCR, "D7", "--avoid", "A3", "B12", "--prefer", "C6", "--json")
    payload = json.loads(out)
    assert code == 0
    assert "D7" in payload["units"] and "A3" not in payload["units"] and "B12" not in payload["units"]
    assert payload["units"] == [u.code for u in ocr_l3().units if u.code in payload["units"]]
    code, out, _ = run("check_combination", OCR, *payload["units"], "--json")
    assert json.loads(out)["valid"] is True


def test_plan_units_impossible_exits_1(ocr) -> None:
    code, out, err = run("plan_units", OCR, "--avoid", "F4", "--json")
    assert code == 1
    payload = json.loads(out)
    assert set(payload) == {"qualification", "error"}
    assert payload["qualification"] == OCR
    assert "Mandatory unit F4 is avoided: rule group-a" in payload["error"]
    code, out, err = run("plan_units", OCR, "--avoid", "F4")
    assert code == 1
    assert "Mandatory unit F4 is avoided" in err


def test_plan_units_human_readable(pathways) -> None:
    code, out, _ = run("plan_units", PATHWAYS, "T3", "--pathway", "technical")
    assert code == 0
    assert "chosen    T3" in out
    assert "proposed  K1" in out
    assert "Total: 18 credits in 4 units" in out


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("nope",), "Unknown qualification"),
        ((OCR, "Z9"), "Unknown unit: Z9"),
        ((OCR, "--avoid", "Q1", "--prefer", "Q2"), "Q1, Q2"),
        ((PATHWAYS,), "choose one of: technical, people"),
        ((OCR, "--pathway", "people"), "has no pathways"),
    ],
)
def test_plan_units_bad_input_exits_2(ocr, pathways, args, fragment) -> None:
    code, out, err = run("plan_units", *args, "--json")
    assert code == 2 and out == ""
    assert fragment in err and len(err.strip().splitlines()) == 1


# --------------------------------------------------------------------------- validate_specs


def test_validate_specs_all_well(ocr, pathways) -> None:
    code, out, err = run("validate_specs")
    assert code == 0, out
    assert f"{OCR}@1: ok" in out and f"{PATHWAYS}@1: ok" in out
    assert "2 specifications checked" in out


def test_validate_specs_unknown_code_exits_2(ocr) -> None:
    code, _, err = run("validate_specs", "nope")
    assert code == 2 and "Unknown qualification 'nope'" in err


def problems_of(code: str = OCR) -> list[str]:
    exit_code, out, err = run("validate_specs", code)
    assert exit_code == 1, out
    assert "problem" in err
    return [line for line in out.splitlines() if line.startswith(f"{code}@")]


def test_validate_specs_rule_over_an_empty_group(ocr) -> None:
    empty = Group.objects.create(qualification=ocr, code="Z", title="Empty")
    rule = Rule.objects.create(qualification=ocr, identifier="z-credits", kind=RuleKind.TOTAL, maximum=5,
                               message="At most 5 credits from Z.")
    rule.groups.set([empty])
    assert problems_of() == [f"{OCR}@1: rule z-credits is over group Z, which has no units"]


def test_validate_specs_maximum_below_minimum(ocr) -> None:
    Rule.objects.filter(qualification=ocr, identifier="optional").update(maximum=20)
    found = problems_of()
    assert f"{OCR}@1: rule optional: its maximum 20 is below its minimum 30" in found
    # ... and so no combination satisfies the rules, which names the rule too.
    assert any("no combination of units satisfies the rules" in p and "optional" in p for p in found)


def test_validate_specs_mandatory_units_barred_from_each_other(ocr) -> None:
    rule = Rule.objects.create(qualification=ocr, identifier="f-bar", kind=RuleKind.BARRED,
                               message="F3 and F4 may not be taken together.")
    rule.units.set(Unit.objects.filter(qualification=ocr, code__in=["F3", "F4"]))
    found = problems_of()
    assert f"{OCR}@1: rules group-a and f-bar: mandatory units F3 and F4 are barred from each other" in found
    assert any("no combination" in p and "group-a" in p and "f-bar" in p for p in found)


def test_validate_specs_mandatory_units_sharing_a_barring_code(ocr) -> None:
    Unit.objects.filter(qualification=ocr, code__in=["F3", "F4"]).update(barring_code="F")
    found = problems_of()
    assert found[0] == (f"{OCR}@1: units F3, F4 share barring code F, but no barred rule without listed units "
                        f"applies barring codes")
    Rule.objects.create(qualification=ocr, identifier="codes", kind=RuleKind.BARRED, message="Barring codes.")
    found = problems_of()
    assert (f"{OCR}@1: rules group-a and codes: mandatory units F3 and F4 are barred from each other "
            f"(barring code F)") in found


def test_validate_specs_unit_in_no_group(ocr) -> None:
    Unit.objects.create(qualification=ocr, code="LOOSE", title="Loose", value=3, order=99)
    AssessableItem.objects.create(unit=Unit.objects.get(qualification=ocr, code="LOOSE"), code="LOOSE", text="x")
    assert problems_of() == [f"{OCR}@1: unit LOOSE is in no group"]


def test_validate_specs_rule_naming_another_qualification(ocr, pathways) -> None:
    rule = Rule.objects.get(qualification=ocr, identifier="optional")
    rule.units.add(Unit.objects.get(qualification=pathways, code="T1"))
    rule.groups.add(Group.objects.get(qualification=pathways, code="CORE"))
    found = problems_of()
    assert f"{OCR}@1: rule optional names groups of another qualification: CORE" in found
    assert f"{OCR}@1: rule optional names units of another qualification: T1" in found


def test_validate_specs_assessable_items_at_the_finest_level(ocr) -> None:
    unit = Unit.objects.get(qualification=ocr, code="F3")
    outcome = Outcome.objects.create(unit=unit, code="1", title="Outcome 1")
    # The unit now has an outcome, so its item must be the outcome, not the unit.
    assert problems_of() == [f"{OCR}@1: unit F3: its assessable items do not match its outcomes (missing 1; "
                             f"unexpected F3)"]
    AssessableItem.objects.filter(unit=unit).delete()
    AssessableItem.objects.create(unit=unit, outcome=outcome, code="1", text="Outcome 1")
    assert run("validate_specs", OCR)[0] == 0
    criterion = Criterion.objects.create(outcome=outcome, code="1.1", text="Criterion 1.1")
    Outcome.objects.create(unit=unit, code="2", title="Outcome 2")
    found = problems_of()
    assert f"{OCR}@1: unit F3: its assessable items do not match its criteria (missing 1.1; unexpected 1)" in found
    assert f"{OCR}@1: unit F3: outcomes 2 have no criteria, so nothing of them is assessed" in found
    AssessableItem.objects.filter(unit=unit).delete()
    AssessableItem.objects.create(unit=unit, outcome=outcome, criterion=criterion, code="1.1", text="c")
    assert problems_of() == [f"{OCR}@1: unit F3: outcomes 2 have no criteria, so nothing of them is assessed"]


def test_validate_specs_pathway_that_no_combination_satisfies(pathways) -> None:
    Rule.objects.filter(qualification=pathways, identifier="tech-total").update(minimum=50)
    found = problems_of(PATHWAYS)
    assert len(found) == 1
    assert found[0].startswith(f"{PATHWAYS}@1: no combination of units satisfies pathway technical: ")
    assert "tech-total" in found[0]


def test_validate_specs_level_filter_that_matches_nothing() -> None:
    spec = Spec("lvl", "1", "Levels", "credits", (UnitSpec("A", "a", "G", 2, 5),), (GroupSpec("G", "G"),),
                (RuleSpec("l5", "total", "At least 5 credits at level 5.", minimum=5, level=5),))
    save_spec(spec)
    found = problems_of("lvl")
    assert found[0] == "lvl@1: rule l5: none of the units in its scope is at level 5"


def test_validate_specs_checks_every_version_unless_one_is_named(ocr) -> None:
    broken = dataclasses.replace(ocr_l3(), version="2",
                                 rules=(RuleSpec("total", "total", "m", minimum=10, maximum=5),))
    save_spec(broken, version_order=2)
    assert run("validate_specs", f"{OCR}@1")[0] == 0
    code, out, _ = run("validate_specs", OCR)
    assert code == 1
    assert f"{OCR}@1: ok" in out and f"{OCR}@2: rule total: its maximum 5 is below its minimum 10" in out


def test_validate_specs_passes_on_the_shipped_specs() -> None:
    files = sorted((ROOT / "fixtures" / "qualifications").glob("*.json"))
    call_command("load_specs", stdout=StringIO())
    code, out, err = run("validate_specs")
    assert code == 0, out + err
    assert f"{len(files)} specifications checked" in out


def test_the_seeds_worked_example_is_valid_on_the_shipped_spec() -> None:
    # Seed 000's own figures, through the real fixture: 42 in total, 12 from group A, 19 optional credits at level 3.
    call_command("load_specs", stdout=StringIO())
    code, out, err = run("check_combination", "ocr-l3-customer-service", *WORKED, "--json")
    assert (code, err) == (0, "")
    payload = json.loads(out)
    assert (payload["valid"], payload["total"]) == (True, 42)
    rules = {r["rule"]: r for r in payload["rules"]}
    assert all(r["met"] for r in rules.values())
    assert rules["group-a-credits"]["value"] == 12
    assert rules["optional-credits"]["value"] == 30
    assert rules["optional-level-3-credits"]["value"] == 19
    # Without D6 (group E, level 2): group E is empty and the optional credits fall short.
    payload = json.loads(run("check_combination", "ocr-l3-customer-service", *WORKED[:-1], "--json")[1])
    rules = {r["rule"]: r for r in payload["rules"]}
    assert payload["valid"] is False
    assert rules["one-unit-from-each-optional-group"]["shortfall"] == 1
    assert rules["optional-credits"]["shortfall"] == 6
    assert rules["optional-level-3-credits"]["met"] is True


# --------------------------------------------------------------------------- through manage.py


def test_exit_codes_through_manage_py(tmp_path) -> None:
    env = dict(os.environ, VAR_DIR=str(tmp_path), DEBUG="true")
    env.pop("DATABASE_URL", None)

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)

    assert manage("migrate", "--noinput", "-v", "0").returncode == 0
    result = manage("check_combination", "nope", "X1", "--json")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == "Unknown qualification 'nope'; no qualifications are loaded"
    result = manage("plan_units", "nope")
    assert result.returncode == 2
    result = manage("validate_specs")
    assert result.returncode == 0
