"""Build a realistic centre of people for demos and benchmarks, in a few bulk inserts.

The centre is named by the seed (code ``generated-<seed>``); running the command
again with the same seed finds it and changes nothing. Every generated account
shares one password (``--password``), hashed once.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from candidates.models import (
    Centre,
    Coverage,
    Enrolment,
    PlanStatus,
    Role,
    RoleKind,
    SelfAssessment,
    UnitChoice,
    User,
)
from candidates.services.plan import mandatory_codes, planner_preferences, with_mandatory
from units.models import Qualification, QualificationKind
from units.planner import Plan, plan
from units.rules import Spec, evaluate
from units.spec import spec_for

FIRST_NAMES = (
    "Aisha", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hamza", "Isla", "Jack", "Kavya", "Liam", "Maya",
    "Noah", "Olivia", "Priya", "Quinn", "Ruby", "Sam", "Tariq", "Uma", "Vik", "Willow", "Xavier", "Yusuf", "Zara",
)
LAST_NAMES = (
    "Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal", "Jones", "Khan",
    "Lewis", "Morgan", "Nowak", "O'Brien", "Patel", "Quigley", "Roberts", "Singh", "Taylor", "Usman", "Walker",
    "Young", "Zielinski",
)


class Command(BaseCommand):
    help = (
        "Generate a centre (code generated-<seed>) with candidates, assessors, IQAs and a centre admin, enrolled on "
        "the loaded qualifications, with self-assessments and unit plans (valid, draft or none). Idempotent per seed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--candidates", type=int, default=200)
        parser.add_argument("--assessors", type=int, default=20)
        parser.add_argument("--iqas", type=int, default=None, help="Default: one per five assessors.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default="generated-centre-password")

    def handle(self, *args: Any, candidates: int, assessors: int, iqas: int | None, seed: int, password: str,
               **options: Any) -> None:
        code = f"generated-{seed}"
        if Centre.objects.filter(code=code).exists():
            self.stdout.write(f"Centre {code} already exists: nothing to do.")
            return
        qualifications = list(
            Qualification.objects.latest_versions().filter(kind=QualificationKind.QUALIFICATION, units__isnull=False)
            .distinct().order_by("code")
        )
        if not qualifications:
            raise CommandError("No qualifications are loaded: run `manage.py load_specs` first.")
        if candidates < 1 or assessors < 1:
            raise CommandError("Give at least one candidate and one assessor.")
        started = timezone.now()
        with transaction.atomic():
            centre = generate_centre(
                code=code, seed=seed, candidates=candidates, assessors=assessors,
                iqas=iqas if iqas is not None else max(1, assessors // 5), password=password,
                qualifications=qualifications,
            )
        seconds = (timezone.now() - started).total_seconds()
        enrolments = Enrolment.objects.filter(centre=centre)
        self.stdout.write(self.style.SUCCESS(
            f"Centre {centre.name} ({code}): {enrolments.count()} enrolments, "
            f"{enrolments.filter(plan_status=PlanStatus.VALID).count()} valid plans, "
            f"{enrolments.filter(plan_status=PlanStatus.DRAFT).count()} drafts, in {seconds:.1f} s. "
            f"Centre admin: admin-{seed}@generated.example; every password: {password}"
        ))


def _people(rng: random.Random, seed: int, kind: str, count: int, password: str) -> list[User]:
    people = []
    for n in range(1, count + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        people.append(User(email=f"{kind}-{seed}-{n}@generated.example", first_name=first, last_name=last,
                           password=password))
    return User.objects.bulk_create(people)


def _coverage(rng: random.Random, spec: Spec) -> dict[str, str]:
    weights = (Coverage.FULLY, Coverage.PARTLY, Coverage.NOT_YET)
    return {unit.code: rng.choices(weights, (3, 4, 3))[0] for unit in spec.units}


def _planned_units(rng: random.Random, spec: Spec, pathway: str | None, coverage: dict[str, str],
                   want_valid: bool) -> list[str]:
    """A plan as a candidate leaves it: the planner's completion of a few ticks, or mandatory units and one more."""
    optional = [u.code for u in spec.units if u.code not in mandatory_codes(spec, pathway)]
    ticked = rng.sample(optional, k=min(len(optional), rng.randint(0, 2)))
    if want_valid:
        proposal = plan(spec, with_mandatory(spec, pathway, ticked), prefer=planner_preferences(coverage),
                        pathway=pathway)
        if isinstance(proposal, Plan):
            return list(proposal.units)
        proposal = plan(spec, with_mandatory(spec, pathway, ()), pathway=pathway)
        if isinstance(proposal, Plan):
            return list(proposal.units)
    return with_mandatory(spec, pathway, ticked[:1])


