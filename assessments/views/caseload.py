"""The assessor's day: the caseload (their home) and the review queue."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from candidates.forms.search import EnrolmentSearchForm
from candidates.models import EnrolmentStatus
from portfolio_site.paging import paged

from .. import gate, reads
from ..working_hours import working_week_text

QUEUE_PAGE_SIZE = 50
SORT_LABELS = {
    "waiting": gettext_lazy("Longest waiting"),
    "candidate": gettext_lazy("Candidate"),
    "progress": gettext_lazy("Progress"),
    "awaiting": gettext_lazy("Evidence to review"),
    "questions": gettext_lazy("Unanswered questions"),
    "visit": gettext_lazy("Next visit"),
    "overdue": gettext_lazy("Overdue action points"),
}
# A caseload leaves out withdrawn enrolments.
CASELOAD_STATUSES = [(value, label) for value, label in EnrolmentStatus.choices if value != EnrolmentStatus.WITHDRAWN]


@login_required
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """The assessor's candidates with progress and what waits, searched, sorted and paged; a fixed number of
    queries."""
    gate.require_assessor(request)
    sort = request.GET.get("sort", "waiting")
    if sort not in reads.CASELOAD_SORTS:
        sort = "waiting"
    form = _search_form(request, statuses=CASELOAD_STATUSES)
    search = form.search()
    query = "&".join(filter(None, [search.querystring(), urlencode({"sort": sort})]))
    listed = paged(reads.caseload(request.user, sort=sort, search=search), request.GET.get("page"), query=query)
    return render(request, "assessments/caseload.html", {
        "paged": listed, "rows": listed.page.object_list, "sort": sort, "sorts": SORT_LABELS,
        "sort_label": SORT_LABELS[sort], "search_form": form, "search": search,
        "target": settings.RESPONSE_TARGET_WORKING_HOURS, "working_week": working_week_text(),
    })


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted evidence across the caseload, oldest first, searched by candidate, 50 to a page."""
    gate.require_assessor(request)
    form = _search_form(request, statuses=EnrolmentStatus.choices)
    search = form.search()
    listed = paged(reads.review_queue_listed(request.user, search), request.GET.get("page"),
                   query=search.querystring(), size=QUEUE_PAGE_SIZE)
    return render(request, "assessments/review_queue.html", {
        "paged": listed, "items": listed.page, "search_form": form, "search": search,
    })


def _search_form(request: HttpRequest, *, statuses: list[tuple[str, str]]) -> EnrolmentSearchForm:
    """The search of the assessor's lists: the qualifications of their caseload; no assessor (it is them)."""
    return EnrolmentSearchForm(request.GET, qualifications=reads.assessed_qualifications(request.user),
                               statuses=statuses)
