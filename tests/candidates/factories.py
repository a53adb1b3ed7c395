"""Enrolments built through the services, for tests of every app (and the permission walk)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from candidates import services
from candidates.models import Centre, Enrolment, EnrolmentInvitation, User
from units.models import Qualification


def enrol_staff_member(
    person: User, *, centre: Centre, qualification: Qualification, assessor: User, iqa: User | None = None,
    by: User,
) -> Enrolment:
    """`person` (who may hold staff roles at `centre`) enrolled there as a candidate, through the enrolment service.

    Someone with no role at the centre (a platform admin) is invited first; they accept, as they would.
    """
    today = timezone.localdate()
    made = services.enrol_candidate(
        centre=centre, by=by, email=person.email, first_name=person.first_name, last_name=person.last_name,
        qualification=qualification, assessor=assessor, iqa=iqa, start_date=today - datetime.timedelta(days=30),
        planned_end_date=today + datetime.timedelta(days=335),
    )
    if isinstance(made, EnrolmentInvitation):
        return services.accept_invitation(invitation=made, by=person)
    return made
