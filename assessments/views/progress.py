"""A candidate's progress page: each unit's items, sign-offs, declarations and the IQA's review."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from candidates.access import Permission, viewer_may
from candidates.models import Enrolment
from units.cache import cached_spec

from .. import gate, reads
from ..forms import CountersignForm, IqaReferForm
from ..models import LearnerDeclaration, UnitSignOff
from .outcome import flash_unshown


@login_required
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Every unit of the candidate with each item's evidence and sign-off, the unit's sign-off and eligibility.

    Followed by the apprentice's employer contact too (read-only; the evidence relied on is not named to them)."""
    enrolment = gate.enrolment(request, pk, Permission.FOLLOW)
    return progress_page(request, enrolment)


def progress_page(request: HttpRequest, enrolment: Enrolment, *, countersign_form: CountersignForm | None = None,
                  refer_form: IqaReferForm | None = None) -> HttpResponse:
    """The progress page; an IQA's form that failed comes back bound, with what was typed and its errors."""
    units = reads.unit_statuses(enrolment)
    achieved = reads.achieved_units([enrolment.pk]).get(enrolment.pk, [])
    may_review = viewer_may(enrolment, Permission.QUALITY_ASSURE)
    shown = False
    for status in units:
        sign_off = status.sign_off
        if may_review and sign_off is not None and not sign_off.countersignature_row:
            sign_off.countersign_form, sign_off.refer_form = (
                _form_for(sign_off, countersign_form, CountersignForm), _form_for(sign_off, refer_form, IqaReferForm))
            shown = shown or sign_off.countersign_form is countersign_form or sign_off.refer_form is refer_form
    flash_unshown(request, countersign_form or refer_form, shown)
    return render(request, "assessments/progress.html", {
        "enrolment": enrolment, "units": units,
        "eligibility": reads.eligibility(enrolment, achieved, cached_spec(enrolment.qualification)),
        "may_judge": viewer_may(enrolment, Permission.JUDGE),
        "may_observe": viewer_may(enrolment, Permission.OBSERVE),
        "may_declare": viewer_may(enrolment, Permission.ACT_AS_CANDIDATE),
        "may_review": may_review,
        "learner_text": LearnerDeclaration.TEXT, "assessor_text": UnitSignOff.DECLARATION,
    })


def _form_for(sign_off: UnitSignOff, failed: CountersignForm | IqaReferForm | None,
              form_class: type[CountersignForm | IqaReferForm]) -> CountersignForm | IqaReferForm:
    """The form that failed when it was about this sign-off, else a fresh one."""
    if failed is not None and failed.sign_off.pk == sign_off.pk:
        return failed
    return form_class(sign_off=sign_off)
