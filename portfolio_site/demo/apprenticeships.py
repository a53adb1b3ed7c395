"""Demo apprentices for `manage.py seed_demo`: three on the two customer service standards, at three stages.

- Sam (Customer Service Practitioner, ST0072) is seven months in and behind on off-the-job hours;
- Riley (Customer Service Specialist, ST0071) is on track, with a progress review the assessor and Riley
  have signed, awaiting the employer's signature;
- Jo (ST0072) is thirteen months in, every KSB evidenced and accepted, English and maths recorded and the
  off-the-job minimum met: ready for the gateway.

Eve, line manager at Harbour Retail, is the employer contact of all three. Every write goes through the
services (so the rules apply and the trail records each step); idempotent like the rest of the demo.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from apprenticeships import services as otj
from apprenticeships.gateway import services as gateway
from apprenticeships.models import Achievement, AchievementKind, OtjEntry, OtjPlan, ProgressReview
from apprenticeships.reviews import services as reviews
from apprenticeships.signing import Party
from assessments import services as assessment_services
from candidates.models import (
    EmployerContact,
    EmployerContactKind,
    Enrolment,
    EnrolmentStatus,
    Role,
    RoleKind,
    User,
)
from candidates.services.employer import name_employer_contact
from evidence import services as evidence_services
from evidence.models import EvidenceItem, EvidenceKind, Mapping, MappingStatus, VersionStatus
from units.models import AssessableItem, Qualification

from .people import DOMAIN, DemoPeople, seed_first_steps

EMPLOYER_NAME = "Harbour Retail Ltd"
EMPLOYER = ("employer", "Eve", "Employer")


@dataclass(frozen=True)
class Apprentice:
    """A demo apprentice: who, on which standard, and where their plan stands today."""

    local: str
    first_name: str
    qualification: str
    started_days_ago: int
    ends_in_days: int
    contracted_hours: Decimal
    #: (every how many days, minutes each, how many of the latest are left awaiting verification)
    log: tuple[int, int, int]


APPRENTICES = [
    Apprentice("apprentice", "Sam", "customer-service-practitioner-st0072", 210, 190, Decimal("37.5"), (21, 180, 2)),
    Apprentice("apprentice2", "Riley", "customer-service-specialist-st0071", 120, 300, Decimal(30), (7, 390, 2)),
    Apprentice("apprentice3", "Jo", "customer-service-practitioner-st0072", 400, 14, Decimal("37.5"), (7, 390, 0)),
]


def seed_apprentice_people(*, demo: DemoPeople, password: str) -> None:
    """The three apprentices as candidates of the demo centre (the employer comes with their enrolments)."""
    for apprentice in APPRENTICES:
        email = f"{apprentice.local}@{DOMAIN}"
        person, created = User.objects.get_or_create(
            email=email, defaults={"first_name": apprentice.first_name, "last_name": "Apprentice"})
        if created:
            person.set_password(password)
            person.save(update_fields=["password"])
        Role.objects.get_or_create(user=person, centre=demo.centre, kind=RoleKind.CANDIDATE)
        demo.people[apprentice.local] = person
        demo.rows.append((email, str(RoleKind.CANDIDATE.label)))


def seed_apprenticeships(*, demo: DemoPeople, password: str) -> tuple[dict[str, Enrolment], list[str]]:
    """Each apprentice's enrolment with its plan, log and evidence, and the employer contact; return them by
    local part, with a message for each standard that is not loaded (its apprentice is skipped)."""
    seed_apprentice_people(demo=demo, password=password)
    admin, assessor = demo.people["admin"], demo.people["assessor"]
    today = timezone.localdate()
    enrolments: dict[str, Enrolment] = {}
    skipped: list[str] = []
    for apprentice in APPRENTICES:
        enrolment = _enrolment(demo, apprentice, today)
        if enrolment is None:
            skipped.append(f"Skipped enrolling {apprentice.local}: standard {apprentice.qualification} is not "
                           "loaded (run load_specs).")
            continue
        enrolments[apprentice.local] = enrolment
        seed_first_steps(enrolment=enrolment, valid_plan=True)
        _employer_contact(enrolment=enrolment, admin=admin, password=password, demo=demo)
        _plan(enrolment=enrolment, apprentice=apprentice, assessor=assessor, today=today)
        _log(enrolment=enrolment, apprentice=apprentice, assessor=assessor, today=today)
    riley = enrolments.get("apprentice2")
    if riley is not None:
        _review_awaiting_the_employer(enrolment=riley, assessor=assessor, today=today)
    jo = enrolments.get("apprentice3")
    if jo is not None:
        _evidence_every_ksb(enrolment=jo, assessor=assessor, today=today)
        _english_and_maths(enrolment=jo, assessor=assessor, today=today)
    return enrolments, skipped


def _enrolment(demo: DemoPeople, apprentice: Apprentice, today: datetime.date) -> Enrolment | None:
    candidate = demo.people[apprentice.local]
    existing = (Enrolment.objects.filter(candidate=candidate, qualification__code=apprentice.qualification)
                .exclude(status=EnrolmentStatus.WITHDRAWN).first())
    if existing is not None:
        return existing
    qualification = Qualification.objects.filter(code=apprentice.qualification).latest_versions().first()
    if qualification is None:
        return None
    return Enrolment.objects.create(
        candidate=candidate, centre=demo.centre, qualification=qualification,
        pathway=qualification.pathways.first(), assessor=demo.people["assessor"], iqa=demo.people["iqa"],
        start_date=today - datetime.timedelta(days=apprentice.started_days_ago),
        planned_end_date=today + datetime.timedelta(days=apprentice.ends_in_days),
    )


def _employer_contact(*, enrolment: Enrolment, admin: User, password: str, demo: DemoPeople) -> None:
    email = f"{EMPLOYER[0]}@{DOMAIN}"
    if EmployerContact.objects.filter(enrolment=enrolment, user__email=email).exists():
        demo.people.setdefault(EMPLOYER[0], User.objects.get(email=email))
        return
    employer = (EmployerContact.objects.filter(user__email=email, enrolment__centre=demo.centre)
                .select_related("enrolment__employer").first())
    contact = name_employer_contact(
        enrolment=enrolment, by=admin, email=email, first_name=EMPLOYER[1], last_name=EMPLOYER[2],
        kind=EmployerContactKind.LINE_MANAGER, employer=employer.enrolment.employer if employer else None,
        employer_name="" if employer else EMPLOYER_NAME,
    )
    person = contact.user
    if not person.has_usable_password():
        person.set_password(password)
        person.save(update_fields=["password"])
    if EMPLOYER[0] not in demo.people:
        demo.people[EMPLOYER[0]] = person
        demo.rows.append((email, f"Employer contact (line manager at {EMPLOYER_NAME})"))


def _plan(*, enrolment: Enrolment, apprentice: Apprentice, assessor: User, today: datetime.date) -> None:
    if OtjPlan.objects.filter(enrolment=enrolment).exists():
        return
    start = today - datetime.timedelta(days=apprentice.started_days_ago)
    rule = otj.default_rule(start)
    if rule is None:
        return
    otj.plan_set(enrolment=enrolment, by=assessor, contracted_hours=apprentice.contracted_hours,
                 planned_start=start, planned_end=today + datetime.timedelta(days=apprentice.ends_in_days),
                 rule=rule)


ACTIVITIES = [
    ("taught", "Taught session on handling complaints: the six steps and when to escalate."),
    ("shadowing", "Shadowed the team leader on the returns desk for the morning."),
    ("online", "Online module: data protection when taking customers' details."),
    ("mentoring", "Mentoring with Eve: reviewed last week's customer feedback and what to change."),
    ("practical", "Practical training on the new till and refunds system."),
    ("writing", "Wrote up a case study of a difficult call for my portfolio."),
]


def _log(*, enrolment: Enrolment, apprentice: Apprentice, assessor: User, today: datetime.date) -> None:
    if OtjEntry.objects.filter(enrolment=enrolment).exists():
        return
    every, minutes, awaiting = apprentice.log
    start = today - datetime.timedelta(days=apprentice.started_days_ago)
    days = list(range(3, apprentice.started_days_ago, every))
    for index, offset in enumerate(days):
        activity, learned = ACTIVITIES[index % len(ACTIVITIES)]
        entry = otj.entry_record(enrolment=enrolment, by=enrolment.candidate, date=start + datetime.timedelta(
            days=offset), minutes=minutes, activity=activity, learned=learned)
        if index < len(days) - awaiting:
            otj.entry_verify(entry=entry, by=assessor)


def _evidence_every_ksb(*, enrolment: Enrolment, assessor: User, today: datetime.date) -> None:
    """Evidence mapped to every KSB of the standard, submitted, and every claim accepted by the assessor."""
    items = list(AssessableItem.objects.filter(unit__qualification=enrolment.qualification).order_by("pk"))
    if not items or EvidenceItem.objects.of_enrolment(enrolment).exists():
        return
    pieces = [
        (EvidenceKind.PROFESSIONAL_DISCUSSION, "Professional discussion: knowing my customers", "knowledge"),
        (EvidenceKind.OBSERVATION, "Observation on the shop floor and at the service desk", "skills"),
        (EvidenceKind.WITNESS_TESTIMONY, "Testimony from my line manager on how I work", "behaviours"),
    ]
    thirds = [items[index::3] for index in range(3)]
    for (kind, title, _focus), mapped in zip(pieces, thirds, strict=True):
        by = assessor if kind != EvidenceKind.WITNESS_TESTIMONY else enrolment.candidate
        witness = ({"witness_name": "Eve Employer", "witness_role": f"Line manager, {EMPLOYER_NAME}",
                    "witness_email": f"{EMPLOYER[0]}@{DOMAIN}"} if kind == EvidenceKind.WITNESS_TESTIMONY else {})
        item = evidence_services.evidence_create(
            enrolment=enrolment, kind=kind, by=by, title=title, date=today - datetime.timedelta(days=30),
            text="Jo explained and showed each point with examples from the last three months.", **witness)
        version = item.current_version
        evidence_services.mappings_set(version=version, assessable_item_ids=[ksb.pk for ksb in mapped], by=by)
        evidence_services.version_submit(version=version, by=by)
    claims = Mapping.objects.filter(
        version__item__enrolment=enrolment, version__status=VersionStatus.SUBMITTED,
        version__item__current_version=F("version"), status=MappingStatus.CLAIMED,
    ).order_by("pk")
    for mapping in claims:
        assessment_services.mapping_accept(mapping=mapping, by=assessor)


def _review_awaiting_the_employer(*, enrolment: Enrolment, assessor: User, today: datetime.date) -> None:
    """A progress review held last week, signed by the apprentice and the assessor, awaiting the employer."""
    if ProgressReview.objects.filter(enrolment=enrolment).exists():
        return
    review = reviews.review_create(enrolment=enrolment, by=assessor, content=reviews.ReviewContent(
        held_on=today - datetime.timedelta(days=7),
        progress="Riley now handles escalated complaints on her own and has started coaching a new starter.",
        english_maths="Level 2 English and maths achieved before the start; no further study needed.",
        wellbeing="Riley is well and settled in the team; she asked for a quieter desk for calls, agreed.",
        targets=[reviews.Target(text="Lead one team huddle on a complaint handled well, and write it up.",
                                due=today + datetime.timedelta(days=28))],
    ))
    reviews.review_sign(review=review, by=enrolment.candidate, party=Party.CANDIDATE)
    reviews.review_sign(review=review, by=assessor, party=Party.PROVIDER)


def _english_and_maths(*, enrolment: Enrolment, assessor: User, today: datetime.date) -> None:
    """Level 2 English and maths achieved and recorded, as the gateway asks (level 1 achieved, 2 attempted)."""
    if Achievement.objects.filter(enrolment=enrolment).exists():
        return
    for kind, title in ((AchievementKind.ENGLISH, "Functional Skills English"),
                        (AchievementKind.MATHS, "Functional Skills maths")):
        gateway.achievement_record(
            enrolment=enrolment, by=assessor, kind=kind, level=2, title=title,
            achieved_on=today - datetime.timedelta(days=90),
            evidenced_by="Certificate seen by the assessor; a copy is in the apprentice's file.")
