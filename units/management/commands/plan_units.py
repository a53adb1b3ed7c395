"""manage.py plan_units CODE [UNIT ...] [--avoid UNIT ...] [--prefer UNIT ...] [--pathway NAME] [--json]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from units.planner import Impossible, plan
from units.rules import SpecError, words

from ._support import fail, load, write_json


class Command(BaseCommand):
    # A read of the catalogue: the system checks (`manage.py check`, run by runserver and migrate) would import
    # every app's URLconf and views first, a third of this command's start-up.
    requires_system_checks: list[str] = []
    help = (
        "Propose the smallest valid completion of the given units (smallest total, then fewest units, then the "
        "preferred ones, then the earliest in the spec). Exit 0 with a plan, 1 when none exists, 2 for bad input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Qualification code (latest version) or CODE@VERSION.")
        parser.add_argument("units", nargs="*", metavar="UNIT", help="Units already chosen.")
        parser.add_argument("--avoid", nargs="+", default=[], metavar="UNIT", help="Units not to propose.")
        parser.add_argument("--prefer", nargs="+", default=[], metavar="UNIT", help="Units to propose on a tie.")
        parser.add_argument("--pathway", help="The pathway followed, where the qualification has pathways.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="One JSON object on stdout.")

    def handle(self, *args: str, code: str, units: list[str], avoid: list[str], prefer: list[str], pathway: str | None,
               as_json: bool, **options: Any) -> None:
        qualification, spec = load(self, code)
        try:
            result = plan(spec, units, avoid=avoid, prefer=prefer, pathway=pathway)
        except SpecError as error:  # UnknownUnits, PathwayError, or an inconsistent spec
            fail(self, str(error))
        if isinstance(result, Impossible):
            if as_json:
                write_json(self, {"qualification": qualification.code, "error": "; ".join(result.reasons)})
            else:
                self.stderr.write(f"No valid combination of units for {qualification.code} v{qualification.version}:")
                for reason in result.reasons:
                    self.stderr.write(f"  - {reason}")
            raise SystemExit(1)
        if as_json:
            write_json(self, {"qualification": qualification.code, "units": list(result.units),
                              "total": result.total})
            return
        chosen = set(units)
        self.stdout.write(f"Plan for {qualification.title} ({qualification.code} v{qualification.version})"
                          + (f", pathway {pathway}" if pathway else "") + ":")
        by_code = {u.code: u for u in spec.units}
        for unit_code in result.units:
            unit = by_code[unit_code]
            mark = "chosen  " if unit_code in chosen else "proposed"
            value = "" if spec.value_name == "none" else f" [{unit.value}]"
            self.stdout.write(f"  {mark}  {unit_code}  {unit.title}{value}")
        self.stdout.write(f"Total: {result.total} {words(result.total, False, spec.value_name)} "
                          f"in {len(result.units)} unit{'s' if len(result.units) != 1 else ''}")
