"""Export fixtures: a portfolio in the database (evidence, mappings, decisions, sign-offs) with stored files."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from assessments.models import Countersignature, Decision, ItemSignOff, LearnerDeclaration, UnitSignOff
from candidates.models import Enrolment, UnitChoice
from evidence.models import EvidenceFile, EvidenceItem, EvidenceKind, EvidenceVersion, Mapping, MappingStatus
from exports.tasks import build_portfolio_export
from units.models import AssessableItem, Unit

from .portfolio_factory import jpeg_bytes, pdf_bytes
from .worker_harness import start_worker  # noqa: F401 (a fixture of the export tests)

FIRST_DAY = datetime.date(2026, 1, 1)
STATEMENT = "I resolved a billing complaint for a long-standing customer and agreed a refund."


def _store(name: str, data: bytes) -> str:
    # The stored name is ours (as evidence.services makes it); only the original name is the user's.
    return default_storage.save(f"evidence/test/{hashlib.sha256(name.encode()).hexdigest()[:12]}", ContentFile(data))


@pytest.fixture
def sent(monkeypatch) -> list[tuple]:
    """The export tasks queued, recorded instead of sent to a broker."""
    calls: list[tuple] = []
    monkeypatch.setattr(build_portfolio_export, "apply_async", lambda args, **kwargs: calls.append(args))
    return calls


@pytest.fixture
def make_portfolio(enrolment, candidate, assessor, iqa) -> Callable[..., Enrolment]:
    """Fill `enrolment` with evidence: statements, a photo, a PDF; mapped, judged and signed off in unit A1."""

    def build(*, statements: int = 3, with_photo: bool = True, with_pdf: bool = True,
              text: str = STATEMENT, file_name: str | None = None) -> Enrolment:
        now = timezone.now()
        units = {unit.code: unit for unit in Unit.objects.filter(qualification=enrolment.qualification)}
        for code in ("A1", "A2", "B2"):
            UnitChoice.objects.create(enrolment=enrolment, unit=units[code])
        a1_items = list(AssessableItem.objects.filter(unit=units["A1"]).order_by("order"))
        versions = []
        for n in range(1, statements + 1):
            item = EvidenceItem.objects.create(enrolment=enrolment, kind=EvidenceKind.PERSONAL_STATEMENT,
                                               created_by=candidate)
            version = EvidenceVersion.objects.create(
                item=item, number=1, title=f"Billing complaint {n}", date=FIRST_DAY + datetime.timedelta(days=n),
                text=f"{text} (statement {n})", status="submitted", created_by=candidate,
                submitted_at=now, submitted_by=candidate,
            )
            item.current_version = version
            item.save(update_fields=["current_version"])
            versions.append(version)
        files = []
        if with_photo:
            files.append((file_name or "till-photo.jpg", jpeg_bytes(orientation=6), "image/jpeg", "image"))
        if with_pdf:
            files.append(("refund-letter.pdf", pdf_bytes(2), "application/pdf", "document"))
        for name, data, mime, kind in files:
            EvidenceFile.objects.create(
                version=versions[0], name=_store(name, data), original_name=name, size=len(data),
                sha256=hashlib.sha256(data).hexdigest(), mime=mime, kind=kind, uploaded_by=candidate,
            )
        for assessable in a1_items:
            mapping = Mapping.objects.create(version=versions[0], assessable_item=assessable, mapped_by=candidate,
                                             status=MappingStatus.ACCEPTED)
            Decision.objects.create(enrolment=enrolment, mapping=mapping, version=versions[0],
                                    assessable_item=assessable, outcome="accepted", feedback="Clear and complete.",
                                    by=assessor, at=now)
            ItemSignOff.objects.create(enrolment=enrolment, assessable_item=assessable, by=assessor, at=now)
        declaration = LearnerDeclaration.objects.create(enrolment=enrolment, unit=units["A1"], by=candidate, at=now)
        sign_off = UnitSignOff.objects.create(enrolment=enrolment, unit=units["A1"], learner_declaration=declaration,
                                              by=assessor, at=now)
        Countersignature.objects.create(unit_sign_off=sign_off, comment="Sampled and agreed.", by=iqa, at=now)
        return enrolment

    return build
