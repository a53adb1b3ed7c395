"""One enrolment's audit history, readable by whoever sees the enrolment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import gate, reads


@login_required
@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate's audit history: every decision, sign-off, referral and countersignature, newest first."""
    enrolment = gate.enrolment(request, pk)
    return render(request, "assessments/history.html", {"enrolment": enrolment, "records": reads.history(enrolment)})
