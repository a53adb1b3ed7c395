"""Building a Spec from the database, and finding a qualification by code or code@version."""

from __future__ import annotations

import dataclasses

import pytest

from tests.units.db_specs import save_spec
from tests.units.specs import WORKED, ocr_l3, pathway_spec
from units.models import Qualification
from units.planner import Plan, plan
from units.rules import SpecError, evaluate
from units.spec import UnknownQualification, resolve_qualification, spec_for

pytestmark = pytest.mark.django_db


def test_spec_for_round_trips_a_hand_built_spec(django_assert_num_queries) -> None:
    qualification = save_spec(ocr_l3())
    qualification = Qualification.objects.get(pk=qualification.pk)
    with django_assert_num_queries(6):
        spec = spec_for(qualification)
    assert spec == ocr_l3()
    evaluation = evaluate(spec, WORKED)
    assert evaluation.valid and evaluation.total == 42


def test_spec_for_keeps_pathways_sub_groups_and_barring_codes() -> None:
    spec = spec_for(save_spec(pathway_spec()))
    assert spec == pathway_spec()
    assert spec.pathways == ("technical", "people")
    assert dataclasses.asdict(spec)["groups"][2] == {"code": "OPT-T", "title": "Technical options", "parent": "OPT"}
    assert plan(spec, pathway="technical") == Plan(("K1", "K2", "T1", "T3"), 18)


def test_spec_for_takes_a_fixed_number_of_queries_whatever_the_size(make_spec, django_assert_num_queries) -> None:
    small, large = make_spec("small", size=3), make_spec("large", size=40)
    for qualification in (small, large):
        with django_assert_num_queries(6):
            spec_for(qualification)
    assert len(spec_for(large).units) == 40


def test_spec_for_orders_rule_units_and_groups_in_spec_order() -> None:
    spec = spec_for(save_spec(ocr_l3()))
    assert spec.rules[1].units == ("F3", "F4")
    assert spec.rules[3].groups == ("B", "C", "D", "E")


def test_rule_naming_a_unit_of_another_qualification_is_a_spec_error() -> None:
    mine = save_spec(ocr_l3())
    other = save_spec(dataclasses.replace(pathway_spec(), code="other"))
    mine.rules.get(identifier="group-a").units.add(other.units.get(code="T1"))
    with pytest.raises(SpecError, match="T1"):
        evaluate(spec_for(mine), ["F3"])


def test_resolve_latest_version_or_an_exact_one() -> None:
    old = save_spec(ocr_l3(), version_order=1)
    new = save_spec(dataclasses.replace(ocr_l3(), version="2"), version_order=2)
    assert resolve_qualification("ocr-l3-test") == new
    assert resolve_qualification("ocr-l3-test@1") == old
    assert resolve_qualification(" ocr-l3-test@2 ") == new


def test_resolve_unknown_codes_and_versions() -> None:
    save_spec(ocr_l3())
    with pytest.raises(UnknownQualification, match="Unknown qualification 'nope'; known codes: ocr-l3-test"):
        resolve_qualification("nope")
    with pytest.raises(UnknownQualification, match="has no version '9'; versions: 1"):
        resolve_qualification("ocr-l3-test@9")
    with pytest.raises(UnknownQualification, match="Unknown qualification 'nope'"):
        resolve_qualification("nope@1")
    with pytest.raises(Qualification.DoesNotExist):
        resolve_qualification("")
    assert issubclass(UnknownQualification, SpecError)
