"""The spec fixtures: they load, load idempotently, version cleanly, fail atomically, and say what the seeds say."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from units.models import (
    AssessableItem,
    Criterion,
    CriterionKind,
    Group,
    Outcome,
    Pathway,
    Qualification,
    Rule,
    Unit,
)
from units.validation import problems as spec_problems

from .conftest import FIXTURE_PATHS, FIXTURES_DIR

pytestmark = pytest.mark.django_db

CATALOGUE_MODELS = [Qualification, Pathway, Group, Unit, Outcome, Criterion, AssessableItem, Rule]
THROUGH_MODELS = [Rule.groups.through, Rule.units.through]
# The shipped specs are the files: adding a spec is adding a file. Each file is named after its code.
EXPECTED_CODES = {path.stem for path in FIXTURE_PATHS}


def fixture_path(code: str) -> Path:
    return FIXTURES_DIR / f"{code}.json"


def load(path: Path | str) -> None:
    call_command("loaddata", str(path), verbosity=0)


def snapshot() -> dict[str, list[dict]]:
    """Every catalogue row, by model, with its primary key: equal snapshots mean nothing changed."""
    return {
        model._meta.label: sorted(model.objects.values(), key=lambda row: row["id"])
        for model in [*CATALOGUE_MODELS, *THROUGH_MODELS]
    }


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in [*CATALOGUE_MODELS, *THROUGH_MODELS]}


def as_version(objects: list[dict], version: str, version_order: int) -> list[dict]:
    """A copy of a spec's fixture as another version: the qualification row and every natural key."""
    (code,) = {obj["fields"]["code"] for obj in objects if obj["model"] == "units.qualification"}

    def rekey(value):
        if isinstance(value, list) and len(value) >= 2 and value[0] == code and isinstance(value[1], str):
            return [code, version, *value[2:]]
        if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
            return [rekey(v) for v in value]
        return value

    copied = []
    for obj in json.loads(json.dumps(objects)):
        fields = {name: rekey(value) for name, value in obj["fields"].items()}
        if obj["model"] == "units.qualification":
            fields.update(version=version, version_order=version_order)
        copied.append({**obj, "fields": fields})
    return copied


# --- the set of fixtures ------------------------------------------------------------


def test_one_fixture_per_spec() -> None:
    codes = [next(obj["fields"]["code"] for obj in json.loads(path.read_text(encoding="utf-8"))
                  if obj["model"] == "units.qualification") for path in FIXTURE_PATHS]
    assert codes == [path.stem for path in FIXTURE_PATHS]
    assert len(set(codes)) == len(codes) >= 1


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=lambda p: p.stem)
def test_fixture_uses_natural_keys_only(path: Path) -> None:
    objects = json.loads(path.read_text(encoding="utf-8"))
    assert objects, "empty fixture"
    assert all("pk" not in obj for obj in objects), "natural keys only: no pk fields"
    (qualification,) = [obj for obj in objects if obj["model"] == "units.qualification"]
    fields = qualification["fields"]
    assert fields["code"] == path.stem
    assert (fields["version"], fields["version_order"]) == ("1", 1)
    assert fields["source"], "every spec says where it comes from"
    identifiers = [obj["fields"]["identifier"] for obj in objects if obj["model"] == "units.rule"]
    if fields["kind"] == "standard":
        assert not identifiers, "a standard has no rules of combination"
    else:
        assert identifiers and len(identifiers) == len(set(identifiers))
    for obj in objects:
        if obj["model"] == "units.rule":
            assert obj["fields"]["message"].strip(), obj["fields"]["identifier"]


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=lambda p: p.stem)
def test_fixture_loads(path: Path) -> None:
    objects = json.loads(path.read_text(encoding="utf-8"))
    load(path)
    qualification = Qualification.objects.get(code=path.stem, version="1")
    expected = Counter(obj["model"] for obj in objects)
    assert Group.objects.filter(qualification=qualification).count() == expected["units.group"]
    assert Unit.objects.filter(qualification=qualification).count() == expected["units.unit"]
    assert Outcome.objects.filter(unit__qualification=qualification).count() == expected["units.outcome"]
    assert Criterion.objects.filter(outcome__unit__qualification=qualification).count() == expected["units.criterion"]
    assert AssessableItem.objects.filter(unit__qualification=qualification).count() == expected["units.assessableitem"]
    assert Rule.objects.filter(qualification=qualification).count() == expected["units.rule"]


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=lambda p: p.stem)
def test_loading_twice_changes_nothing(path: Path) -> None:
    load(path)
    counts, rows = row_counts(), snapshot()
    load(path)
    assert row_counts() == counts
    assert snapshot() == rows


