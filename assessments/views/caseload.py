"""The assessor's day: the caseload (their home) and the review queue."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import gate, reads
from ..working_hours import working_week_text

QUEUE_PAGE_SIZE = 50
SORT_LABELS = {
    "waiting": "Longest waiting",
    "candidate": "Candidate",
    "progress": "Progress",
    "awaiting": "Evidence to review",
    "questions": "Unanswered questions",
    "visit": "Next visit",
    "overdue": "Overdue action points",
}


@login_required
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """The assessor's candidates with progress and what waits, sortable; a fixed number of queries."""
    gate.require_assessor(request)
    sort = request.GET.get("sort", "waiting")
    if sort not in reads.CASELOAD_SORTS:
        sort = "waiting"
    rows = reads.caseload(request.user, sort=sort)
    return render(request, "assessments/caseload.html", {
        "rows": rows, "sort": sort, "sorts": SORT_LABELS, "sort_label": SORT_LABELS[sort],
        "target": settings.RESPONSE_TARGET_WORKING_HOURS, "working_week": working_week_text(),
    })


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted evidence across the caseload, oldest first, 50 to a page."""
    gate.require_assessor(request)
    page = Paginator(reads.review_queue(request.user), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessments/review_queue.html", {"items": page})
