"""Action points the assessor sets, the candidate ticks done, and their reminders."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import Enrolment, EnrolmentStatus, User
from candidates.services import ensure_open

from .. import notify
from ..models import ActionPoint, Visit
from .independence import refuse_own_enrolment


@transaction.atomic
def action_point_set(
    *, enrolment: Enrolment, by: User, text: str, due: datetime.date, visit: Visit | None = None
) -> ActionPoint:
    """Set the candidate an action point with a due date (optionally at a visit); the candidate is told."""
    ensure_open(enrolment)
    refuse_own_enrolment(enrolment=enrolment, by=by)
    errors = {}
    if not text.strip():
        errors["text"] = _("Say what the candidate should do.")
    if due < timezone.localdate():
        errors["due"] = _("The due date is in the past; choose today or later.")
    if visit is not None and visit.enrolment_id != enrolment.pk:
        errors["visit"] = _("That visit belongs to another enrolment.")
    if errors:
        raise ValidationError(errors)
    point = ActionPoint.objects.create(
        enrolment=enrolment, visit=visit, text=text.strip(), due=due, set_by=by, set_at=timezone.now()
    )
    notify.action_point_set(action_point=point, by=by)
    return point


@transaction.atomic
def action_point_done(*, action_point: ActionPoint, by: User) -> ActionPoint:
    """The candidate ticks an action point done (doing it twice changes nothing)."""
    action_point = ActionPoint.objects.select_for_update().select_related("enrolment").get(pk=action_point.pk)
    ensure_open(action_point.enrolment)
    if action_point.done_at is None:
        action_point.done_at = timezone.now()
        action_point.save(update_fields=["done_at"])
    return action_point


def action_point_reminders(*, today: datetime.date | None = None) -> int:
    """Email each candidate whose open action point is due tomorrow, once per point; returns how many were sent.

    Each point is claimed under a row lock and flagged in the same transaction as its
    email is queued (sent after commit), so two runs at once, or a retry, never send twice.
    """
    tomorrow = (today or timezone.localdate()) + datetime.timedelta(days=1)
    # A paused, withdrawn or completed enrolment asks nothing of its candidate: no reminders.
    due = ActionPoint.objects.open().filter(
        due=tomorrow, reminder_sent_at__isnull=True, enrolment__status=EnrolmentStatus.ACTIVE
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            point = (
                ActionPoint.objects.select_for_update().select_related("enrolment__candidate")
                .filter(pk=pk, reminder_sent_at__isnull=True, done_at__isnull=True).first()
            )
            if point is None:
                continue
            point.reminder_sent_at = timezone.now()
            point.save(update_fields=["reminder_sent_at"])
            notify.action_point_due(action_point=point)
            sent += 1
    return sent
