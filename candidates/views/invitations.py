"""The invited person's answer to an enrolment a centre proposed: read it, accept it or decline it.

Only the person the invitation is addressed to, signed in as themselves, finds it
(`access.invitation_for`: 404 for anyone else). Each view: the gate -> one service -> redirect or render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import access, services
from ..models import InvitationStatus


@login_required
@require_GET
def invitation_detail(request: HttpRequest, token: str) -> HttpResponse:
    """What the centre proposes (qualification, assessor, dates), with Accept and Decline while unanswered."""
    invitation = access.invitation_for(request.user, token)
    return render(request, "candidates/invitation_detail.html", {
        "invitation": invitation, "pending": invitation.status == InvitationStatus.PENDING,
    })


@login_required
@require_POST
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Accept: the enrolment starts, and the centre sees who the person is."""
    invitation = access.invitation_for(request.user, token)
    try:
        enrolment = services.accept_invitation(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("candidates:invitation_detail", token=invitation.token)
    messages.success(request, _("You are enrolled on %(qualification)s at %(centre)s.") % {
        "qualification": enrolment.qualification, "centre": enrolment.centre})
    return redirect("candidates:enrolment_detail", pk=enrolment.pk)


@login_required
@require_POST
def invitation_decline(request: HttpRequest, token: str) -> HttpResponse:
    """Decline: no enrolment is made."""
    invitation = access.invitation_for(request.user, token)
    try:
        services.decline_invitation(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("candidates:invitation_detail", token=invitation.token)
    messages.success(request, _("You declined the enrolment at %(centre)s.") % {"centre": invitation.centre})
    return redirect("home")
