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


def many_enrolments(centre: Centre, qualification: Qualification, assessor: User, count: int, *,
                    prefix: str = "Extra", iqa: User | None = None) -> list[Enrolment]:
    """`count` more enrolments at `centre`, each of a new candidate "<prefix> Number<nnn>" (written in bulk)."""
    people = User.objects.bulk_create([
        User(email=f"{prefix.lower()}{n}@example.org", first_name=prefix, last_name=f"Number{n:03d}")
        for n in range(count)])
    today = timezone.localdate()
    return Enrolment.objects.bulk_create([
        Enrolment(candidate=person, centre=centre, qualification=qualification, assessor=assessor, iqa=iqa,
                  start_date=today - datetime.timedelta(days=30), planned_end_date=today + datetime.timedelta(days=300),
                  uln=f"{9000000000 + n}")
        for n, person in enumerate(people)])
