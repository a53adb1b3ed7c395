"""The inbox page, the unread count in every page's header, and the email and calendar settings page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from inbox.models import NoticeKind, Notification, Preferences
from inbox.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


def _notice(person, *, subject: str = "Units", minutes_ago: int = 0, read: bool = False) -> Notification:
    at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return Notification.objects.create(
        recipient=person, kind=NoticeKind.QUESTION_ASKED, words={"by": "Ash Assessor", "subject": subject},
        link="/inbox/settings/", created=at, read_at=at if read else None,
    )


def test_the_header_shows_the_unread_count_in_words(client, candidate) -> None:
    _notice(candidate)
    _notice(candidate, subject="Dates")
    _notice(candidate, subject="Old", read=True)
    client.force_login(candidate)
    page = client.get("/").content.decode()
    assert 'data-testid="inbox-unread">2 unread</span>' in page


def test_no_count_shows_when_nothing_is_unread(client, candidate) -> None:
    _notice(candidate, read=True)
    client.force_login(candidate)
    assert 'data-testid="inbox-unread"' not in client.get("/").content.decode()


def test_the_inbox_lists_ones_own_newest_first_and_costs_the_same_whatever_its_size(
    client, candidate, assessor, django_assert_num_queries,
) -> None:
    _notice(candidate, subject="Older", minutes_ago=5)
    _notice(candidate, subject="Newer")
    _notice(assessor, subject="Not hers")
    client.force_login(candidate)
    page = client.get("/inbox/").content.decode()
    assert page.index("Newer") < page.index("Older")
    assert "Not hers" not in page
    for minutes in range(30):
        _notice(candidate, subject=f"More {minutes}", minutes_ago=10 + minutes)
    # session, user, the header's roles and unread count, the page's count and rows
    with django_assert_num_queries(6):
        page = client.get("/inbox/").content.decode()
    assert 'data-testid="inbox-unread">32 unread</span>' in page
    assert "Page 1 of 2" in page


def test_the_inbox_pages_on_with_junk_page_numbers_answering_a_page(client, candidate) -> None:
    for minutes in range(PAGE_SIZE + 1):
        _notice(candidate, subject=f"Question {minutes}", minutes_ago=minutes)
    client.force_login(candidate)
    assert f"Question {PAGE_SIZE}" in client.get("/inbox/?page=2").content.decode()
    assert client.get("/inbox/?page=abc").status_code == 200


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(client, candidate) -> None:
    notice = _notice(candidate)
    client.force_login(candidate)
    response = client.post(f"/inbox/{notice.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/inbox/settings/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_someone_elses_notification_is_404_and_stays_unread(client, candidate, assessor) -> None:
    notice = _notice(candidate)
    client.force_login(assessor)
    assert client.post(f"/inbox/{notice.pk}/read/").status_code == 404
    assert client.post(f"/inbox/{notice.pk}/open/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_read_marks_only_ones_own(client, candidate, assessor) -> None:
    _notice(candidate)
    _notice(candidate)
    theirs = _notice(assessor)
    client.force_login(candidate)
    client.post("/inbox/read-all/")
    assert not Notification.objects.filter(recipient=candidate, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_email_preferences_are_saved_and_shown_again(client, candidate) -> None:
    client.force_login(candidate)
    response = client.post("/inbox/settings/", {"emailed": [NoticeKind.VISIT_PLANNED, NoticeKind.VISIT_CANCELLED]})
    assert response.status_code == 302
    preferences = Preferences.objects.get(user=candidate)
    assert preferences.emails(NoticeKind.VISIT_PLANNED) and not preferences.emails(NoticeKind.QUESTION_ASKED)
    page = client.get("/inbox/settings/").content.decode()
    checked = [line for line in page.splitlines() if "checked" in line]
    assert any("visit_planned" in line for line in checked) and not any("question_asked" in line for line in checked)


def test_an_unknown_kind_is_refused_with_a_message_and_nothing_saved(client, candidate) -> None:
    client.force_login(candidate)
    response = client.post("/inbox/settings/", {"emailed": ["visit_planned", "spam"]})
    assert response.status_code == 200
    assert "Choose from the kinds of event listed." in response.content.decode()
    assert not Preferences.objects.filter(user=candidate).exists()


def test_the_calendar_address_is_made_replaced_and_turned_off(client, candidate) -> None:
    client.force_login(candidate)
    assert "You have no calendar feed." in client.get("/inbox/settings/").content.decode()
    client.post("/inbox/settings/calendar/new/")
    first = Preferences.objects.get(user=candidate).calendar_token
    assert first and f"/calendar/{first}.ics" in client.get("/inbox/settings/").content.decode()
    client.post("/inbox/settings/calendar/new/")
    second = Preferences.objects.get(user=candidate).calendar_token
    assert second and second != first
    client.post("/inbox/settings/calendar/off/")
    assert Preferences.objects.get(user=candidate).calendar_token is None
