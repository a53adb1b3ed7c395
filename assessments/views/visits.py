"""Assessment visits of one enrolment: planning and recording."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from candidates.access import Permission, viewer_may

from .. import gate, services
from ..forms import VisitForm, VisitNotesForm
from ..models import Visit
from .outcome import done, form_error


@login_required
@require_GET
def visits(request: HttpRequest, pk: int) -> HttpResponse:
    """Planned and past visits with their notes; the assessor's form to plan one."""
    enrolment = gate.enrolment(request, pk)
    judge = viewer_may(enrolment, Permission.JUDGE)
    return render(request, "assessments/visits.html", {
        "enrolment": enrolment, "visits": Visit.objects.filter(enrolment=enrolment).order_by("-planned_for"),
        "form": VisitForm() if judge else None, "notes_form": VisitNotesForm() if judge else None,
        "now": timezone.now(),
    })


@login_required
@require_POST
def visit_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan a visit: date, place, purpose."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    form = VisitForm(request.POST)
    if not form.is_valid():
        return done(request, "assessments:visits", pk=pk, error=form_error(form))
    try:
        services.visit_plan(enrolment=enrolment, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        return done(request, "assessments:visits", pk=pk, error=error)
    return done(request, "assessments:visits", pk=pk, success="Visit planned.")


@login_required
@require_POST
def visit_record(request: HttpRequest, pk: int, visit_pk: int) -> HttpResponse:
    """Record the notes of a visit that took place."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    visit = gate.visit_in(enrolment, visit_pk)
    form = VisitNotesForm(request.POST)
    form.is_valid()
    try:
        services.visit_record(visit=visit, by=request.user, notes=form.cleaned_data.get("notes", ""))
    except ValidationError as error:
        return done(request, "assessments:visits", pk=pk, error=error)
    return done(request, "assessments:visits", pk=pk, success="Visit notes recorded.")