def generate_centre(*, code: str, seed: int, candidates: int, assessors: int, iqas: int, password: str,
                    qualifications: Sequence[Qualification]) -> Centre:
    """Create the centre, its people and their enrolments, self-assessments and plans; returns the centre."""
    rng = random.Random(seed)
    hashed = make_password(password)
    centre = Centre.objects.create(name=f"Generated Training Centre {seed}", code=code)
    admin = _people(rng, seed, "admin", 1, hashed)
    staff = {
        RoleKind.ASSESSOR: _people(rng, seed, "assessor", assessors, hashed),
        RoleKind.IQA: _people(rng, seed, "iqa", iqas, hashed),
        RoleKind.CANDIDATE: _people(rng, seed, "candidate", candidates, hashed),
        RoleKind.CENTRE_ADMIN: admin,
    }
    Role.objects.bulk_create(
        [Role(user=person, centre=centre, kind=kind) for kind, people in staff.items() for person in people]
    )
    specs = {q.pk: spec_for(q) for q in qualifications}
    pathways = {q.pk: list(q.pathways.values_list("pk", "name")) for q in qualifications}
    today = timezone.localdate()
    enrolments, plans = [], []
    for n, person in enumerate(staff[RoleKind.CANDIDATE]):
        qualification = qualifications[n % len(qualifications)]
        pathway = rng.choice(pathways[qualification.pk]) if pathways[qualification.pk] else None
        start = today - datetime.timedelta(days=rng.randint(0, 400))
        enrolments.append(Enrolment(
            candidate=person, centre=centre, qualification=qualification, pathway_id=pathway[0] if pathway else None,
            assessor=staff[RoleKind.ASSESSOR][n % assessors], iqa=rng.choice(staff[RoleKind.IQA]),
            start_date=start, planned_end_date=start + datetime.timedelta(days=rng.choice((365, 450, 540))),
            uln=f"{rng.randrange(10**9, 10**10)}", registration_number=f"REG{seed:03d}{n:05d}",
        ))
        plans.append(pathway[1] if pathway else None)
    Enrolment.objects.bulk_create(enrolments)

    unit_pks = {
        q.pk: dict(q.units.values_list("code", "pk")) for q in qualifications
    }
    assessments, choices = [], []
    for enrolment, pathway in zip(enrolments, plans, strict=True):
        spec = specs[enrolment.qualification_id]
        units = unit_pks[enrolment.qualification_id]
        roll = rng.random()
        if roll < 0.15:  # just enrolled: nothing done yet
            continue
        coverage = _coverage(rng, spec)
        assessments += [SelfAssessment(enrolment=enrolment, unit_id=units[c], coverage=v) for c, v in coverage.items()]
        if roll < 0.3:  # self-assessed, no plan yet
            continue
        codes = _planned_units(rng, spec, pathway, coverage, want_valid=roll < 0.8)
        choices += [UnitChoice(enrolment=enrolment, unit_id=units[c]) for c in codes]
        enrolment.plan_status = PlanStatus.VALID if evaluate(spec, codes, pathway).valid else PlanStatus.DRAFT
        enrolment.plan_saved_at = timezone.now()
    SelfAssessment.objects.bulk_create(assessments, batch_size=2000)
    UnitChoice.objects.bulk_create(choices, batch_size=2000)
    Enrolment.objects.bulk_update(
        [e for e in enrolments if e.plan_saved_at], ["plan_status", "plan_saved_at"], batch_size=500
    )
    return centre
