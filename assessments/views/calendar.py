"""Visits in a calendar: a month's agenda for the signed-in person, and their private iCalendar feed.

The feed needs no sign-in: the secret in its address (made, replaced and turned off on the
person's settings page, inbox app) stands for the person, and lists only the visits they may see.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from inbox.services import calendar_owner

from .. import calendar as visits_calendar


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """The visits the person may see, a month at a time, day by day (?month=YYYY-MM)."""
    today = timezone.localdate()
    first = visits_calendar.month_of(request.GET.get("month"), today)
    return render(request, "assessments/calendar.html", {
        "month": visits_calendar.month_agenda(request.user, first or today.replace(day=1)),
        "not_understood": first is None, "today": today, "now": timezone.now(),
    })


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's visits as an iCalendar feed a phone calendar subscribes to; an unknown or revoked token is 404."""
    owner = calendar_owner(token)
    if owner is None:
        raise Http404(_("No calendar has this address."))
    response = HttpResponse(visits_calendar.feed(owner, site_url=settings.SITE_URL),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="visits.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
