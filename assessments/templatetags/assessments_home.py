"""The assessments block of the home page: feedback, questions and action points; the assessor's caseload link.

An inclusion tag, so the home page (owned by portfolio_site) gains it with one line:
``{% load assessments_home %}{% assessments_home %}``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import template
from django.db.models import F, Q
from django.utils import timezone

from candidates import access
from candidates.access import Permission
from candidates.models import EnrolmentStatus, RoleKind, User
from evidence.models import MappingStatus
from portfolio_site.prepared import prepared

from ..models import ActionPoint, Decision, DecisionOutcome, FeedbackMessage, Question
from ..reads import caseload_totals

register = template.Library()


@dataclass(frozen=True)
class Praise:
    """One line of the home page's praise: a claim accepted (`decision`) or a message (`message`)."""

    at: datetime.datetime
    decision: Decision | None = None
    message: FeedbackMessage | None = None


def _own_enrolments(context: template.Context, user: User) -> list[int]:
    """The ids of the person's own enrolments, withdrawn ones left out: from the page's `own` (the home page's
    list of them, read through the gate) when it has one, else one query."""
    own = context.get("own")
    if own is not None:
        return [enrolment.pk for enrolment in own if enrolment.status != EnrolmentStatus.WITHDRAWN]
    visible = access.enrolments_visible_to(user).filter(candidate=user).exclude(status=EnrolmentStatus.WITHDRAWN)
    return list(visible.values_list("pk", flat=True))


# The candidate's part of the block: six reads of the same shapes on every home page, so compiled once a process.
_referrals = prepared(lambda own, person: (
    FeedbackMessage.objects.filter(
        enrolment__in=own, decision__outcome=DecisionOutcome.REFERRED,
        decision__mapping__status=MappingStatus.REFERRED,
        decision__version_id=F("evidence__current_version_id"),
    ).exclude(author_id=person)
    .select_related("author", "evidence__current_version", "decision__assessable_item__unit")
    .order_by("-at", "-pk")[:5]
))
_asked = prepared(lambda own, person: (
    Question.objects.filter(enrolment__in=own, answered_at__isnull=True).exclude(asked_by_id=person)
    .select_related("asked_by").order_by("-asked_at", "-pk")[:5]
))
_accepted = prepared(lambda own: (
    Decision.objects.filter(enrolment__in=own, outcome=DecisionOutcome.ACCEPTED)
    .select_related("by", "version", "assessable_item__unit").order_by("-at", "-pk")[:5]
))
_messages = prepared(lambda own, person: (
    FeedbackMessage.objects.filter(enrolment__in=own, decision__isnull=True).exclude(author_id=person)
    .select_related("author", "evidence__current_version").order_by("-at", "-pk")[:5]
))
# Questions put to the candidate and still waiting are in "needs your action" instead.
_questions = prepared(lambda own, person: (
    Question.objects.filter(enrolment__in=own).exclude(Q(answered_at__isnull=True) & ~Q(asked_by_id=person))
    .order_by("-asked_at", "-pk")[:5]
))
_action_points = prepared(lambda own: (
    ActionPoint.objects.filter(enrolment__in=own, done_at__isnull=True).order_by("due", "pk")[:10]
))


def _feedback(user: User, own: list[int]) -> dict[str, object]:
    """The candidate's latest feedback, split: referrals still to act on, questions put to them and waiting
    for their answer; and praise (accepted claims, other messages). Four queries."""
    accepted = _accepted(own=own)
    messages = _messages(own=own, person=user.pk)
    praise = sorted(
        [Praise(at=d.at, decision=d) for d in accepted] + [Praise(at=m.at, message=m) for m in messages],
        key=lambda line: line.at, reverse=True,
    )[:5]
    return {"referrals": _referrals(own=own, person=user.pk), "asked": _asked(own=own, person=user.pk),
            "praise": praise}


@register.inclusion_tag("assessments/_home.html", takes_context=True)
def assessments_home(context: template.Context) -> dict[str, object]:
    """For a candidate: what needs their action (referrals, questions put to them, open action points with the
    overdue flagged) apart from praise (accepted claims, other messages); and the questions they asked.

    For an assessor: their caseload's totals and a link to it (their home); for quality assurers the sampling
    page; for a centre admin each centre's certification page. A fixed number of queries.
    """
    user = context["request"].user
    if not user.is_authenticated:
        return {}
    today = timezone.localdate()
    own_ids = _own_enrolments(context, user)
    block: dict[str, object] = {"today": today, "own_enrolments": own_ids}
    # The candidate's part reads only their own enrolments: staff without any skip its six queries.
    if own_ids:
        block.update({
            **_feedback(user, own_ids),
            "questions": _questions(own=own_ids, person=user.pk),
            "action_points": _action_points(own=own_ids),
        })
    kinds = user.role_kinds  # read once for the request by the gate
    held = access.held_relations(kinds, superuser=user.is_superuser)
    block["samples"] = access.may(held, Permission.READ_SAMPLING)
    block["certifies"] = list(access.centres_administered_by(user)) if RoleKind.CENTRE_ADMIN in kinds else []
    if access.may(held, Permission.KEEP_CASELOAD):
        block["caseload"] = caseload_totals(user)
    return block
