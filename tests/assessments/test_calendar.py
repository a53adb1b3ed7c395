"""The visits calendar page and the private iCalendar feed a phone subscribes to."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from assessments.services import visit_cancel, visit_plan
from inbox.services import calendar_token_new, calendar_token_revoke

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def _at(days: int, hour: int = 10) -> datetime.datetime:
    """A local time `days` from today at `hour` o'clock."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def visits(enrolment, other_enrolment, stranger_enrolment):
    """A visit of Cara's (assessed by Ash), one of Olga's (another assessor) and one at another centre."""
    return {
        "cara": visit_plan(enrolment=enrolment, by=enrolment.assessor, planned_for=_at(3), place="Front desk",
                           purpose="Observe a complaint", duration=90),
        "olga": visit_plan(enrolment=other_enrolment, by=other_enrolment.assessor, planned_for=_at(4),
                           place="Warehouse", purpose="Observe a delivery"),
        "stan": visit_plan(enrolment=stranger_enrolment, by=stranger_enrolment.assessor, planned_for=_at(5),
                           place="Southbank office", purpose="Discussion"),
    }


def _feed(client, person) -> icalendar.Calendar:
    token = calendar_token_new(user=person).calendar_token
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_the_feed_parses_and_lists_only_the_visits_its_owner_may_see(client, visits, candidate, assessor) -> None:
    calendar = _feed(client, assessor)
    events = calendar.walk("VEVENT")
    assert [str(event["location"]) for event in events] == ["Front desk"]
    [event] = events
    visit = visits["cara"]
    assert str(event["uid"]) == f"visit-{visit.pk}@testserver"
    assert event.decoded("dtstart") == visit.planned_for
    assert event.decoded("dtstart").tzinfo.utcoffset(None) == datetime.timedelta(0)
    assert event.decoded("dtend") - event.decoded("dtstart") == datetime.timedelta(minutes=90)
    assert event.decoded("dtstamp").utcoffset() == datetime.timedelta(0)
    assert str(event["summary"]) == "Assessment visit: Cara Candidate"
    assert str(event["status"]) == "CONFIRMED"


def test_the_feed_writes_times_in_utc(client, visits, assessor) -> None:
    token = calendar_token_new(user=assessor).calendar_token
    text = client.get(f"/calendar/{token}.ics").content.decode()
    start = visits["cara"].planned_for.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in text.replace("\r\n", "\n")
    assert "DTSTAMP:" in text and "TZID" not in text


def test_a_centre_admin_sees_every_visit_of_the_centre_and_nothing_beyond(client, visits, centre_admin) -> None:
    locations = sorted(str(event["location"]) for event in _feed(client, centre_admin).walk("VEVENT"))
    assert locations == ["Front desk", "Warehouse"]


def test_a_cancelled_visit_stays_in_the_feed_as_cancelled(client, visits, candidate, assessor) -> None:
    visit_cancel(visit=visits["cara"], by=assessor)
    [event] = _feed(client, candidate).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"


def test_a_wrong_or_revoked_token_is_404(client, visits, candidate) -> None:
    token = calendar_token_new(user=candidate).calendar_token
    assert client.get(f"/calendar/{token}x.ics").status_code == 404
    assert client.get("/calendar/.ics").status_code == 404
    calendar_token_revoke(user=candidate)
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_replaced_token_stops_the_old_address(client, visits, candidate) -> None:
    old = calendar_token_new(user=candidate).calendar_token
    new = calendar_token_new(user=candidate).calendar_token
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_a_deactivated_persons_feed_is_404(client, visits, candidate) -> None:
    token = calendar_token_new(user=candidate).calendar_token
    candidate.is_active = False
    candidate.save(update_fields=["is_active"])
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_the_calendar_page_lists_the_months_visits_by_day(client, visits, assessor, django_assert_num_queries) -> None:
    client.force_login(assessor)
    month = visits["cara"].planned_for.astimezone(timezone.get_current_timezone()).strftime("%Y-%m")
    page = client.get(f"/calendar/?month={month}").content.decode()
    assert "Visit to Cara Candidate" in page and "Front desk" in page
    assert "Warehouse" not in page and "Southbank" not in page
    for days in range(6, 9):
        visit_plan(enrolment=visits["cara"].enrolment, by=assessor, planned_for=_at(days), place="Desk", purpose="x")
    # session, user, the header's roles and unread count, the visits
    with django_assert_num_queries(5):
        client.get(f"/calendar/?month={month}")


def test_a_month_not_understood_says_so_and_shows_this_month(client, assessor) -> None:
    client.force_login(assessor)
    page = client.get("/calendar/?month=next-ish").content.decode()
    assert "That month was not understood" in page
    assert timezone.localdate().strftime("%B %Y") in page