def test_loading_every_spec_twice_changes_nothing() -> None:
    for path in FIXTURE_PATHS:
        load(path)
    counts = row_counts()
    for path in FIXTURE_PATHS:
        load(path)
    assert row_counts() == counts
    assert counts["units.Qualification"] == len(EXPECTED_CODES)


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=lambda p: p.stem)
def test_items_are_the_finest_level_the_spec_gives(path: Path) -> None:
    load(path)
    units = Unit.objects.filter(qualification__code=path.stem).prefetch_related(
        "items__criterion", "items__outcome", "outcomes__criteria"
    )
    assert units
    for unit in units:
        items = unit.assessable_items()
        outcomes = list(unit.outcomes.all())
        criteria = [criterion for outcome in outcomes for criterion in outcome.criteria.all()]
        if criteria:
            expected = [(c.outcome_id, c.pk, c.code) for c in criteria]
            assert [(i.outcome_id, i.criterion_id, i.code) for i in items] == expected, unit.code
            assert [i.text for i in items] == [c.text for c in criteria]
            # Every outcome of a unit with criteria has criteria: no outcome is left unassessed.
            assert all(outcome.criteria.all() for outcome in outcomes), unit.code
        elif outcomes:
            expected = [(o.pk, None, o.code) for o in outcomes]
            assert [(i.outcome_id, i.criterion_id, i.code) for i in items] == expected, unit.code
        else:
            assert [(i.outcome_id, i.criterion_id, i.code, i.text) for i in items] == [
                (None, None, unit.code, unit.title)
            ], unit.code
        assert [i.order for i in items] == sorted(i.order for i in items)
        assert len({i.order for i in items}) == len(items)


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=lambda p: p.stem)
def test_references_stay_inside_the_spec(path: Path) -> None:
    load(path)
    qualification = Qualification.objects.get(code=path.stem, version="1")
    for unit in qualification.units.select_related("group"):
        assert unit.group is None or unit.group.qualification_id == qualification.pk
    for group in qualification.groups.select_related("parent"):
        assert group.parent is None or group.parent.qualification_id == qualification.pk
    for rule in qualification.rules.prefetch_related("groups", "units"):
        assert all(g.qualification_id == qualification.pk for g in rule.groups.all())
        assert all(u.qualification_id == qualification.pk for u in rule.units.all())
    orders = list(qualification.units.values_list("order", flat=True))
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


# --- versions and atomic loads ------------------------------------------------------------


