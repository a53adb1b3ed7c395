"""Evidence built through the services, for tests of every app (and the permission walk)."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from candidates.models import Enrolment, User
from evidence import services
from evidence.models import EvidenceFile, EvidenceItem, EvidenceKind
from tests.evidence import generated

DAY = datetime.date(2026, 3, 2)


def png_upload(name: str = "screenshot.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, generated.photo("PNG", gps=False, orientation=None))


def pdf_upload(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, generated.pdf())


def make_evidence(
    enrolment: Enrolment,
    *,
    by: User | None = None,
    kind: str = EvidenceKind.WORK_PRODUCT,
    title: str = "Reply to a complaint",
    text: str = "I answered the guest's complaint within the hour.",
    with_file: bool = True,
    **fields: object,
) -> EvidenceItem:
    """A draft item (default: a work product with one PNG file) written by the candidate unless `by` says otherwise."""
    author = by or enrolment.candidate
    if kind == EvidenceKind.WITNESS_TESTIMONY:
        fields.setdefault("witness_name", "Wendy Witness")
        fields.setdefault("witness_role", "Team leader")
        fields.setdefault("witness_email", "wendy.witness@example.org")
    item = services.evidence_create(
        enrolment=enrolment, kind=kind, by=author, title=title, date=DAY, text=text, **fields
    )
    if with_file:
        services.file_add(version=item.current_version, uploaded=png_upload(), by=author)
    item.refresh_from_db()
    return item


def first_file(item: EvidenceItem) -> EvidenceFile:
    return item.current_version.files.order_by("pk").first()
