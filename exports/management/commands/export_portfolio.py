"""manage.py export_portfolio ENROLMENT_ID [--zip] [--pdf-evidence] [--wait]: the same export as the web page."""

from __future__ import annotations

import time
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from candidates.models import Enrolment
from exports import services
from exports.models import ExportFormat, ExportStatus


class Command(BaseCommand):
    help = "Export an enrolment's portfolio as a PDF (or a ZIP with the original files) through the worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("enrolment_id", type=int)
        parser.add_argument("--zip", action="store_true", help="A ZIP of the original files with the PDF inside.")
        parser.add_argument("--pdf-evidence", action="store_true", help="Append PDF evidence as pages.")
        parser.add_argument("--wait", action="store_true", help="Wait for the worker and print where it stored it.")
        parser.add_argument("--here", action="store_true", help="Build it in this process instead of a worker.")

    def handle(self, *args: Any, enrolment_id: int, zip: bool, pdf_evidence: bool, wait: bool, here: bool,
               **options: Any) -> None:
        enrolment = Enrolment.objects.filter(pk=enrolment_id).first()
        if enrolment is None:
            raise CommandError(f"No enrolment {enrolment_id}.")
        export = services.export_request(
            enrolment=enrolment, by=None, format=ExportFormat.ZIP if zip else ExportFormat.PDF,
            include_pdf_evidence=pdf_evidence,
        )
        self.stdout.write(f"Export {export.pk} queued.")
        if here:
            services.export_build(export_id=export.pk)
        elif not wait:
            return
        last = ""
        while True:
            export.refresh_from_db()
            line = f"{export.progress:3d}% {export.stage_words}"
            if line != last:
                self.stdout.write(line)
                last = line
            if export.is_finished:
                break
            time.sleep(1)
        if export.status == ExportStatus.FAILED:
            raise CommandError(f"Export {export.pk} failed: {export.error}")
        self.stdout.write(f"Stored as {export.file_name} ({export.size} bytes, {export.pages} pages, "
                          f"SHA-256 {export.sha256}).")
        try:
            self.stdout.write(f"File: {default_storage.path(export.file_name)}")
        except NotImplementedError:  # S3 and other remote storages: the storage name above is where it is
            pass
