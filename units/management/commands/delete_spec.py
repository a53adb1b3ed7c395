"""manage.py delete_spec CODE VERSION"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from units.services.specs import delete_spec
from units.spec import UnknownQualification, resolve_qualification

from ._support import fail


class Command(BaseCommand):
    help = ("Delete one version of a qualification spec with all its rows; refused (exit 1) when anyone is enrolled "
            "on it: retire it instead. Exit 2 for an unknown code or version.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Qualification code.")
        parser.add_argument("version", help="The version to delete.")

    def handle(self, *args: str, code: str, version: str, **options: Any) -> None:
        try:
            qualification = resolve_qualification(f"{code}@{version}")
        except UnknownQualification as error:
            fail(self, str(error))
        try:
            delete_spec(qualification=qualification)
        except ValidationError as error:
            fail(self, " ".join(error.messages), code=1)
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(_("Deleted %(code)s version %(version)s.")
                                                 % {"code": code, "version": version}))
