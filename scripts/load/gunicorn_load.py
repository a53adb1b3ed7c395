"""gunicorn for the load test: the production settings of gunicorn.conf.py, plus each request's CPU time.

A sync worker serves one request at a time, so the worker's CPU time (user + system) between
`pre_request` and `post_request` is that request's: parsing, the view, its SQL on the client
side, rendering and writing the response. Each worker appends "METHOD PATH CPU_MS" lines to
LOAD_CPU_DIR/worker-<pid>.tsv; scripts/load/run.py adds them up per page.
"""

from __future__ import annotations

import os
import resource
import runpy
from pathlib import Path
from typing import Any

# The production settings, then the load test's own changes.
globals().update({name: value for name, value in runpy.run_path(
    str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py")).items() if not name.startswith("_")})
workers = int(os.environ.get("LOAD_WORKERS", "3"))
accesslog = None
# Workers are never replaced during the run, so reading their CPU time from /proc before and after counts it all.
max_requests = 0

_CPU_DIR = Path(os.environ.get("LOAD_CPU_DIR", "."))


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pre_request(worker: Any, req: Any) -> None:
    worker.load_cpu_started = _cpu_seconds()


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    spent = (_cpu_seconds() - worker.load_cpu_started) * 1000
    log = getattr(worker, "load_cpu_log", None)
    if log is None:
        log = worker.load_cpu_log = open(_CPU_DIR / f"worker-{os.getpid()}.tsv", "a", buffering=1)  # noqa: SIM115
    log.write(f"{req.method}\t{req.path}\t{getattr(resp, 'status_code', 0)}\t{spent:.3f}\n")
