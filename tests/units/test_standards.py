"""Apprenticeship standards in the catalogue: KSBs grouped under K, S and B, duties and gateway requirements as data,
checked by the one loader (one line per problem naming the file and the object, nothing written), and shown on the
spec page; a standard has no rules of combination and says so."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.urls import reverse

from units.models import (
    AssessableItem,
    Duty,
    GatewayKind,
    GatewayRequirement,
    Qualification,
    QualificationKind,
)
from units.services.specs import publish_spec
from units.specformat import STANDARD_EXAMPLE

from .conftest import FIXTURES_DIR
from .test_loader import as_bytes, first, objects_of, refused
from .test_views import DETAIL_QUERIES, STANDARD_QUERIES, text_of

pytestmark = pytest.mark.django_db

ST0072 = "customer-service-practitioner-st0072"
ST0071 = "customer-service-specialist-st0071"


def example() -> list[dict[str, Any]]:
    return copy.deepcopy(STANDARD_EXAMPLE)


def publish(objects: list[dict[str, Any]]) -> Qualification:
    check = publish_spec(content=as_bytes(objects), name="standard.json")
    return Qualification.objects.get(code=check.code, version=check.version)


# --------------------------------------------------------------------------- the shipped standards


def test_the_practitioner_standard_loads_with_its_ksbs_grouped_and_its_gateway() -> None:
    standard = publish(objects_of(ST0072))
    assert standard.kind == QualificationKind.STANDARD and standard.level == 2
    assert not standard.rules.exists()
    items = AssessableItem.objects.filter(unit__qualification=standard).select_related("outcome", "criterion")
    by_group: dict[str, list[str]] = {}
    for item in items:
        assert item.outcome is not None
        by_group.setdefault(item.outcome.code, []).append(item.code)
    assert {group: len(codes) for group, codes in by_group.items()} == {"K": 7, "S": 5, "B": 6}
    assert all(item.is_knowledge == (item.code[0] == "K") for item in items)
    kinds = {r.kind: r.value for r in GatewayRequirement.objects.filter(qualification=standard)}
    assert kinds[GatewayKind.MIN_MONTHS_ON_PROGRAMME] == "12"
    assert kinds[GatewayKind.ENGLISH_LEVEL] == kinds[GatewayKind.MATHS_LEVEL] == "1"
    assert "ST0072" in standard.source and "not found" not in standard.source.split("Duties:")[0]


def test_the_specialist_standard_says_what_was_not_found() -> None:
    standard = publish(objects_of(ST0071))
    assert standard.level == 3
    assert "was not found" in standard.source
    kinds = {r.kind: r.value for r in GatewayRequirement.objects.filter(qualification=standard)}
    assert kinds[GatewayKind.MIN_MONTHS_ON_PROGRAMME] == "15"
    assert kinds[GatewayKind.ENGLISH_LEVEL] == kinds[GatewayKind.MATHS_LEVEL] == "2"


# --------------------------------------------------------------------------- duties and gateway requirements


def test_a_duty_names_the_ksbs_it_serves() -> None:
    standard = publish(example())
    duty = Duty.objects.get(qualification=standard, code="D1")
    assert sorted(duty.items.values_list("code", flat=True)) == ["B1", "K1", "S1"]
    assert [r.code for r in GatewayRequirement.objects.filter(qualification=standard)] == [
        "months", "english", "ksbs"]


def test_a_duty_naming_an_unknown_ksb_is_refused_and_nothing_is_written() -> None:
    objects = example()
    first(objects, "units.duty", code="D1")["fields"]["items"].append(["example-standard", "1", "KSB", "K9"])
    (message,) = refused(objects)
    assert "duty D1" in message and "K9" in message and "does not hold" in message


def test_an_unknown_gateway_kind_is_refused_with_one_line_naming_the_requirement() -> None:
    objects = example()
    first(objects, "units.gatewayrequirement", code="english")["fields"]["kind"] = "typing_speed"
    (message,) = refused(objects)
    assert message.startswith("spec.json: gateway requirement english: kind 'typing_speed' is not one of")
    assert "'english_level'" in message


@pytest.mark.parametrize(
    ("code", "value", "says"),
    [
        ("english", "two", "is not a whole number"),
        ("months", "", "is not a whole number"),
        ("ksbs", "yes", "takes no value"),
    ],
)
def test_a_gateway_value_that_does_not_fit_its_kind_is_refused(code: str, value: str, says: str) -> None:
    objects = example()
    first(objects, "units.gatewayrequirement", code=code)["fields"]["value"] = value
    (message,) = refused(objects)
    assert f"gateway requirement {code}:" in message and says in message


def test_a_mandatory_qualification_must_be_named() -> None:
    objects = example()
    objects.append({"model": "units.gatewayrequirement", "fields": {
        "qualification": ["example-standard", "1"], "code": "diploma", "kind": "qualification_achieved",
        "text": "The diploma.", "order": 4}})
    (message,) = refused(objects)
    assert "gateway requirement diploma" in message and "names the qualification" in message


def test_a_standard_with_a_rule_of_combination_is_refused() -> None:
    objects = example()
    objects.append({"model": "units.rule", "fields": {
        "qualification": ["example-standard", "1"], "identifier": "all", "kind": "mandatory",
        "message": "Everything.", "order": 1}})
    messages = refused(objects)
    assert any("rule all: a standard has no rules of combination" in m for m in messages), messages


def test_ksbs_grouped_under_another_outcome_are_refused() -> None:
    objects = json.loads(json.dumps(example()).replace('"KSB", "B"', '"KSB", "X"').replace('"code": "B", "title"',
                                                                                          '"code": "X", "title"'))
    messages = refused(objects)
    assert any("outcome X of unit KSB: a standard groups its KSBs under the outcomes K, S, B" in m
               for m in messages), messages


def test_duties_and_a_gateway_belong_to_standards_only() -> None:
    objects = example()
    first(objects, "units.qualification")["fields"]["kind"] = "qualification"
    messages = refused(objects)
    assert any(m.endswith('duty D1: only an apprenticeship standard (kind "standard") has duties') for m in messages)
    assert any("gateway requirement months: only an apprenticeship standard" in m for m in messages)


# --------------------------------------------------------------------------- the spec page


@pytest.fixture
def reader(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(email="reader@example.org", password="x"))
    return client


def test_the_standard_page_shows_ksbs_grouped_duties_and_gateway(reader, django_assert_num_queries) -> None:
    standard = publish(example())
    url = reverse("units:qualification_detail", args=[standard.code, standard.version])
    with django_assert_num_queries(DETAIL_QUERIES + STANDARD_QUERIES):
        response = reader.get(url)
    html = response.content.decode()
    text = text_of(response)
    assert html.count('data-testid="ksb-group"') == 3
    assert text.index("Knowledge K1 Who the customers are") < text.index("Skills S1") < text.index("Behaviours B1")
    assert "D1 Serve customers K1 , S1 , B1" in text
    assert all(f'href="#ksb-item-{code}"' in html for code in ("K1", "S1", "B1"))
    assert "At least 12 months on programme. (Minimum months on programme: 12)" in text
    assert "An apprenticeship standard has no rules of combination" in text
    assert 'data-testid="unit-content"' not in html


def test_a_credit_based_page_has_no_standard_parts(reader) -> None:
    path = FIXTURES_DIR / "ocr-l3-customer-service.json"
    qualification = publish(json.loads(path.read_text(encoding="utf-8")))
    text = text_of(reader.get(reverse("units:qualification_detail", args=[qualification.code, "1"])))
    assert "Gateway requirements" not in text and "no rules of combination" not in text


def test_a_standard_is_replaced_exactly_and_reloading_it_unchanged_writes_nothing() -> None:
    publish(example())
    again = publish_spec(content=as_bytes(example()), name="standard.json")
    assert again.unchanged
    objects = example()
    first(objects, "units.duty", code="D1")["fields"]["items"] = [["example-standard", "1", "KSB", "K1"]]
    objects = [o for o in objects if not (o["model"] == "units.gatewayrequirement" and o["fields"]["code"] == "ksbs")]
    check = publish_spec(content=as_bytes(objects), name="standard.json")
    assert set(check.changes) == {"changed duty D1: items", "removed gateway requirement ksbs"}
    assert list(Duty.objects.get(code="D1").items.values_list("code", flat=True)) == ["K1"]
    assert not GatewayRequirement.objects.filter(code="ksbs").exists()
