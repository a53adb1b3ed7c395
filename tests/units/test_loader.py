"""The one spec loader (units.services.specs): refuses what it cannot load faithfully, one line each, and writes
whole or nothing; versions with enrolments are immutable; the rest can be replaced exactly, retired or deleted."""

from __future__ import annotations

import copy
import datetime
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from candidates.models import Enrolment
from units import specfile as specfile_module
from units.models import AssessableItem, Criterion, Group, Outcome, Qualification, Rule, Unit
from units.services.specs import check_spec, delete_spec, publish_spec, retire_spec
from units.specfile import MODELS

from .conftest import FIXTURES_DIR
from .test_fixtures import as_version, snapshot

pytestmark = pytest.mark.django_db

OCR = "ocr-l3-customer-service"


def objects_of(code: str = OCR) -> list[dict[str, Any]]:
    return json.loads((FIXTURES_DIR / f"{code}.json").read_text(encoding="utf-8"))


def as_bytes(objects: list[dict[str, Any]]) -> bytes:
    return json.dumps(objects).encode()


def first(objects: list[dict[str, Any]], model: str, **fields: Any) -> dict[str, Any]:
    return next(o for o in objects if o["model"] == model and all(o["fields"][k] == v for k, v in fields.items()))


def refused(objects: list[dict[str, Any]], name: str = "spec.json") -> list[str]:
    """The loader's messages for a file it must refuse; it checks nothing was written."""
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        publish_spec(content=as_bytes(objects) if isinstance(objects, list) else objects, name=name)
    assert snapshot() == before
    messages = caught.value.messages
    assert messages and all("\n" not in m and m.startswith(f"{name}: ") for m in messages), messages
    return messages


def enrol_on(qualification: Qualification, candidate, centre, assessor) -> Enrolment:
    today = timezone.localdate()
    return Enrolment.objects.create(
        candidate=candidate, centre=centre, qualification=qualification, assessor=assessor,
        start_date=today, planned_end_date=today + datetime.timedelta(days=300),
    )


# --- refusing what loaddata accepted silently ----------------------------------------------------


def test_a_unit_listed_twice_with_different_groups_is_refused() -> None:
    objects = objects_of()
    twice = copy.deepcopy(first(objects, "units.unit", code="A3"))
    twice["fields"]["group"] = [OCR, "1", "E"]
    objects.append(twice)
    position = 1 + objects.index(first(objects, "units.unit", code="A3"))
    assert refused(objects, "ocr.json") == [
        f"ocr.json: unit A3 appears twice (objects {position} and {len(objects)}): remove one, or give each its "
        f"own code"
    ]


def test_a_rule_identifier_used_twice_is_refused() -> None:
    objects = objects_of()
    twice = copy.deepcopy(first(objects, "units.rule", identifier="total-credits"))
    twice["fields"]["minimum"] = 1
    objects.append(twice)
    (message,) = refused(objects)
    assert "rule total-credits appears twice" in message and "its own identifier" in message


def test_an_unsatisfiable_spec_is_refused() -> None:
    objects = objects_of()
    first(objects, "units.rule", identifier="group-a-credits")["fields"]["minimum"] = 500
    (message,) = refused(objects)
    assert "no combination of units satisfies the rules" in message and "group-a-credits" in message


def test_contradicting_bounds_are_refused() -> None:
    objects = objects_of()
    rule = first(objects, "units.rule", identifier="total-credits")["fields"]
    rule["maximum"] = 10
    messages = refused(objects)
    assert "spec.json: rule total-credits: its maximum 10 is below its minimum 42" in messages


def test_unknown_kind_and_level_operator_are_refused_naming_the_allowed_values() -> None:
    objects = objects_of()
    rule = first(objects, "units.rule", identifier="optional-level-3-credits")["fields"]
    rule.update(level_op="gte", kind="maximum")
    assert refused(objects) == [
        "spec.json: rule optional-level-3-credits: kind 'maximum' is not one of 'total', 'mandatory', "
        "'each_group', 'barred', 'one_counts'",
        "spec.json: rule optional-level-3-credits: level_op 'gte' is not one of 'eq', 'ge', 'le'",
    ]


def test_a_missing_group_names_the_rule_and_the_group() -> None:
    objects = objects_of()
    first(objects, "units.rule", identifier="optional-credits")["fields"]["groups"].append([OCR, "1", "Z"])
    assert refused(objects) == [
        "spec.json: rule optional-credits: its groups name group Z, which this file does not hold: add it or "
        "correct the reference"
    ]