def test_a_new_version_loads_beside_the_old_one(tmp_path: Path) -> None:
    path = fixture_path("cs-standards-l3")
    load(path)
    old_rows = snapshot()
    old_counts = row_counts()

    objects = as_version(json.loads(path.read_text(encoding="utf-8")), "2", 2)
    (unit_4,) = [o for o in objects if o["model"] == "units.unit" and o["fields"]["code"] == "4"]
    unit_4["fields"]["title"] = "Monitor and solve customer service problems"
    new_path = tmp_path / "cs-standards-l3-v2.json"
    new_path.write_text(json.dumps(objects), encoding="utf-8")
    load(new_path)

    v1 = Qualification.objects.get(code="cs-standards-l3", version="1")
    v2 = Qualification.objects.get(code="cs-standards-l3", version="2")
    assert v1.units.get(code="4").title == "Monitor and solve customer problems"
    assert v2.units.get(code="4").title == "Monitor and solve customer service problems"
    assert v2.units.count() == v1.units.count() == 8
    assert AssessableItem.objects.filter(unit__qualification=v2).count() == 24
    assert set(v2.rules.get(identifier="one-optional-unit").groups.values_list("qualification", flat=True)) == {v2.pk}
    assert list(Qualification.objects.latest_versions().filter(code="cs-standards-l3")) == [v2]

    # The old rows are untouched, and every table grew by exactly the old spec's size.
    after = snapshot()
    for label, rows in old_rows.items():
        old_ids = {row["id"] for row in rows}
        assert [row for row in after[label] if row["id"] in old_ids] == rows, label
    assert row_counts() == {label: 2 * count for label, count in old_counts.items()}

    # Loading the new version again changes nothing either.
    counts = row_counts()
    load(new_path)
    assert row_counts() == counts


def broken_copy(tmp_path: Path, code: str, version: str) -> Path:
    """The spec as `version`, with its last unit pointing at a group that does not exist."""
    objects = as_version(json.loads(fixture_path(code).read_text(encoding="utf-8")), version, 9)
    last_unit = [o for o in objects if o["model"] == "units.unit"][-1]
    last_unit["fields"]["group"] = [code, version, "no-such-group"]
    broken = tmp_path / f"{code}-broken.json"
    broken.write_text(json.dumps(objects), encoding="utf-8")
    return broken


def test_a_fixture_failing_part_way_leaves_nothing_loaded(tmp_path: Path) -> None:
    for path in FIXTURE_PATHS:
        load(path)
    before = snapshot()
    broken = broken_copy(tmp_path, "ocr-l3-customer-service", "broken")
    with pytest.raises(CommandError):
        load(broken)
    assert not Qualification.objects.filter(version="broken").exists()
    assert snapshot() == before


def test_a_failing_reload_of_a_loaded_version_changes_nothing(tmp_path: Path) -> None:
    load(fixture_path("contact-centre-operations"))
    before = snapshot()
    objects = json.loads(fixture_path("contact-centre-operations").read_text(encoding="utf-8"))
    objects[0]["fields"]["title"] = "Renamed before the failure"
    for obj in objects:
        if obj["model"] == "units.unit":
            obj["fields"]["title"] = obj["fields"]["title"].upper()
    objects[-1]["fields"]["groups"] = [["contact-centre-operations", "1", "no-such-group"]]
    broken = tmp_path / "contact-centre-operations-broken.json"
    broken.write_text(json.dumps(objects), encoding="utf-8")
    with pytest.raises(CommandError):
        load(broken)
    assert snapshot() == before


def test_load_specs_loads_every_spec() -> None:
    call_command("load_specs", verbosity=0)
    assert set(Qualification.objects.values_list("code", flat=True)) == EXPECTED_CODES
    counts = row_counts()
    call_command("load_specs", verbosity=0)
    assert row_counts() == counts


# --- what each spec says ----------------------------------------------------------------


def units_of(code: str) -> dict[str, Unit]:
    load(fixture_path(code))
    return {unit.code: unit for unit in Unit.objects.filter(qualification__code=code).select_related("group")}


def rule(code: str, identifier: str) -> Rule:
    return Rule.objects.prefetch_related("groups", "units").get(
        qualification__code=code, qualification__version="1", identifier=identifier
    )


def group_codes(r: Rule) -> list[str]:
    return sorted(g.code for g in r.groups.all())


def unit_codes(r: Rule) -> list[str]:
    return [u.code for u in r.units.order_by("order")]


