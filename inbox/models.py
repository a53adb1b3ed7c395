"""Notifications in a person's in-app inbox, and what each person wants emailed to them.

A notification is written for the other side of an event (the candidate or the assessor,
never its author); its text is built when shown, from a translatable phrase of its kind and
the words stored with it, so a change of language reaches old notifications too. The inbox
always receives them; `Preferences.email_off` lists the kinds a person does not want by email.
Imports no app of ours but the people (candidates), so every later app may notify.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

USER = settings.AUTH_USER_MODEL


class NoticeKind(models.TextChoices):
    """What happened; each kind has its phrase (PHRASES) and is one line of the email preferences."""

    QUESTION_ASKED = "question_asked", _("A question is asked")
    QUESTION_REPLIED = "question_replied", _("Someone replies to a question")
    VISIT_PLANNED = "visit_planned", _("A visit is planned")
    VISIT_CHANGED = "visit_changed", _("A visit is changed")
    VISIT_CANCELLED = "visit_cancelled", _("A visit is cancelled")
    ACTION_POINT_SET = "action_point_set", _("A new action point is set")
    SAFEGUARDING_CONCERN = "safeguarding_concern", _("A progress review raises a safeguarding concern")


#: The kinds always emailed, whatever a person's preferences: nobody may miss them.
ALWAYS_EMAILED = frozenset({NoticeKind.SAFEGUARDING_CONCERN})

#: The sentence each kind shows in the inbox, filled with the words stored with the notification.
PHRASES: dict[str, Any] = {
    NoticeKind.QUESTION_ASKED: pgettext_lazy("notification", "%(by)s asked a question: “%(subject)s”"),
    NoticeKind.QUESTION_REPLIED: pgettext_lazy("notification", "%(by)s replied to “%(subject)s”"),
    NoticeKind.VISIT_PLANNED: pgettext_lazy("notification", "%(by)s planned a visit on %(when)s at %(place)s"),
    NoticeKind.VISIT_CHANGED: pgettext_lazy("notification", "%(by)s changed the visit: now %(when)s at %(place)s"),
    NoticeKind.VISIT_CANCELLED: pgettext_lazy("notification", "%(by)s cancelled the visit on %(when)s at %(place)s"),
    NoticeKind.ACTION_POINT_SET: pgettext_lazy("notification", "%(by)s set an action point, due %(due)s: %(text)s"),
    NoticeKind.SAFEGUARDING_CONCERN: pgettext_lazy(
        "notification", "%(by)s raised a safeguarding concern in the progress review of %(candidate)s"),
}


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_person(self, user: object) -> NotificationQuerySet:
        """The notifications addressed to `user`, newest first."""
        return self.filter(recipient=user).order_by("-created", "-pk")

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something that happened which `recipient` should know of, with a link to where it happened."""

    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NoticeKind.choices)
    # The words the phrase of `kind` is filled with (who, what, when), as they were at the event.
    words = models.JSONField(default=dict)
    link = models.CharField(max_length=300)
    created = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["recipient", "-created"])]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The phrase of this kind in the current language, with its words."""
        phrase = PHRASES.get(self.kind)
        if phrase is None:
            return str(self.kind)
        try:
            return str(phrase) % self.words
        except (KeyError, TypeError, ValueError):
            return str(phrase)


class Preferences(models.Model):
    """One person's settings: the kinds of event not emailed to them, and their private calendar feed token."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, primary_key=True, related_name="inbox_preferences")
    email_off = models.JSONField(default=list, blank=True)
    # The secret in the address of the person's calendar feed; null when they have none (or turned it off).
    calendar_token = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"Preferences of {self.user}"

    def emails(self, kind: str) -> bool:
        """Whether this person wants an email for events of `kind`."""
        return kind not in self.email_off
