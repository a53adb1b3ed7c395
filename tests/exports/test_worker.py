"""Exports through a real Celery worker (a subprocess) and a real broker: completion, a killed pool
process, a broker outage, and the embedded filesystem transport.

The worker (worker_harness.py, shared with the e2e export journey) sees this test's database
(a file for SQLite, see settings; the test database of the server for PostgreSQL) and this
test's storage folder. The fault tests start their own redis-server on a spare port, so the
machine's Redis is never stopped.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from pypdf import PdfReader

from evidence.models import EvidenceFile
from exports import services
from exports.models import ExportStage, ExportStatus, PortfolioExport

from .worker_harness import Worker, broker, own_redis

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for(export_id: int, predicate: Callable[[PortfolioExport], bool], *, timeout: float, worker: Worker
              ) -> PortfolioExport:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        export = PortfolioExport.objects.get(pk=export_id)
        if predicate(export):
            return export
        time.sleep(0.2)
    pytest.fail(f"Export {export_id} stuck at {export.status}/{export.stage}:\n"
                + worker.log.read_text(errors="replace")[-4000:])


def _assert_one_complete_pdf(export: PortfolioExport, storage_folder: Path) -> str:
    assert export.status == ExportStatus.DONE, export.error
    assert PortfolioExport.objects.count() == 1
    stored = sorted(p.name for p in (storage_folder / "exports" / str(export.enrolment_id)).iterdir())
    assert stored == [f"portfolio-{export.pk}.pdf"]
    reader = PdfReader(default_storage.open(export.file_name))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", " ")


def test_an_export_completes_through_the_broker(make_portfolio, candidate, start_worker, private_storage, tmp_path):
    enrolment = make_portfolio()
    with (own_redis(tmp_path) if not os.environ.get("REDIS_URL") else _nothing()) as server:
        url = server.url if server else os.environ["REDIS_URL"]
        worker = start_worker(redis_url=url)
        with broker(url, {"visibility_timeout": 7200}):
            export = services.export_request(enrolment=enrolment, by=candidate)
            export = _wait_for(export.pk, lambda e: e.is_finished, timeout=120, worker=worker)
    text = _assert_one_complete_pdf(export, private_storage)
    for expected in ("Cara Candidate", "Unit A1", "Unit A2", "Billing complaint 1"):
        assert expected in text
    # A SHA-256 from the manifest page (the extracted text may break a long hash over lines).
    photo = EvidenceFile.objects.filter(version__item__enrolment=enrolment).first()
    assert photo.sha256 in text.replace(" ", "")


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _children(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(child) for child in children.read_text().split()} if children.exists() else set()


def test_a_killed_pool_process_is_redelivered_and_the_export_completes_once(
    make_portfolio, candidate, start_worker, private_storage, tmp_path
):
    enrolment = make_portfolio(with_pdf=False)
    with own_redis(tmp_path) as server:
        worker = start_worker(redis_url=server.url, render_delay=4)
        with broker(server.url, {"visibility_timeout": 7200}):
            export = services.export_request(enrolment=enrolment, by=candidate)
            running = _wait_for(export.pk, lambda e: e.stage == ExportStage.RENDERING, timeout=60, worker=worker)
            victim = int(running.claimed_by.split(":")[1])
            assert victim in worker.pool_children()  # the pool process rendering it, not the worker itself
            deadline = time.monotonic() + 10
            while not (renderers := _children(victim)) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert renderers  # its memory-capped child is in the middle of the render
            os.kill(victim, signal.SIGKILL)
            deadline = time.monotonic() + 3
            while any(map(_alive, renderers)) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not any(map(_alive, renderers))  # the renderer died with it, never left running
            done = _wait_for(export.pk, lambda e: e.is_finished, timeout=150, worker=worker)
    assert done.attempts == 2  # delivered again after the kill (acks_late + reject_on_worker_lost)
    assert int(done.claimed_by.split(":")[1]) != victim
    text = _assert_one_complete_pdf(done, private_storage)
    assert "Billing complaint 1" in text


def test_an_export_asked_for_while_the_broker_is_down_completes_once_it_is_back(
    make_portfolio, candidate, start_worker, private_storage, tmp_path, settings
):
    enrolment = make_portfolio(with_pdf=False, with_photo=False)
    with own_redis(tmp_path) as server:
        worker = start_worker(redis_url=server.url)
        with broker(server.url, {"visibility_timeout": 7200}):
            server.stop()
            started = time.monotonic()
            export = services.export_request(enrolment=enrolment, by=candidate)  # must not raise
            assert time.monotonic() - started < 15
            export.refresh_from_db()
            assert export.status == ExportStatus.QUEUED and export.enqueued_at is None
            server.start()
            settings.EXPORT_REQUEUE_AFTER_SECONDS = 0
            time.sleep(0.1)
            assert services.exports_requeue_stalled() == [export.pk]  # what the beat task does every minute
            done = _wait_for(export.pk, lambda e: e.is_finished, timeout=120, worker=worker)
    assert done.attempts == 1
    _assert_one_complete_pdf(done, private_storage)


def test_the_embedded_filesystem_transport_runs_an_export(
    make_portfolio, candidate, start_worker, private_storage, tmp_path
):
    enrolment = make_portfolio(with_pdf=False, with_photo=False)
    var = tmp_path / "embedded"
    queue = var / "celery" / "queue"
    options = {"data_folder_in": str(queue), "data_folder_out": str(queue),
               "processed_folder": str(var / "celery" / "processed"), "store_processed": False,
               "control_folder": str(var / "celery" / "control")}
    for folder in (queue, var / "celery" / "processed", var / "celery" / "control"):
        folder.mkdir(parents=True)
    worker = start_worker(redis_url="", var_dir=var)
    with broker("filesystem://", options):
        export = services.export_request(enrolment=enrolment, by=candidate)
        done = _wait_for(export.pk, lambda e: e.is_finished, timeout=120, worker=worker)
    assert "Billing complaint 1" in _assert_one_complete_pdf(done, private_storage)
    assert django_settings.EXPORT_TASK_QUEUE  # the worker listened on this test's queue only


def test_the_gateway_pack_is_built_by_the_worker(enrolment, employer_contact, start_worker, private_storage,
                                                 tmp_path):
    from tests.apprenticeships.gateway_factories import ready, sign_all

    apprentice = ready(enrolment)
    sign_all(apprentice, employer_contact)
    with (own_redis(tmp_path) if not os.environ.get("REDIS_URL") else _nothing()) as server:
        url = server.url if server else os.environ["REDIS_URL"]
        worker = start_worker(redis_url=url)
        with broker(url, {"visibility_timeout": 7200}):
            pack = services.gateway_pack_request(enrolment=apprentice, by=apprentice.assessor)
            pack = _wait_for(pack.pk, lambda e: e.is_finished, timeout=120, worker=worker)
    assert pack.status == ExportStatus.DONE, pack.error
    stored = sorted(p.name for p in (private_storage / "exports" / str(apprentice.pk)).iterdir())
    assert stored == [f"gateway-pack-{pack.pk}.pdf"]
    text = "".join(page.extract_text() for page in PdfReader(default_storage.open(pack.file_name)).pages)
    text = text.replace("\n", " ")
    for expected in ("End-point assessment gateway pack", "Cara Candidate", "We declare that the apprentice",
                     "Erin Employer", "Reply to a complaint"):
        assert expected in text, expected
    assert pack.declaration_hash in text.replace(" ", "")