def test_malformed_json_is_one_line_naming_the_file() -> None:
    (message,) = refused(as_bytes(objects_of())[:-40], "broken.json")  # type: ignore[arg-type]
    assert message.startswith("broken.json: not valid JSON: ") and "line 1, column" in message


def test_a_retired_flag_in_the_file_is_refused() -> None:
    objects = objects_of()
    objects[0]["fields"]["retired"] = True
    (message,) = refused(objects)
    assert "unknown field 'retired'" in message


# --- replacing, immutability, versions ------------------------------------------------------------


def test_reloading_an_edited_file_removes_what_the_file_no_longer_gives() -> None:
    publish_spec(content=as_bytes(objects_of()), name="ocr.json")
    objects = [o for o in objects_of() if not (o["model"] == "units.rule"
                                               and o["fields"]["identifier"] == "optional-level-3-credits")]
    check = publish_spec(content=as_bytes(objects), name="ocr.json")
    assert check.changes == ("removed rule optional-level-3-credits",)
    assert not Rule.objects.filter(identifier="optional-level-3-credits").exists()


def test_reloading_removes_every_kind_of_row_the_file_no_longer_gives() -> None:
    ics = "nvq-business-admin-internal-customer-service"
    publish_spec(content=as_bytes(objects_of(ics)), name="ics.json")
    without_6 = [o for o in objects_of(ics) if o["fields"].get("code", "") not in ("6", "6.1", "6.2", "6.3")]
    check = publish_spec(content=as_bytes(without_6), name="ics.json")
    assert "removed outcome 6 of unit ICS" in check.changes
    assert "removed criterion 6.2 of outcome 6 of unit ICS" in check.changes
    assert "removed assessable item 6.3 of unit ICS" in check.changes
    assert list(Outcome.objects.values_list("code", flat=True)) == ["4", "5"]
    assert sorted(Criterion.objects.values_list("code", flat=True)) == ["4.1", "4.2", "4.3", "5.1", "5.2", "5.3"]
    assert sorted(AssessableItem.objects.values_list("code", flat=True)) == ["4.1", "4.2", "4.3", "5.1", "5.2",
                                                                             "5.3"]

    extra = objects_of()
    group = copy.deepcopy(first(extra, "units.group", code="E"))
    group["fields"].update(code="F", title="Group F")
    unit = copy.deepcopy(first(extra, "units.unit", code="D6"))
    unit["fields"].update(code="X9", group=[OCR, "1", "F"], order=99)
    item = copy.deepcopy(first(extra, "units.assessableitem", code="D6"))
    item["fields"].update(code="X9", unit=[OCR, "1", "X9"])
    publish_spec(content=as_bytes([*extra, group, unit, item]), name="ocr.json")
    check = publish_spec(content=as_bytes(objects_of()), name="ocr.json")
    assert set(check.changes) == {"removed group F", "removed unit X9", "removed assessable item X9 of unit X9"}
    assert not Unit.objects.filter(code="X9").exists() and not Group.objects.filter(code="F").exists()
    assert not AssessableItem.objects.filter(code="X9").exists()


def test_a_reload_refused_after_writing_leaves_the_loaded_version_as_it_was() -> None:
    # The file reads cleanly, so the loader deletes the version's rows and writes the file's before the checks of
    # validate_specs refuse it: only the transaction brings the loaded version back.
    publish_spec(content=as_bytes(objects_of()), name="ocr.json")
    objects = [o for o in objects_of() if not (o["model"] == "units.rule"
                                               and o["fields"]["identifier"] == "mandatory-units")]
    first(objects, "units.unit", code="F3")["fields"]["title"] = "Renamed"
    first(objects, "units.rule", identifier="group-a-credits")["fields"]["minimum"] = 500
    (message,) = refused(objects, "ocr.json")
    assert message.startswith("ocr.json: no combination of units satisfies the rules") and "group-a-credits" in message
    assert Unit.objects.get(code="F3").title == "Demonstrate understanding of customer service"
    assert Rule.objects.filter(identifier="mandatory-units").exists()


def test_loading_an_unchanged_file_writes_nothing() -> None:
    publish_spec(content=as_bytes(objects_of()), name="ocr.json")
    before = snapshot()
    check = publish_spec(content=as_bytes(objects_of()), name="ocr.json")
    assert check.unchanged
    assert snapshot() == before


