"""manage.py generate_centre: a realistic centre in a few bulk inserts, once per seed."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from candidates.models import Centre, Enrolment, PlanStatus, Role, RoleKind, SelfAssessment
from candidates.services.plan import saved_codes
from units.rules import evaluate
from units.spec import spec_for


@pytest.fixture
def specs(db) -> None:
    call_command("load_specs", verbosity=0, stdout=io.StringIO())


def generate(**options: object) -> str:
    out = io.StringIO()
    call_command("generate_centre", stdout=out, **options)
    return out.getvalue()


def test_the_centre_has_its_people_in_their_roles(specs) -> None:
    generate(candidates=30, assessors=5, iqas=2, seed=7)
    centre = Centre.objects.get(code="generated-7")
    counts = {kind: Role.objects.filter(centre=centre, kind=kind).count() for kind in RoleKind.values}
    assert counts == {"candidate": 30, "assessor": 5, "iqa": 2, "centre_admin": 1, "eqa": 0}
    assert Enrolment.objects.filter(centre=centre).count() == 30
    assert Enrolment.objects.filter(centre=centre).values("qualification").distinct().count() >= 5


def test_plans_are_valid_or_draft_as_the_rules_engine_says(specs) -> None:
    generate(candidates=40, assessors=4, seed=8)
    enrolments = Enrolment.objects.filter(centre__code="generated-8").select_related("qualification")
    statuses = {e.plan_status for e in enrolments}
    assert {PlanStatus.VALID, PlanStatus.DRAFT, PlanStatus.NONE} <= statuses
    for enrolment in enrolments.exclude(plan_status=PlanStatus.NONE):
        valid = evaluate(spec_for(enrolment.qualification), saved_codes(enrolment)).valid
        assert valid == (enrolment.plan_status == PlanStatus.VALID), enrolment
    assert SelfAssessment.objects.filter(enrolment__centre__code="generated-8").exists()


def test_running_again_with_the_same_seed_changes_nothing(specs) -> None:
    generate(candidates=10, assessors=2, seed=9)
    assert "nothing to do" in generate(candidates=10, assessors=2, seed=9)
    assert Enrolment.objects.filter(centre__code="generated-9").count() == 10


def test_without_specs_it_says_to_load_them(db) -> None:
    with pytest.raises(CommandError, match="load_specs"):
        generate(candidates=5, assessors=1, seed=10)
