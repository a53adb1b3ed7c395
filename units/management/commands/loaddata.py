"""manage.py loaddata, with spec files going through the catalogue's one loader.

A fixture file holding a `units.qualification` object is a qualification spec: it is checked and
written by `units.services.specs.publish_spec` (duplicates and unknown values refused, every check
of validate_specs, whole or nothing, rows the file no longer gives removed). Any other fixture is
loaded by Django's own loaddata, unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.utils.translation import gettext as _

from units.services.specs import publish_spec


def is_spec_file(fixture_label: str) -> bool:
    """Whether the label names a JSON file that holds a qualification (a spec)."""
    path = Path(fixture_label)
    if path.suffix != ".json" or not path.is_file():
        return False
    return b'"units.qualification"' in path.read_bytes()


class Command(loaddata.Command):
    help = f"{loaddata.Command.help} Qualification spec files are checked and loaded whole or not at all."

    def handle(self, *fixture_labels: str, **options: Any) -> None:
        specs = [label for label in fixture_labels if is_spec_file(label)]
        others = [label for label in fixture_labels if label not in specs]
        failed = []
        for label in specs:
            path = Path(label)
            try:
                publish_spec(content=path.read_bytes(), name=path.name)
            except ValidationError as error:
                failed.append(path.name)
                for problem in error.messages:
                    self.stderr.write(problem)
        if others:
            super().handle(*others, **options)
        if failed:
            raise CommandError(_("Not loaded: %(files)s") % {"files": ", ".join(failed)})
