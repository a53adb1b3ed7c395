"""The sign-off actions: an item, the learner's declaration, a whole unit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from candidates.access import Permission

from .. import gate, services
from .outcome import act


@login_required
@require_POST
def item_sign_off(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Sign one assessable item off; a second request gets "Already signed off by X at Y"."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    item = gate.item_in(enrolment, item_pk)
    return act(request, lambda: services.item_sign_off(enrolment=enrolment, assessable_item=item, by=request.user),
               to="assessments:progress", pk=pk, success=_("%(item)s signed off.") % {"item": item})


@login_required
@require_POST
def learner_declare(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """The candidate confirms the evidence for a unit is their own work."""
    enrolment = gate.enrolment(request, pk, Permission.ACT_AS_CANDIDATE)
    unit = gate.unit_in(enrolment, unit_pk)
    return act(request, lambda: services.learner_declare(enrolment=enrolment, unit=unit, by=request.user),
               to="assessments:progress", pk=pk,
               success=_("Thank you: you declared the evidence for unit %(unit)s your own work.") % {
                   "unit": unit.code})


@login_required
@require_POST
def unit_sign_off(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """Sign a whole unit off with the assessor's declaration."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    unit = gate.unit_in(enrolment, unit_pk)
    return act(request, lambda: services.unit_sign_off(enrolment=enrolment, unit=unit, by=request.user),
               to="assessments:progress", pk=pk, success=_("Unit %(unit)s signed off.") % {"unit": unit.code})
