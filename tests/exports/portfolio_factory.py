"""Portfolios for the export tests: `portfolio_data` builds the dataclasses directly (no database);
`make_portfolio` (a fixture in conftest.py) builds the rows of every app for one enrolment."""

from __future__ import annotations

import datetime
import hashlib
import io

from PIL import Image

from exports.data import (
    Countersignature,
    Decision,
    EvidenceItem,
    ItemSection,
    MappedEvidence,
    PortfolioData,
    RulesStatus,
    SignOff,
    StoredFile,
    UnitSection,
)

DAY = datetime.date(2026, 3, 2)


def jpeg_bytes(size: tuple[int, int] = (400, 300), *, orientation: int | None = None, colour: str = "navy") -> bytes:
    image = Image.new("RGB", size, colour)
    image.paste((255, 200, 0), (0, 0, size[0] // 4, size[1] // 4))  # a yellow corner shows the orientation
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def pdf_bytes(pages: int = 2, text: str = "Appended evidence page") -> bytes:
    from weasyprint import HTML

    body = "".join(f'<p style="break-after: page">{text} {n}</p>' for n in range(1, pages + 1))
    return HTML(string=body).write_pdf()


def stored(name: str, data: bytes, mime: str, storage_name: str | None = None) -> StoredFile:
    return StoredFile(name=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                      storage_name=storage_name or f"evidence/{name}", mime=mime)


def portfolio_data(
    *, units: int = 3, items: int = 12, text_length: int = 3000, candidate: str = "Cara Candidate",
    files: dict[int, tuple[StoredFile, ...]] | None = None, text: str | None = None,
) -> PortfolioData:
    files = files or {}
    evidence = tuple(
        EvidenceItem(
            ref=f"E{n}", title=f"Evidence title {n}", kind="Personal statement", status="Submitted", version=1,
            created=DAY, submitted=DAY, author=candidate,
            text=text if text is not None else (f"Statement {n}. " + "I dealt with the customer's complaint. "
                                                * (text_length // 40)),
            files=files.get(n, (stored(f"notes-{n}.txt", f"notes {n}".encode(), "text/plain"),)),
        )
        for n in range(1, items + 1)
    )
    sections = tuple(
        UnitSection(
            code=f"U{u}", title=f"Unit number {u}", level=3, value_label="6 credits", group="A",
            items=tuple(
                ItemSection(
                    code=f"{o}.{c}", text=f"Criterion {o}.{c} of U{u}", outcome_code=str(o),
                    outcome_title=f"Outcome {o} of U{u}", is_knowledge=c == 2,
                    evidence=(MappedEvidence("E1", "Evidence title 1", Decision("Accepted", "Ash Assessor", DAY,
                                                                                "Well argued.")),),
                    sign_off=SignOff("Ash Assessor", DAY),
                )
                for o in (1, 2) for c in (1, 2)
            ),
            sign_off=SignOff("Ash Assessor", DAY, "I confirm."),
            countersignatures=(Countersignature("Ivy Quality", DAY, "Countersigned", "Sampled."),),
        )
        for u in range(1, units + 1)
    )
    return PortfolioData(
        candidate=candidate, candidate_email="cara.candidate@example.org", centre="Northgate Training",
        qualification="Tiny Diploma in Customer Service", qualification_code="tiny v1",
        awarding_body="Test Awarding Body", assessor="Ash Assessor", iqa="Ivy Quality",
        start_date=DAY, planned_end_date=DAY + datetime.timedelta(days=365),
        generated_at=datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC),
        plan=RulesStatus(True, "The plan meets the rules of combination (3 units).", ((True, "At least 18 credits."),)),
        achieved=RulesStatus(False, "What is signed off does not meet the rules yet.",
                             ((False, "At least 18 credits: 6 short."),)),
        units=sections, evidence=evidence,
    )


def make_export(enrolment: object, *, status: str = "queued") -> object:
    """A PortfolioExport of `enrolment` in `status`; a done one has a small stored PDF."""
    import uuid

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from exports.models import PortfolioExport

    export = PortfolioExport(enrolment=enrolment, status=status)
    if status == "done":
        export.file_name = default_storage.save(f"exports/test/{uuid.uuid4().hex}.pdf", ContentFile(b"%PDF-1.4\n"))
        export.size, export.pages = 9, 1
    if status == "failed":
        export.error = "The renderer stopped unexpectedly."
    export.save()
    return export


def make_report(centre: object, *, status: str = "queued") -> object:
    """A CentreReport of `centre` in `status`; a done one has a small stored CSV."""
    import uuid

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from exports.models import CentreReport

    report = CentreReport(centre=centre, kind="progress", format="csv", status=status)
    if status == "done":
        report.file_name = default_storage.save(f"reports/test/{uuid.uuid4().hex}.csv", ContentFile(b"candidate\n"))
        report.size, report.rows = 10, 0
    report.save()
    return report
