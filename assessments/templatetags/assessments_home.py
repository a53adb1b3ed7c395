"""The assessments block of the home page: feedback, questions and action points; the assessor's caseload link.

An inclusion tag, so the home page (owned by portfolio_site) gains it with one line:
``{% load assessments_home %}{% assessments_home %}``.
"""

from __future__ import annotations

from django import template
from django.db.models import Q
from django.utils import timezone

from candidates import access
from candidates.access import Permission
from candidates.models import EnrolmentStatus, Role, RoleKind

from ..models import ActionPoint, FeedbackMessage, Question
from ..reads import caseload

register = template.Library()


@register.inclusion_tag("assessments/_home.html", takes_context=True)
def assessments_home(context: template.Context) -> dict[str, object]:
    """For a candidate: the latest feedback, their questions and open action points (overdue flagged).

    For an assessor: their caseload's totals and a link to it (their home); for quality assurers the sampling
    page; for a centre admin each centre's certification page. A fixed number of queries.
    """
    user = context["request"].user
    if not user.is_authenticated:
        return {}
    own = access.enrolments_visible_to(user).filter(candidate=user).exclude(status=EnrolmentStatus.WITHDRAWN)
    today = timezone.localdate()
    block: dict[str, object] = {
        "feedback": list(
            FeedbackMessage.objects.filter(enrolment__in=own).exclude(author=user)
            .select_related("author", "evidence__current_version").order_by("-at", "-pk")[:5]
        ),
        "questions": list(Question.objects.filter(enrolment__in=own).order_by("-asked_at", "-pk")[:5]),
        "action_points": list(ActionPoint.objects.filter(enrolment__in=own).filter(
            Q(done_at__isnull=True)).order_by("due", "pk")[:10]),
        "today": today,
        "own_enrolments": list(own.values_list("pk", flat=True)),
    }
    kinds = set(Role.objects.filter(user=user).values_list("kind", flat=True))
    held = access.held_relations(kinds, superuser=user.is_superuser)
    block["samples"] = access.may(held, Permission.READ_SAMPLING)
    block["certifies"] = list(access.centres_administered_by(user)) if RoleKind.CENTRE_ADMIN in kinds else []
    if access.may(held, Permission.KEEP_CASELOAD):
        rows = caseload(user)
        block["caseload"] = {
            "candidates": len(rows),
            "awaiting": sum(r.awaiting for r in rows),
            "unanswered": sum(r.unanswered for r in rows),
            "past_target": sum(1 for r in rows if r.past_target),
            "overdue": sum(r.overdue_actions for r in rows),
        }
    return block
