"""Celery tasks of people and enrolments: they take ids and call a service; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)  # type: ignore[untyped-decorator]
def send_invitations(enrolment_ids: list[int]) -> int:
    """Email the invitations of enrolments just made (a CSV of them); a second delivery sends nothing again."""
    return services.send_invitations(enrolment_ids=enrolment_ids)
