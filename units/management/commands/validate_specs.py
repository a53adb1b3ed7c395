"""manage.py validate_specs [CODE ...]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from units.models import Qualification
from units.spec import UnknownQualification, resolve_qualification
from units.validation import problems

from ._support import fail


class Command(BaseCommand):
    # A read of the catalogue: the system checks (`manage.py check`, run by runserver and migrate) would import
    # every app's URLconf and views first, a third of this command's start-up.
    requires_system_checks: list[str] = []
    help = (
        "Check loaded specs: references inside each spec, empty groups, contradictory rules, assessable items at "
        "the finest level, and that every rule set (each pathway) can be satisfied. Exit 0 when all is well, 1 "
        "otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", nargs="*", metavar="CODE",
                            help="Qualification codes (every version) or CODE@VERSION; default: every spec.")

    def handle(self, *args: str, codes: list[str], **options: Any) -> None:
        qualifications = self._named(codes) if codes else list(Qualification.objects.order_by("code", "version_order"))
        seen: set[int] = set()
        count = 0
        for qualification in qualifications:
            if qualification.pk in seen:
                continue
            seen.add(qualification.pk)
            label = f"{qualification.code}@{qualification.version}"
            found = problems(qualification)
            count += len(found)
            if found:
                for problem in found:
                    self.stdout.write(_("%(spec)s: %(problem)s") % {"spec": label, "problem": problem})
            elif options["verbosity"] >= 1:
                self.stdout.write(_("%(spec)s: ok") % {"spec": label})
        if count:
            self.stderr.write(_summary(count, len(seen)))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(
            ngettext("%(count)d specification checked: all is well.",
                     "%(count)d specifications checked: all is well.", len(seen)) % {"count": len(seen)}
        ))

    def _named(self, codes: list[str]) -> list[Qualification]:
        """Every version of each CODE, or exactly CODE@VERSION, in the order named."""
        qualifications: list[Qualification] = []
        for code in codes:
            try:
                found = resolve_qualification(code)
            except UnknownQualification as error:
                fail(self, str(error))
            if "@" in code:
                qualifications.append(found)
            else:
                qualifications.extend(Qualification.objects.filter(code=found.code).order_by("version_order"))
        return qualifications


def _summary(count: int, specs: int) -> str:
    """'3 problems found in 2 specifications.': the number of specifications as a whole phrase of its own."""
    specifications = ngettext("%(specs)d specification", "%(specs)d specifications", specs) % {"specs": specs}
    return ngettext("%(count)d problem found in %(specifications)s.", "%(count)d problems found in %(specifications)s.",
                    count) % {"count": count, "specifications": specifications}
