"""`make load`: the site in production mode under a mix of people, measured with Locust.

    python scripts/load/run.py [--candidates 10000] [--users 50] [--seconds 600]

1. Creates a PostgreSQL database of its own (dropped at the end, whatever happens) and
   seeds it: the specs, `generate_centre` at the chosen size, submitted evidence to judge
   (scripts/load/seed.py). Collects the static files with the hashed manifest.
2. Starts gunicorn (gunicorn.conf.py, 3 workers; DEBUG off, a random SECRET_KEY) and a
   Celery worker against that database and Redis.
3. Runs Locust headless (scripts/load/locustfile.py): `--users` people (candidates 70%,
   assessors 20%, IQAs and centre admins 5% each) with 5-15 s of think time, for `--seconds`.
4. Then a class of 30 candidates signing in at once (SignInBurst), timed to the last.
5. Prints per page: requests, failures, median, p95, p99, requests/s and the gunicorn
   worker's CPU milliseconds per request (median; gunicorn_load.py measures each request),
   and the workers' CPU seconds per request overall, read from /proc before and after.

Exit status 1 when any request failed or the burst did not finish. The targets (p95 < 300 ms,
CPU median < 25 ms a page, 30 sign-ins < 10 s) are printed beside the figures, not enforced:
on a shared machine the wall-clock figures depend on what else runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "scripts" / "load"
BIN = Path(sys.executable).parent
TARGET_P95_MS = 300
TARGET_CPU_MS = 25
TARGET_BURST_S = 10
NUMBER = re.compile(r"/\d+")
# The password form's POST: its CPU is the password hash's by design (Argon2id at OWASP's parameters, about 20 ms
# here), judged by the burst's target, not the pages' (the issue's own figure of CPU a request left sign-in out).
SIGN_IN = "POST /accounts/login/"
MAIN_CLASSES = ["Candidate", "Assessor", "IQA", "CentreAdmin"]


def options(argv: list[str]) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=int(env("LOAD_CANDIDATES", "10000")))
    parser.add_argument("--users", type=int, default=int(env("LOAD_USERS", "50")))
    parser.add_argument("--seconds", type=int, default=int(env("LOAD_SECONDS", "600")))
    parser.add_argument("--spawn-rate", type=float, default=float(env("LOAD_SPAWN_RATE", "2")),
                        help="people starting a second (each signs in first)")
    parser.add_argument("--burst", type=int, default=int(env("LOAD_BURST_USERS", "30")))
    parser.add_argument("--workers", type=int, default=int(env("LOAD_WORKERS", "3")))
    parser.add_argument("--database-server", default=env("LOAD_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default=env("LOAD_REDIS_URL", "redis://127.0.0.1:6379/13"),
                        help="a Redis database of its own: the Celery broker and the cache")
    return parser.parse_args(argv)


class Stack:
    """What the run started: the database, gunicorn, the worker; `close` undoes all of it."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.scratch = Path(tempfile.mkdtemp(prefix="portfolio-load-"))
        self.database = f"portfolio_load_{os.getpid()}"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.database_created = False
        self.port = free_port()
        self.host = f"http://127.0.0.1:{self.port}"
        self.password = secrets.token_urlsafe(16)
        server = urlsplit(args.database_server)
        self.server = server
        self.env = {
            **os.environ,
            "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(64), "AUDIT_HMAC_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SITE_URL": "https://127.0.0.1",
            "DATABASE_URL": urlunsplit(server._replace(path=f"/{self.database}")),
            "REDIS_URL": args.redis, "VAR_DIR": str(self.scratch), "STATIC_MANIFEST": "true",
            "CELERY_TASK_ALWAYS_EAGER": "false", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
            "LOAD_CPU_DIR": str(self.scratch / "cpu"), "LOAD_WORKERS": str(args.workers),
        }
        for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT", "CACHE_URL", "DJANGO_SETTINGS_MODULE"):
            self.env.pop(name, None)
        (self.scratch / "cpu").mkdir()

    def admin_sql(self, sql: str) -> None:
        import psycopg

        url = urlunsplit(self.server._replace(path="/postgres"))
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(sql)

    def create_database(self) -> None:
        self.admin_sql(f'CREATE DATABASE "{self.database}"')
        self.database_created = True

    def start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = open(self.scratch / f"{name}.log", "wb")  # noqa: SIM115 - the child writes to it until the end
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # its own process group: stopped with its children
        self.processes.append(process)
        return process

    def close(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if self.database_created:
            self.admin_sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            print(f"Dropped the database {self.database}.")
        subprocess.run(["rm", "-rf", str(self.scratch)], check=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(command: list[str], env: dict[str, str], what: str) -> None:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env)
    if result.returncode:
        raise SystemExit(f"{what} failed (exit {result.returncode})")
    print(f"{what}: {time.perf_counter() - started:.0f} s", flush=True)


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} in {timeout:.0f} s")


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """utime + stime of each process, from /proc/<pid>/stat (fields 14 and 15, in clock ticks)."""
    ticks = os.sysconf("SC_CLK_TCK")
    spent = {}
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        spent[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return spent


def locust(stack: Stack, prefix: str, users: int, spawn_rate: float, seconds: int, classes: list[str],
           extra_env: dict[str, str]) -> int:
    command = [str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary",
               "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s", "--stop-timeout", "30",
               "--host", stack.host, "--csv", str(stack.scratch / prefix), "--loglevel", "WARNING", *classes]
    env = {**stack.env, "LOAD_CANDIDATES": str(stack.args.candidates), "LOAD_PASSWORD": stack.password,
           "LOAD_SEED": "1", **extra_env}
    with open(stack.scratch / f"{prefix}-locust.log", "wb") as log:
        return subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT).returncode


