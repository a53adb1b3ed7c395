"""Periodic tasks of the assessments app (scheduled in settings.CELERY_BEAT_SCHEDULE); safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .services import action_point_reminders


@shared_task(acks_late=True)
def send_action_point_reminders() -> int:
    """Email candidates whose action points are due tomorrow, each point once; returns how many were sent."""
    return action_point_reminders()
