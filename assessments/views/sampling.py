"""Quality assurance: the IQA's sampling page, countersigning and referring a unit sign-off back."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from candidates.access import Permission
from portfolio_site.form_errors import on_fields

from .. import gate, reads, services
from ..forms import CountersignForm, IqaReferForm
from .outcome import act, done
from .progress import progress_page


@login_required
@require_GET
def sampling(request: HttpRequest) -> HttpResponse:
    """Signed-off units by assessor, unit and candidate, and each assessor's sampling against the rate."""
    gate.require_sampling_reader(request)
    sign_offs, assessors = reads.sampling(request.user)
    group = request.GET.get("by", "assessor")
    if group not in ("assessor", "unit", "candidate"):
        group = "assessor"
    keys = {
        "assessor": lambda s: str(s.by),
        "unit": lambda s: f"{s.unit.code} {s.unit.title}",
        "candidate": lambda s: str(s.enrolment.candidate),
    }
    groups: dict[str, list] = {}
    for sign_off in sorted(sign_offs, key=keys[group]):
        groups.setdefault(keys[group](sign_off), []).append(sign_off)
    return render(request, "assessments/sampling.html", {
        "groups": groups, "group": group, "assessors": assessors, "sign_off_count": len(sign_offs),
    })


def _back(request: HttpRequest, pk: int, **outcome: object) -> HttpResponse:
    return done(request, "assessments:progress", pk=pk, **outcome)


@login_required
@require_POST
def unit_sample(request: HttpRequest, pk: int, sign_off_pk: int) -> HttpResponse:
    """The IQA puts a unit sign-off in their sample; it is not achieved until countersigned."""
    enrolment = gate.enrolment(request, pk, Permission.QUALITY_ASSURE)
    sign_off = gate.unit_sign_off_in(enrolment, sign_off_pk)
    return act(request, lambda: services.unit_sample(unit_sign_off=sign_off, by=request.user),
               to="assessments:sampling", success=f"Unit {sign_off.unit.code} for {enrolment.candidate} "
               "is in your sample: countersign it or refer it back from the candidate's progress page.")


@login_required
@require_POST
def countersign(request: HttpRequest, pk: int, sign_off_pk: int) -> HttpResponse:
    """The IQA countersigns a unit sign-off."""
    enrolment = gate.enrolment(request, pk, Permission.QUALITY_ASSURE)
    sign_off = gate.unit_sign_off_in(enrolment, sign_off_pk)
    form = CountersignForm(request.POST, sign_off=sign_off)
    if form.is_valid():
        try:
            services.countersign(unit_sign_off=sign_off, by=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            if not on_fields(form, error):
                return _back(request, pk, error=error)
        else:
            return _back(request, pk, success=f"Unit {sign_off.unit.code} for {enrolment.candidate} countersigned.")
    return progress_page(request, enrolment, countersign_form=form)


@login_required
@require_POST
def iqa_refer(request: HttpRequest, pk: int, sign_off_pk: int) -> HttpResponse:
    """The IQA refers a unit sign-off back to the assessor with comments; the unit reopens."""
    enrolment = gate.enrolment(request, pk, Permission.QUALITY_ASSURE)
    sign_off = gate.unit_sign_off_in(enrolment, sign_off_pk)
    form = IqaReferForm(request.POST, sign_off=sign_off)
    if form.is_valid():
        try:
            services.iqa_refer(unit_sign_off=sign_off, by=request.user, comments=form.cleaned_data["comments"])
        except ValidationError as error:
            if not on_fields(form, error):
                return _back(request, pk, error=error)
        else:
            return _back(request, pk,
                         success=f"Unit {sign_off.unit.code} referred back to {sign_off.by}; they have been emailed.")
    return progress_page(request, enrolment, refer_form=form)
