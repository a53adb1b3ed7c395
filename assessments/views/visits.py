"""Assessment visits of one enrolment: planning and recording."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from candidates.access import Permission, viewer_may
from candidates.models import Enrolment
from portfolio_site.form_errors import on_fields

from .. import gate, services
from ..forms import VisitForm, VisitNotesForm
from ..models import Visit
from .outcome import done, flash_unshown


@login_required
@require_GET
def visits(request: HttpRequest, pk: int) -> HttpResponse:
    """Planned and past visits with their notes; the assessor's form to plan one."""
    enrolment = gate.enrolment(request, pk)
    return _visits_page(request, enrolment)


def _visits_page(request: HttpRequest, enrolment: Enrolment, *, form: VisitForm | None = None,
                 notes_form: VisitNotesForm | None = None) -> HttpResponse:
    """The visits page; a form that failed comes back bound, with what was typed and its errors."""
    judge = viewer_may(enrolment, Permission.JUDGE)
    now = timezone.now()
    visits = list(Visit.objects.filter(enrolment=enrolment).order_by("-planned_for"))
    shown = False
    for visit in visits:
        if judge and visit.planned_for <= now:
            failed = notes_form is not None and notes_form.visit.pk == visit.pk
            visit.notes_form = notes_form if failed else VisitNotesForm(visit=visit)
            shown = shown or failed
    flash_unshown(request, notes_form, shown)
    return render(request, "assessments/visits.html", {
        "enrolment": enrolment, "visits": visits, "form": (form or VisitForm()) if judge else None, "now": now,
    })


@login_required
@require_POST
def visit_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan a visit: date, place, purpose."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            services.visit_plan(enrolment=enrolment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if not on_fields(form, error):
                return done(request, "assessments:visits", pk=pk, error=error)
        else:
            return done(request, "assessments:visits", pk=pk, success="Visit planned.")
    return _visits_page(request, enrolment, form=form)


@login_required
@require_POST
def visit_record(request: HttpRequest, pk: int, visit_pk: int) -> HttpResponse:
    """Record the notes of a visit that took place."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    visit = gate.visit_in(enrolment, visit_pk)
    form = VisitNotesForm(request.POST, visit=visit)
    if form.is_valid():
        try:
            services.visit_record(visit=visit, by=request.user, notes=form.cleaned_data["notes"])
        except ValidationError as error:
            if not on_fields(form, error):
                return done(request, "assessments:visits", pk=pk, error=error)
        else:
            return done(request, "assessments:visits", pk=pk, success="Visit notes recorded.")
    return _visits_page(request, enrolment, notes_form=form)
