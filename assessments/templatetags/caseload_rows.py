"""The rows of the assessor's caseload, written in Python:
``{% caseload_rows rows otj_behind review_overdue target %}``.

Each row (one candidate: progress, evidence to review, unanswered questions, how long the oldest has waited,
the next visit, overdue action points, and the flags "behind on off-the-job hours" and "progress review
overdue") is the markup the caseload's template wrote for it, with the same words (same messages to
translate, their numbers localised). Written by the template language, the rows were a third of the page's time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext

from portfolio_site.templatetags.quick_url import quick_reverse

from ..reads import CaseloadRow

register = template.Library()


_WARNING = mark_safe('<span aria-hidden="true">&#9888;</span>')


def _url(name: str, pk: int) -> str:
    return quick_reverse(name, [], {"pk": pk}, None)


def _words(message: str, **values: Any) -> SafeString:
    """`message` (translated) with its placeholders filled as {% blocktranslate %} fills them: localised, escaped."""
    return mark_safe(message % {name: conditional_escape(localize(value)) for name, value in values.items()})


def _row(row: CaseloadRow, behind: Collection[int], overdue: Collection[int], target: object) -> SafeString:
    enrolment = row.enrolment
    pk = enrolment.pk
    flags = []
    if pk in behind:
        flags.append(format_html(
            '<a class="badge text-bg-warning text-decoration-none fw-normal" data-testid="otj-behind" href="{}">{} {}'
            "</a>", _url("apprenticeships:otj_log", pk), _WARNING, mark_safe(gettext("Behind on off-the-job hours"))))
    if pk in overdue:
        flags.append(format_html(
            '<a class="badge text-bg-danger text-decoration-none fw-normal" data-testid="review-overdue" '
            'href="{}">{} {}</a>', _url("apprenticeships:review_list", pk), _WARNING,
            mark_safe(gettext("Progress review overdue"))))
    items = _words(
        ngettext("(%(signed)s of %(total)s items, %(counter)s unit)",
                 "(%(signed)s of %(total)s items, %(counter)s units)", row.units_signed),
        signed=row.items_signed, total=row.items_total, counter=row.units_signed,
    )
    questions = (format_html('<a href="{}">{}</a>', _url("assessments:questions", pk), localize(row.unanswered))
                 if row.unanswered else "0")
    if row.awaiting or row.unanswered:
        waiting = _words(gettext("%(hours)s working h"), hours=floatformat(row.waiting_hours, 0))
        if row.past_target:
            waiting = format_html('{}\n      <span class="badge text-bg-danger" data-testid="past-target">{} {}</span>',
                                  waiting, _WARNING, _words(gettext("Past the %(target)s h target"), target=target))
    else:
        waiting = format_html('<span class="text-body-secondary">{}</span>', mark_safe(gettext("Nothing waiting")))
    visit = (date_format(localtime(row.next_visit), "DATETIME_FORMAT") if row.next_visit
             else format_html('<span class="text-body-secondary">{}</span>', mark_safe(gettext("None planned"))))
    actions = (format_html('<span class="badge text-bg-warning">{} {}</span>', _WARNING,
                           _words(gettext("%(count)s overdue"), count=row.overdue_actions))
               if row.overdue_actions else "0")
    return format_html(
        '<tr data-testid="caseload-row">\n'
        '    <th scope="row"><a href="{}">{}</a>\n'
        '      <div class="small text-body-secondary fw-normal">{}</div>\n      {}</th>\n'
        '    <td>{}% <span class="small text-body-secondary">{}</span></td>\n'
        "    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n  </tr>",
        _url("assessments:progress", pk), enrolment.candidate, enrolment.qualification.title,
        mark_safe("\n      ".join(flags)), localize(row.progress), items, localize(row.awaiting), questions,
        waiting, visit, actions,
    )


@register.simple_tag
def caseload_rows(rows: Iterable[CaseloadRow], behind: Collection[int], overdue: Collection[int],
                  target: object) -> SafeString:
    """The `<tr>` of each row: `behind` and `overdue` are the enrolments flagged (otj_behind, reviews_overdue)."""
    return mark_safe("\n  ".join(_row(row, behind, overdue, target) for row in rows))


@register.simple_tag
def review_queue_rows(items: Iterable[Any]) -> SafeString:
    """The review queue's rows (a page of 50 pieces of evidence), as its template wrote them: when submitted, the
    candidate and qualification, the evidence (linked to its review) with its kind and version, the claims."""
    not_mapped = mark_safe(gettext("Not mapped yet"))
    kind_and_version = gettext("%(kind)s, version %(number)s")
    rows = []
    for item in items:
        version = item.current_version
        enrolment = item.enrolment
        rows.append(format_html(
            "<tr>\n    <td>{}</td>\n    <td>{}<div class=\"small text-body-secondary\">{}</div></td>\n"
            "    <td><a href=\"{}\">{}</a>\n      <span class=\"small text-body-secondary\">{}</span></td>\n"
            "    <td>{}</td>\n  </tr>",
            date_format(localtime(version.submitted_at), "DATETIME_FORMAT"), enrolment.candidate,
            enrolment.qualification.title,
            quick_reverse("assessments:review", [], {"pk": item.enrolment_id, "evidence_pk": item.pk}, None),
            version.title, _words(kind_and_version, kind=item.kind_label, number=version.number),
            localize(item.claims) if item.claims else not_mapped,
        ))
    return mark_safe("\n  ".join(rows))
