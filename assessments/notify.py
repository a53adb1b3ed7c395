"""Email notices of the assessment workflow, sent after the transaction that caused them commits.

Questions, visits and new action points also go to the other side's inbox (the inbox app),
and their emails only to those who did not turn that kind of email off.

Plain-text emails from templates/assessments/email/ through portfolio_site.mail; a
rolled-back change sends nothing. Links are absolute, on the site at settings.SITE_URL.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from candidates.models import Enrolment, User
from evidence.models import EvidenceVersion
from inbox.models import NoticeKind
from inbox.services import notify
from portfolio_site.links import absolute_url
from portfolio_site.mail import send_after_commit

from .models import ActionPoint, Decision, IqaReferral, Question, Reply, Visit


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


# ------------------------------------------------------------------ the inbox: questions, visits, action points


def _other_side(enrolment: Enrolment, by: User) -> list[User]:
    """Who hears of what `by` did on `enrolment`: its candidate and its assessor, never `by` themself."""
    return [person for person in (enrolment.candidate, enrolment.assessor) if person.pk != by.pk]


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "j M Y, H:i")


def question_asked(*, question: Question, by: User) -> None:
    """Tell the other side (the assessor, or the candidate when the assessor asked) of a new question."""
    enrolment = question.enrolment
    link = reverse("assessments:question_detail", kwargs={"pk": enrolment.pk, "question_pk": question.pk})
    notify(recipients=_other_side(enrolment, by), kind=NoticeKind.QUESTION_ASKED,
           words={"by": str(by), "subject": question.subject}, link=link,
           email_template="assessments/email/question_asked", email_context={"question": question, "by": by})


def question_replied(*, reply: Reply, by: User) -> None:
    """Tell the other side of a reply in a question's thread."""
    question = reply.question
    enrolment = question.enrolment
    link = reverse("assessments:question_detail", kwargs={"pk": enrolment.pk, "question_pk": question.pk})
    notify(recipients=_other_side(enrolment, by), kind=NoticeKind.QUESTION_REPLIED,
           words={"by": str(by), "subject": question.subject}, link=link,
           email_template="assessments/email/question_replied",
           email_context={"question": question, "reply": reply, "by": by})


def _visit_notice(*, visit: Visit, by: User, kind: NoticeKind, template: str) -> None:
    enrolment = visit.enrolment
    notify(recipients=_other_side(enrolment, by), kind=kind,
           words={"by": str(by), "when": _when(visit.planned_for), "place": visit.place},
           link=reverse("assessments:visits", kwargs={"pk": enrolment.pk}),
           email_template=template, email_context={"visit": visit, "by": by, "when": _when(visit.planned_for)})


def visit_planned(*, visit: Visit, by: User) -> None:
    """Tell the other side a visit is planned: when, where, what for."""
    _visit_notice(visit=visit, by=by, kind=NoticeKind.VISIT_PLANNED, template="assessments/email/visit_planned")


def visit_changed(*, visit: Visit, by: User) -> None:
    """Tell the other side a visit moved or changed."""
    _visit_notice(visit=visit, by=by, kind=NoticeKind.VISIT_CHANGED, template="assessments/email/visit_changed")


def visit_cancelled(*, visit: Visit, by: User) -> None:
    """Tell the other side a visit is called off."""
    _visit_notice(visit=visit, by=by, kind=NoticeKind.VISIT_CANCELLED, template="assessments/email/visit_cancelled")


def action_point_set(*, action_point: ActionPoint, by: User) -> None:
    """Tell the candidate (and the assessor, when someone else set it) of a new action point."""
    enrolment = action_point.enrolment
    notify(recipients=_other_side(enrolment, by), kind=NoticeKind.ACTION_POINT_SET,
           words={"by": str(by), "due": date_format(action_point.due, "j M Y"), "text": action_point.text[:200]},
           link=reverse("assessments:action_points", kwargs={"pk": enrolment.pk}),
           email_template="assessments/email/action_point_set", email_context={"action_point": action_point, "by": by})