def read_stats(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as rows:
        return list(csv.DictReader(rows))


def cpu_per_page(folder: Path) -> dict[str, list[float]]:
    """Each page's CPU milliseconds, keyed as the report's rows: "GET /enrolments/[pk]/" (locustfile.page's rule)."""
    pages: dict[str, list[float]] = defaultdict(list)
    for log in folder.glob("worker-*.tsv"):
        for line in log.read_text().splitlines():
            method, path, _status, milliseconds = line.split("\t")
            pages[f"{method} {NUMBER.sub('/[pk]', path)}"].append(float(milliseconds))
    return pages


def hash_cpu_ms(times: int = 9) -> float:
    """The median CPU ms of checking one password with the site's first hasher (portfolio_site/hashers.py)."""
    from portfolio_site.hashers import OwaspArgon2PasswordHasher

    hasher = OwaspArgon2PasswordHasher()
    encoded = hasher.encode("generated-centre-password", hasher.salt())
    spent = []
    for _ in range(times):
        started = time.process_time()
        hasher.verify("generated-centre-password", encoded)
        spent.append((time.process_time() - started) * 1000)
    return statistics.median(spent)


def report(stack: Stack, stats: list[dict[str, str]], cpu: dict[str, list[float]], workers_cpu: float,
           worker_cpu: float, seconds: float) -> int:
    print()
    print(f"{stack.args.users} users, {stack.args.candidates} candidates, {stack.args.seconds} s, "
          f"{stack.args.workers} gunicorn workers (times in ms; CPU: the gunicorn worker's per request, median)")
    header = f"{'page':<52} {'reqs':>6} {'fail':>5} {'median':>7} {'p95':>6} {'p99':>6} {'req/s':>6} {'CPU':>6}"
    print(header)
    print("-" * len(header))
    failures = 0
    total = next(row for row in stats if row["Name"] == "Aggregated")
    for row in sorted((r for r in stats if r["Name"] != "Aggregated"), key=lambda r: r["Name"]):
        name = f"{row['Type']} {row['Name']}"
        failures += int(row["Failure Count"])
        spent = cpu.get(name, [])
        cpu_over = bool(spent) and statistics.median(spent) > TARGET_CPU_MS and name != SIGN_IN
        over = " *" if float(row["95%"]) > TARGET_P95_MS or cpu_over else (" +" if name == SIGN_IN else "")
        print(f"{name[:52]:<52} {row['Request Count']:>6} {row['Failure Count']:>5} {row['50%']:>7} {row['95%']:>6} "
              f"{row['99%']:>6} {float(row['Requests/s']):>6.2f} "
              f"{(f'{statistics.median(spent):.1f}' if spent else '-'):>6}{over}")
    requests = int(total["Request Count"])
    print("-" * len(header))
    print(f"{'all':<52} {requests:>6} {total['Failure Count']:>5} {total['50%']:>7} {total['95%']:>6} "
          f"{total['99%']:>6} {float(total['Requests/s']):>6.2f}")
    print(f"* over a target: p95 < {TARGET_P95_MS} ms, CPU median < {TARGET_CPU_MS} ms")
    print(f"+ sign-in: its CPU is the password hash's, {hash_cpu_ms():.1f} ms of it (the burst below is its target)")
    measured = sum(len(v) for v in cpu.values())
    print(f"gunicorn workers' CPU (from /proc): {workers_cpu:.1f} s over {requests} requests = "
          f"{workers_cpu / max(requests, 1) * 1000:.1f} ms a request (sign-ins included); "
          f"per-request measurement covers {measured} requests")
    print(f"Celery worker's CPU: {worker_cpu:.1f} s; the run took {seconds:.0f} s")
    return failures


def main(argv: list[str]) -> int:
    args = options(argv)
    stack = Stack(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `finally` cleans up on a kill too
    try:
        print(f"Load test: database {stack.database}, files in {stack.scratch}", flush=True)
        stack.create_database()
        python = sys.executable
        run([python, str(HERE / "seed.py"), "--candidates", str(args.candidates), f"--password={stack.password}"],
            stack.env, f"Seeded {args.candidates} candidates")
        run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], stack.env, "collectstatic")
        gunicorn = stack.start("gunicorn", [str(BIN / "gunicorn"), "portfolio_site.wsgi", "-c",
                                            str(HERE / "gunicorn_load.py"), "--bind", f"127.0.0.1:{stack.port}"])
        worker = stack.start("celery", [str(BIN / "celery"), "-A", "portfolio_site", "worker", "--concurrency", "1",
                                        "--loglevel", "WARNING", "--without-gossip", "--without-mingle"])
        wait_for(stack.host + "/accounts/login/", gunicorn, stack.scratch / "gunicorn.log")
        workers = children(gunicorn.pid)
        print(f"gunicorn ({len(workers)} workers) on {stack.host}, Celery worker {worker.pid}", flush=True)
        for log in (stack.scratch / "cpu").glob("*.tsv"):
            log.write_text("")  # the readiness check's request (the worker keeps appending to the same file)
        before, worker_before = cpu_seconds(workers), sum(cpu_seconds([worker.pid, *children(worker.pid)]).values())
        started = time.perf_counter()
        print(f"Locust: {args.users} users for {args.seconds} s ...", flush=True)
        locust(stack, "main", args.users, args.spawn_rate, args.seconds, MAIN_CLASSES, {})
        took = time.perf_counter() - started
        after = cpu_seconds(workers)
        worker_after = sum(cpu_seconds([worker.pid, *children(worker.pid)]).values())
        if children(gunicorn.pid) != workers:
            print("Note: gunicorn replaced a worker during the run; the /proc figure misses its time.")
        cpu = cpu_per_page(stack.scratch / "cpu")
        failures = report(stack, read_stats(stack.scratch / "main_stats.csv"), cpu,
                          sum(after.values()) - sum(before.values()), worker_after - worker_before, took)
        failures_csv = stack.scratch / "main_failures.csv"
        for row in read_stats(failures_csv) if failures_csv.exists() else []:
            print(f"  failed: {row['Method']} {row['Name']} x{row['Occurrences']}: {row['Error'][:150]}")

        print(f"\nBurst: {args.burst} candidates sign in at once ...", flush=True)
        result = stack.scratch / "burst.json"
        locust(stack, "burst", args.burst, args.burst, 120, ["SignInBurst"],
               {"LOAD_BURST_USERS": str(args.burst), "LOAD_BURST_RESULT": str(result)})
        if not result.exists():
            print("The burst did not finish in 120 s. Locust said:")
            print((stack.scratch / "burst-locust.log").read_text()[-3000:])
            return 1
        burst = json.loads(result.read_text())
        sign_ins = next((r for r in read_stats(stack.scratch / "burst_stats.csv")
                         if r["Name"] == "/accounts/login/" and r["Type"] == "POST"), None)
        print(f"{args.burst} sign-ins complete in {burst['all_signed_in_seconds']:.2f} s "
              f"(target < {TARGET_BURST_S} s); sign-in POST median {sign_ins['50%'] if sign_ins else '-'} ms, "
              f"p95 {sign_ins['95%'] if sign_ins else '-'} ms")
        return 1 if failures else 0
    finally:
        stack.close()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
