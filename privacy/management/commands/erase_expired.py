"""`manage.py erase_expired [--dry-run] [--centre CODE]`: erase the personal data of expired enrolments."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from candidates.models import Centre
from privacy.services import erasure


class Command(BaseCommand):
    help = (
        "Erase the personal data of enrolments withdrawn or completed longer than RETENTION_DAYS ago, one "
        "transaction each, each erasure recorded in the audit trail. --dry-run lists them and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would be erased; change nothing.")
        parser.add_argument("--centre", default=None, help="Only this centre (its code).")

    def handle(self, *args: Any, **options: Any) -> None:
        centre = None
        if options["centre"]:
            centre = Centre.objects.filter(code=options["centre"]).first()
            if centre is None:
                raise CommandError(f"No centre has the code {options['centre']!r}.")
        plan = erasure.erasure_plan(centre=centre)
        self.stdout.write(f"{len(plan)} enrolment(s) past the retention period of {settings.RETENTION_DAYS} days.")
        for row in plan:
            enrolment = row.enrolment
            self.stdout.write(
                f"  enrolment #{enrolment.pk} ({enrolment.status} since {enrolment.status_since:%Y-%m-%d}): "
                f"{row.evidence_versions} evidence version(s), {row.files} file(s), {row.questions} question(s), "
                f"{row.action_points} action point(s), {row.otj_entries} off-the-job entr(y/ies), "
                f"{row.exports} export(s); account {'closed' if row.account_closed else 'kept'}")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was changed.")
            return
        erased = erasure.erase_expired(centre=centre, by=None)
        self.stdout.write(f"Erased {len(erased)} enrolment(s); each erasure is recorded in the audit trail.")
