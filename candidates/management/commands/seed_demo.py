"""Demo data: a centre with one person of each role, a platform admin and two enrolled candidates."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from candidates.models import Centre, Enrolment, EnrolmentStatus, Role, RoleKind, User
from units.models import Qualification

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


class Command(BaseCommand):
    help = "Create the demo centre, people and enrolments (running it twice changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default=DEMO_PASSWORD, help="The shared password of new demo accounts.")
        parser.add_argument(
            "--force", action="store_true",
            help="Run even with DEBUG off: demo accounts with a known password do not belong in production.",
        )

    @transaction.atomic
    def handle(self, *args: object, password: str, force: bool, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: demo accounts have a published password. Use --force to seed anyway.")
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
        today = timezone.localdate()
        for local, code in ENROLMENTS:
            qualification = Qualification.objects.filter(code=code).latest_versions().first()
            if qualification is None:
                self.stderr.write(f"Skipped enrolling {local}: qualification {code} is not loaded (run load_specs).")
                continue
            existing = Enrolment.objects.filter(candidate=people[local], qualification__code=code).exclude(
                status=EnrolmentStatus.WITHDRAWN
            )
            if not existing.exists():
                Enrolment.objects.create(
                    candidate=people[local], centre=centre, qualification=qualification,
                    pathway=qualification.pathways.first(), assessor=people["assessor"], iqa=people["iqa"],
                    start_date=today - datetime.timedelta(days=60),
                    planned_end_date=today + datetime.timedelta(days=305),
                )
        self._seed_evidence(people)
        self.stdout.write(f"Demo centre: {centre.name}. Sign in at /accounts/login/ with password {password!r}:")
        for email, role in rows:
            self.stdout.write(f"  {email:32} {role}")

    def _seed_evidence(self, people: dict[str, User]) -> None:
        # A later app's demo data: imported here, the one place that composes every app's seed.
        from evidence.demo import seed_evidence

        for enrolment in Enrolment.objects.filter(candidate=people["candidate"]).select_related("candidate"):
            created = seed_evidence(enrolment=enrolment, assessor=people["assessor"])
            if created:
                self.stdout.write(f"Demo evidence: {len(created)} items for {enrolment}.")
