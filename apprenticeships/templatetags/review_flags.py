"""The overdue progress review flag for pages of earlier apps (the caseload, the employer's apprentices, the
candidate's home), registered here so that none of them imports this app.

``{% load review_flags %}{% reviews_overdue rows as overdue %}`` then ``{% if row.enrolment.pk in overdue %}``:
one query for the whole page, whatever its size (none when it lists no enrolment). `rows` holds enrolments or
rows with an ``enrolment``, obtained through the gate by the page. Overdue: an active enrolment whose next
review (the interval of its schedule after the last review held, or after the start of its plan) is past.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone

from ..reviews.reads import overdue_among

register = template.Library()


@register.simple_tag
def reviews_overdue(rows: Iterable[Any]) -> frozenset[int]:
    """The pks of the enrolments of `rows` whose progress review is overdue."""
    return overdue_among([getattr(row, "enrolment", row).pk for row in rows], timezone.localdate())
