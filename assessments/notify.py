"""Email notices of the assessment workflow, sent after the transaction that caused them commits.

Plain-text emails from templates/assessments/email/ through portfolio_site.mail; a
rolled-back change sends nothing. Links are absolute, on the site at settings.SITE_URL.
"""

from __future__ import annotations

from evidence.models import EvidenceVersion
from portfolio_site.links import absolute_url
from portfolio_site.mail import send_after_commit

from .models import ActionPoint, Decision, IqaReferral


def evidence_submitted(*, version: EvidenceVersion) -> None:
    """Tell the assessor that a candidate submitted evidence for review."""
    item = version.item
    enrolment = item.enrolment
    send_after_commit(to=enrolment.assessor.email, template="assessments/email/evidence_submitted", context={
        "version": version, "enrolment": enrolment,
        "link": absolute_url("assessments:review", pk=enrolment.pk, evidence_pk=item.pk),
    })


def decision_made(*, decision: Decision) -> None:
    """Tell the candidate the assessor accepted or referred one mapping of their evidence."""
    enrolment = decision.enrolment
    send_after_commit(to=enrolment.candidate.email, template="assessments/email/decision_made", context={
        "decision": decision,
        "link": absolute_url("assessments:review", pk=enrolment.pk, evidence_pk=decision.version.item_id),
    })


def decisions_accepted(*, decisions: list[Decision]) -> None:
    """Tell the candidate, in one email, that the assessor accepted every listed claim of one evidence version."""
    first = decisions[0]
    enrolment = first.enrolment
    send_after_commit(to=enrolment.candidate.email, template="assessments/email/decisions_accepted", context={
        "decisions": decisions, "by": first.by, "version": first.version,
        "link": absolute_url("assessments:review", pk=enrolment.pk, evidence_pk=first.version.item_id),
    })


def unit_referred(*, referral: IqaReferral) -> None:
    """Tell the assessor the IQA referred a unit sign-off back, with the IQA's comments."""
    sign_off = referral.unit_sign_off
    enrolment = sign_off.enrolment
    send_after_commit(to=sign_off.by.email, template="assessments/email/unit_referred", context={
        "referral": referral, "sign_off": sign_off, "enrolment": enrolment,
        "link": absolute_url("assessments:progress", pk=enrolment.pk),
    })


def action_point_due(*, action_point: ActionPoint) -> None:
    """Remind the candidate that an action point is due tomorrow."""
    enrolment = action_point.enrolment
    send_after_commit(to=enrolment.candidate.email, template="assessments/email/action_point_due", context={
        "action_point": action_point, "link": absolute_url("assessments:action_points", pk=enrolment.pk),
    })