def test_check_spec_reports_the_changes_and_writes_nothing() -> None:
    publish_spec(content=as_bytes(objects_of()), name="ocr.json")
    objects = objects_of()
    first(objects, "units.unit", code="F3")["fields"]["title"] = "Renamed"
    before = snapshot()
    check = check_spec(content=as_bytes(objects), name="ocr.json")
    assert check.ok and check.replaces and check.changes == ("changed unit F3: title",)
    assert check.spec is not None and check.spec.code == OCR
    assert snapshot() == before


def test_a_version_with_enrolments_cannot_change_but_a_new_version_loads_beside_it(
    candidate, centre, assessor
) -> None:
    publish_spec(content=as_bytes(objects_of()), name="ocr.json")
    enrol_on(Qualification.objects.get(code=OCR), candidate, centre, assessor)
    objects = objects_of()
    first(objects, "units.unit", code="F3")["fields"]["title"] = "Renamed"
    (message,) = refused(objects, "ocr.json")
    assert message.startswith(f"ocr.json: {OCR} version 1 has 1 enrolment, so it cannot change (changed unit F3")
    assert "publish the file as a new version" in message
    publish_spec(content=as_bytes(as_version(objects, "2", 2)), name="ocr-2.json")
    assert Unit.objects.get(qualification__version="2", code="F3").title == "Renamed"
    assert Unit.objects.get(qualification__version="1", code="F3").title != "Renamed"


def test_a_new_version_must_not_reuse_a_version_order() -> None:
    publish_spec(content=as_bytes(objects_of()), name="ocr.json")
    (message,) = refused(as_version(objects_of(), "2", 1))
    assert message == (f"spec.json: {OCR} version 2: version_order 1 is already version 1's: give it a higher one "
                       f"(e.g. 2)")


# --- deleting and retiring ----------------------------------------------------------------------------


def test_a_version_without_enrolments_can_be_deleted_whole() -> None:
    publish_spec(content=as_bytes(objects_of()), name="ocr.json")
    qualification = Qualification.objects.get(code=OCR)
    delete_spec(qualification=qualification)
    assert all(not model._default_manager.exists() for model in MODELS.values())


def test_the_admin_way_of_deleting_a_qualification_is_not_refused_by_its_units_groups() -> None:
    publish_spec(content=as_bytes(objects_of()), name="ocr.json")
    Qualification.objects.get(code=OCR).delete()  # ProtectedError from Unit.group before
    assert not Unit.objects.exists()


def test_deleting_a_version_with_enrolments_is_refused(candidate, centre, assessor) -> None:
    publish_spec(content=as_bytes(objects_of()), name="ocr.json")
    qualification = Qualification.objects.get(code=OCR)
    enrol_on(qualification, candidate, centre, assessor)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("delete_spec", OCR, "1", stdout=out, stderr=err)
    assert exited.value.code == 1
    assert err.getvalue().strip() == (f"{OCR} version 1 has 1 enrolment, so it cannot be deleted: retire it instead "
                                      f"(no new enrolments; those enrolled stay on it)")
    assert Unit.objects.filter(qualification=qualification).count() == 7


def test_delete_spec_command_deletes_a_version_without_enrolments() -> None:
    publish_spec(content=as_bytes(objects_of()), name="ocr.json")
    call_command("delete_spec", OCR, "1", stdout=StringIO())
    assert not Qualification.objects.exists()


def test_retiring_keeps_the_version_and_reloading_keeps_it_retired() -> None:
    publish_spec(content=as_bytes(objects_of()), name="ocr.json")
    call_command("retire_spec", OCR, "1", stdout=StringIO())
    assert Qualification.objects.get(code=OCR).retired
    objects = objects_of()
    first(objects, "units.unit", code="F3")["fields"]["title"] = "Renamed"
    publish_spec(content=as_bytes(objects), name="ocr.json")
    assert Qualification.objects.get(code=OCR).retired
    retire_spec(qualification=Qualification.objects.get(code=OCR), retired=False)
    assert not Qualification.objects.get(code=OCR).retired


# --- load_specs and loaddata -----------------------------------------------------------------------------


