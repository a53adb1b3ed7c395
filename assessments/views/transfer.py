"""Moving an enrolment to another version of its qualification: the centre admin reads what changes, then confirms."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from candidates.access import Permission

from .. import gate, services
from ..forms import MoveForm
from .outcome import done


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_move(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the versions to move to and, once one is chosen (?target=), what the move changes; POST: move."""
    enrolment = gate.enrolment(request, pk, Permission.MANAGE)
    targets = services.move_targets(enrolment)
    if request.method == "POST":
        form = MoveForm(request.POST, targets=targets)
    elif request.GET.get("target"):
        form = MoveForm(request.GET, targets=targets)
    else:
        form = MoveForm(targets=targets)
    plan, problem = None, ""
    if form.is_bound and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            if request.method == "POST":
                services.enrolment_move(enrolment=enrolment, target=target, by=request.user)
                return done(request, "candidates:enrolment_detail", pk=pk, success=_(
                    "%(candidate)s is now on version %(version)s; they were emailed what changes for them."
                ) % {"candidate": enrolment.candidate, "version": target.version})
            plan = services.move_plan(enrolment=enrolment, target=target)
        except ValidationError as error:
            problem = " ".join(error.messages)
    return render(request, "assessments/enrolment_move.html", {
        "enrolment": enrolment, "targets": targets, "form": form, "plan": plan, "problem": problem,
    })
