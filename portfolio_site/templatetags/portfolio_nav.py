"""The candidate's one navigation: every page of their own portfolio, the current one marked.

An inclusion tag, so each page of the candidate's (home, units, evidence, matrix, progress, questions,
visits, action points, off-the-job, history, export; in five apps) gains it with one line:
``{% load portfolio_nav %}{% portfolio_nav enrolment %}``. It shows only on the viewer's own enrolment
(staff keep each page's own links) and costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from candidates.models import Enrolment

register = template.Library()


@dataclass(frozen=True)
class Destination:
    """One link of the navigation: the page it opens, and the pages that are it (`same`) or lie within it."""

    label: str | Promise  # translated lazily: in the language of each request
    view: str
    same: tuple[str, ...] = ()
    within: tuple[str, ...] = ()
    standards_only: bool = False  # shown only on an enrolment on an apprenticeship standard


DESTINATIONS = (
    Destination(_("Home"), "home"),
    Destination(_("Your units"), "candidates:unit_choice",
                same=("candidates:unit_choice_check", "candidates:unit_choice_suggest",
                      "candidates:unit_choice_save"),
                within=("candidates:self_assessment",)),
    Destination(_("Evidence"), "evidence:library",
                within=("evidence:create", "evidence:detail", "evidence:version_detail", "evidence:edit",
                        "evidence:mapping", "assessments:review")),
    Destination(_("Matrix"), "assessments:matrix"),
    Destination(_("Progress"), "assessments:progress"),
    Destination(_("Questions"), "assessments:questions", within=("assessments:question_detail",)),
    Destination(_("Visits"), "assessments:visits"),
    Destination(_("Action points"), "assessments:action_points"),
    Destination(_("Off-the-job"), "apprenticeships:otj_log",
                within=("apprenticeships:otj_entry_edit", "apprenticeships:otj_plan")),
    Destination(_("Gateway"), "apprenticeships:gateway", within=("exports:gateway_packs",), standards_only=True),
    Destination(_("Reviews"), "apprenticeships:review_list", within=("apprenticeships:review_detail",)),
    Destination(_("History"), "assessments:history"),
    Destination(_("Export"), "exports:export_list"),
)


def _current(destination: Destination, view: str) -> str:
    """The aria-current value: "page" on the page itself, "true" on a page within its part, "" elsewhere."""
    if view == destination.view or view in destination.same:
        return "page"
    return "true" if view in destination.within else ""


@register.inclusion_tag("_portfolio_nav.html", takes_context=True)
def portfolio_nav(context: template.Context, enrolment: Enrolment, *, several: bool = False) -> dict[str, object]:
    """The "Your portfolio" navigation of `enrolment` when it is the signed-in person's own; nothing otherwise.

    `several`: the person has more than one enrolment on the page, so each navigation names its qualification.
    """
    request = context["request"]
    if enrolment is None or enrolment.candidate_id != request.user.pk:
        return {"links": []}
    view = request.resolver_match.view_name if request.resolver_match else ""
    links = [
        {"label": destination.label, "current": _current(destination, view),
         "url": reverse(destination.view) if destination.view == "home"
         else reverse(destination.view, kwargs={"pk": enrolment.pk})}
        for destination in DESTINATIONS
        if not destination.standards_only or enrolment.qualification.kind == "standard"
    ]
    label = gettext("Your portfolio")
    if several:
        label = gettext("Your portfolio: %(qualification)s") % {"qualification": enrolment.qualification.title}
    return {"links": links, "label": label}
