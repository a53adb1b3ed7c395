"""Assessment visits: planned by the assessor, changed or cancelled while ahead, then recorded with notes.

Every change is audited. Planning, changing and cancelling a visit tell the other side (the candidate, or the
assessor when someone else acted) in their inbox and by email (assessments/notify.py).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from candidates.models import Enrolment, User
from candidates.services import ensure_open

from .. import notify
from ..models import Visit
from .independence import refuse_own_enrolment

#: The longest a visit may be planned to last, in minutes (a working day and a half).
LONGEST_VISIT = 12 * 60


def _visit_errors(*, place: str, purpose: str, duration: int) -> dict[str, str]:
    errors = {}
    if not place.strip():
        errors["place"] = _("Say where the visit takes place.")
    if not purpose.strip():
        errors["purpose"] = _("Say what the visit is for, e.g. 'Observe a complaint being handled'.")
    if not 0 < duration <= LONGEST_VISIT:
        errors["duration"] = _("A visit lasts between a few minutes and 12 hours; choose its length from the list.")
    return errors


@transaction.atomic
def visit_plan(
    *, enrolment: Enrolment, by: User, planned_for: datetime.datetime, place: str, purpose: str, duration: int = 60
) -> Visit:
    """Plan a workplace visit: when, where, what for and how long; the other side is told."""
    ensure_open(enrolment)
    refuse_own_enrolment(enrolment=enrolment, by=by)
    errors = _visit_errors(place=place, purpose=purpose, duration=duration)
    if errors:
        raise ValidationError(errors)
    visit = Visit.objects.create(
        enrolment=enrolment, planned_for=planned_for, place=place.strip(), purpose=purpose.strip(), created_by=by,
        duration=duration,
    )
    trail.record(actor=by, action="visit planned", obj=visit, enrolment_id=enrolment.pk, after=_facts(visit))
    notify.visit_planned(visit=visit, by=by)
    return visit


def _facts(visit: Visit) -> dict[str, object]:
    return {"planned_for": visit.planned_for.isoformat(), "place": visit.place, "purpose": visit.purpose,
            "duration": visit.duration}


def _ahead(visit: Visit, by: User) -> Visit:
    """The visit locked for a change, refused unless it is still ahead, not cancelled, on an open enrolment."""
    visit = Visit.objects.select_for_update().select_related("enrolment").get(pk=visit.pk)
    ensure_open(visit.enrolment)
    refuse_own_enrolment(enrolment=visit.enrolment, by=by)
    if visit.cancelled_at is not None:
        raise ValidationError(_("This visit was cancelled; plan a new one instead."))
    if visit.notes_recorded_at is not None or visit.planned_for <= timezone.now():
        raise ValidationError(_("This visit has already taken place; record its notes instead."))
    return visit


@transaction.atomic
def visit_change(
    *, visit: Visit, by: User, planned_for: datetime.datetime, place: str, purpose: str, duration: int = 60
) -> Visit:
    """Move a visit that is still ahead, or change its place, purpose or length; the other side is told."""
    visit = _ahead(visit, by)
    errors = _visit_errors(place=place, purpose=purpose, duration=duration)
    if errors:
        raise ValidationError(errors)
    before = _facts(visit)
    visit.planned_for, visit.place, visit.purpose = planned_for, place.strip(), purpose.strip()
    visit.duration = duration
    visit.save(update_fields=["planned_for", "place", "purpose", "duration"])
    trail.record(actor=by, action="visit changed", obj=visit, enrolment_id=visit.enrolment_id, before=before,
                 after=_facts(visit))
    notify.visit_changed(visit=visit, by=by)
    return visit


@transaction.atomic
def visit_cancel(*, visit: Visit, by: User) -> Visit:
    """Call off a visit that is still ahead (it stays listed as cancelled); the other side is told."""
    visit = _ahead(visit, by)
    visit.cancelled_at = timezone.now()
    visit.save(update_fields=["cancelled_at"])
    trail.record(actor=by, action="visit cancelled", obj=visit, enrolment_id=visit.enrolment_id,
                 before=_facts(visit))
    notify.visit_cancelled(visit=visit, by=by)
    return visit


@transaction.atomic
def visit_record(*, visit: Visit, by: User, notes: str) -> Visit:
    """Record what happened at a visit (notes may be amended; each save keeps the newest)."""
    if not notes.strip():
        raise ValidationError({"notes": _("Write the visit notes: what was observed and agreed.")})
    visit = Visit.objects.select_for_update().select_related("enrolment").get(pk=visit.pk)
    ensure_open(visit.enrolment)
    if visit.cancelled_at is not None:
        raise ValidationError(_("This visit was cancelled; it has no notes to record."))
    if visit.planned_for > timezone.now() + datetime.timedelta(hours=12):
        raise ValidationError(_("This visit has not happened yet; record its notes on the day."))
    visit.notes = notes.strip()
    visit.notes_recorded_at = timezone.now()
    visit.save(update_fields=["notes", "notes_recorded_at"])
    trail.record(actor=by, action="visit notes recorded", obj=visit, enrolment_id=visit.enrolment_id,
                 after={"notes": visit.notes})
    return visit
