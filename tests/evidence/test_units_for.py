"""evidence.reads.units_for: the candidate's chosen units (else all), with their items; kept after the first read."""

from __future__ import annotations

import pytest

from candidates.models import UnitChoice
from evidence.reads import units_for
from units.models import Unit

pytestmark = pytest.mark.django_db


def test_units_are_read_in_two_queries_then_one(enrolment, django_assert_num_queries) -> None:
    with django_assert_num_queries(2):
        cold = units_for(enrolment)
    with django_assert_num_queries(1):  # the chosen units; the qualification's units and items are kept
        warm = units_for(enrolment)
    assert [unit.pk for unit in warm] == [unit.pk for unit in cold]
    assert [[item.pk for item in unit.assessable_items()] for unit in warm] == [
        [item.pk for item in unit.assessable_items()] for unit in cold
    ]


def test_kept_units_still_follow_each_candidates_choice(enrolment) -> None:
    every = units_for(enrolment)
    in_order = Unit.objects.filter(qualification=enrolment.qualification).order_by("order", "code")
    assert [unit.pk for unit in every] == list(in_order.values_list("pk", flat=True))
    chosen = every[-1]
    UnitChoice.objects.create(enrolment=enrolment, unit=chosen)
    assert [unit.pk for unit in units_for(enrolment)] == [chosen.pk]
    assert not hasattr(units_for(enrolment)[0], "is_chosen")  # nothing of one enrolment stays on the kept units
