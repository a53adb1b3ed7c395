"""Assessment visits of one enrolment: planning, changing or cancelling, and recording."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from candidates.access import Permission, viewer_may
from candidates.models import Enrolment
from portfolio_site.form_errors import on_fields

from .. import gate, services
from ..forms import VisitChangeForm, VisitForm, VisitNotesForm
from ..models import Visit
from .outcome import act, done, flash_unshown


@login_required
@require_GET
def visits(request: HttpRequest, pk: int) -> HttpResponse:
    """Planned and past visits with their notes; the assessor's form to plan one."""
    enrolment = gate.enrolment(request, pk)
    return _visits_page(request, enrolment)


def _visits_page(request: HttpRequest, enrolment: Enrolment, *, form: VisitForm | None = None,
                 notes_form: VisitNotesForm | None = None, change_form: VisitChangeForm | None = None) -> HttpResponse:
    """The visits page; a form that failed comes back bound, with what was typed and its errors."""
    judge = viewer_may(enrolment, Permission.JUDGE)
    now = timezone.now()
    visits = list(Visit.objects.filter(enrolment=enrolment).order_by("-planned_for"))
    shown = changed = False
    for visit in visits if judge else []:
        if visit.cancelled_at is not None:
            continue
        if visit.planned_for <= now:
            failed = notes_form is not None and notes_form.visit.pk == visit.pk
            visit.notes_form = notes_form if failed else VisitNotesForm(visit=visit)
            shown = shown or failed
        elif visit.notes_recorded_at is None:
            failed = change_form is not None and change_form.visit.pk == visit.pk
            visit.change_form = change_form if failed else VisitChangeForm(visit=visit)
            changed = changed or failed
    flash_unshown(request, notes_form, shown)
    flash_unshown(request, change_form, changed)
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
            return done(request, "assessments:visits", pk=pk, success=_("Visit planned."))
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
            return done(request, "assessments:visits", pk=pk, success=_("Visit notes recorded."))
    return _visits_page(request, enrolment, notes_form=form)


@login_required
@require_POST
def visit_change(request: HttpRequest, pk: int, visit_pk: int) -> HttpResponse:
    """Move a visit that is still ahead, or change its place, purpose or length."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    visit = gate.visit_in(enrolment, visit_pk)
    form = VisitChangeForm(request.POST, visit=visit)
    if form.is_valid():
        try:
            services.visit_change(visit=visit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if not on_fields(form, error):
                return done(request, "assessments:visits", pk=pk, error=error)
        else:
            return done(request, "assessments:visits", pk=pk, success=_("Visit changed; the candidate is told."))
    return _visits_page(request, enrolment, change_form=form)


@login_required
@require_POST
def visit_cancel(request: HttpRequest, pk: int, visit_pk: int) -> HttpResponse:
    """Call off a visit that is still ahead."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    visit = gate.visit_in(enrolment, visit_pk)
    return act(request, lambda: services.visit_cancel(visit=visit, by=request.user), to="assessments:visits", pk=pk,
               success=_("Visit cancelled; the candidate is told."))
