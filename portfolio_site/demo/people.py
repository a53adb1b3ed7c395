"""Demo people, enrolments and first steps for `manage.py seed_demo`: a centre, one person of each role, two candidates.

Dana's enrolment gets a self-assessment and a valid unit plan (the spec's worked
example where the spec has it); Chris's a self-assessment and a draft plan that
does not meet the rules yet. Every write goes through the services. Idempotent:
what exists already (a person, a role, an enrolment, a self-assessment, a saved
plan) is left as it is, so a re-run never undoes what someone did in the demo.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from candidates.models import Centre, Coverage, Enrolment, EnrolmentStatus, PlanStatus, Role, RoleKind, User
from candidates.services.plan import pathway_of, plan_save, plan_suggest, self_assessment_save
from units.models import Qualification
from units.planner import Plan
from units.spec import spec_for

DEMO_PASSWORD = "demo-portfolio-2026"
DOMAIN = "demo.example.org"

#: (email local part, first name, last name, role in the demo centre or None for the platform admin)
PEOPLE = [
    ("candidate", "Dana", "Candidate", RoleKind.CANDIDATE),
    ("candidate2", "Chris", "Second", RoleKind.CANDIDATE),
    ("assessor", "Alex", "Assessor", RoleKind.ASSESSOR),
    ("iqa", "Imran", "Quality", RoleKind.IQA),
    ("admin", "Morgan", "Admin", RoleKind.CENTRE_ADMIN),
    ("eqa", "Erin", "External", RoleKind.EQA),
    ("platform", "Pat", "Platform", None),
]
#: (candidate's email local part, qualification code): each on the latest loaded version.
ENROLMENTS = [("candidate", "ocr-l3-customer-service"), ("candidate2", "cs-standards-l3")]
#: The candidate's worked example of the OCR spec (DOMAIN.md): 42 credits, a valid combination.
WORKED_EXAMPLE = ("F3", "F4", "A3", "A13", "B11", "C5", "D6")


@dataclass
class DemoPeople:
    """The demo centre and its people by email local part, with (email, role label) rows to print."""

    centre: Centre
    people: dict[str, User]
    rows: list[tuple[str, str]]


def seed_people(*, password: str) -> DemoPeople:
    """The demo centre and one person of each role; a new account gets `password`, an existing one keeps its own."""
    centre, _ = Centre.objects.get_or_create(code="demo", defaults={"name": "Demo Training Centre"})
    people: dict[str, User] = {}
    rows = []
    for local, first_name, last_name, kind in PEOPLE:
        email = f"{local}@{DOMAIN}"
        person, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first_name, "last_name": last_name,
                                   "is_staff": kind is None, "is_superuser": kind is None},
        )
        if created:
            # Only on creation: a re-run must not change a password someone may have changed.
            person.set_password(password)
            person.save(update_fields=["password"])
        if kind is not None:
            Role.objects.get_or_create(user=person, centre=centre, kind=kind)
        people[local] = person
        rows.append((email, RoleKind(kind).label if kind else "Platform admin (superuser)"))
    return DemoPeople(centre=centre, people=people, rows=rows)


def seed_enrolments(*, demo: DemoPeople) -> tuple[dict[str, Enrolment], list[str]]:
    """Each demo candidate's open enrolment ({local part: enrolment}), created when missing.

    Also returns a message for each qualification that is not loaded (its candidate is skipped).
    """
    today = timezone.localdate()
    enrolments: dict[str, Enrolment] = {}
    skipped = []
    for local, code in ENROLMENTS:
        candidate = demo.people[local]
        existing = (
            Enrolment.objects.filter(candidate=candidate, qualification__code=code)
            .exclude(status=EnrolmentStatus.WITHDRAWN).select_related("candidate", "qualification").first()
        )
        if existing is not None:
            enrolments[local] = existing
            continue
        qualification = Qualification.objects.filter(code=code).latest_versions().first()
        if qualification is None:
            skipped.append(f"Skipped enrolling {local}: qualification {code} is not loaded (run load_specs).")
            continue
        enrolments[local] = Enrolment.objects.create(
            candidate=candidate, centre=demo.centre, qualification=qualification,
            pathway=qualification.pathways.first(), assessor=demo.people["assessor"], iqa=demo.people["iqa"],
            start_date=today - datetime.timedelta(days=60), planned_end_date=today + datetime.timedelta(days=305),
        )
    return enrolments, skipped


def seed_first_steps(*, enrolment: Enrolment, valid_plan: bool) -> None:
    """A self-assessment of every unit, then a saved plan: valid (Dana) or a draft short of the rules (Chris).

    The valid plan is the spec's worked example when the spec has those units, else the
    planner's smallest valid completion. The draft holds the mandatory units only.
    Either step is skipped when the enrolment already has it.
    """
    spec = spec_for(enrolment.qualification)
    codes = [unit.code for unit in spec.units]
    chosen: list[str] = []
    if valid_plan:
        proposal = plan_suggest(spec=spec, pathway=pathway_of(enrolment),
                                codes=[code for code in WORKED_EXAMPLE if code in codes])
        chosen = list(proposal.units) if isinstance(proposal, Plan) else []
    if not enrolment.self_assessments.exists():
        # Most of the planned units are covered by the job; the rest only partly, or not yet.
        coverage = {code: Coverage.NOT_YET for code in codes}
        for index, code in enumerate(chosen or codes):
            coverage[code] = Coverage.FULLY if index % 3 != 2 else Coverage.PARTLY
        self_assessment_save(enrolment=enrolment, coverage=coverage, by=enrolment.candidate)
    if enrolment.plan_status == PlanStatus.NONE:
        plan_save(enrolment=enrolment, codes=chosen, by=enrolment.candidate, spec=spec)
