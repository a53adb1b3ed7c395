"""Quality assurance: the IQA's sampling page, countersigning and referring a unit sign-off back."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from candidates.access import Permission
from candidates.models import User
from portfolio_site.form_errors import on_fields
from portfolio_site.paging import paged_by_key

from .. import gate, reads, services
from ..forms import CountersignForm, IqaReferForm, SamplingSearchForm
from .outcome import act, done
from .progress import progress_page

#: The sign-offs a search lists at most: beyond, the page asks for a narrower search (no count reads them all).
LISTED_AT_MOST = 1_000


@login_required
@require_GET
def sampling(request: HttpRequest) -> HttpResponse:
    """Signed-off units by assessor, unit or candidate, searched and paged, and each assessor's sampling against
    the rate, 50 assessors a page; the same queries for a centre of 3 assessors or of 5,000."""
    gate.require_sampling_reader(request)
    group = request.GET.get("by", "assessor")
    if group not in reads.SAMPLING_ORDER:
        group = "assessor"
    qualifications, first_assessors = reads.sampling_search_choices(request.user)
    form = SamplingSearchForm(
        request.GET, omit=("status", "idle", "behind"), qualifications=qualifications,
        assessors=reads.sampling_assessors(request.user, of="enrolment__assessor_id"), first_assessors=first_assessors)
    search, state = form.search(), form.state_value()
    filters = {**search.query(), **({"state": state} if state else {})}
    plan_page = request.GET.get("plan")
    list_page = request.GET.get("page")
    # The units: their keys in the order of the group, the count stopping at LISTED_AT_MOST.
    chosen = reads.sampling_list(request.user, search=search, state=state, group=group)
    listed = paged_by_key(chosen, list_page, bound=LISTED_AT_MOST,
                          query=urlencode({**filters, "by": group, **({"plan": plan_page} if plan_page else {})}),
                          load=lambda keys: chosen.filter(pk__in=keys))
    reads.load_reviews(listed.page.object_list)
    # The plan: a page of 50 assessors on the name index, counted on their ids, then their sign-offs' counts.
    plan = paged_by_key(reads.sampling_assessors(request.user), plan_page,
                        counted=reads.sampling_assessor_ids(request.user), param="plan",
                        # No page of assessors (none to follow), no counting to build.
                        load=lambda keys: reads.with_sampling(request.user, User.objects.filter(pk__in=keys))
                        if keys else [],
                        query=urlencode({**filters, "by": group, **({"page": list_page} if list_page else {})}))
    keys = {
        "assessor": lambda s: str(s.by),
        "unit": lambda s: f"{s.unit.code} {s.unit.title}",
        "candidate": lambda s: str(s.enrolment.candidate),
    }
    groups: dict[str, list] = {}
    for sign_off in listed.page.object_list:  # in the order of the group already
        groups.setdefault(keys[group](sign_off), []).append(sign_off)
    return render(request, "assessments/sampling.html", {
        "groups": groups, "group": group, "paged": listed, "plan": plan,
        "assessors": reads.samples_of(plan.page.object_list),
        "listed_at_most": number_format(LISTED_AT_MOST, force_grouping=True),
        "search_form": form, "filtered": search.is_filtered or bool(state), "filter_query": urlencode(filters),
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
               to="assessments:sampling", success=_(
                   "Unit %(unit)s for %(candidate)s is in your sample: countersign it or refer it back from the "
                   "candidate's progress page."
               ) % {"unit": sign_off.unit.code, "candidate": enrolment.candidate})


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
            return _back(request, pk, success=_("Unit %(unit)s for %(candidate)s countersigned.") % {
                "unit": sign_off.unit.code, "candidate": enrolment.candidate})
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
                         success=_("Unit %(unit)s referred back to %(assessor)s; they have been emailed.") % {
                             "unit": sign_off.unit.code, "assessor": sign_off.by})
    return progress_page(request, enrolment, refer_form=form)
