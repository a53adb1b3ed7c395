"""Action points of one enrolment: set by the assessor, ticked done by the candidate."""

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
from ..forms import ActionPointForm
from ..models import ActionPoint
from .outcome import act, done


@login_required
@require_GET
def action_points(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate's action points, overdue ones flagged; set one (assessor) or tick one done (candidate).

    Followed by the apprentice's employer contact too, read-only."""
    enrolment = gate.enrolment(request, pk, Permission.FOLLOW)
    return _action_points_page(request, enrolment)


def _action_points_page(request: HttpRequest, enrolment: Enrolment, *,
                        form: ActionPointForm | None = None) -> HttpResponse:
    return render(request, "assessments/action_points.html", {
        "enrolment": enrolment, "points": ActionPoint.objects.filter(enrolment=enrolment),
        "today": timezone.localdate(),
        "form": (form or ActionPointForm()) if viewer_may(enrolment, Permission.JUDGE) else None,
        "may_tick": viewer_may(enrolment, Permission.ACT_AS_CANDIDATE),
    })


@login_required
@require_POST
def action_point_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the candidate an action point with a due date."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    form = ActionPointForm(request.POST)
    if form.is_valid():
        try:
            services.action_point_set(enrolment=enrolment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if not on_fields(form, error):
                return done(request, "assessments:action_points", pk=pk, error=error)
        else:
            return done(request, "assessments:action_points", pk=pk, success=_("Action point set."))
    return _action_points_page(request, enrolment, form=form)


@login_required
@require_POST
def action_point_done(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    """The candidate ticks an action point done."""
    enrolment = gate.enrolment(request, pk, Permission.ACT_AS_CANDIDATE)
    point = gate.action_point_in(enrolment, point_pk)
    return act(request, lambda: services.action_point_done(action_point=point, by=request.user),
               to="assessments:action_points", pk=pk, success=_("Marked done. Well done."))