def test_ocr_level_3_customer_service() -> None:
    code = "ocr-l3-customer-service"
    units = units_of(code)
    spec = Qualification.objects.get(code=code)
    assert (spec.title, spec.awarding_body, spec.level, spec.value_name) == (
        "OCR Level 3 NVQ Diploma in Customer Service", "OCR", 3, "credits",
    )
    assert "59 units" in spec.source
    assert list(spec.groups.values_list("code", flat=True)) == ["A", "B", "C", "D", "E"]
    assert [(u.code, u.group.code, u.level, u.value, u.title) for u in units.values()] == [
        ("F3", "A", 3, 6, "Demonstrate understanding of customer service"),
        ("F4", "A", 3, 6, "Demonstrate understanding of the rules that impact on customer service improvements"),
        ("A3", "B", 2, 5, "Communicate effectively with customers"),
        ("A13", "B", 3, 6, "Communicate with customers in writing or electronically"),
        ("B11", "C", 3, 7, "Improve the customer relationship"),
        ("C5", "D", 3, 6, "Monitor and solve customer service problems"),
        ("D6", "E", 2, 6, "Develop your own customer service skills through self-study"),
    ]
    # The candidate's worked example: 12 from group A, 19 optional at level 3, 11 optional at level 2.
    optional = [u for u in units.values() if u.group.code != "A"]
    assert sum(u.value for u in units.values()) == 42
    assert sum(u.value for u in units.values() if u.group.code == "A") == 12
    assert sum(u.value for u in optional if u.level == 3) == 19
    assert sum(u.value for u in optional if u.level == 2) == 11

    total = rule(code, "total-credits")
    assert (total.kind, total.measure, total.minimum, total.maximum) == ("total", "value", 42, None)
    assert unit_codes(rule(code, "mandatory-units")) == ["F3", "F4"]
    group_a = rule(code, "group-a-credits")
    assert (group_a.kind, group_a.minimum, group_codes(group_a)) == ("total", 12, ["A"])
    pooled = rule(code, "optional-credits")
    assert (pooled.kind, pooled.measure, pooled.minimum, group_codes(pooled)) == (
        "total", "value", 30, ["B", "C", "D", "E"],
    )
    each = rule(code, "one-unit-from-each-optional-group")
    assert (each.kind, each.per_group, group_codes(each)) == ("each_group", 1, ["B", "C", "D", "E"])
    level_3 = rule(code, "optional-level-3-credits")
    assert (level_3.kind, level_3.minimum, level_3.level, level_3.level_op, group_codes(level_3)) == (
        "total", 10, 3, "eq", ["B", "C", "D", "E"],
    )


def test_contact_centre_operations() -> None:
    code = "contact-centre-operations"
    units = units_of(code)
    spec = Qualification.objects.get(code=code)
    assert spec.value_name == "unit values"
    assert "partial" in spec.source
    main = {u.code: u.value for u in units.values() if u.group.code == "main"}
    restricted = {u.code: u.value for u in units.values() if u.group.code == "restricted"}
    assert main == {"AA": 20, "BB": 5, "CC": 20, "DD": 15, "EE": 20, "FF": 20, "GG": 20, "ZZ": 20, "H": 15}
    assert restricted == {"G": 15, "I": 20, "J": 20, "K": 20, "N": 20, "P": 15, "Q": 15, "S": 15, "T": 15}
    assert list(units) == ["AA", "BB", "CC", "DD", "EE", "FF", "GG", "ZZ", "H", "G", "I", "J", "K", "N", "P", "Q",
                           "S", "T"]
    assert units["AA"].title == "Develop personal and organisational effectiveness"
    assert units["H"].title == "email"
    assert units["N"].title == "Specialist and Bespoke Software"
    total = rule(code, "total-unit-values")
    assert (total.kind, total.measure, total.minimum) == ("total", "value", 100)
    assert unit_codes(rule(code, "mandatory-units")) == ["AA", "BB"]
    restricted_rule = rule(code, "restricted-at-most-2")
    assert (restricted_rule.kind, restricted_rule.measure, restricted_rule.minimum, restricted_rule.maximum) == (
        "total", "count", None, 2,
    )
    assert group_codes(restricted_rule) == ["restricted"]


