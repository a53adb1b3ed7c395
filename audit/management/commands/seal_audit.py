"""`manage.py seal_audit`: seal the audit chains' moved heads and export the newest seal (the beat task's work)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from audit.trail import export_head


class Command(BaseCommand):
    help = (
        "Write a seal naming every audit chain head that moved since the last seal, chained to that seal, and "
        "write the newest seal to the exported head file. Safe to run at any time, and twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--head", type=Path, default=None, help="The exported head file (AUDIT_HEAD_PATH).")

    def handle(self, *args: Any, **options: Any) -> None:
        head = export_head(options["head"])
        self.stdout.write(f"Newest audit seal: #{head.sequence}, exported.")
