"""The row locks and wording shared by the assessment writes."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format

from candidates.models import Enrolment
from candidates.services import ensure_open


def when_words(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "LONG_DATETIME_FORMAT")


def lock_enrolment(enrolment: Enrolment) -> Enrolment:
    """The enrolment re-read under a row lock; refused (ValidationError) when paused, withdrawn or completed."""
    # Every sign-off of one enrolment queues behind this row lock: no two can interleave.
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    ensure_open(locked)
    return locked
