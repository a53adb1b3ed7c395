"""`manage.py verify_audit`: check every audit chain, the seals over them and the seal last exported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.trail import default_jobs, verify


class Command(BaseCommand):
    help = (
        "Check every audit record's hash, seal and link in its chain, each chain's end against its head, every "
        "seal and the heads it names, and the newest seal against the exported head. Exit 0 when intact; "
        "exit 1 naming the first record or seal altered, inserted or deleted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--head", type=Path, default=None, help="The exported head file (AUDIT_HEAD_PATH).")
        parser.add_argument(
            "--jobs", type=int, default=default_jobs(),
            help="Worker processes walking the chains side by side, each with its own database connection "
                 "(default: one per core, up to 4; 1 walks them all in this process).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["jobs"] < 1:
            raise CommandError(f"--jobs must be 1 or more, not {options['jobs']}.")
        verdict = verify(head_path=options["head"], jobs=options["jobs"])
        if not verdict.intact:
            raise CommandError(f"Audit trail broken after {verdict.checked} good records: {verdict.problem}.",
                               returncode=1)
        chains = "chain" if verdict.chains == 1 else "chains"
        seals = "seal" if verdict.seals == 1 else "seals"
        self.stdout.write(f"Audit trail intact: {verdict.checked} records in {verdict.chains} {chains}, "
                          f"{verdict.seals} {seals}.")
