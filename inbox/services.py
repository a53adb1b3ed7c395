"""Every write of the inbox: notifying people, marking notifications read, saving a person's preferences.

`notify` is called by the services of the workflow, inside their transaction: the
notifications are written with the change that caused them, and the emails leave after
commit (portfolio_site.mail), so a rolled-back change tells nobody.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import User
from portfolio_site.mail import send_after_commit

from .models import ALWAYS_EMAILED, NoticeKind, Notification, Preferences


def notify(
    *, recipients: Iterable[User | None], kind: NoticeKind, words: Mapping[str, str], link: str,
    email_template: str, email_context: Mapping[str, object],
) -> list[Notification]:
    """Put a notification of `kind` in each recipient's inbox, and email those who have not turned `kind` off.

    `link` is the path on the site where the event can be seen; the email gets it as an absolute
    address. Nobody is notified twice; inactive accounts are skipped. Two queries whatever the count.
    """
    people = {person.pk: person for person in recipients if person is not None and person.is_active}
    if not people:
        return []
    now = timezone.now()
    notices = Notification.objects.bulk_create([
        Notification(recipient_id=pk, kind=kind, words=dict(words), link=link, created=now) for pk in people
    ])
    off = dict(Preferences.objects.filter(user_id__in=people).values_list("user_id", "email_off"))
    address = settings.SITE_URL.rstrip("/") + link
    for pk, person in people.items():
        if kind in (off.get(pk) or []) and kind not in ALWAYS_EMAILED:
            continue
        send_after_commit(to=person.email, template=email_template,
                          context={**email_context, "recipient": person, "link": address})
    return notices


def mark_read(*, notification: Notification) -> Notification:
    """Mark one notification read (marking it again changes nothing)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def preferences_of(user: User) -> Preferences:
    """`user`'s preferences (defaults, unsaved, when they never changed them)."""
    found = Preferences.objects.filter(user=user).first()
    return found if found is not None else Preferences(user=user)


@transaction.atomic
def email_preferences_save(*, user: User, emailed: Iterable[str]) -> Preferences:
    """Email `user` about the kinds in `emailed` only; their inbox still gets every kind."""
    wanted = set(emailed)
    unknown = wanted - set(NoticeKind.values)
    if unknown:
        raise ValidationError({"emailed": _("Choose from the kinds of event listed.")})
    preferences, _created = Preferences.objects.select_for_update().get_or_create(user=user)
    preferences.email_off = sorted(set(NoticeKind.values) - wanted)
    preferences.save(update_fields=["email_off"])
    return preferences


@transaction.atomic
def calendar_token_new(*, user: User) -> Preferences:
    """Give `user` a new private calendar feed address; the old one, if any, stops working at once."""
    preferences, _created = Preferences.objects.select_for_update().get_or_create(user=user)
    preferences.calendar_token = secrets.token_urlsafe(32)
    preferences.save(update_fields=["calendar_token"])
    return preferences


@transaction.atomic
def calendar_token_revoke(*, user: User) -> Preferences:
    """Turn `user`'s calendar feed off: its address answers 404 from now on."""
    preferences, _created = Preferences.objects.select_for_update().get_or_create(user=user)
    preferences.calendar_token = None
    preferences.save(update_fields=["calendar_token"])
    return preferences


def calendar_owner(token: str) -> User | None:
    """The active person whose calendar feed has the secret `token`, or None."""
    if not token:
        return None
    found = Preferences.objects.filter(calendar_token=token, user__is_active=True).select_related("user").first()
    return found.user if found is not None else None
