"""One enrolment's page and the centre admin's actions on it: reassign, pause, resume, withdraw.

Each view: the access gate -> a form -> one service -> redirect or render.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .. import access, services
from ..access import Permission
from ..forms.enrolment import ReassignForm
from ..models import Enrolment, ReassignedField, RoleKind


@login_required
@require_GET
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An enrolment: who, on what, with whom, since when; its reassignments; management for the admin."""
    enrolment = access.enrolment_for(request.user, pk)
    manage = access.may_manage(request.user, enrolment)
    context = {
        "enrolment": enrolment,
        "reassignments": enrolment.reassignments.select_related("from_user", "to_user", "by"),
        "may_manage": manage,
    }
    if manage:
        context["assessor_form"] = ReassignForm(centre=enrolment.centre, kind=RoleKind.ASSESSOR,
                                                auto_id="id_assessor_%s")
        context["iqa_form"] = ReassignForm(centre=enrolment.centre, kind=RoleKind.IQA, auto_id="id_iqa_%s")
    return render(request, "candidates/enrolment_detail.html", context)


def _managed_enrolment(request: HttpRequest, pk: int) -> Enrolment:
    return access.enrolment_for(request.user, pk, need=Permission.MANAGE)


def _reassign(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    enrolment = _managed_enrolment(request, pk)
    kind = RoleKind.ASSESSOR if role == ReassignedField.ASSESSOR else RoleKind.IQA
    form = ReassignForm(request.POST, centre=enrolment.centre, kind=kind)
    if not form.is_valid():
        messages.error(request, "Choose one of the centre's people: " + " ".join(
            message for errors in form.errors.values() for message in errors))
        return redirect("candidates:enrolment_detail", pk=enrolment.pk)
    try:
        services.reassign(enrolment=enrolment, role=role, to_user=form.cleaned_data["to_user"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Reassigned.")
    return redirect("candidates:enrolment_detail", pk=enrolment.pk)


@login_required
@require_POST
def enrolment_reassign_assessor(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a new assessor; the change is recorded with who and when."""
    return _reassign(request, pk, ReassignedField.ASSESSOR)


@login_required
@require_POST
def enrolment_reassign_iqa(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a new IQA (or none); the change is recorded with who and when."""
    return _reassign(request, pk, ReassignedField.IQA)


def _change_status(request: HttpRequest, pk: int, action: Callable[..., Enrolment], done: str) -> HttpResponse:
    enrolment = _managed_enrolment(request, pk)
    try:
        action(enrolment=enrolment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The enrolment of {enrolment.candidate} is {done}.")
    return redirect(reverse("candidates:enrolment_detail", kwargs={"pk": enrolment.pk}))


@login_required
@require_POST
def enrolment_pause(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause an active enrolment."""
    return _change_status(request, pk, services.pause, "paused")


@login_required
@require_POST
def enrolment_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a paused enrolment active again."""
    return _change_status(request, pk, services.resume, "active again")


@login_required
@require_POST
def enrolment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an active or paused enrolment."""
    return _change_status(request, pk, services.withdraw, "withdrawn")