def test_load_specs_reports_every_bad_file_and_loads_the_good_ones(tmp_path: Path) -> None:
    bad_json = tmp_path / "a-bad-json.json"
    bad_json.write_text("[{", encoding="utf-8")
    twice = objects_of()
    twice.append(copy.deepcopy(first(twice, "units.rule", identifier="total-credits")))
    (tmp_path / "b-twice.json").write_bytes(as_bytes(twice))
    (tmp_path / "c-good.json").write_bytes(as_bytes(objects_of("cs-standards-l3")))
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("load_specs", str(tmp_path), stdout=out, stderr=err)
    assert exited.value.code == 1
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("a-bad-json.json: not valid JSON")
    assert lines[1].startswith("b-twice.json: rule total-credits appears twice")
    assert lines[2] == "2 of 3 spec files not loaded."
    assert list(Qualification.objects.values_list("code", flat=True)) == ["cs-standards-l3"]


def test_loaddata_of_a_spec_file_goes_through_the_loader(tmp_path: Path) -> None:
    objects = objects_of()
    objects.append(copy.deepcopy(first(objects, "units.unit", code="A3")))
    path = tmp_path / "ocr.json"
    path.write_bytes(as_bytes(objects))
    err = StringIO()
    with pytest.raises(Exception, match="Not loaded: ocr.json"):
        call_command("loaddata", str(path), stderr=err, verbosity=0)
    assert err.getvalue().startswith("ocr.json: unit A3 appears twice")
    assert not Qualification.objects.exists()


def test_a_spec_file_can_state_glh_and_tqt_ranges() -> None:
    objects = objects_of()
    for n, unit in enumerate(o for o in objects if o["model"] == "units.unit"):
        unit["fields"].update(glh=40 + n, tqt=60 + n)
    rule = copy.deepcopy(first(objects, "units.rule", identifier="total-credits"))
    rule["fields"].update(identifier="glh-range", measure="glh", minimum=245, maximum=305, message="GLH 245-305.")
    tqt = copy.deepcopy(rule)
    tqt["fields"].update(identifier="tqt-range", measure="tqt", minimum=400, maximum=450, message="TQT 400-450.")
    objects.extend([rule, tqt])
    # Every unit is needed for the 42 credits: 301 GLH and 441 TQT.
    check = publish_spec(content=as_bytes(objects), name="ocr.json")
    assert check.ok
    assert Rule.objects.get(identifier="glh-range").measure == "glh"
    assert (Rule.objects.get(identifier="tqt-range").measure, Rule.objects.get(identifier="tqt-range").maximum) == (
        "tqt", 450)


@pytest.mark.parametrize("measure", ["glh", "tqt"])
def test_a_glh_or_tqt_range_no_combination_meets_is_refused_naming_the_rule(measure: str) -> None:
    objects = objects_of()
    for n, unit in enumerate(o for o in objects if o["model"] == "units.unit"):
        unit["fields"].update(glh=40 + n, tqt=60 + n)
    # The mandatory units F3 and F4 alone give 81 GLH (121 TQT): no choice stays within a maximum of 80.
    rule = copy.deepcopy(first(objects, "units.rule", identifier="total-credits"))
    rule["fields"].update(identifier="hours-range", measure=measure, minimum=10, maximum=80, message="10-80 hours.")
    objects.append(rule)
    (message,) = refused(objects)
    assert message.startswith("spec.json: no combination of units satisfies the rules: ") and "hours-range" in message


# --- random breakage -----------------------------------------------------------------------------------------

BREAKAGES = ("duplicate", "unknown_value", "unknown_field", "dangling", "drop_field", "pk", "truncate", "wrong_type")


def broken(objects: list[dict[str, Any]], how: str, index: int) -> bytes:
    """The spec with one thing wrong, at the object `index` (modulo the objects it applies to)."""
    objects = copy.deepcopy(objects)
    target = objects[1 + index % (len(objects) - 1)]  # not the qualification
    fields = target["fields"]
    if how == "duplicate":
        objects.append(copy.deepcopy(target))
    elif how == "unknown_value":
        objects[0]["fields"]["value_name"] = "points"
    elif how == "unknown_field":
        fields["colour"] = "blue"
    elif how == "dangling":
        key = next((name for name, v in fields.items() if isinstance(v, list) and v and isinstance(v[0], str)))
        fields[key] = [*fields[key][:-1], "no-such-thing"]
    elif how == "drop_field":
        del objects[0]["fields"]["title"]
    elif how == "pk":
        target["pk"] = 1
    elif how == "truncate":
        return as_bytes(objects)[: 10 + index % 200]
    else:
        fields["order"] = "first"
    return as_bytes(objects)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(how=st.sampled_from(BREAKAGES), index=st.integers(0, 1000),
       code=st.sampled_from(sorted(p.stem for p in FIXTURES_DIR.glob("*.json"))))
