"""The caseload's off-the-job flag and the apprentices page's charts, registered here so that assessments never
imports this app.

The caseload (assessments/views/caseload.py) is a page of an earlier app in the dependency order; its
template loads this library and asks once for the enrolments of its rows falling behind:
``{% load otj_caseload %}{% otj_behind rows as behind %}`` then ``{% if row.enrolment.pk in behind %}``.
One query for the whole caseload (the plans with their rules, each with its verified minutes summed per
enrolment), whatever its size. The enrolments are those the caseload obtained through the gate.

Behind: verified hours below the expected-by-today by more than two weeks of the plan's weekly
minimum (apprenticeships.services.BEHIND_TOLERANCE_WEEKS); an enrolment with no plan is never flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone

from ..reads import Summary, behind_among, summaries_among

register = template.Library()


@register.simple_tag
def otj_behind(rows: Iterable[Any]) -> frozenset[int]:
    """The pks of the enrolments of caseload `rows` falling behind on off-the-job hours."""
    return behind_among([row.enrolment.pk for row in rows], timezone.localdate())


@register.simple_tag
def otj_summaries(rows: Iterable[Any]) -> dict[int, Summary]:
    """The off-the-job summary (minimum, expected by today, recorded, verified, the bars) of each row's
    enrolment, by pk: for the employer's apprentices page. Two queries for every row together."""
    return summaries_among([row.enrolment.pk for row in rows], timezone.localdate())


@register.filter
def summary_for(summaries: dict[int, Summary], pk: int) -> Summary | None:
    return summaries.get(pk)
