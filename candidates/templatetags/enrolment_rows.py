"""An enrolment's status flags, and the rows of a centre's list of enrolments, written in Python.

- ``{% enrolment_flags enrolment %}``: its status as a badge, and the warnings "past planned end" and "unit
  plan: draft", each in words with an icon (never colour alone). The enrolment page and the list's rows.
- ``{% enrolment_rows enrolments %}``: the `<tr>` of each enrolment of a page of the list (50 of them).

A page of 50 rows written by the template language, with the flags included for each, spent about half of
the list's time resolving variables and including; the same markup written here costs a fraction of it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from portfolio_site.templatetags.quick_url import quick_reverse

from ..models import Enrolment, EnrolmentStatus, PlanStatus

register = template.Library()


_BADGE: dict[str, str] = {
    EnrolmentStatus.ACTIVE: "success", EnrolmentStatus.PAUSED: "warning", EnrolmentStatus.WITHDRAWN: "secondary",
}


def _flags(enrolment: Enrolment, today: datetime.date) -> SafeString:
    parts = [format_html('<span class="badge text-bg-{}">{}</span>', _BADGE.get(enrolment.status, "primary"),
                         enrolment.status_label)]
    if enrolment.status == EnrolmentStatus.ACTIVE and enrolment.planned_end_date < today:  # Enrolment.is_overdue
        parts.append(format_html('<span class="badge text-bg-danger" data-testid="overdue"><span aria-hidden="true">'
                                 '&#9888;</span> {}</span>', mark_safe(gettext("Past planned end"))))
    if enrolment.plan_status == PlanStatus.DRAFT:
        parts.append(format_html('<span class="badge text-bg-warning" data-testid="draft-plan"><span '
                                 'aria-hidden="true">&#9888;</span> {}</span>',
                                 mark_safe(gettext("Unit plan: Draft — does not meet the rules yet"))))
    return mark_safe("\n".join(parts))


@register.simple_tag
def enrolment_flags(enrolment: Enrolment) -> SafeString:
    """The enrolment's status badge and warnings."""
    return _flags(enrolment, timezone.localdate())


@register.simple_tag
def enrolment_rows(enrolments: Iterable[Enrolment]) -> SafeString:
    """The list's rows: candidate (linked, with email and ULN), qualification, assessor, IQA, planned end, flags."""
    today = timezone.localdate()
    uln = mark_safe(gettext("ULN"))
    rows = []
    for enrolment in enrolments:
        candidate = enrolment.candidate
        rows.append(format_html(
            '<tr data-testid="enrolment-row">\n'
            '    <th scope="row"><a href="{}">{}</a><br><span class="small text-body-secondary text-break">{}</span>'
            '{}</th>\n'
            '    <td>{} <span class="small text-body-secondary">v{}</span></td>\n'
            "    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n  </tr>",
            quick_reverse("candidates:enrolment_detail", [], {"pk": enrolment.pk}, None), candidate, candidate.email,
            format_html('<br><span class="small text-body-secondary">{} {}</span>', uln, enrolment.uln)
            if enrolment.uln else "",
            enrolment.qualification.title, enrolment.qualification.version,
            enrolment.assessor,
            enrolment.iqa or "—",
            date_format(enrolment.planned_end_date, "DATE_FORMAT"),
            _flags(enrolment, today),
        ))
    return format_html_join("\n  ", "{}", ((row,) for row in rows))


@register.simple_tag
def home_staff_rows(enrolments: Iterable[Any]) -> SafeString:
    """The rows of the home page's table of the enrolments a member of staff sees (100 to a page): candidate
    (linked), qualification, centre, assessor, status, unit plan (linked), self-assessment (linked when done).
    The view gives each enrolment its `links` and its rendered `plan_status_badge`."""
    done, not_yet = gettext("Done"), gettext("Not yet")
    rows = []
    for enrolment in enrolments:
        links = enrolment.links
        rows.append(format_html(
            "<tr>\n    <td><a href=\"{}\">{}</a></td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n"
            "    <td>{}</td>\n    <td><a href=\"{}\">{}</a></td>\n    <td>{}</td>\n  </tr>",
            links["enrolment_detail"], enrolment.candidate, enrolment.qualification.title, enrolment.centre.name,
            enrolment.assessor, enrolment.status_label, links["unit_choice"], enrolment.plan_status_badge,
            format_html('<a href="{}">{}</a>', links["self_assessment"], done) if enrolment.has_self_assessment
            else not_yet,
        ))
    return format_html_join("\n  ", "{}", ((row,) for row in rows))
