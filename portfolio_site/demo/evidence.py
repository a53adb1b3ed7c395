"""Demo evidence for `manage.py seed_demo`: every kind of evidence, drafts and submitted, with small generated files.

Run through the real services (files are sniffed, hashed and stored like any
upload). Idempotent: an item whose title already exists in the enrolment is skipped.
The assessor's decisions, and the revised version answering a referral, are made
by demo/assessments.py, which runs after this module.
"""

from __future__ import annotations

import datetime
import io
import struct
import wave
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from candidates.models import Enrolment, User
from evidence import services
from evidence.models import EvidenceItem, EvidenceKind
from evidence.reads import units_for


def png_bytes(width: int = 48, height: int = 32) -> bytes:
    """A small valid PNG (a gradient), written without any imaging library."""
    rows = b"".join(b"\x00" + bytes((x * 5 + y * 3) % 256 for x in range(width) for _ in range(3))
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def pdf_bytes(text: str = "Demo evidence") -> bytes:
    """A minimal valid one-page PDF showing `text`."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def wav_bytes(seconds: float = 0.5) -> bytes:
    """A short mono WAV recording (a quiet tone)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        samples = (int(3000 * ((n // 20) % 2 * 2 - 1)) for n in range(int(8000 * seconds)))
        recording.writeframes(b"".join(struct.pack("<h", sample) for sample in samples))
    return out.getvalue()


#: The item the assessor refers back and Dana revises (demo/assessments.py tells that part of the story).
REFERRED_TITLE = "Holiday rota I drew up"


def seed_evidence(*, enrolment: Enrolment, assessor: User) -> list[EvidenceItem]:
    """Create the demo items of `enrolment` that do not exist yet; return those created.

    Mapped by the position of the candidate's units (so any spec works): the first three
    units get enough evidence to be signed off, the later ones claims still waiting for
    the assessor. Revisions and decisions are the assessments app's to make.
    """
    candidate = enrolment.candidate
    existing = set(EvidenceItem.objects.of_enrolment(enrolment).values_list("versions__title", flat=True))
    units = units_for(enrolment)
    knowledge = [item for unit in units for item in unit.assessable_items() if item.is_knowledge][:3]
    today = timezone.localdate()
    created: list[EvidenceItem] = []

    def of_units(*positions: int) -> list[int]:
        """Every assessable item of the candidate's units at `positions` (wrapping round a short plan)."""
        return sorted({item.pk for position in positions for item in units[position % len(units)].assessable_items()}
                      ) if units else []

    def add(kind: str, title: str, *, by: User = candidate, days_ago: int, text: str = "",
            files: tuple[tuple[str, bytes], ...] = (), mapped: list[int] | None = None, submit: bool = False,
            **witness: str) -> EvidenceItem | None:
        if title in existing:
            return None
        item = services.evidence_create(enrolment=enrolment, kind=kind, by=by, title=title, text=text,
                                        date=today - datetime.timedelta(days=days_ago), **witness)
        version = item.current_version
        for name, content in files:
            services.file_add(version=version, uploaded=SimpleUploadedFile(name, content), by=by)
        if mapped:
            services.mappings_set(version=version, assessable_item_ids=mapped, by=by)
        if submit:
            services.version_submit(version=version, by=by)
        created.append(item)
        return item

    add(EvidenceKind.WORK_PRODUCT, "Screenshot of the reply to a complaint", days_ago=40,
        text="The email I sent to a customer after a late delivery.",
        files=(("complaint-reply.png", png_bytes()), ("complaint-log.pdf", pdf_bytes("Complaint log"))),
        mapped=of_units(0, 3), submit=True)
    add(EvidenceKind.PERSONAL_STATEMENT, "How I handle a difficult phone call", days_ago=30,
        text="When a caller is upset I listen first, then repeat back what I heard, then say what I will do and by "
             "when. Last Tuesday a caller ...", mapped=of_units(2, 5), submit=True)
    testimony = add(EvidenceKind.WITNESS_TESTIMONY, "Witness testimony: calming an angry customer", days_ago=25,
                    text="I saw Dana deal with a customer who was shouting at the counter. She stayed calm ...",
                    witness_name="Sam Supervisor", witness_role="Team leader, Customer Services",
                    witness_email="sam.supervisor@demo.example.org", mapped=of_units(0, 2), submit=True)
    if testimony is not None:
        services.witness_confirm(token=services.witness_token(testimony.current_version))
    add(EvidenceKind.KNOWLEDGE_ANSWER, "Answers: quality standards and complaints", days_ago=20,
        text="4.1 The quality standards in my organisation are ...\n4.2 Agreeing standards matters because ...",
        mapped=[item.pk for item in knowledge] or of_units(1), submit=True)
    add(EvidenceKind.RECORDED_DISCUSSION, "Professional discussion with my assessor", days_ago=15,
        text="Notes: we discussed how I improve the service after feedback.",
        files=(("discussion.wav", wav_bytes()),), mapped=of_units(1, 4), submit=True)
    add(EvidenceKind.OBSERVATION, "Observation at the service desk", by=assessor, days_ago=12,
        text="Observed Dana for 90 minutes at the service desk. She greeted every customer ...",
        mapped=of_units(0, 1, 2), submit=True)
    add(EvidenceKind.PROFESSIONAL_DISCUSSION, "Professional discussion: learning from complaints", by=assessor,
        days_ago=10, text="We discussed the three complaints Dana handled this month and what changed after each.",
        mapped=of_units(4), submit=True)
    add(EvidenceKind.QUESTIONING, "Questions on the complaints procedure", by=assessor, days_ago=9,
        text="Q: Who may close a complaint? A: The team leader, once the customer has agreed the outcome.",
        mapped=of_units(1), submit=True)
    add(EvidenceKind.PRIOR_LEARNING, "Certificate: customer care course", days_ago=300,
        text="A one-day course I completed last year.", files=(("certificate.pdf", pdf_bytes("Certificate")),),
        mapped=of_units(6), submit=True)
    add(EvidenceKind.WORK_PRODUCT, REFERRED_TITLE, days_ago=8,
        text="The rota for the two weeks around New Year, agreed with the team.",
        files=(("rota.png", png_bytes(40, 40)),), mapped=of_units(5), submit=True)
    add(EvidenceKind.PERSONAL_STATEMENT, "Draft: improving the call-back process", days_ago=2,
        text="Still writing this one.")
    return created


def seed_draft_evidence(*, enrolment: Enrolment) -> list[EvidenceItem]:
    """A little evidence still in draft (a statement mapped to the first unit, a photo); return the items created."""
    candidate = enrolment.candidate
    existing = set(EvidenceItem.objects.of_enrolment(enrolment).values_list("versions__title", flat=True))
    units = units_for(enrolment)
    first_unit = [item.pk for item in units[0].assessable_items()] if units else []
    today = timezone.localdate()
    created: list[EvidenceItem] = []
    if "Draft: how I greet customers" not in existing:
        item = services.evidence_create(
            enrolment=enrolment, kind=EvidenceKind.PERSONAL_STATEMENT, by=candidate,
            title="Draft: how I greet customers", date=today - datetime.timedelta(days=3),
            text="I say hello within ten seconds and ask how I can help ...",
        )
        if first_unit:
            services.mappings_set(version=item.current_version, assessable_item_ids=first_unit, by=candidate)
        created.append(item)
    if "Photo of our service desk" not in existing:
        item = services.evidence_create(
            enrolment=enrolment, kind=EvidenceKind.WORK_PRODUCT, by=candidate, title="Photo of our service desk",
            date=today - datetime.timedelta(days=1),
        )
        services.file_add(version=item.current_version, uploaded=SimpleUploadedFile("desk.png", png_bytes(32, 24)),
                          by=candidate)
        created.append(item)
    return created
