"""A candidate's progress by unit, and the sign-off actions: item, learner declaration, unit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from units.spec import spec_for

from . import gate, reads, services
from .forms import CountersignForm, IqaReferForm
from .models import LearnerDeclaration, UnitSignOff
from .views_common import done


@login_required
@require_GET
def portfolio(request: HttpRequest, pk: int) -> HttpResponse:
    """Every unit of the candidate with each item's evidence and sign-off, the unit's sign-off and eligibility."""
    enrolment = gate.enrolment(request, pk)
    units = reads.unit_statuses(enrolment)
    achieved = reads.achieved_units([enrolment.pk]).get(enrolment.pk, [])
    relations = enrolment.viewer_relations
    return render(request, "assessments/portfolio.html", {
        "enrolment": enrolment, "units": units,
        "eligibility": reads.eligibility(enrolment, achieved, spec_for(enrolment.qualification)),
        "may_judge": bool(relations & gate.JUDGES),
        "may_observe": bool(relations & gate.OBSERVERS),
        "may_declare": bool(relations & gate.CANDIDATE),
        "may_review": bool(relations & gate.QUALITY),
        "learner_text": LearnerDeclaration.TEXT, "assessor_text": UnitSignOff.DECLARATION,
        "countersign_form": CountersignForm(), "refer_form": IqaReferForm(),
    })


def _back(request: HttpRequest, pk: int, **outcome: object) -> HttpResponse:
    return done(request, "assessments:portfolio", pk=pk, **outcome)


@login_required
@require_POST
def item_sign_off(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Sign one assessable item off; a second request gets "Already signed off by X at Y"."""
    enrolment = gate.enrolment(request, pk, gate.JUDGES)
    item = gate.item_in(enrolment, item_pk)
    try:
        services.item_sign_off(enrolment=enrolment, assessable_item=item, by=request.user)
    except ValidationError as error:
        return _back(request, pk, error=error)
    return _back(request, pk, success=f"{item} signed off.")


@login_required
@require_POST
def learner_declare(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """The candidate confirms the evidence for a unit is their own work."""
    enrolment = gate.enrolment(request, pk, gate.CANDIDATE)
    unit = gate.unit_in(enrolment, unit_pk)
    try:
        services.learner_declare(enrolment=enrolment, unit=unit, by=request.user)
    except ValidationError as error:
        return _back(request, pk, error=error)
    return _back(request, pk, success=f"Thank you: you declared the evidence for unit {unit.code} your own work.")


@login_required
@require_POST
def unit_sign_off(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """Sign a whole unit off with the assessor's declaration."""
    enrolment = gate.enrolment(request, pk, gate.JUDGES)
    unit = gate.unit_in(enrolment, unit_pk)
    try:
        services.unit_sign_off(enrolment=enrolment, unit=unit, by=request.user)
    except ValidationError as error:
        return _back(request, pk, error=error)
    return _back(request, pk, success=f"Unit {unit.code} signed off.")
