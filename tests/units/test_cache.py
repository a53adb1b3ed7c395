"""The cached spec and outline (units.cache): served without queries when warm, fresh after every write."""

from __future__ import annotations

import copy
import json

import pytest
from django.utils import translation

from units.cache import cached_outline, cached_spec, clear_local, generation, keep_units, units_kept
from units.models import Qualification, Unit
from units.services.specs import publish_spec
from units.specformat import EXAMPLE

pytestmark = pytest.mark.django_db


def _publish(example: list[dict]) -> Qualification:
    check = publish_spec(content=json.dumps(example).encode(), name="example.json")
    assert check.ok, check.problems
    return Qualification.objects.get(code="example-diploma", version="1")


def _retitled(title: str) -> list[dict]:
    example = copy.deepcopy(EXAMPLE)
    unit = next(e for e in example if e["model"] == "units.unit" and e["fields"]["code"] == "M1")
    unit["fields"]["title"] = title
    return example


def _m1(spec) -> str:
    return next(unit.title for unit in spec.units if unit.code == "M1")


def test_a_warm_spec_and_outline_cost_no_queries(django_assert_num_queries) -> None:
    qualification = _publish(EXAMPLE)
    with django_assert_num_queries(6):
        cold = cached_spec(qualification)
    with django_assert_num_queries(8):
        cached_outline(qualification)
    with django_assert_num_queries(0):
        assert cached_spec(qualification) is cold  # this process keeps the compiled form
        assert cached_outline(qualification).units[0].code == "M1"
    clear_local()  # another process: the shared cache still holds both
    with django_assert_num_queries(0):
        assert cached_spec(qualification) == cold
        cached_outline(qualification)


def test_replacing_a_version_is_seen_at_once() -> None:
    qualification = _publish(EXAMPLE)
    assert _m1(cached_spec(qualification)) == "Principles of service"
    assert cached_outline(qualification).units[0].title == "Principles of service"
    before = generation()
    qualification = _publish(_retitled("Principles of good service"))
    assert generation() > before
    assert _m1(cached_spec(qualification)) == "Principles of good service"
    assert cached_outline(qualification).units[0].title == "Principles of good service"


def test_an_edit_in_the_admin_and_a_delete_are_seen_at_once() -> None:
    qualification = _publish(EXAMPLE)
    cached_spec(qualification)
    unit = Unit.objects.get(qualification=qualification, code="O3")
    unit.value = 9
    unit.save()
    assert next(u.value for u in cached_spec(qualification).units if u.code == "O3") == 9
    unit.delete()
    assert "O3" not in [u.code for u in cached_spec(qualification).units]


def test_a_check_that_is_rolled_back_leaves_the_cache_right() -> None:
    from units.services.specs import check_spec

    qualification = _publish(EXAMPLE)
    cached_spec(qualification)
    check = check_spec(content=json.dumps(_retitled("Never loaded")).encode(), name="example.json")
    assert check.ok and check.changes
    assert _m1(cached_spec(qualification)) == "Principles of service"


def test_the_spec_is_kept_per_language_and_the_outline_once() -> None:
    qualification = _publish(EXAMPLE)
    with translation.override("pl"):
        assert _m1(cached_spec(qualification)) == "Zasady obsługi"
        assert cached_outline(qualification).units[0].title == "Zasady obsługi"
    with translation.override("en-gb"):
        assert _m1(cached_spec(qualification)) == "Principles of service"
        assert cached_outline(qualification).units[0].title == "Principles of service"


def test_the_outline_shows_the_qualification_as_read_now() -> None:
    qualification = _publish(EXAMPLE)
    cached_outline(qualification)
    Qualification.objects.filter(pk=qualification.pk).update(retired=True)  # no signal: no new generation
    fresh = Qualification.objects.get(pk=qualification.pk)
    assert cached_outline(fresh).qualification.retired


def _units(qualification: Qualification) -> list[Unit]:
    return list(Unit.objects.filter(qualification=qualification).prefetch_related("items").order_by("order", "code"))


def test_kept_units_are_served_until_a_spec_is_written() -> None:
    qualification = _publish(EXAMPLE)
    read_at, found = units_kept([qualification.pk])
    assert found == {}
    keep_units(read_at, {qualification.pk: _units(qualification)})
    _, found = units_kept([qualification.pk])
    assert [unit.code for unit in found[qualification.pk]] == [unit.code for unit in _units(qualification)]
    clear_local()  # another process: the shared cache still holds them
    assert qualification.pk in units_kept([qualification.pk])[1]
    _publish(_retitled("Principles of good service"))
    assert units_kept([qualification.pk])[1] == {}


def test_units_read_while_a_spec_was_written_are_passed_over() -> None:
    qualification = _publish(EXAMPLE)
    read_at, _found = units_kept([qualification.pk])
    stale = _units(qualification)
    _publish(_retitled("Principles of good service"))  # written between the read and the keeping
    keep_units(read_at, {qualification.pk: stale})
    assert units_kept([qualification.pk])[1] == {}
