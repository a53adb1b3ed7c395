"""The candidate's first steps: the initial self-assessment and the choice of units.

Each view: the access gate -> a form -> one service -> redirect or render. The
unit-choice page posts to one URL per action (check, suggest, save) through the
buttons' `formaction`, so it works as a plain form without JavaScript; with it,
HTMX posts each change to the check URL and swaps in the rules panel only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from units.cache import cached_spec
from units.models import QualificationKind
from units.planner import Impossible
from units.rules import Evaluation, GroupSpec, Spec

from .. import access
from ..access import Permission
from ..forms.plan import SelfAssessmentForm, UnitChoiceForm, coverage_field_name
from ..models import Coverage, Enrolment
from ..services import plan as plan_services

# --------------------------------------------------------------------------- self-assessment


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate says how far their job covers each unit; everyone else who may see it reads it."""
    write = request.method == "POST"
    enrolment = access.enrolment_for(request.user, pk, need=Permission.ACT_AS_CANDIDATE if write else Permission.READ)
    spec = cached_spec(enrolment.qualification)
    coverage = plan_services.coverage_by_unit(enrolment)
    codes = [unit.code for unit in spec.units]
    form = SelfAssessmentForm(request.POST if write else None, unit_codes=codes, initial_coverage=coverage)
    if write and form.is_valid():
        try:
            plan_services.self_assessment_save(enrolment=enrolment, coverage=form.coverage(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your self-assessment is saved. Next, choose your units."))
            return redirect("candidates:unit_choice", pk=enrolment.pk)
    rows = [
        {"unit": unit, "field": form[coverage_field_name(i)], "coverage": Coverage(coverage[unit.code]).label
         if unit.code in coverage else None,
         "value_text": plan_services.total_words(spec, unit.value) if unit.value and spec.value_name != "none"
         else ""}
        for i, unit in enumerate(spec.units)
    ]
    context = {"enrolment": enrolment, "form": form, "rows": rows, "spec": spec,
               "may_edit": access.viewer_may(enrolment, Permission.ACT_AS_CANDIDATE)}
    return render(request, "candidates/self_assessment.html", context, status=400 if form.errors else 200)


# --------------------------------------------------------------------------- unit choice


@dataclass
class GroupChoice:
    """One group's units on the unit-choice page (`group` None: units outside any group)."""

    group: GroupSpec | None
    units: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class RuleLine:
    """One rule as the panel shows it: met or not, a word for it, and the engine's message."""

    met: bool
    status: str
    text: str


def rule_lines(evaluation: Evaluation) -> list[RuleLine]:
    """The evaluation's results in words: 'Met', 'Short' or 'Too many', then the engine's message."""
    lines = []
    for result in evaluation.results:
        status = _("Met") if result.met else (_("Too many") if result.excess else _("Short"))
        text = result.detail or result.message
        lines.append(RuleLine(met=result.met, status=status, text=text[:1].upper() + text[1:]))
    return lines


@dataclass(frozen=True)
class Verdict:
    """The rules panel in one line, kept in view while the candidate ticks units."""

    valid: bool
    text: str


def plan_verdict(evaluation: Evaluation, lines: list[RuleLine]) -> Verdict:
    """'Valid', or the first rule not met in the panel's own words ('Short: 23 more credits needed in total')
    and how many more rules are not met."""
    unmet = [line for line in lines if not line.met]
    if evaluation.valid:
        return Verdict(valid=True, text=_("Valid: these units meet every rule"))
    if not unmet:
        return Verdict(valid=False, text=_("Not valid yet: see the rules below"))
    first = {"status": unmet[0].status, "rule": unmet[0].text.rstrip(".")}
    if len(unmet) == 1:
        return Verdict(valid=False, text=_("%(status)s: %(rule)s") % first)
    more = len(unmet) - 1
    # Translators: "Short: 23 more credits needed in total (and 2 more rules not met)"
    text = ngettext("%(status)s: %(rule)s (and %(count)d more rule not met)",
                    "%(status)s: %(rule)s (and %(count)d more rules not met)", more) % {**first, "count": more}
    return Verdict(valid=False, text=text)


def _panel(spec: Spec, enrolment: Enrolment, codes: list[str]) -> dict[str, object]:
    try:
        evaluation = plan_services.plan_check(spec=spec, pathway=plan_services.pathway_of(enrolment), codes=codes)
    except ValidationError as error:
        return _panel_error(" ".join(error.messages))
    lines = rule_lines(evaluation)
    if enrolment.qualification.kind == QualificationKind.STANDARD:
        text = _("An apprenticeship standard has no rules of combination: progress is by its knowledge, skills "
                 "and behaviours (KSBs)")
        return {"evaluation": evaluation, "lines": [], "standard_text": text,
                "verdict": Verdict(valid=True, text=text)}
    return {
        "evaluation": evaluation,
        "lines": lines,
        "total_words": plan_services.total_words(spec, evaluation.total),
        "verdict": plan_verdict(evaluation, lines),
    }


def _panel_error(message: str) -> dict[str, object]:
    return {"panel_error": message, "verdict": Verdict(valid=False, text=message)}


def _choice_page(
    request: HttpRequest, enrolment: Enrolment, spec: Spec, codes: list[str], *, status: int = 200, **extra: object
) -> HttpResponse:
    pathway = plan_services.pathway_of(enrolment)
    chosen = set(plan_services.with_mandatory(spec, pathway, codes))
    mandatory = plan_services.mandatory_codes(spec, pathway)
    coverage = plan_services.coverage_by_unit(enrolment)
    groups: dict[str | None, GroupChoice] = {g.code: GroupChoice(g) for g in spec.groups}
    groups[None] = GroupChoice(None)
    for position, unit in enumerate(spec.units):
        groups[unit.group if unit.group in groups else None].units.append({
            "unit": unit, "position": position, "checked": unit.code in chosen,
            "mandatory": unit.code in mandatory,
            "coverage": Coverage(coverage[unit.code]).label if unit.code in coverage else "",
        })
    context = {
        "enrolment": enrolment, "spec": spec, "groups": [g for g in groups.values() if g.units],
        "may_change": access.viewer_may(enrolment, Permission.PLAN), "value_word": _value_word(spec),
        "has_self_assessment": bool(coverage), **_panel(spec, enrolment, sorted(chosen)), **extra,
    }
    return render(request, "candidates/unit_choice.html", context, status=status)


def _value_word(spec: Spec) -> str:
    return {"credits": _("Credits"), "unit values": _("Unit value")}.get(spec.value_name, "")


def _posted_plan(request: HttpRequest, pk: int) -> tuple[Enrolment, Spec, UnitChoiceForm]:
    enrolment = access.enrolment_for(request.user, pk, need=Permission.PLAN)
    spec = cached_spec(enrolment.qualification)
    return enrolment, spec, UnitChoiceForm(request.POST, spec=spec)


@login_required
@require_GET
def unit_choice(request: HttpRequest, pk: int) -> HttpResponse:
    """The groups and units with the saved plan ticked, and the rules panel; read-only for readers."""
    enrolment = access.enrolment_for(request.user, pk)
    spec = cached_spec(enrolment.qualification)
    return _choice_page(request, enrolment, spec, plan_services.saved_codes(enrolment))


@login_required
@require_POST
def unit_choice_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Evaluate the ticked units: the rules panel alone for HTMX, else the whole page again."""
    enrolment, spec, form = _posted_plan(request, pk)
    codes = form.codes() if form.is_valid() else []
    if request.htmx:
        context = _panel(spec, enrolment, codes) if form.is_valid() else _panel_error(form.errors["units"][0])
        return render(request, "candidates/_rules_update.html", {"spec": spec, **context})
    return _choice_page(request, enrolment, spec, codes, form=form, status=200 if form.is_valid() else 400)


@login_required
@require_POST
def unit_choice_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick the planner's smallest completion of the ticked units, preferring what the job already covers
    and units that already have evidence."""
    enrolment, spec, form = _posted_plan(request, pk)
    if not form.is_valid():
        return _choice_page(request, enrolment, spec, [], form=form, status=400)
    pathway = plan_services.pathway_of(enrolment)
    prefer = plan_services.suggestion_preferences(enrolment)
    proposal = plan_services.plan_suggest(spec=spec, pathway=pathway, codes=form.codes(), prefer=prefer)
    if isinstance(proposal, Impossible):
        return _choice_page(request, enrolment, spec, form.codes(), impossible=proposal.reasons)
    ticked = set(plan_services.with_mandatory(spec, pathway, form.codes()))
    added = [code for code in proposal.units if code not in ticked]
    return _choice_page(request, enrolment, spec, list(proposal.units), suggested=added)


@login_required
@require_POST
def unit_choice_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the ticked units: valid if they meet every rule, else kept as a draft."""
    enrolment, spec, form = _posted_plan(request, pk)
    if not form.is_valid():
        return _choice_page(request, enrolment, spec, [], form=form, status=400)
    return _save(request, enrolment, spec, form.codes(), confirm_drop=False)


@login_required
@require_POST
def unit_choice_drop(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the ticked units once the candidate has confirmed dropping units with signed-off work."""
    enrolment, spec, form = _posted_plan(request, pk)
    if not form.is_valid():
        return _choice_page(request, enrolment, spec, [], form=form, status=400)
    return _save(request, enrolment, spec, form.codes(), confirm_drop=True)


def _save(request: HttpRequest, enrolment: Enrolment, spec: Spec, codes: list[str], *,
          confirm_drop: bool) -> HttpResponse:
    try:
        evaluation = plan_services.plan_save(enrolment=enrolment, codes=codes, by=request.user, spec=spec,
                                             confirm_drop=confirm_drop)
    except plan_services.AssessedWorkDropped as dropped:
        # Nothing saved: the confirmation step says what happens to the signed-off work, then saves or goes back.
        return render(request, "candidates/unit_drop_confirm.html", {
            "enrolment": enrolment, "codes": codes, "work": dropped.work,
        })
    except ValidationError as error:
        return _choice_page(request, enrolment, spec, codes, save_error=" ".join(error.messages), status=400)
    if evaluation.valid:
        messages.success(request, _("Your plan is saved. It meets every rule of combination."))
    else:
        messages.warning(request, _("Your plan is saved as a draft: it does not meet the rules yet."))
    return redirect("candidates:unit_choice", pk=enrolment.pk)
