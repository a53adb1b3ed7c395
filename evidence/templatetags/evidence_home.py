"""The evidence block of the home page: the candidate's progress per unit and their recent evidence activity.

An inclusion tag, so the home page (owned by portfolio_site) gains it with one line:
``{% load evidence_home %}{% evidence_progress %}``.
"""

from __future__ import annotations

from django import template

from candidates.access import enrolments_visible_to
from candidates.models import EnrolmentStatus
from evidence import reads

register = template.Library()


@register.inclusion_tag("evidence/_home_progress.html", takes_context=True)
def evidence_progress(context: template.Context) -> dict[str, object]:
    """For each live enrolment of the signed-in candidate: units with evidence coverage; and the latest changes.

    Six queries however many enrolments the candidate holds: the enrolments, four for their matrices, the activity;
    the page's `own` enrolments (the home page's) save the first, and all five when they are none or all withdrawn.
    """
    user = context["request"].user
    own = context.get("own")  # the home page's own enrolments: staff without any skip the query
    if not user.is_authenticated or (own is not None and all(e.status == EnrolmentStatus.WITHDRAWN for e in own)):
        return {"progress": [], "recent": []}
    if own is not None:  # read through the gate by the home page, with their qualifications
        enrolments = [enrolment for enrolment in own if enrolment.status != EnrolmentStatus.WITHDRAWN]
    else:
        enrolments = list(
            enrolments_visible_to(user).filter(candidate=user)
            .exclude(status=EnrolmentStatus.WITHDRAWN)
            .select_related("qualification")
        )
    matrices = reads.matrices(enrolments)
    return {
        "progress": [(enrolment, matrices[enrolment.pk]) for enrolment in enrolments],
        "recent": reads.recent_versions(enrolments, limit=8),
    }
