"""manage.py spec_format [--write]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from units.specformat import format_reference

FORMAT_PATH = Path(settings.BASE_DIR) / "fixtures" / "qualifications" / "FORMAT.md"


class Command(BaseCommand):
    help = "Print the reference of the spec file format, generated from the code; --write saves it as FORMAT.md."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help=f"Write {FORMAT_PATH.name} beside the specs.")

    def handle(self, *args: str, write: bool, **options: Any) -> None:
        text = format_reference()
        if write:
            FORMAT_PATH.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {FORMAT_PATH}")
        else:
            self.stdout.write(text, ending="")
