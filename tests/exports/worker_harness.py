"""A real Celery worker (a subprocess) and a real broker for tests: used by test_worker.py and the e2e journey.

The worker sees the test's database (a file for SQLite, see settings; the test database of the
server for PostgreSQL) and the test's storage folder (`private_storage`, tests/conftest.py). `own_redis` starts a
private redis-server on a spare port, so the machine's Redis is never stopped.
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
from urllib.parse import quote, urlsplit

import pytest
from django.db import connection
from kombu import pools

from portfolio_site.celery import app

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


def _spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_answers(host: str, port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")  # a password-protected server says -NOAUTH: still up
    except OSError:
        return False


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
            if _redis_answers("127.0.0.1", self.port):
                return
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


@contextmanager
def redis_for_test(tmp_path: Path) -> Iterator[str]:
    """REDIS_URL from the environment (it must answer), else a private redis-server; yields its URL."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        with own_redis(tmp_path) as server:
            yield server.url
        return
    where = urlsplit(url)
    if not _redis_answers(where.hostname or "127.0.0.1", where.port or 6379, timeout=2):
        pytest.fail(f"REDIS_URL is set but no Redis answers at {where.hostname}:{where.port or 6379}.")
    yield url


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
        # kombu keeps its connection and producer pools in global registries keyed by the broker URL;
        # closing one without clearing them left a closed pool for the next test on that URL to acquire from.
        pools.reset()
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

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


@pytest.fixture
def start_worker(tmp_path, private_storage, settings) -> Iterator[Callable[..., Worker]]:
    """Starts `celery -A portfolio_site worker` (prefork, one process) on a queue of this test."""
    queue = f"exports-test-{uuid.uuid4().hex[:8]}"
    settings.EXPORT_TASK_QUEUE = queue
    workers: list[Worker] = []

    def start(*, redis_url: str = "", gather_delay: float = 0, render_delay: float = 0,
              var_dir: Path | None = None) -> Worker:
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
            "EXPORT_TEST_RENDER_DELAY_SECONDS": str(render_delay),
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
                pytest.fail("The worker did not start:\n" + worker.tail(3000))
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
