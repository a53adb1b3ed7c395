"""manage.py retire_spec CODE VERSION [--reopen]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from units.services.specs import retire_spec
from units.spec import UnknownQualification, resolve_qualification

from ._support import fail


class Command(BaseCommand):
    help = ("Retire one version of a qualification spec: no new enrolments on it, while those enrolled stay on it. "
            "--reopen undoes it. Exit 2 for an unknown code or version.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Qualification code.")
        parser.add_argument("version", help="The version to retire.")
        parser.add_argument("--reopen", action="store_true", help="Allow new enrolments on it again.")

    def handle(self, *args: str, code: str, version: str, reopen: bool, **options: Any) -> None:
        try:
            qualification = resolve_qualification(f"{code}@{version}")
        except UnknownQualification as error:
            fail(self, str(error))
        retire_spec(qualification=qualification, retired=not reopen)
        if options["verbosity"] >= 1:
            names = {"code": code, "version": version}
            if reopen:
                done = _("%(code)s version %(version)s is open for new enrolments.") % names
            else:
                done = _("%(code)s version %(version)s is retired: no new enrolments.") % names
            self.stdout.write(self.style.SUCCESS(done))
