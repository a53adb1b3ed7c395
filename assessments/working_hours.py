"""Working hours between two moments: the clock the response target runs on.

Pure: no ORM, no request. The working week comes from settings (WORKING_DAYS,
Monday = 0; WORKING_HOURS, a local start and end hour) unless given explicitly,
and is counted in the project's local time zone (an evening or a weekend does
not count; a bank holiday does, as the documents name none).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext


def working_hours_between(
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    days: Iterable[int] | None = None,
    hours: tuple[int, int] | None = None,
) -> float:
    """The working hours (a float) from `start` to `end`; 0 when `end` is not after `start`.

    Aware datetimes are converted to the local time zone first; naive ones are taken as local.
    """
    if end <= start:
        return 0.0
    working_days = frozenset(settings.WORKING_DAYS if days is None else days)
    open_hour, close_hour = settings.WORKING_HOURS if hours is None else hours
    start, end = _local(start), _local(end)
    total = datetime.timedelta()
    day = start.date()
    while day <= end.date():
        if day.weekday() in working_days:
            opens = datetime.datetime.combine(day, datetime.time(open_hour))
            closes = datetime.datetime.combine(day, datetime.time(close_hour))
            overlap = min(closes, end) - max(opens, start)
            if overlap > datetime.timedelta():
                total += overlap
        day += datetime.timedelta(days=1)
    return total.total_seconds() / 3600




def working_week_text(*, days: Iterable[int] | None = None, hours: tuple[int, int] | None = None) -> str:
    """The working week in words, from settings unless given: 'Monday to Friday, 09:00–17:00'."""
    chosen = sorted(set(settings.WORKING_DAYS if days is None else days))
    open_hour, close_hour = settings.WORKING_HOURS if hours is None else hours
    if len(chosen) > 2 and chosen == list(range(chosen[0], chosen[-1] + 1)):
        span = gettext("%(first)s to %(last)s") % {"first": WEEKDAYS[chosen[0]], "last": WEEKDAYS[chosen[-1]]}
    else:
        span = ", ".join(str(WEEKDAYS[day]) for day in chosen)
    # Translators: the working week, e.g. "Monday to Friday, 09:00–17:00".
    return gettext("%(days)s, %(opens)s:00–%(closes)s:00") % {
        "days": span, "opens": f"{open_hour:02d}", "closes": f"{close_hour:02d}"}


def _local(moment: datetime.datetime) -> datetime.datetime:
    # Compare wall-clock times: working hours are a local notion (09:00 in London, summer or winter).
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None)
