"""manage.py check_combination CODE UNIT [UNIT ...] [--pathway NAME] [--json]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from units.rules import SpecError, evaluate, words

from ._support import fail, load, write_json


class Command(BaseCommand):
    # A read of the catalogue: the system checks (`manage.py check`, run by runserver and migrate) would import
    # every app's URLconf and views first, a third of this command's start-up.
    requires_system_checks: list[str] = []
    help = (
        "Check a combination of units against a qualification's rules of combination: one line per rule and "
        "the total. Exit 0 whether or not it is valid; 2 for an unknown qualification, unit or pathway."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Qualification code (latest version) or CODE@VERSION.")
        parser.add_argument("units", nargs="+", metavar="UNIT", help="Unit codes.")
        parser.add_argument("--pathway", help="The pathway followed, where the qualification has pathways.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="One JSON object on stdout.")

    def handle(
        self, *args: str, code: str, units: list[str], pathway: str | None, as_json: bool, **options: Any
    ) -> None:
        qualification, spec = load(self, code)
        try:
            evaluation = evaluate(spec, units, pathway)
        except SpecError as error:  # UnknownUnits, PathwayError, or an inconsistent spec
            fail(self, str(error))
        if as_json:
            write_json(self, {
                "qualification": qualification.code,
                "valid": evaluation.valid,
                "total": evaluation.total,
                "rules": [
                    {
                        "rule": r.identifier,
                        "met": r.met,
                        "value": r.value,
                        "minimum": r.minimum,
                        "maximum": r.maximum,
                        "shortfall": r.shortfall,
                        "excess": r.excess,
                        "message": r.message,
                    }
                    for r in evaluation.results
                ],
            })
            return
        title = f"{qualification.title} ({qualification.code} v{qualification.version})"
        if pathway:
            title += f", pathway {pathway}"
        self.stdout.write(title)
        self.stdout.write(f"Units: {' '.join(dict.fromkeys(units))}")
        width = max((len(r.identifier) for r in evaluation.results), default=0)
        for r in evaluation.results:
            status = self.style.SUCCESS("met  ") if r.met else self.style.ERROR("short")
            self.stdout.write(f"  {status}  {r.identifier.ljust(width)}  {r.message}")
        total = f"Total: {evaluation.total} {words(evaluation.total, False, spec.value_name)}"
        hours = []
        if evaluation.glh is not None:
            hours.append(f"{evaluation.glh} GLH")
        if evaluation.tqt is not None:
            hours.append(f"{evaluation.tqt} hours TQT")
        if hours:
            total += f" ({', '.join(hours)})"
        self.stdout.write(total)
        if evaluation.valid:
            self.stdout.write(self.style.SUCCESS("Valid: every rule is met."))
        else:
            short = sum(1 for r in evaluation.results if not r.met)
            self.stdout.write(self.style.ERROR(f"Not valid: {short} rule{'s' if short != 1 else ''} not met."))