L3_ELEMENTS = {
    "1": ("Organise, deliver and maintain reliable customer service", [
        "Plan and organise the delivery of reliable customer service",
        "Review and maintain customer service delivery",
        "Use recording systems to maintain reliable customer service"]),
    "2": ("Improve the customer relationship", [
        "Improve Communications with your customers",
        "Balance the needs of your customer and your organisation",
        "Exceed customer expectations to develop the relationship"]),
    "3": ("Work with others to improve customer service", [
        "Work with others to follow plans for improving customer service",
        "Monitor your own performance against plans to improve customer service",
        "Monitor joint performance against plans to improve customer service"]),
    "4": ("Monitor and solve customer problems", [
        "Solve immediate customer service problems",
        "Identify repeated customer service problems and options for solving them",
        "Take action to avoid the repetition of customer service problems"]),
    "5": ("Promote continuous improvement", [
        "Plan improvements in customer service based on customer feedback",
        "Implement changes in customer service",
        "Review changes that promote continuous improvement"]),
    "6": ("Develop your own and others' customer service skills", [
        "Develop your own customer service skills",
        "Plan the coaching of others in customer service",
        "Coach others in customer service"]),
    "7": ("Organise and promote products or services to customers", [
        "Offer additional products or services",
        "Organise customer support to promote use of additional products or services",
        "Monitor the promotion of additional services"]),
    "8": ("Lead the work of teams and individuals to improve customer service", [
        "Plan and organise the work of teams and individuals",
        "Provide support for team members and individuals",
        "Review performance of team members and individuals"]),
}


def test_customer_service_standards_level_3() -> None:
    code = "cs-standards-l3"
    units = units_of(code)
    assert Qualification.objects.get(code=code).value_name == "none"
    assert list(units) == [str(n) for n in range(1, 9)]
    for unit_code, (title, elements) in L3_ELEMENTS.items():
        unit = units[unit_code]
        assert unit.title == title
        assert list(unit.outcomes.values_list("code", "title")) == [
            (f"{unit_code}.{n}", element) for n, element in enumerate(elements, start=1)
        ]
        assert [i.code for i in unit.assessable_items()] == [f"{unit_code}.{n}" for n in (1, 2, 3)]
    assert unit_codes(rule(code, "mandatory-units")) == ["1", "2", "3", "4", "5"]
    optional = rule(code, "one-optional-unit")
    assert (optional.measure, optional.minimum, optional.maximum, group_codes(optional)) == ("count", 1, 1,
                                                                                               ["optional"])
    assert sorted(u.code for u in units.values() if u.group.code == "optional") == ["6", "7", "8"]
    total = rule(code, "six-units")
    assert (total.measure, total.minimum, total.maximum) == ("count", 6, 6)


def test_customer_service_standards_level_4() -> None:
    code = "cs-standards-l4"
    units = units_of(code)
    assert list(units) == [str(n) for n in range(1, 16)]
    element_counts = {u.code: u.outcomes.count() for u in units.values()}
    assert element_counts == {
        "1": 2, "2": 2, "3": 2, "4": 4, "5": 3, "6": 4, "7": 2, "8": 3, "9": 4, "10": 2, "11": 3, "12": 3,
        "13": 2, "14": 4, "15": 4,
    }
    assert units["9"].title == "Plan organise and control customer service operations"
    assert units["15"].title == "Manage the operation of telecommunications facilities for call handling activities"
    assert units["4"].outcomes.get(code="4.1").title == (
        "Help to identify customer service training and development needs"
    )
    assert units["11"].outcomes.get(code="11.3").title == (
        "Identify consistently referred customer service complaints and recommend changes to policies and procedures"
    )
    assert unit_codes(rule(code, "mandatory-units")) == ["1", "2", "3"]
    optional = rule(code, "four-optional-units")
    assert (optional.measure, optional.minimum, optional.maximum, group_codes(optional)) == ("count", 4, 4,
                                                                                               ["optional"])
    assert sum(1 for u in units.values() if u.group.code == "optional") == 12
    total = rule(code, "seven-units")
    assert (total.measure, total.minimum, total.maximum) == ("count", 7, 7)


