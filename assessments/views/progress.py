"""A candidate's progress page: each unit's items, sign-offs, declarations and the IQA's review."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from candidates.access import Permission, viewer_may
from units.spec import spec_for

from .. import gate, reads
from ..forms import CountersignForm, IqaReferForm
from ..models import LearnerDeclaration, UnitSignOff


@login_required
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Every unit of the candidate with each item's evidence and sign-off, the unit's sign-off and eligibility."""
    enrolment = gate.enrolment(request, pk)
    units = reads.unit_statuses(enrolment)
    achieved = reads.achieved_units([enrolment.pk]).get(enrolment.pk, [])
    return render(request, "assessments/progress.html", {
        "enrolment": enrolment, "units": units,
        "eligibility": reads.eligibility(enrolment, achieved, spec_for(enrolment.qualification)),
        "may_judge": viewer_may(enrolment, Permission.JUDGE),
        "may_observe": viewer_may(enrolment, Permission.OBSERVE),
        "may_declare": viewer_may(enrolment, Permission.ACT_AS_CANDIDATE),
        "may_review": viewer_may(enrolment, Permission.QUALITY_ASSURE),
        "learner_text": LearnerDeclaration.TEXT, "assessor_text": UnitSignOff.DECLARATION,
        "countersign_form": CountersignForm(), "refer_form": IqaReferForm(),
    })