def test_a_broken_file_gets_one_line_messages_and_leaves_the_database_as_it_was(how, index, code) -> None:
    objects = objects_of(code)
    publish_spec(content=as_bytes(objects), name="loaded.json")
    before = snapshot()
    messages = refused(broken(objects, how, index), f"{code}.json")  # type: ignore[arg-type]
    assert all(len(m) < 400 for m in messages), messages
    assert snapshot() == before
    delete_spec(qualification=Qualification.objects.get(code=code))


def test_a_glh_rule_over_units_without_glh_is_refused_naming_them() -> None:
    objects = objects_of()
    rule = copy.deepcopy(first(objects, "units.rule", identifier="total-credits"))
    rule["fields"].update(identifier="glh-range", measure="glh", minimum=None, maximum=305, message="GLH at most 305.")
    objects.append(rule)
    messages = refused(objects)
    assert any("rule glh-range totals GLH, but units F3, F4, A3" in m and "give each its glh" in m for m in messages)


# --- every message is marked for translation ------------------------------------------------------------


def marked(text: str) -> str:
    """A stand-in translation that shows where gettext was asked: every message must come out inside ⟦ ⟧."""
    return f"⟦{text}⟧"


@pytest.fixture
def marking(monkeypatch) -> None:
    from units import validation
    from units.management.commands import delete_spec, load_specs, retire_spec, validate_specs
    from units.services import specs

    for module in (specfile_module, specs, validation, load_specs, validate_specs, delete_spec, retire_spec):
        monkeypatch.setattr(module, "_", marked)
    for module in (specs, validation, load_specs, validate_specs):
        monkeypatch.setattr(module, "ngettext", lambda one, many, n: marked(one if n == 1 else many))


def problems_with(content: bytes | list[dict[str, Any]]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        publish_spec(content=as_bytes(content) if isinstance(content, list) else content, name="spec.json")
    return caught.value.messages


def test_every_problem_the_loader_finds_is_one_translated_sentence(marking, candidate, centre, assessor) -> None:
    objects = objects_of()
    messages = [m for how in BREAKAGES for m in problems_with(broken(objects, how, 3))]
    messages += problems_with(b"\xff")
    unsatisfiable = objects_of()
    first(unsatisfiable, "units.rule", identifier="group-a-credits")["fields"]["minimum"] = 500
    messages += problems_with(unsatisfiable)
    publish_spec(content=as_bytes(objects), name="spec.json")
    messages += problems_with(as_version(objects_of(), "2", 1))
    enrol_on(Qualification.objects.get(code=OCR), candidate, centre, assessor)
    changed = objects_of()
    first(changed, "units.unit", code="F3")["fields"]["title"] = "Renamed"
    messages += problems_with(changed)
    assert len(messages) > len(BREAKAGES)
    # The file's name around the problem, the problem itself one sentence: nothing put together outside gettext.
    assert [m for m in messages if not (m.startswith("⟦spec.json: ⟦") and m.endswith("⟧⟧"))] == []
    with pytest.raises(ValidationError) as caught:
        delete_spec(qualification=Qualification.objects.get(code=OCR))
    assert caught.value.messages[0].startswith("⟦") and caught.value.messages[0].endswith("⟧")


def output_lines(*args: str) -> list[str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit:
        pass
    return [*out.getvalue().splitlines(), *err.getvalue().splitlines()]


def test_the_spec_commands_report_in_translated_sentences(marking, tmp_path: Path) -> None:
    (tmp_path / "a-bad.json").write_text("[{", encoding="utf-8")
    (tmp_path / "b-good.json").write_bytes(as_bytes(objects_of()))
    lines = output_lines("load_specs", str(tmp_path))
    assert len(lines) == 3
    Rule.objects.filter(identifier="total-credits").update(maximum=10)
    lines += output_lines("validate_specs")  # two problems, and how many were found
    assert len(lines) == 6 and all(line.endswith("⟧⟧") for line in lines[3:5]), lines
    lines += output_lines("retire_spec", OCR, "1") + output_lines("retire_spec", OCR, "1", "--reopen")
    lines += output_lines("delete_spec", OCR, "1")
    assert len(lines) == 9
    assert [line for line in lines if not (line.startswith("⟦") and line.endswith("⟧"))] == []
