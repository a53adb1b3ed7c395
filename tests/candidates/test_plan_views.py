"""The self-assessment and unit-choice pages: who may do what, what they show, what they cost."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pytest
from django.urls import reverse

from candidates.models import PlanStatus, SelfAssessment, UnitChoice
from candidates.services import plan as plan_services
from candidates.views.plan import RuleLine, Verdict, plan_verdict
from units.models import Unit
from units.rules import Evaluation

HTMX = {"HTTP_HX_REQUEST": "true"}
ANSWERS = {f"unit-{i}": value for i, value in enumerate(["fully", "partly", "not_yet", "fully", "partly"])}


def url(name: str, enrolment) -> str:
    return reverse(f"candidates:{name}", kwargs={"pk": enrolment.pk})


@pytest.fixture
def as_candidate(client, candidate):
    client.force_login(candidate)
    return client


# --------------------------------------------------------------------------- self-assessment


def test_the_self_assessment_asks_one_question_per_unit_in_a_fieldset(as_candidate, enrolment) -> None:
    html = as_candidate.get(url("self_assessment", enrolment)).content.decode()
    assert html.count("<fieldset") == 5 and html.count("<legend") == 5
    assert html.count('type="radio"') == 15
    assert "I can do this fully" in html


def test_the_candidate_saves_their_self_assessment(as_candidate, enrolment) -> None:
    response = as_candidate.post(url("self_assessment", enrolment), ANSWERS)
    assert response.status_code == 302 and response["Location"] == url("unit_choice", enrolment)
    assert plan_services.coverage_by_unit(enrolment) == {
        "A1": "fully", "A2": "partly", "B1": "not_yet", "B2": "fully", "B3": "partly"
    }


def test_a_unit_left_unanswered_is_named_and_nothing_is_saved(as_candidate, enrolment) -> None:
    answers = dict(ANSWERS)
    del answers["unit-2"]
    response = as_candidate.post(url("self_assessment", enrolment), answers)
    assert response.status_code == 400
    assert "Say how far your job covers unit B1." in response.content.decode()
    assert not SelfAssessment.objects.exists()


def test_an_empty_self_assessment_is_refused_with_every_unit_named(as_candidate, enrolment) -> None:
    response = as_candidate.post(url("self_assessment", enrolment), {})
    assert response.status_code == 400
    # Named in the summary at the top and again beside each unit.
    assert response.content.decode().count("Say how far your job covers unit") == 2 * 5


def test_the_assessor_reads_the_self_assessment_without_a_form(client, assessor, candidate, enrolment) -> None:
    plan_services.self_assessment_save(enrolment=enrolment, coverage={"B2": "fully"}, by=candidate)
    client.force_login(assessor)
    html = client.get(url("self_assessment", enrolment)).content.decode()
    assert "I can do this fully" in html and 'type="radio"' not in html


def test_the_assessor_may_not_change_the_self_assessment(client, assessor, enrolment) -> None:
    client.force_login(assessor)
    assert client.post(url("self_assessment", enrolment), ANSWERS).status_code == 403


def test_a_stranger_gets_404_for_the_self_assessment(client, stranger_assessor, enrolment) -> None:
    client.force_login(stranger_assessor)
    assert client.get(url("self_assessment", enrolment)).status_code == 404
    assert client.post(url("self_assessment", enrolment), ANSWERS).status_code == 404


# --------------------------------------------------------------------------- unit choice page


def test_mandatory_units_are_ticked_locked_and_still_posted(as_candidate, enrolment) -> None:
    html = as_candidate.get(url("unit_choice", enrolment)).content.decode()
    assert '<input type="hidden" name="units" value="A1">' in html
    assert 'value="A1" id="unit-0"\n                     checked disabled' in html
    assert html.count(">mandatory</span>") == 2


def test_the_page_shows_the_saved_plan_and_its_rules(as_candidate, candidate, enrolment) -> None:
    plan_services.plan_save(enrolment=enrolment, codes=["B1"], by=candidate)
    html = as_candidate.get(url("unit_choice", enrolment)).content.decode()
    assert 'value="B1" id="unit-2"\n                     checked' in html
    assert "1 more credit needed in total" in html
    assert "Draft — does not meet the rules yet" in html
    assert 'aria-live="polite"' in html


def test_the_rules_panel_alone_answers_an_htmx_change(as_candidate, enrolment) -> None:
    response = as_candidate.post(url("unit_choice_check", enrolment), {"units": ["A1", "A2", "B1"]}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "1 more credit needed in total" in html and "Total so far: <strong>17 credits</strong>" in html
    assert "Short" in html and "Met" in html


def test_an_htmx_change_also_swaps_the_one_line_verdict_out_of_band(as_candidate, enrolment) -> None:
    def verdict_after(units: list[str]) -> str:
        html = as_candidate.post(url("unit_choice_check", enrolment), {"units": units}, **HTMX).content.decode()
        return html[html.index('id="plan-verdict-text"'):]

    verdict = verdict_after(["A1", "A2", "B1"])
    assert 'hx-swap-oob="innerHTML"' in verdict
    assert "Short: 1 more credit needed in total" in verdict
    assert "Valid: these units meet every rule" in verdict_after(["A1", "A2", "B2"])


def test_the_verdict_is_a_polite_live_region_linked_to_the_rules_panel(as_candidate, candidate, enrolment) -> None:
    plan_services.plan_save(enrolment=enrolment, codes=["B1"], by=candidate)
    html = as_candidate.get(url("unit_choice", enrolment)).content.decode()
    assert '<p class="mb-0 fw-semibold" id="plan-verdict-text" role="status" aria-live="polite"' in html
    assert "Short: 1 more credit needed in total" in html
    assert '<a href="#rules" class="plan-verdict-link">See every rule</a>' in html
    assert 'id="rules" tabindex="-1"' in html


def test_the_verdict_names_the_first_rule_not_met_and_counts_the_others() -> None:
    lines = [RuleLine(met=True, status="Met", text="All 2 mandatory units chosen"),
             RuleLine(met=False, status="Short", text="12 more credits needed from groups B-E."),
             RuleLine(met=False, status="Too many", text="1 unit too many from group C: at most 2"),
             RuleLine(met=False, status="Short", text="3 more credits needed at level 3")]
    invalid, valid = cast(Evaluation, SimpleNamespace(valid=False)), cast(Evaluation, SimpleNamespace(valid=True))
    assert plan_verdict(invalid, lines) == Verdict(
        valid=False, text="Short: 12 more credits needed from groups B-E (and 2 more rules not met)")
    assert plan_verdict(invalid, lines[:2]).text == "Short: 12 more credits needed from groups B-E"
    assert plan_verdict(valid, lines[:1]) == Verdict(True, "Valid: these units meet every rule")


def test_readers_who_may_not_change_the_plan_get_no_verdict_bar(client, assessor, iqa, enrolment) -> None:
    client.force_login(iqa)
    html = client.get(url("unit_choice", enrolment)).content.decode()
    assert "Rules of combination" in html and 'data-testid="plan-verdict"' not in html


def test_without_javascript_a_check_renders_the_whole_page_with_the_ticks_kept(as_candidate, enrolment) -> None:
    response = as_candidate.post(url("unit_choice_check", enrolment), {"units": ["A1", "A2", "B2"]})
    html = response.content.decode()
    assert "<html" in html and "These units meet every rule." in html
    assert 'value="B2" id="unit-3"\n                     checked' in html
    assert not UnitChoice.objects.exists()


def test_an_unknown_unit_is_refused_in_words(as_candidate, enrolment) -> None:
    response = as_candidate.post(url("unit_choice_check", enrolment), {"units": ["ZZ9"]}, **HTMX)
    assert "ZZ9 is not a unit of this qualification" in response.content.decode()


def test_the_rules_panel_costs_a_fixed_number_of_queries(as_candidate, enrolment, django_assert_num_queries) -> None:
    from django.core.cache import cache

    from units.cache import clear_local

    as_candidate.post(url("unit_choice_check", enrolment), {"units": ["B1"]}, **HTMX)  # warm the session
    # session, user, the enrolment through the gate, the user's roles; the spec from the cache (units.cache).
    with django_assert_num_queries(4):
        as_candidate.post(url("unit_choice_check", enrolment), {"units": ["B1", "B2"]}, **HTMX)
    cache.clear()
    clear_local()
    # A cold cache reads the spec: six queries more.
    with django_assert_num_queries(4 + 6):
        as_candidate.post(url("unit_choice_check", enrolment), {"units": ["B1", "B2"]}, **HTMX)


def test_suggest_ticks_the_smallest_completion_without_saving(as_candidate, enrolment) -> None:
    response = as_candidate.post(url("unit_choice_suggest", enrolment), {"units": ["A1", "A2"]})
    html = response.content.decode()
    assert "it adds B3." in html
    assert 'value="B3" id="unit-4"\n                     checked' in html
    assert not UnitChoice.objects.exists()


def test_suggest_prefers_units_the_job_covers(as_candidate, candidate, enrolment) -> None:
    # B2 and B3 both complete the plan at 18 credits; without a preference the earlier, B2, would win.
    Unit.objects.filter(qualification=enrolment.qualification, code="B2").update(value=6)
    plan_services.self_assessment_save(
        enrolment=enrolment, coverage={"B2": "not_yet", "B3": "fully"}, by=candidate
    )
    response = as_candidate.post(url("unit_choice_suggest", enrolment), {"units": []})
    assert "it adds B3." in response.content.decode()


def test_without_preferences_suggest_takes_the_earlier_of_equal_units(as_candidate, enrolment) -> None:
    Unit.objects.filter(qualification=enrolment.qualification, code="B2").update(value=6)
    response = as_candidate.post(url("unit_choice_suggest", enrolment), {"units": []})
    assert "it adds B2." in response.content.decode()


def test_suggest_shows_the_planners_reasons_when_no_completion_exists(client, candidate, centre, assessor,
                                                                      make_qualification) -> None:
    from tests.conftest import _enrol

    enrolment = _enrol(candidate, centre, make_qualification(code="huge", total_minimum=100), assessor, None)
    client.force_login(candidate)
    response = client.post(url("unit_choice_suggest", enrolment), {"units": []})
    assert "No completion of these units is possible" in response.content.decode()


def test_save_keeps_a_valid_plan(as_candidate, enrolment) -> None:
    response = as_candidate.post(url("unit_choice_save", enrolment), {"units": ["A1", "A2", "B2"]})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.plan_status == PlanStatus.VALID


def test_save_keeps_an_invalid_plan_as_a_draft(as_candidate, enrolment) -> None:
    as_candidate.post(url("unit_choice_save", enrolment), {"units": ["A1", "A2"]})
    enrolment.refresh_from_db()
    assert enrolment.plan_status == PlanStatus.DRAFT


def test_the_assessor_may_change_the_plan_on_the_candidates_behalf(client, assessor, enrolment) -> None:
    client.force_login(assessor)
    assert client.post(url("unit_choice_save", enrolment), {"units": ["B2"]}).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.plan_status == PlanStatus.VALID


@pytest.mark.parametrize("reader", ["iqa", "eqa", "centre_admin"])
@pytest.mark.parametrize("action", ["unit_choice_check", "unit_choice_suggest", "unit_choice_save"])
def test_readers_may_not_change_the_plan(client, request, enrolment, reader, action) -> None:
    client.force_login(request.getfixturevalue(reader))
    assert client.post(url(action, enrolment), {"units": ["B2"]}).status_code == 403
    assert not UnitChoice.objects.exists()


@pytest.mark.parametrize("reader", ["iqa", "eqa", "centre_admin"])
def test_readers_see_the_plan_read_only(client, request, enrolment, reader) -> None:
    client.force_login(request.getfixturevalue(reader))
    html = client.get(url("unit_choice", enrolment)).content.decode()
    assert "only the candidate and their assessor can change it" in html
    assert "Save plan" not in html and "hx-post" not in html


@pytest.mark.parametrize("action", ["unit_choice_check", "unit_choice_suggest", "unit_choice_save"])
def test_a_stranger_gets_404_for_every_plan_action(client, stranger_assessor, enrolment, action) -> None:
    client.force_login(stranger_assessor)
    assert client.get(url("unit_choice", enrolment)).status_code == 404
    assert client.post(url(action, enrolment), {"units": ["B2"]}).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, enrolment) -> None:
    response = client.get(url("unit_choice", enrolment))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.fixture
def seed_enrolments(candidate, centre, assessor, iqa) -> list:
    """The candidate enrolled on every seed qualification of fixtures/qualifications."""
    from django.core.management import call_command

    from tests.conftest import _enrol
    from units.models import Qualification

    call_command("load_specs", verbosity=0)
    return [_enrol(candidate, centre, q, assessor, iqa) for q in Qualification.objects.order_by("code")]


def test_every_seed_qualification_can_be_self_assessed_and_planned(as_candidate, seed_enrolments) -> None:
    assert len(seed_enrolments) >= 6
    for enrolment in seed_enrolments:
        code = enrolment.qualification.code
        assert as_candidate.get(url("self_assessment", enrolment)).status_code == 200, code
        assert as_candidate.get(url("unit_choice", enrolment)).status_code == 200, code
        suggested = as_candidate.post(url("unit_choice_suggest", enrolment), {"units": []})
        assert "The suggested completion is ticked below" in suggested.content.decode() or (
            "nothing to add" in suggested.content.decode()), code
        panel = as_candidate.post(url("unit_choice_check", enrolment), {"units": []}, **HTMX).content.decode()
        if enrolment.qualification.kind == "standard":
            assert "has no rules of combination" in panel and "Total so far:" not in panel, code
        else:
            assert "Total so far:" in panel, code


def test_the_rules_panel_says_an_excess_in_words(as_candidate, seed_enrolments) -> None:
    enrolment = next(e for e in seed_enrolments if e.qualification.code == "contact-centre-operations")
    # Three restricted units where at most two may be chosen.
    panel = as_candidate.post(url("unit_choice_check", enrolment), {"units": ["G", "I", "J"]}, **HTMX).text
    line = next(li for li in panel.split("<li")[1:] if "Too many" in li)
    assert "1 unit too many" in line and "at most 2" in line, line


def test_a_standard_has_no_rules_and_the_panel_says_so_in_words(as_candidate, enrolment, django_assert_num_queries):
    import json

    from units.services.specs import publish_spec
    from units.specformat import STANDARD_EXAMPLE

    publish_spec(content=json.dumps(STANDARD_EXAMPLE).encode(), name="example-standard.json")
    enrolment.qualification = type(enrolment.qualification).objects.get(code="example-standard")
    enrolment.save(update_fields=["qualification"])
    as_candidate.post(url("unit_choice_check", enrolment), {"units": ["KSB"]}, **HTMX)  # warm the session
    with django_assert_num_queries(4):
        html = as_candidate.post(url("unit_choice_check", enrolment), {"units": ["KSB"]}, **HTMX).content.decode()
    words = ("An apprenticeship standard has no rules of combination: progress is by its knowledge, skills and "
             "behaviours")
    assert words in html and "Total so far" not in html
    page = as_candidate.get(url("unit_choice", enrolment)).content.decode()
    assert words in page and "&#10007;" not in page
