"""Email notices of the assessment workflow, sent after the transaction that caused them commits.

Plain-text emails through Django's email backend; a rolled-back change sends nothing.
Links are absolute when the caller passes the site's address (`link_base`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse


def _link(link_base: str, name: str, **kwargs: object) -> str:
    path = reverse(name, kwargs=kwargs)
    return link_base.rstrip("/") + path if link_base else path


def _send_after_commit(*, to: str, subject: str, body: str) -> None:
    def send() -> None:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])

    transaction.on_commit(send)


def evidence_submitted(*, version: object, link_base: str = "") -> None:
    """Tell the assessor that a candidate submitted evidence for review."""
    item = version.item
    enrolment = item.enrolment
    link = _link(link_base, "assessments:review", pk=enrolment.pk, evidence_pk=item.pk)
    _send_after_commit(
        to=enrolment.assessor.email,
        subject=f"Evidence to review: {version.title}",
        body=(
            f"{enrolment.candidate} submitted “{version.title}” (version {version.number}) "
            f"for {enrolment.qualification.title}.\n\nReview it: {link}\n"
        ),
    )


def decision_made(*, decision: object, link_base: str = "") -> None:
    """Tell the candidate the assessor accepted or referred one mapping of their evidence."""
    enrolment = decision.enrolment
    link = _link(link_base, "assessments:review", pk=enrolment.pk, evidence_pk=decision.version.item_id)
    verb = "accepted" if decision.outcome == "accepted" else "referred back"
    feedback = f"\nFeedback from {decision.by}:\n{decision.feedback}\n" if decision.feedback else ""
    _send_after_commit(
        to=enrolment.candidate.email,
        subject=f"Your evidence was {verb}: {decision.version.title}",
        body=(
            f"{decision.by} {verb} “{decision.version.title}” for {decision.assessable_item}.\n{feedback}"
            f"\nSee the feedback: {link}\n"
        ),
    )


def unit_referred(*, referral: object, link_base: str = "") -> None:
    """Tell the assessor the IQA referred a unit sign-off back, with the IQA's comments."""
    sign_off = referral.unit_sign_off
    enrolment = sign_off.enrolment
    link = _link(link_base, "assessments:progress", pk=enrolment.pk)
    _send_after_commit(
        to=sign_off.by.email,
        subject=f"Unit {sign_off.unit.code} referred back by the IQA",
        body=(
            f"{referral.by} referred back your sign-off of unit {sign_off.unit} for {enrolment.candidate}.\n\n"
            f"Comments:\n{referral.comments}\n\nThe unit is open again: {link}\n"
        ),
    )


def action_point_due(*, action_point: object, link_base: str = "") -> None:
    """Remind the candidate that an action point is due tomorrow."""
    enrolment = action_point.enrolment
    link = _link(link_base, "assessments:action_points", pk=enrolment.pk)
    _send_after_commit(
        to=enrolment.candidate.email,
        subject=f"Action point due tomorrow ({action_point.due:%d/%m/%Y})",
        body=f"Your action point is due tomorrow:\n\n{action_point.text}\n\nTick it done when it is: {link}\n",
    )
