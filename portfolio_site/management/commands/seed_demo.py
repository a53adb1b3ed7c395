"""Demo data: a centre with one person of each role, a platform admin, two candidates at every stage, and
three apprentices on the customer service standards with their employer contact.

It composes every app's demo module in dependency order (units are loaded by
`load_specs` first), so it lives here beside the other pages that compose every
app: candidates -> evidence -> assessments -> apprenticeships -> exports.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings

from candidates.models import Centre, Enrolment, User
from exports import services as export_services
from exports.models import CentreFigures, PortfolioExport
from portfolio_site.demo.apprenticeships import seed_apprenticeships
from portfolio_site.demo.assessments import seed_assessments, seed_support
from portfolio_site.demo.evidence import seed_draft_evidence, seed_evidence
from portfolio_site.demo.people import DEMO_PASSWORD, DemoPeople, seed_enrolments, seed_first_steps, seed_people


class Command(BaseCommand):
    help = "Create the demo centre, people and enrolments at every stage (running it twice changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default=DEMO_PASSWORD, help="The shared password of new demo accounts.")
        parser.add_argument(
            "--force", action="store_true",
            help="Run even with DEBUG off: demo accounts with a known password do not belong in production.",
        )
        parser.add_argument(
            "--no-export", action="store_true",
            help="Skip rendering the candidate's portfolio PDF (the slowest step, a few seconds).",
        )

    def handle(self, *args: object, password: str, force: bool, no_export: bool, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: demo accounts have a published password. Use --force to seed anyway.")
        # The demo addresses are not real mailboxes, and the workflow's emails (sent after commit)
        # would bury the sign-in details below: drop them.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
            demo = self._seed(password=password, export=not no_export)
        self.stdout.write(f"Demo centre: {demo.centre.name}. Sign in at /accounts/login/ with password {password!r}:")
        for email, role in demo.rows:
            self.stdout.write(f"  {email:32} {role}")

    def _seed(self, *, password: str, export: bool) -> DemoPeople:
        demo = seed_people(password=password)
        enrolments, skipped = seed_enrolments(demo=demo)
        for message in skipped:
            self.stderr.write(message)
        assessor, iqa = demo.people["assessor"], demo.people["iqa"]
        dana = enrolments.get("candidate")
        if dana is not None:
            seed_first_steps(enrolment=dana, valid_plan=True)
            created = seed_evidence(enrolment=dana, assessor=assessor)
            if created:
                self.stdout.write(f"Demo evidence: {len(created)} items for {dana}.")
            seed_assessments(enrolment=dana, assessor=assessor, iqa=iqa)
            seed_support(enrolment=dana, assessor=assessor)
            if export:
                self._seed_export(enrolment=dana, by=dana.candidate)
        chris = enrolments.get("candidate2")
        if chris is not None:
            seed_first_steps(enrolment=chris, valid_plan=False)
            seed_draft_evidence(enrolment=chris)
        _apprentices, skipped = seed_apprenticeships(demo=demo, password=password)
        for message in skipped:
            self.stderr.write(message)
        self._seed_figures(centre=demo.centre)
        return demo

    def _seed_figures(self, *, centre: Centre) -> None:
        # The dashboard reads figures a worker computes: computed here (once), so it shows them at once; beat
        # keeps them fresh from then on.
        if CentreFigures.objects.filter(centre=centre).exists():
            return
        figures = export_services.figures_compute(centre_id=centre.pk)
        if figures is not None:
            self.stdout.write(f"Demo dashboard figures for {centre.name}: computed in {figures.seconds:.1f} s.")

    def _seed_export(self, *, enrolment: Enrolment, by: User) -> None:
        # Built here rather than by the worker, so the demo shows a finished export even before
        # the worker starts; the task queued after commit then finds it done and does nothing.
        if PortfolioExport.objects.filter(enrolment=enrolment).exists():
            return
        export = export_services.export_request(enrolment=enrolment, by=by)
        outcome = export_services.export_build(export_id=export.pk)
        self.stdout.write(f"Demo portfolio export for {enrolment}: {outcome}.")
