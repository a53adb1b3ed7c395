"""Asking for, building and sweeping exports, in this process (the real worker is in test_worker.py)."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from kombu.exceptions import OperationalError
from pypdf import PdfReader

from exports import services
from exports.gather import gather_portfolio
from exports.models import ExportFormat, ExportStatus, PortfolioExport
from exports.tasks import build_portfolio_export


@pytest.fixture
def no_broker(monkeypatch):
    """The broker is unreachable: apply_async raises as kombu does when Redis is down."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(build_portfolio_export, "apply_async", refuse)
    return calls


def test_gather_reads_a_portfolio_in_a_fixed_number_of_queries(make_portfolio, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    enrolment = make_portfolio(statements=1)
    with CaptureQueriesContext(connection) as small:
        gather_portfolio(enrolment.pk)
    from evidence.models import EvidenceItem, EvidenceVersion

    for n in range(4):  # four more statements: the same number of queries
        item = EvidenceItem.objects.create(enrolment=enrolment, kind="personal_statement",
                                           created_by=enrolment.candidate)
        item.current_version = EvidenceVersion.objects.create(
            item=item, number=1, title=f"More {n}", date=enrolment.start_date, text="More.", status="submitted",
            created_by=enrolment.candidate, submitted_at=timezone.now(), submitted_by=enrolment.candidate)
        item.save(update_fields=["current_version"])
    with django_assert_num_queries(len(small.captured_queries)):
        data = gather_portfolio(enrolment.pk)
    # 21: the progress reviews (apprenticeships) are one query more; their items, targets and signatures are
    # prefetched only when there are reviews.
    assert len(small.captured_queries) <= 21
    assert [unit.code for unit in data.units] == ["A1", "A2", "B2"]
    assert len(data.evidence) == 5 and len(data.files) == 2
    a1 = data.units[0]
    assert a1.sign_off and a1.countersignatures[0].outcome == "Countersigned"
    assert a1.items[0].evidence[0].decision.outcome == "Accepted"
    assert a1.items[0].sign_off.by == "Ash Assessor"
    assert data.plan.valid and "meets the rules" in data.plan.summary
    assert not data.achieved.valid and data.achieved.lines


def test_a_unit_in_the_iqas_sample_counts_as_achieved_only_once_countersigned(make_portfolio, assessor, iqa):
    from assessments.models import LearnerDeclaration, UnitSample, UnitSignOff
    from units.models import Unit

    enrolment = make_portfolio(statements=1, with_photo=False, with_pdf=False)
    a2 = Unit.objects.get(qualification=enrolment.qualification, code="A2")
    now = timezone.now()
    declaration = LearnerDeclaration.objects.create(enrolment=enrolment, unit=a2, by=enrolment.candidate, at=now)
    sign_off = UnitSignOff.objects.create(enrolment=enrolment, unit=a2, learner_declaration=declaration,
                                          by=assessor, at=now)
    UnitSample.objects.create(unit_sign_off=sign_off, by=iqa, at=now)
    data = gather_portfolio(enrolment.pk)
    assert data.units[1].sign_off is not None  # A2's section shows the assessor's sign-off and the sample...
    assert [c.outcome for c in data.units[1].countersignatures] == ["Sampled (countersignature awaited)"]
    assert data.achieved.summary.startswith("What is achieved") and "(1 unit)" in data.achieved.summary  # ...A1 only


def test_gather_names_a_confirmed_witness(make_portfolio):
    from evidence.models import EvidenceVersion

    enrolment = make_portfolio(statements=1, with_photo=False, with_pdf=False)
    EvidenceVersion.objects.filter(item__enrolment=enrolment).update(
        witness_name="Wendy Manager", witness_role="Team leader", witness_confirmed_at=timezone.now())
    (item,) = gather_portfolio(enrolment.pk).evidence
    assert item.witness.startswith("Wendy Manager, Team leader; confirmed on ")


def test_a_request_enqueues_after_commit(enrolment, candidate, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(enrolment=enrolment, by=candidate)
    assert sent == [(export.pk,)]
    export.refresh_from_db()
    assert export.status == ExportStatus.QUEUED and export.enqueued_at is not None


def test_a_request_succeeds_when_the_broker_is_down_and_the_sweep_sends_it_later(
    enrolment, candidate, no_broker, monkeypatch, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(enrolment=enrolment, by=candidate)
    export.refresh_from_db()
    assert no_broker and export.status == ExportStatus.QUEUED and export.enqueued_at is None
    sent = []
    monkeypatch.setattr(build_portfolio_export, "apply_async", lambda args, **kwargs: sent.append(args))
    settings.EXPORT_REQUEUE_AFTER_SECONDS = 60
    assert services.exports_requeue_stalled() == []  # too young yet
    PortfolioExport.objects.filter(pk=export.pk).update(created=timezone.now() - datetime.timedelta(minutes=2))
    assert services.exports_requeue_stalled() == [export.pk]
    assert sent == [(export.pk,)]


def test_the_sweep_leaves_a_recently_sent_export_waiting_its_turn(enrolment, sent, settings):
    settings.EXPORT_REQUEUE_AFTER_SECONDS = 60
    waiting = PortfolioExport.objects.create(enrolment=enrolment, enqueued_at=timezone.now())
    lost = PortfolioExport.objects.create(enrolment=enrolment,
                                          enqueued_at=timezone.now() - datetime.timedelta(minutes=11))
    PortfolioExport.objects.filter(pk__in=[waiting.pk, lost.pk]).update(
        created=timezone.now() - datetime.timedelta(minutes=30))
    assert services.exports_requeue_stalled() == [lost.pk]


def test_the_sweep_requeues_a_running_export_whose_heartbeat_stopped(enrolment, sent, settings):
    settings.EXPORT_STALE_AFTER_SECONDS = 120
    stale = PortfolioExport.objects.create(
        enrolment=enrolment, status=ExportStatus.RUNNING, attempts=1, claimed_by="elsewhere:1:x",
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    PortfolioExport.objects.create(enrolment=enrolment, status=ExportStatus.RUNNING, attempts=1,
                                   claimed_by="elsewhere:2:y", heartbeat_at=timezone.now())
    assert services.exports_requeue_stalled() == [stale.pk]


def test_the_sweep_gives_up_after_the_maximum_attempts(enrolment, sent, settings):
    settings.EXPORT_MAX_ATTEMPTS = 3
    export = PortfolioExport.objects.create(
        enrolment=enrolment, status=ExportStatus.RUNNING, attempts=3, claimed_by="elsewhere:1:x",
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
    )
    assert services.exports_requeue_stalled() == []
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "interrupted 3 times" in export.error


def test_a_live_owner_keeps_its_export_and_a_dead_one_loses_it(enrolment):
    import os

    export = PortfolioExport.objects.create(enrolment=enrolment)
    me = services.worker_identity()
    assert services.export_claim(export_id=export.pk, worker=me).outcome == "claimed"
    assert services.export_claim(export_id=export.pk, worker="other").outcome == "busy"
    # The owner died (a pid that cannot exist on this host): the next delivery takes over at once.
    host = me.split(":")[0]
    PortfolioExport.objects.filter(pk=export.pk).update(claimed_by=f"{host}:{2**22 + os.getpid() % 7}:dead")
    claim = services.export_claim(export_id=export.pk, worker="heir")
    assert claim.outcome == "claimed" and claim.export.attempts == 2


def test_building_stores_one_pdf_and_a_second_run_changes_nothing(make_portfolio, candidate, private_storage, sent):
    enrolment = make_portfolio()
    export = services.export_request(enrolment=enrolment, by=candidate)
    assert services.export_build(export_id=export.pk) == "done"
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.progress == 100
    assert export.file_name == f"exports/{enrolment.pk}/portfolio-{export.pk}.pdf"
    first_sha = export.sha256
    assert services.export_build(export_id=export.pk) == "finished"
    assert sorted(p.name for p in (private_storage / "exports" / str(enrolment.pk)).iterdir()) == [
        f"portfolio-{export.pk}.pdf"]
    export.refresh_from_db()
    assert export.sha256 == first_sha and export.attempts == 1
    reader = PdfReader(default_storage.open(export.file_name))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Cara Candidate" in text and "Billing complaint 1" in text and "Unit A1" in text
    assert any(page.images for page in reader.pages)  # the photo, read from this test's storage


def test_a_run_after_a_crash_that_had_stored_replaces_the_file_without_a_duplicate(
    make_portfolio, candidate, private_storage
):
    enrolment = make_portfolio(with_pdf=False)
    export = PortfolioExport.objects.create(enrolment=enrolment, requested_by=candidate)
    default_storage.save(services.storage_name(export), io.BytesIO(b"half-written by a worker that died"))
    assert services.export_build(export_id=export.pk) == "done"
    files = list((private_storage / "exports" / str(enrolment.pk)).iterdir())
    assert [f.name for f in files] == [f"portfolio-{export.pk}.pdf"]
    assert files[0].read_bytes().startswith(b"%PDF")


def test_zip_holds_the_pdf_the_original_files_and_the_manifest(make_portfolio, candidate, private_storage):
    enrolment = make_portfolio(file_name="../../etc/passwd.jpg")
    export = PortfolioExport.objects.create(enrolment=enrolment, requested_by=candidate, format=ExportFormat.ZIP,
                                            include_pdf_evidence=True)
    assert services.export_build(export_id=export.pk) == "done"
    export.refresh_from_db()
    with zipfile.ZipFile(default_storage.open(export.file_name)) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        assert "portfolio.pdf" in names
        assert all(not name.startswith("/") and ".." not in name for name in names)
        for entry in manifest["files"]:
            import hashlib

            assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
        pdf = PdfReader(io.BytesIO(archive.read("portfolio.pdf")))
    assert len(manifest["files"]) == 2
    assert "Appended evidence page 1" in "".join(page.extract_text() for page in pdf.pages[-2:])


def test_a_portfolio_too_big_for_the_memory_limit_fails_with_a_clear_message(
    make_portfolio, candidate, private_storage, settings, monkeypatch
):
    # A 6000 x 6000 picture kept at full size (EXPORT_IMAGE_PIXELS) needs about 400 MB to render;
    # with a 400 MB cap the renderer starts (about 200 MB) and then runs out.
    from PIL import Image

    from evidence.models import EvidenceFile, EvidenceVersion

    enrolment = make_portfolio(statements=1, with_photo=False, with_pdf=False)
    picture = io.BytesIO()
    Image.new("RGBA", (6000, 6000), (0, 0, 128, 200)).save(picture, "PNG")  # alpha: kept as PNG, decoded
    data = picture.getvalue()
    EvidenceFile.objects.create(
        version=EvidenceVersion.objects.get(item__enrolment=enrolment),
        name=default_storage.save("evidence/test/huge", io.BytesIO(data)), original_name="huge.png",
        size=len(data), sha256="0" * 64, mime="image/png", kind="image", uploaded_by=candidate,
    )
    settings.EXPORT_IMAGE_PIXELS = 6000
    settings.EXPORT_MEMORY_LIMIT_MB = 400
    export = PortfolioExport.objects.create(enrolment=enrolment, requested_by=candidate)
    assert services.export_build(export_id=export.pk) == "failed"
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert export.error.startswith("This portfolio is too large to render in one go (memory limit 400 MB reached).")
    assert not export.file_name


def test_a_failed_export_can_be_retried(enrolment, candidate, sent, django_capture_on_commit_callbacks):
    export = PortfolioExport.objects.create(enrolment=enrolment, status=ExportStatus.FAILED, error="boom",
                                            attempts=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.export_retry(export=export, by=candidate)
    export.refresh_from_db()
    assert export.status == ExportStatus.QUEUED and export.error == "" and export.attempts == 0
    assert sent == [(export.pk,)]
