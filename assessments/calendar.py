"""Visits as a calendar: a month's agenda for the page, and an iCalendar (RFC 5545) feed for phones.

Pure of requests: the views pass in who is looking (the visits are those of the enrolments
the one gate lets them see) and the site's address for links.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.access import AnyUser, enrolments_visible_to

from .models import Visit

#: How far back the feed reaches: phones keep what they already fetched, the feed stays small.
FEED_PAST = datetime.timedelta(days=180)


def visible_visits(user: AnyUser) -> QuerySet[Visit]:
    """Every visit of an enrolment `user` may see, with its candidate and qualification, in time order."""
    return (Visit.objects.filter(enrolment__in=enrolments_visible_to(user))
            .select_related("enrolment__candidate", "enrolment__qualification").order_by("planned_for", "pk"))


def month_of(text: str | None, today: datetime.date) -> datetime.date | None:
    """The first day of the month written "YYYY-MM" in `text`; today's month when empty; None when not understood."""
    if not text:
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in text.split("-"))
        return datetime.date(year, month, 1) if 1900 <= year <= 2999 else None
    except ValueError:
        return None


def _next_month(first: datetime.date) -> datetime.date:
    return (first + datetime.timedelta(days=32)).replace(day=1)


@dataclass
class Day:
    date: datetime.date
    visits: list[Visit] = field(default_factory=list)


@dataclass
class Month:
    first: datetime.date
    previous: datetime.date
    next: datetime.date
    days: list[Day]


def month_agenda(user: AnyUser, first: datetime.date) -> Month:
    """The days of the month starting `first` that have visits `user` may see, each with its visits (one query)."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(_next_month(first), datetime.time.min, tzinfo=zone)
    visits = visible_visits(user).filter(planned_for__gte=start, planned_for__lt=end)
    days = [Day(date, list(group)) for date, group in
            groupby(visits, key=lambda visit: timezone.localtime(visit.planned_for).date())]
    return Month(first=first, previous=(first - datetime.timedelta(days=1)).replace(day=1),
                 next=_next_month(first), days=days)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(ZoneInfo("UTC"))


def feed(user: AnyUser, *, site_url: str, now: datetime.datetime | None = None) -> bytes:
    """The iCalendar feed of the visits `user` may see, from six months back: one VEVENT a visit, times in UTC;
    a cancelled visit stays in with STATUS:CANCELLED, so calendars that subscribed drop it."""
    now = now or timezone.now()
    host = site_url.split("://", 1)[-1].split("/", 1)[0] or "portfolio"
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Portfolio//Assessment visits//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Assessment visits"))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for visit in visible_visits(user).filter(planned_for__gte=now - FEED_PAST):
        calendar.add_component(_event(visit, host=host, site_url=site_url, now=now))
    return calendar.to_ical()


def _event(visit: Visit, *, host: str, site_url: str, now: datetime.datetime) -> icalendar.Event:
    enrolment = visit.enrolment
    link = site_url.rstrip("/") + reverse("assessments:visits", kwargs={"pk": enrolment.pk})
    event = icalendar.Event()
    event.add("uid", f"visit-{visit.pk}@{host}")
    event.add("dtstamp", _utc(now))
    event.add("dtstart", _utc(visit.planned_for))
    event.add("dtend", _utc(visit.ends_at))
    event.add("summary", _("Assessment visit: %(candidate)s") % {"candidate": enrolment.candidate})
    event.add("location", visit.place)
    event.add("description", f"{enrolment.qualification.title}\n{visit.purpose}\n{link}")
    event.add("url", link)
    event.add("status", "CANCELLED" if visit.cancelled_at else "CONFIRMED")
    return event