def test_sfia_customer_service_support() -> None:
    code = "sfia-csmg"
    units = units_of(code)
    spec = Qualification.objects.get(code=code)
    assert (spec.kind, spec.value_name) == ("framework", "none")
    assert list(units) == ["CSMG"]
    assert units["CSMG"].title == "Customer service support"
    levels = list(units["CSMG"].outcomes.all())
    assert [(o.code, o.title) for o in levels] == [
        ("1", "Level 1 — Follow"), ("2", "Level 2 — Assist"), ("3", "Level 3 — Apply"), ("4", "Level 4 — Enable"),
        ("5", "Level 5 — Ensure, advise"), ("6", "Level 6 — Initiate, influence"),
    ]
    assert levels[0].description.startswith("Receives and handles routine customer enquiries")
    assert "Performs routine tasks under close supervision" in levels[0].description
    assert "Shapes the strategic direction of customer service" in levels[5].description
    assert [i.code for i in units["CSMG"].assessable_items()] == ["1", "2", "3", "4", "5", "6"]
    assert unit_codes(rule(code, "skill-chosen")) == ["CSMG"]


def test_business_admin_internal_customer_service() -> None:
    code = "nvq-business-admin-internal-customer-service"
    units = units_of(code)
    spec = Qualification.objects.get(code=code)
    assert "first part" in spec.source and "not given" in spec.source
    (unit,) = units.values()
    assert unit.title == "Deliver, monitor and evaluate customer service to internal customers"
    assert list(unit.outcomes.values_list("code", flat=True)) == ["4", "5", "6"]
    criteria = list(
        Criterion.objects.filter(outcome__unit=unit).select_related("outcome").order_by("outcome__order", "order")
    )
    assert [(c.outcome.code, c.code) for c in criteria] == [
        (o, f"{o}.{n}") for o in ("4", "5", "6") for n in (1, 2, 3)
    ]
    assert {c.kind for c in criteria} == {CriterionKind.KNOWLEDGE}
    texts = {c.code: c.text for c in criteria}
    assert texts["4.2"] == "Explain the value of agreeing quality standards and timescales"
    assert texts["5.3"].startswith("Explain the purpose and value of a complaints procedure")
    assert texts["6.3"] == "Explain the benefits of continuous improvement"
    assert [i.code for i in unit.assessable_items()] == [c.code for c in criteria]
    assert all(i.is_knowledge for i in unit.items.select_related("criterion"))


# --- structural checks ----------------------------------------------------------------------


def test_every_real_spec_is_structurally_sound() -> None:
    for path in FIXTURE_PATHS:
        load(path)
    for spec in Qualification.objects.all():
        assert spec_problems(spec) == [], spec.code


def test_spec_problems_finds_items_at_the_wrong_level_and_foreign_references() -> None:
    load(fixture_path("cs-standards-l3"))
    load(fixture_path("ocr-l3-customer-service"))
    spec = Qualification.objects.get(code="cs-standards-l3")
    AssessableItem.objects.filter(unit__qualification=spec, code="2.3").delete()
    AssessableItem.objects.create(unit=Unit.objects.get(qualification=spec, code="3"), code="3", text="whole unit")
    other_group = Group.objects.get(qualification__code="ocr-l3-customer-service", code="B")
    Rule.objects.get(qualification=spec, identifier="one-optional-unit").groups.add(other_group)
    problems = spec_problems(spec)
    assert any(p.startswith("unit 2: its assessable items do not match its outcomes") for p in problems)
    assert any(p.startswith("unit 3: its assessable items do not match its outcomes") for p in problems)
    assert any("one-optional-unit" in p and "names groups of another qualification: B" in p for p in problems)
