"""Exports through a real Celery worker (a subprocess) and a real broker: completion, a killed pool
process, a broker outage, and the embedded filesystem transport.

The worker sees this test's database (a file for SQLite, see settings; the test database of the
server for PostgreSQL) and this test's storage folder. The fault tests start their own
redis-server on a spare port, so the machine's Redis is never stopped.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.db import connection
from pypdf import PdfReader

from evidence.models import EvidenceFile
from exports import services
from exports.models import ExportStatus, PortfolioExport
from portfolio_site.celery import app

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


def _spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server: no persistence, on its own port; can be stopped and started again."""

    def __init__(self, port: int, folder: Path) -> None:
        self.port, self.folder, self.process = port, folder, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        redis = shutil.which("redis-server")
        if redis is None:
            pytest.fail("redis-server is missing: `make test` installs it (scripts/system-deps.sh test).")
        self.process = subprocess.Popen(
            [redis, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@contextmanager
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(_spare_port(), tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _database_url() -> str:
    """The test database, as a URL the worker's settings read (DATABASE_URL)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = f"{auth}@" if auth else ""
    return f"postgres://{host}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def broker(url: str, options: dict | None = None) -> Iterator[None]:
    """Point this process's Celery app at `url` (it read the settings' broker when first configured)."""
    saved = app.conf.broker_url, app.conf.broker_transport_options

    def reset() -> None:
        if app._pool is not None:
            app._pool.force_close_all()
            app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url, app.conf.broker_transport_options = url, options or {}
    reset()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
        reset()


class Worker:
    def __init__(self, process: subprocess.Popen, log: Path) -> None:
        self.process, self.log = process, log

    def pool_children(self) -> set[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


@pytest.fixture
def start_worker(tmp_path, private_storage, settings) -> Iterator[Callable[..., Worker]]:
    """Starts `celery -A portfolio_site worker` (prefork, one process) on a queue of this test."""
    queue = f"exports-test-{uuid.uuid4().hex[:8]}"
    settings.EXPORT_TASK_QUEUE = queue
    workers: list[Worker] = []

    def start(*, redis_url: str = "", gather_delay: float = 0, var_dir: Path | None = None) -> Worker:
        log = tmp_path / f"worker-{len(workers)}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portfolio_site.settings",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": redis_url,
            "VAR_DIR": str(var_dir or tmp_path / "var"),
            "MEDIA_ROOT": str(private_storage),
            "EXPORT_TASK_QUEUE": queue,
            "EXPORT_TEST_GATHER_DELAY_SECONDS": str(gather_delay),
            "SECURE_SSL_REDIRECT": "false",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "LOG_LEVEL": "INFO",
        }
        process = subprocess.Popen(
            [str(CELERY), "-A", "portfolio_site", "worker", "-Q", queue, "-c", "1", "-P", "prefork",
             "-n", f"{queue}-{len(workers)}@%h", "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
        )
        worker = Worker(process, log)
        workers.append(worker)
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("The worker did not start:\n" + log.read_text(errors="replace")[-3000:])
            time.sleep(0.2)
        return worker

    yield start
    for worker in workers:
        if worker.process.poll() is None:
            worker.process.send_signal(signal.SIGQUIT)  # cold shutdown: do not wait for tasks
            try:
                worker.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()


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


def test_a_killed_pool_process_is_redelivered_and_the_export_completes_once(
    make_portfolio, candidate, start_worker, private_storage, tmp_path
):
    enrolment = make_portfolio(with_pdf=False)
    with own_redis(tmp_path) as server:
        worker = start_worker(redis_url=server.url, gather_delay=4)
        with broker(server.url, {"visibility_timeout": 7200}):
            export = services.export_request(enrolment=enrolment, by=candidate)
            running = _wait_for(export.pk, lambda e: e.status == ExportStatus.RUNNING, timeout=60, worker=worker)
            victim = int(running.claimed_by.split(":")[1])
            assert victim in worker.pool_children()  # the pool process rendering it, not the worker itself
            os.kill(victim, signal.SIGKILL)
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
               "processed_folder": str(var / "celery" / "processed"), "store_processed": False}
    for folder in (queue, var / "celery" / "processed"):
        folder.mkdir(parents=True)
    worker = start_worker(redis_url="", var_dir=var)
    with broker("filesystem://", options):
        export = services.export_request(enrolment=enrolment, by=candidate)
        done = _wait_for(export.pk, lambda e: e.is_finished, timeout=120, worker=worker)
    assert "Billing complaint 1" in _assert_one_complete_pdf(done, private_storage)
    assert django_settings.EXPORT_TASK_QUEUE  # the worker listened on this test's queue only
