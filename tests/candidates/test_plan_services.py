"""The self-assessment and plan services: what they save, and what they refuse."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from candidates.models import Coverage, EnrolmentStatus, PlanStatus, SelfAssessment, UnitChoice
from candidates.services import plan as plan_services
from candidates.signals import preferred_units
from units.models import Pathway
from units.planner import Impossible, Plan
from units.spec import spec_for


def chosen(enrolment) -> list[str]:
    return sorted(UnitChoice.objects.filter(enrolment=enrolment).values_list("unit__code", flat=True))


def test_mandatory_units_are_those_of_the_mandatory_rules(qualification) -> None:
    assert plan_services.mandatory_codes(spec_for(qualification), None) == {"A1", "A2"}


def test_a_check_always_counts_the_mandatory_units(qualification) -> None:
    evaluation = plan_services.plan_check(spec=spec_for(qualification), pathway=None, codes=["B2"])
    assert evaluation.valid and evaluation.total == 19


def test_a_check_names_a_unit_the_qualification_does_not_have(qualification) -> None:
    with pytest.raises(ValidationError, match="ZZ9"):
        plan_services.plan_check(spec=spec_for(qualification), pathway=None, codes=["ZZ9"])


def test_a_plan_that_meets_every_rule_is_saved_as_valid(enrolment, candidate) -> None:
    evaluation = plan_services.plan_save(enrolment=enrolment, codes=["B2"], by=candidate)
    enrolment.refresh_from_db()
    assert evaluation.valid
    assert enrolment.plan_status == PlanStatus.VALID and enrolment.plan_saved_at is not None
    assert chosen(enrolment) == ["A1", "A2", "B2"]


def test_a_plan_short_of_the_rules_is_saved_as_a_draft(enrolment, candidate) -> None:
    evaluation = plan_services.plan_save(enrolment=enrolment, codes=["B1"], by=candidate)
    enrolment.refresh_from_db()
    assert not evaluation.valid
    assert enrolment.plan_status == PlanStatus.DRAFT
    assert chosen(enrolment) == ["A1", "A2", "B1"]


def test_saving_again_replaces_the_earlier_choice(enrolment, candidate) -> None:
    plan_services.plan_save(enrolment=enrolment, codes=["B1", "B2"], by=candidate)
    plan_services.plan_save(enrolment=enrolment, codes=["B3"], by=candidate)
    assert chosen(enrolment) == ["A1", "A2", "B3"]


def test_a_withdrawn_enrolment_keeps_its_plan(enrolment, candidate) -> None:
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save()
    with pytest.raises(ValidationError, match="withdrawn"):
        plan_services.plan_save(enrolment=enrolment, codes=["B2"], by=candidate)
    assert chosen(enrolment) == []


def test_the_suggestion_is_the_smallest_completion_and_saves_nothing(enrolment) -> None:
    proposal = plan_services.plan_suggest(spec=spec_for(enrolment.qualification), pathway=None, codes=[])
    assert isinstance(proposal, Plan)
    assert proposal.units == ("A1", "A2", "B3") and proposal.total == 18
    assert chosen(enrolment) == []


def test_the_suggestion_of_an_unreachable_total_gives_reasons(make_qualification) -> None:
    proposal = plan_services.plan_suggest(
        spec=spec_for(make_qualification(code="huge", total_minimum=100)), pathway=None, codes=[]
    )
    assert isinstance(proposal, Impossible) and proposal.reasons


def test_the_suggestion_for_a_missing_pathway_says_so(qualification) -> None:
    Pathway.objects.create(qualification=qualification, name="General")
    proposal = plan_services.plan_suggest(spec=spec_for(qualification), pathway=None, codes=[])
    assert isinstance(proposal, Impossible) and "pathway" in proposal.reasons[0]


def test_preferences_put_fully_covered_units_before_partly_covered_ones() -> None:
    coverage = {"B3": Coverage.PARTLY, "B1": Coverage.NOT_YET, "B2": Coverage.FULLY, "A1": Coverage.PARTLY}
    assert plan_services.planner_preferences(coverage) == ("B2", "A1", "B3")


def test_a_self_assessment_is_recorded_per_unit_and_can_be_changed(enrolment, candidate) -> None:
    answers = {"A1": "fully", "A2": "partly", "B1": "not_yet", "B2": "fully", "B3": "partly"}
    assert plan_services.self_assessment_save(enrolment=enrolment, coverage=answers, by=candidate) == 5
    plan_services.self_assessment_save(enrolment=enrolment, coverage={"B1": "fully"}, by=candidate)
    assert plan_services.coverage_by_unit(enrolment) == {**answers, "B1": "fully"}
    assert SelfAssessment.objects.filter(enrolment=enrolment).count() == 5


def test_a_self_assessment_refuses_an_unknown_answer(enrolment, candidate) -> None:
    with pytest.raises(ValidationError, match="A1"):
        plan_services.self_assessment_save(enrolment=enrolment, coverage={"A1": "mostly"}, by=candidate)


def test_a_self_assessment_refuses_a_unit_of_another_qualification(enrolment, candidate) -> None:
    with pytest.raises(ValidationError, match="F3"):
        plan_services.self_assessment_save(enrolment=enrolment, coverage={"F3": "fully"}, by=candidate)


def test_the_suggestion_prefers_what_later_apps_answer_to_the_preferred_units_signal(enrolment) -> None:
    def answer(sender: object, *, enrolment: object, **kwargs: object) -> list[str]:
        return ["B3"]

    preferred_units.connect(answer)
    try:
        assert "B3" in plan_services.suggestion_preferences(enrolment)
    finally:
        preferred_units.disconnect(answer)
    assert "B3" not in plan_services.suggestion_preferences(enrolment)  # no evidence yet: evidence answers nothing
