from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Load every qualification spec in fixtures/qualifications/ (natural keys: loading twice changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--folder", default=str(Path(settings.BASE_DIR) / "fixtures" / "qualifications"))

    def handle(self, *args: str, folder: str, **options: Any) -> None:
        files = sorted(Path(folder).glob("*.json"))
        for path in files:
            # One loaddata a file: each is atomic, so a broken spec leaves nothing half-loaded.
            call_command("loaddata", str(path), verbosity=0)
            if options["verbosity"] >= 1:
                self.stdout.write(f"Loaded {path.name}")
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"{len(files)} specs loaded."))
