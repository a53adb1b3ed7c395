"""A small apprenticeship standard with a gateway of every kind, and an enrolment brought to (or short of) it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from apprenticeships import services as otj_services
from apprenticeships.models import Achievement, EntryStatus, OtjEntry, OtjPlan
from apprenticeships.signing import Party
from assessments.models import ItemSignOff
from candidates.models import Enrolment, User
from tests.apprenticeships.factories import six_hour_rule
from tests.assessments.factories import accepted_evidence
from units.models import AssessableItem, Criterion, GatewayKind, GatewayRequirement, Outcome, Qualification, Unit

MANDATORY = "Level 2 Certificate in Customer Service"


def make_standard(*, ksbs: int = 2, code: str = "test-standard") -> Qualification:
    """A standard: one unit, outcomes K, S, B with `ksbs` KSBs each, and six gateway requirements (one per kind)."""
    standard = Qualification.objects.create(code=code, version="1", version_order=1, kind="standard", level=2,
                                            title="Test practitioner (Level 2)", awarding_body="Skills England")
    unit = Unit.objects.create(qualification=standard, code="KSB", title="Knowledge, skills and behaviours",
                               level=2, value=0, order=1)
    for group_order, group in enumerate(("K", "S", "B"), start=1):
        outcome = Outcome.objects.create(unit=unit, code=group, title=group, order=group_order)
        for number in range(1, ksbs + 1):
            criterion = Criterion.objects.create(outcome=outcome, code=f"{group}{number}",
                                                 text=f"{group}{number} statement", order=number)
            AssessableItem.objects.create(unit=unit, outcome=outcome, criterion=criterion, code=f"{group}{number}",
                                          text=f"{group}{number} statement", order=group_order * 100 + number)
    for order, (req_code, kind, value, text) in enumerate([
        ("months", GatewayKind.MIN_MONTHS_ON_PROGRAMME, "12", "At least 12 months on programme."),
        ("english", GatewayKind.ENGLISH_LEVEL, "1", "Level 1 English."),
        ("maths", GatewayKind.MATHS_LEVEL, "2", "Level 2 maths."),
        ("otj", GatewayKind.OTJ_HOURS_PLANNED_MET, "", "The planned off-the-job hours are met."),
        ("ksbs", GatewayKind.ALL_ITEMS_EVIDENCED, "", "Every KSB evidenced."),
        ("certificate", GatewayKind.QUALIFICATION_ACHIEVED, MANDATORY, "The certificate achieved."),
    ], start=1):
        GatewayRequirement.objects.create(qualification=standard, code=req_code, kind=kind, value=value, text=text,
                                          order=order)
    return standard


def on_standard(enrolment: Enrolment, standard: Qualification) -> Enrolment:
    Enrolment.objects.filter(pk=enrolment.pk).update(qualification=standard)
    enrolment.refresh_from_db()
    return enrolment


def long_plan(enrolment: Enrolment, *, months_ago: int = 13) -> OtjPlan:
    """A plan that started `months_ago` months ago (about), set by the assessor."""
    today = timezone.localdate()
    return OtjPlan.objects.create(
        enrolment=enrolment, contracted_hours=Decimal("30"),
        planned_start=today - datetime.timedelta(days=31 * months_ago),
        planned_end=today + datetime.timedelta(days=60), rule=six_hour_rule(), set_by=enrolment.assessor,
        set_at=timezone.now())


def verified_hours(enrolment: Enrolment, hours: Decimal | int) -> OtjEntry:
    """One verified entry of `hours` (written straight: the services cap an entry at a day)."""
    return OtjEntry.objects.create(
        enrolment=enrolment, date=timezone.localdate(), minutes=int(Decimal(hours) * 60), activity="taught",
        learned="Complaints", status=EntryStatus.VERIFIED, recorded_by=enrolment.candidate,
        recorded_at=timezone.now(), decided_by=enrolment.assessor, decided_at=timezone.now())


def record(enrolment: Enrolment, kind: str, *, level: int | None = None, title: str = "",
           by: User | None = None) -> Achievement:
    from apprenticeships.gateway import services

    return services.achievement_record(enrolment=enrolment, by=by or enrolment.assessor, kind=kind, level=level,
                                       title=title, achieved_on=timezone.localdate() - datetime.timedelta(days=40),
                                       evidenced_by="Certificate seen by the assessor, number 12345")


def ksbs_of(enrolment: Enrolment) -> list[AssessableItem]:
    return list(AssessableItem.objects.filter(unit__qualification_id=enrolment.qualification_id).order_by("order"))


def sign_off(enrolment: Enrolment, items: list[AssessableItem]) -> None:
    for item in items:
        ItemSignOff.objects.create(enrolment=enrolment, assessable_item=item, by=enrolment.assessor, at=timezone.now())


def ready(enrolment: Enrolment, *, ksbs: int = 2) -> Enrolment:
    """`enrolment` on a new standard with every gateway requirement met: half the KSBs with accepted evidence,
    the others signed off."""
    enrolment = on_standard(enrolment, make_standard(ksbs=ksbs))
    plan = long_plan(enrolment)
    verified_hours(enrolment, otj_services.plan_minimum(plan) + 1)
    record(enrolment, "english", level=1, title="Functional Skills English")
    record(enrolment, "maths", level=2, title="GCSE maths")
    record(enrolment, "qualification", title=MANDATORY)
    items = ksbs_of(enrolment)
    accepted_evidence(enrolment, items[: len(items) // 2], assessor=enrolment.assessor)
    sign_off(enrolment, items[len(items) // 2:])
    return enrolment


def sign_all(enrolment: Enrolment, employer: User) -> None:
    from apprenticeships.gateway import services

    services.gateway_sign(enrolment=enrolment, by=employer, party=Party.EMPLOYER)
    services.gateway_sign(enrolment=enrolment, by=enrolment.candidate, party=Party.CANDIDATE)
    services.gateway_sign(enrolment=enrolment, by=enrolment.assessor, party=Party.PROVIDER)
