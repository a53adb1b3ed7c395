"""When an enrolment's next progress review falls due: pure functions of the interval and the dates."""

from __future__ import annotations

import datetime


def next_due(*, interval_weeks: int, last_held: datetime.date | None, start: datetime.date) -> datetime.date:
    """The next review's due date: `interval_weeks` after the last review held, or after the start of the plan."""
    return (last_held or start) + datetime.timedelta(weeks=interval_weeks)


def is_overdue(due: datetime.date, today: datetime.date) -> bool:
    """Whether a review due on `due` is overdue on `today` (due today is not overdue yet)."""
    return due < today
