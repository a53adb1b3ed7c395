"""manage.py load_specs [PATH ...] [--check]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        if failed:
            self.stderr.write(_not_done(failed, len(files), check))
            raise SystemExit(1)
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(_done(len(files), check)))

    def _one(self, path: Path, check: bool) -> SpecCheck | None:
        """The file's check, its problems written one a line on stderr; None when it cannot be read."""
        try:
            content = path.read_bytes()
        except OSError as error:
            self.stderr.write(_("%(file)s: cannot be read: %(error)s") % {"file": path.name, "error": error.strerror})
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
    what = {"file": path.name, "code": result.code, "version": result.version, "count": len(result.changes)}
    if result.unchanged:
        return _("%(file)s: %(code)s version %(version)s is loaded already, unchanged") % what
    if result.replaces and check:
        return ngettext("%(file)s: would replace %(code)s version %(version)s (%(count)d change)",
                        "%(file)s: would replace %(code)s version %(version)s (%(count)d changes)",
                        len(result.changes)) % what
    if result.replaces:
        return ngettext("%(file)s: replaced %(code)s version %(version)s (%(count)d change)",
                        "%(file)s: replaced %(code)s version %(version)s (%(count)d changes)",
                        len(result.changes)) % what
    if check:
        return _("%(file)s: would load %(code)s version %(version)s") % what
    return _("%(file)s: loaded %(code)s version %(version)s") % what


def _not_done(failed: int, total: int, check: bool) -> str:
    counts = {"failed": failed, "total": total}
    if check:
        return ngettext("%(failed)d of %(total)d spec file not checked.",
                        "%(failed)d of %(total)d spec files not checked.", total) % counts
    return ngettext("%(failed)d of %(total)d spec file not loaded.",
                    "%(failed)d of %(total)d spec files not loaded.", total) % counts


def _done(count: int, check: bool) -> str:
    if check:
        return ngettext("%(count)d spec file checked.", "%(count)d spec files checked.", count) % {"count": count}
    return ngettext("%(count)d spec file loaded.", "%(count)d spec files loaded.", count) % {"count": count}
