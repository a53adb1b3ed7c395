"""Assessment visits: planned by the assessor, then recorded with notes."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from candidates.models import Enrolment, User
from candidates.services import ensure_open

from ..models import Visit
from .independence import refuse_own_enrolment


@transaction.atomic
def visit_plan(*, enrolment: Enrolment, by: User, planned_for: datetime.datetime, place: str, purpose: str) -> Visit:
    """Plan a workplace visit: when, where and what for."""
    ensure_open(enrolment)
    refuse_own_enrolment(enrolment=enrolment, by=by)
    errors = {}
    if not place.strip():
        errors["place"] = "Say where the visit takes place."
    if not purpose.strip():
        errors["purpose"] = "Say what the visit is for, e.g. 'Observe a complaint being handled'."
    if errors:
        raise ValidationError(errors)
    return Visit.objects.create(
        enrolment=enrolment, planned_for=planned_for, place=place.strip(), purpose=purpose.strip(), created_by=by
    )


@transaction.atomic
def visit_record(*, visit: Visit, by: User, notes: str) -> Visit:
    """Record what happened at a visit (notes may be amended; each save keeps the newest)."""
    if not notes.strip():
        raise ValidationError({"notes": "Write the visit notes: what was observed and agreed."})
    visit = Visit.objects.select_for_update().select_related("enrolment").get(pk=visit.pk)
    ensure_open(visit.enrolment)
    if visit.planned_for > timezone.now() + datetime.timedelta(hours=12):
        raise ValidationError("This visit has not happened yet; record its notes on the day.")
    visit.notes = notes.strip()
    visit.notes_recorded_at = timezone.now()
    visit.save(update_fields=["notes", "notes_recorded_at"])
    return visit
