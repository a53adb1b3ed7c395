"""The unread count in every page's header: one query, made only when a page shows it."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import cached_property

from candidates.access import AnyUser
from portfolio_site.prepared import counted, prepared

from .models import Notification

# Counted on every page that shows the header, so compiled once a process.
_unread = prepared(lambda person: counted(Notification.objects.filter(recipient_id=person, read_at__isnull=True)))


class Badge:
    """The signed-in person's unread notifications, counted on first use (pages that never show it pay nothing)."""

    def __init__(self, user: AnyUser | None) -> None:
        self._user = user

    @cached_property
    def unread(self) -> int:
        user = self._user
        if user is None or not user.is_authenticated:
            return 0
        return _unread(person=user.pk)[0]


def inbox(request: HttpRequest) -> dict[str, Badge]:
    """`inbox.unread` for base.html's navigation bar."""
    return {"inbox": Badge(getattr(request, "user", None))}
