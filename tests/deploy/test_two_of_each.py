"""Two web instances and two workers share one PostgreSQL, one Redis and one S3 bucket (moto server).

The production parts as several machines would run them: two gunicorn instances on two ports and two
Celery workers, one on the exports queue (EXPORT_TASK_QUEUE) and one on the default queue, all with DEBUG
off, the evidence and exports on S3, Redis as the broker and the cache, against a PostgreSQL database of
the test's own (created, migrated and dropped here). A candidate uploads through both instances in turn,
asks for an export on one and follows it on the other; then every upload is one object in the bucket with
the bytes' hash, the export was built once, by the exports worker, and is one PDF object, and both
instances hand out the download.

PostgreSQL: DEPLOY_TEST_DATABASE_SERVER (default postgres://root@127.0.0.1:5432); Redis: REDIS_URL, else a
private redis-server. A missing PostgreSQL fails the test in CI (CI=true) with what to start; a developer's
machine without one passes over it.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer

from tests.exports.worker_harness import redis_for_test

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUCKET = "deploy-tests"
PASSWORD = "deploy-" + secrets.token_urlsafe(8)
DATABASE_SERVER = os.environ.get("DEPLOY_TEST_DATABASE_SERVER", "postgres://root@127.0.0.1:5432")
EXPORTS_QUEUE = "exports"
DEFAULT_QUEUE = "celery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _admin_sql(sql: str) -> None:
    import psycopg

    url = urlunsplit(urlsplit(DATABASE_SERVER)._replace(path="/postgres"))
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(sql)
    except psycopg.OperationalError as error:
        message = f"No PostgreSQL answers at {DATABASE_SERVER} (DEPLOY_TEST_DATABASE_SERVER): {error}"
        # A developer's machine without PostgreSQL passes over this test; CI (CI=true) never does.
        if not os.environ.get("CI"):
            pytest.skip(message)
        pytest.fail(message)


@pytest.fixture
def database() -> Iterator[str]:
    name = f"deploy_test_{os.getpid()}_{secrets.token_hex(3)}"
    _admin_sql(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(DATABASE_SERVER)._replace(path=f"/{name}"))
    finally:
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def s3() -> Iterator[tuple[str, Any]]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing",
                          region_name="eu-west-2")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    yield endpoint, client
    server.stop()


class Parts:
    """The processes started, each in its own process group; `stop` ends them and their children."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder, self.env = folder, env
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - the child writes to it until the end
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)[-2500:]}" for name in self.processes)

    def wait_for_worker(self, name: str, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while "ready." not in self.log(name):
            if self.processes[name].poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The worker {name} did not start:\n{self.logs()}")
            time.sleep(0.2)

    def wait_for_web(self, name: str, url: str, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                break
            try:
                if requests.get(url + "/accounts/login/", headers={"X-Forwarded-Proto": "https"},
                                timeout=20).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        pytest.fail(f"{name} did not answer at {url}:\n{self.logs()}")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class Browser:
    """One candidate's session, sent to either instance: the cookies are the same whichever answers."""

    def __init__(self) -> None:
        self.session = requests.Session()
        self.session.headers["X-Forwarded-Proto"] = "https"  # the TLS proxy's header: no redirect to https

    def _cookies(self) -> None:
        for cookie in self.session.cookies:  # the Secure cookies travel over the proxy's plain hop
            cookie.secure = False

    def get(self, base: str, path: str, **kwargs: object) -> requests.Response:
        self._cookies()
        return self.session.get(base + path, allow_redirects=False, timeout=30, **kwargs)  # type: ignore[arg-type]

    def post(self, base: str, path: str, data: dict[str, object] | None = None, **kwargs: object) -> requests.Response:
        self._cookies()
        token = self.session.cookies.get("csrftoken", "")
        headers = {"Referer": f"https://{urlsplit(base).netloc}{path}", "X-CSRFToken": token,
                   **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        return self.session.post(base + path, data={"csrfmiddlewaretoken": token, **(data or {})},
                                 headers=headers, allow_redirects=False, timeout=60, **kwargs)  # type: ignore[arg-type]


def _png(shade: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([shade]) * 32 for _ in range(32))
    header = struct.pack(">IIBBBBB", 32, 32, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _sql(url: str, sql: str, *args: object) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute(sql, args).fetchall()  # type: ignore[arg-type]


def test_two_web_instances_and_two_workers_share_the_database_redis_and_s3(tmp_path, database, s3) -> None:
    endpoint, client = s3
    with redis_for_test(tmp_path) as redis_url:
        env = {
            **os.environ,
            "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(64), "AUDIT_HMAC_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SITE_URL": "https://127.0.0.1",
            "DATABASE_URL": database, "REDIS_URL": redis_url, "VAR_DIR": str(tmp_path / "var"),
            "STATIC_MANIFEST": "false", "CELERY_TASK_ALWAYS_EAGER": "false", "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1", "REQUIRE_ADMIN_TOTP": "false",
            "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": endpoint, "AWS_S3_REGION_NAME": "eu-west-2",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "EXPORT_TASK_QUEUE": EXPORTS_QUEUE, "WEB_CONCURRENCY": "1",
        }
        for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT", "CACHE_URL", "DJANGO_SETTINGS_MODULE"):
            env.pop(name, None)
        python = str(BIN / "python")
        started = time.monotonic()
        setup = subprocess.run(
            [python, "-c", _SEED, PASSWORD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert setup.returncode == 0, setup.stdout + setup.stderr
        print(setup.stderr.strip())
        print(f"database ready in {time.monotonic() - started:.1f} s")
        enrolment, email = setup.stdout.split()[-2:]

        parts = Parts(tmp_path, env)
        try:
            webs = []
            for n in (1, 2):
                port = _free_port()
                parts.start(f"web{n}", [str(BIN / "gunicorn"), "portfolio_site.wsgi", "--bind", f"127.0.0.1:{port}",
                                        "--workers", "1"])
                webs.append(f"http://127.0.0.1:{port}")
            for name, queue in (("exports-worker", EXPORTS_QUEUE), ("default-worker", DEFAULT_QUEUE)):
                parts.start(name, [str(BIN / "celery"), "-A", "portfolio_site", "worker", "-Q", queue, "-c", "1",
                                   "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--loglevel", "INFO"])
            for n, base in enumerate(webs, 1):
                parts.wait_for_web(f"web{n}", base)
            parts.wait_for_worker("exports-worker")
            parts.wait_for_worker("default-worker")
            print(f"two instances and two workers ready at {time.monotonic() - started:.1f} s")
            _journey(parts, webs, enrolment, email, database, client, redis_url)
            print(f"journey done at {time.monotonic() - started:.1f} s")
        finally:
            parts.stop()


def _journey(parts: Parts, webs: list[str], enrolment: str, email: str, database: str, client: Any,
             redis_url: str) -> None:
    browser = Browser()
    assert browser.get(webs[0], "/accounts/login/").status_code == 200
    signed_in = browser.post(webs[0], "/accounts/login/", {"username": email, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/", signed_in.text[:2000]
    assert browser.get(webs[1], "/").status_code == 200  # the session is in the shared database

    # The unit choice through both instances: the first reads the spec and keeps it in Redis, shared by both.
    for base in webs:
        assert browser.get(base, f"/enrolments/{enrolment}/units/").status_code == 200
    import redis

    shared = redis.Redis.from_url(redis_url)
    generation = int(shared.get(":1:units:catalogue-generation") or 0)
    assert generation and len(list(shared.scan_iter(f":1:units:spec:*:{generation}"))) == 1

    # Four uploads, each a draft and a photo, alternating between the instances.
    uploads: dict[str, str] = {}
    for n in range(4):
        base = webs[n % 2]
        new = f"/enrolments/{enrolment}/evidence/new/"
        assert browser.get(base, new).status_code == 200
        created = browser.post(base, new, {"kind": "work_product", "title": f"Photo of display {n}",
                                           "date": time.strftime("%Y-%m-%d"), "text": ""})
        assert created.status_code == 302, created.text[:2000]
        item = created.headers["Location"]
        assert re.fullmatch(r"/evidence/\d+/", item), item
        content = _png(40 + 40 * n)
        stored = browser.post(webs[(n + 1) % 2], item + "files/", files={"files": (f"display{n}.png", content,
                                                                                    "image/png")},
                              headers={"Accept": "application/json"})
        assert stored.status_code == 200, stored.text[:2000]
        assert all(result["ok"] for result in stored.json()["results"]), stored.text
        uploads[hashlib.sha256(content).hexdigest()] = f"display{n}.png"

    # The export: asked on one instance, followed on the other.
    asked = browser.post(webs[0], f"/enrolments/{enrolment}/exports/new/", {"format": "pdf"})
    assert asked.status_code == 302, asked.text[:2000]
    (export_pk,) = _sql(database, "SELECT id FROM exports_portfolioexport")[0]
    deadline = time.monotonic() + 45
    while True:
        status = browser.get(webs[1], f"/exports/{export_pk}/status/")
        assert status.status_code == 200
        (state,) = _sql(database, "SELECT status FROM exports_portfolioexport WHERE id = %s", export_pk)[0]
        if state in ("done", "failed"):
            break
        if time.monotonic() > deadline:
            pytest.fail(f"The export is still {state}:\n{parts.logs()}")
        time.sleep(0.5)
    assert state == "done", parts.logs()
    assert "download" in browser.get(webs[1], f"/exports/{export_pk}/status/").text.lower()

    # Every upload once in the bucket, with its bytes' hash; no other evidence object but the previews.
    files = _sql(database, "SELECT name, sha256, preview_name FROM evidence_evidencefile")
    assert sorted(sha for _name, sha, _preview in files) == sorted(uploads)
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix="")  # the bucket is this test's own
    keys = [entry["Key"] for entry in listed.get("Contents", [])]
    for name, sha, _preview in files:
        assert keys.count(name) == 1, (name, keys)
        body = client.get_object(Bucket=BUCKET, Key=name)["Body"].read()
        assert hashlib.sha256(body).hexdigest() == sha
    previews = {preview for _name, _sha, preview in files if preview}
    evidence = {name for name, _sha, _preview in files}

    # One export, built once, by the exports worker; one PDF object with the recorded hash.
    rows = _sql(database, "SELECT status, attempts, file_name, sha256, claimed_by FROM exports_portfolioexport")
    assert len(rows) == 1
    _status, attempts, file_name, export_sha, claimed_by = rows[0]
    assert attempts == 1
    assert f":{_pool_child(parts, 'exports-worker')}:" in claimed_by, (claimed_by, parts.logs())  # host:pid:token
    pdfs = [key for key in keys if key.endswith(".pdf")]
    assert pdfs == [file_name], keys
    assert set(keys) == evidence | previews | set(pdfs), keys
    body = client.get_object(Bucket=BUCKET, Key=pdfs[0])["Body"].read()
    assert body.startswith(b"%PDF-") and hashlib.sha256(body).hexdigest() == export_sha
    received = re.compile(r"Task exports\.tasks\.build_portfolio_export\[[-0-9a-f]+\] received")
    assert not received.search(parts.log("default-worker"))
    assert len(received.findall(parts.log("exports-worker"))) == 1, parts.log("exports-worker")

    # Either instance hands out the download (a short presigned URL of the one object).
    for base in webs:
        download = browser.get(base, f"/exports/{export_pk}/download/")
        assert download.status_code == 302, download.text[:500]
        fetched = requests.get(download.headers["Location"], timeout=30)
        assert fetched.status_code == 200 and hashlib.sha256(fetched.content).hexdigest() == export_sha


def _pool_child(parts: Parts, name: str) -> int:
    """The pid of the worker's one pool process, which runs its tasks."""
    pid = parts.processes[name].pid
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(child) for child in (task / "children").read_text().split()]
    assert len(children) == 1, children
    return children[0]


# Run in a child process with the parts' environment: migrate, load the specs, make one small centre; print the
# first candidate's enrolment and address.
_SEED = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")
import time
started = time.monotonic()
import django
django.setup()
from django.core.management import call_command
call_command("migrate", "--noinput", verbosity=0)
print(f"migrated in {time.monotonic() - started:.1f} s", file=sys.stderr)
call_command("load_specs", "fixtures/qualifications/ocr-l3-customer-service.json", verbosity=0)
call_command("generate_centre", candidates=3, assessors=1, seed=1, password=sys.argv[1], verbosity=0)
print(f"seeded in {time.monotonic() - started:.1f} s", file=sys.stderr)
from candidates.models import Enrolment
enrolment = Enrolment.objects.filter(centre__code="generated-1").select_related("candidate").order_by("pk").first()
print(enrolment.pk, enrolment.candidate.email)
"""
