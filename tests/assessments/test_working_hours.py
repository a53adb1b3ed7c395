"""working_hours_between: the clock of the response target (Monday-Friday, 09:00-17:00, local time)."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from assessments.working_hours import working_hours_between, working_week_text

LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime.datetime:
    # March 2026: Monday the 2nd, Friday the 6th, Saturday the 7th.
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _working_week(settings) -> None:
    settings.WORKING_DAYS = (0, 1, 2, 3, 4)
    settings.WORKING_HOURS = (9, 17)
    settings.TIME_ZONE = "Europe/London"


def test_within_one_working_day() -> None:
    assert working_hours_between(at(2, 10), at(2, 13, 30)) == 3.5


def test_evening_and_night_do_not_count() -> None:
    assert working_hours_between(at(2, 16), at(3, 10)) == 2.0


def test_a_question_asked_in_the_evening_starts_counting_next_morning() -> None:
    assert working_hours_between(at(2, 20), at(3, 9, 30)) == 0.5


def test_weekend_does_not_count() -> None:
    assert working_hours_between(at(6, 16), at(9, 10)) == 2.0


def test_asked_on_saturday_answered_on_sunday_is_zero() -> None:
    assert working_hours_between(at(7, 10), at(8, 15)) == 0.0


def test_a_full_week_is_forty_hours() -> None:
    assert working_hours_between(at(2, 9), at(9, 9)) == 40.0


def test_24_working_hours_is_three_working_days() -> None:
    assert working_hours_between(at(2, 9), at(4, 17)) == 24.0
    assert working_hours_between(at(6, 12), at(11, 12)) == 24.0  # Friday noon to Wednesday noon


def test_end_before_start_is_zero() -> None:
    assert working_hours_between(at(3, 12), at(2, 12)) == 0.0


def test_utc_moments_are_counted_in_local_time() -> None:
    # 30 March 2026 is in British Summer Time: 08:00 UTC is 09:00 in London.
    start = datetime.datetime(2026, 3, 30, 8, 0, tzinfo=datetime.UTC)
    end = datetime.datetime(2026, 3, 30, 10, 0, tzinfo=datetime.UTC)
    assert working_hours_between(start, end) == 2.0


def test_explicit_working_week_overrides_settings() -> None:
    assert working_hours_between(at(7, 9), at(7, 17), days=[5], hours=(10, 14)) == 4.0


def test_the_working_week_is_described_from_the_settings(settings) -> None:
    assert working_week_text() == "Monday to Friday, 09:00–17:00"
    settings.WORKING_DAYS = (6, 0, 2)
    settings.WORKING_HOURS = (8, 16)
    assert working_week_text() == "Monday, Wednesday, Sunday, 08:00–16:00"
