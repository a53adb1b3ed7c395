"""manage.py load_specs [PATH ...] [--check]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from units.services.specs import SpecCheck, check_spec, publish_spec


def spec_files(paths: list[str]) -> list[Path]:
    """The files named, and every *.json of the folders named, in name order."""
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return files


class Command(BaseCommand):
    help = (
        "Load qualification specs (default: every file in fixtures/qualifications/). Each file is checked as "
        "validate_specs checks a spec and loads whole or not at all; a version with enrolments cannot change. "
        "Every bad file is reported and the good ones still load. Exit 0 when all loaded, 1 otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", metavar="PATH", help="Spec files or folders of them.",
                            default=[str(Path(settings.BASE_DIR) / "fixtures" / "qualifications")])
        parser.add_argument("--check", action="store_true", help="Report problems and changes; write nothing.")

    def handle(self, *args: str, paths: list[str], check: bool, **options: Any) -> None:
        files = spec_files(paths)
        failed = 0
        for path in files:
            result = self._one(path, check)
            if result is None or result.problems:
                failed += 1
            elif options["verbosity"] >= 1:
                self.stdout.write(_outcome(path, result, check))
                if options["verbosity"] >= 2 or check:
                    for change in result.changes:
                        self.stdout.write(f"  {change}")
        loaded = len(files) - failed
        verb = "checked" if check else "loaded"
        if failed:
            self.stderr.write(f"{failed} of {len(files)} spec file{'s' if len(files) != 1 else ''} not {verb}.")
            raise SystemExit(1)
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"{loaded} spec file{'s' if loaded != 1 else ''} {verb}."))

    def _one(self, path: Path, check: bool) -> SpecCheck | None:
        """The file's check, its problems written one a line on stderr; None when it cannot be read."""
        try:
            content = path.read_bytes()
        except OSError as error:
            self.stderr.write(f"{path.name}: cannot be read: {error.strerror}")
            return None
        if check:
            result = check_spec(content=content, name=path.name)
            for problem in result.problems:
                self.stderr.write(problem)
            return result
        try:
            return publish_spec(content=content, name=path.name)
        except ValidationError as error:
            for problem in error.messages:
                self.stderr.write(problem)
            return None


def _outcome(path: Path, result: SpecCheck, check: bool) -> str:
    what = f"{result.code} version {result.version}"
    if result.unchanged:
        return f"{path.name}: {what} is loaded already, unchanged"
    if result.replaces:
        n = len(result.changes)
        return f"{path.name}: {'would replace' if check else 'replaced'} {what} ({n} change{'s' if n != 1 else ''})"
    return f"{path.name}: {'would load' if check else 'loaded'} {what}"
