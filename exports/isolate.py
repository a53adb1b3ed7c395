"""Render in a child process under a memory cap, so one huge portfolio cannot take the machine down.

The parent (a Celery pool process, which may not fork multiprocessing
children of its own) starts ``python -m exports.isolate JOB`` with
RLIMIT_AS set, reads its progress as JSON lines on stdout and gets the
result as the last line. The child needs no database: it gets the gathered
`PortfolioData` and the prepared assets by pickle and writes the PDF file.
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import activate, get_language, gettext, ngettext

from .data import PortfolioData
from .render import Assets, RenderResult

MEMORY_EXIT_CODE = 3
_ALLOCATION_SIGNALS = {signal.SIGTRAP, signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS}


class RenderFailed(Exception):
    """Rendering did not produce a PDF; the message says why, in words for the person who asked."""


def too_large_message(limit_mb: int) -> str:
    return gettext(
        "This portfolio is too large to render in one go (memory limit %(limit)d MB reached). "
        "Ask an administrator to raise EXPORT_MEMORY_LIMIT_MB, or export it without appended PDF evidence."
    ) % {"limit": limit_mb}


def _limit_child(limit_mb: int) -> Callable[[], None]:
    def apply() -> None:
        limit = limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:  # Linux: the renderer dies with the worker process that started it, never orphaned.
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - not Linux
            pass

    return apply


def render_in_child(
    data: PortfolioData,
    *,
    assets: Assets,
    workdir: Path,
    target: Path,
    include_pdf_evidence: bool,
    memory_limit_mb: int,
    timeout: float,
    on_progress: Callable[[str, int, float], None],
) -> tuple[RenderResult, int]:
    """Render `data` to `target` in a child process; returns the result and the child's peak RSS in KiB.

    Raises `RenderFailed` with a message a person can act on when the child runs out of memory,
    runs past `timeout` seconds or stops for any other reason.
    """
    job = workdir / "job.pickle"
    with open(job, "wb") as out:
        pickle.dump(
            {"data": data, "assets": assets, "workdir": workdir, "target": target,
             "include_pdf_evidence": include_pdf_evidence,
             # The child renders in the language active here: the export's, which the worker
             # overrides around the build (the PDF's words, dates and spec wording).
             "language": get_language() or settings.LANGUAGE_CODE,
             # The child reads images from the very storage the parent uses, whatever its settings say.
             "storage": settings.STORAGES["default"]},
            out, protocol=pickle.HIGHEST_PROTOCOL,
        )
    stderr_path = workdir / "renderer.log"
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "portfolio_site.settings"),
        # glibc reserves 64 MB of address space per thread arena; under RLIMIT_AS that is memory lost.
        "MALLOC_ARENA_MAX": "2",
    }
    with open(stderr_path, "wb") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-m", "exports.isolate", str(job)],
            stdout=subprocess.PIPE, stderr=stderr, env=env, cwd=Path(__file__).resolve().parent.parent,
            preexec_fn=_limit_child(memory_limit_mb),
        )
        timed_out = threading.Event()

        def expire() -> None:
            timed_out.set()
            child.kill()

        timer = threading.Timer(timeout, expire)
        timer.start()
        outcome: dict[str, Any] = {}  # the child's last JSON line
        try:
            assert child.stdout is not None
            for line in child.stdout:
                message = json.loads(line)
                if "progress" in message:
                    on_progress(*message["progress"])
                else:
                    outcome = message
            child.wait()
        finally:
            timer.cancel()
            if child.poll() is None:
                child.kill()
                child.wait()
    if child.returncode == 0 and "result" in outcome:
        return RenderResult(**outcome["result"]), outcome["max_rss_kib"]
    if outcome.get("error") == "memory" or child.returncode == MEMORY_EXIT_CODE:
        raise RenderFailed(too_large_message(memory_limit_mb))
    if timed_out.is_set():
        raise RenderFailed(ngettext(
            "Rendering took longer than the limit of %(seconds)d second and was stopped. "
            "Ask an administrator to raise EXPORT_TIME_LIMIT_SECONDS.",
            "Rendering took longer than the limit of %(seconds)d seconds and was stopped. "
            "Ask an administrator to raise EXPORT_TIME_LIMIT_SECONDS.", int(timeout)) % {"seconds": int(timeout)})
    log_tail = stderr_path.read_text(errors="replace")[-2000:]
    if "failed to map segment" in log_tail:
        raise RenderFailed(gettext(
            "The renderer could not even start within the memory limit of %(limit)d MB. "
            "Ask an administrator to raise EXPORT_MEMORY_LIMIT_MB.") % {"limit": memory_limit_mb})
    # Under RLIMIT_AS, Python raises MemoryError, but Pango/GLib/cairo abort on a failed malloc
    # (GLib's g_error traps: SIGTRAP; C++: SIGABRT; unchecked NULL: SIGSEGV): all mean "out of memory".
    if (
        -child.returncode in _ALLOCATION_SIGNALS
        or any(sign in log_tail for sign in ("MemoryError", "Cannot allocate memory", "failed to allocate"))
    ):
        raise RenderFailed(too_large_message(memory_limit_mb))
    raise RenderFailed(
        outcome.get("error")
        or gettext("The renderer stopped unexpectedly (exit status %(status)s). Try again; if it fails again, "
                   "tell an administrator.") % {"status": child.returncode}
    )


def _emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(job_path: str) -> int:
    """The child: load the job, render, print progress lines and one result line."""
    try:
        import gc

        import django

        django.setup()
        # A render builds millions of short-lived objects (CSS tokens, boxes, drawing operations), freed by their
        # reference counts: the cyclic collector's passes over them cost a good share of the render, so it runs
        # far less often, and what the start-up loaded is set aside (as in portfolio_site/wsgi.py).
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)
        from django.core.files.storage import storages

        from .render import render_portfolio

        with open(job_path, "rb") as job_file:
            job = pickle.load(job_file)
        activate(job.get("language") or settings.LANGUAGE_CODE)
        if settings.EXPORT_TEST_RENDER_DELAY_SECONDS:
            # Tests only: gives a fault test time to kill the worker while this child renders.
            import time

            time.sleep(settings.EXPORT_TEST_RENDER_DELAY_SECONDS)
        storage = storages.create_storage(job["storage"])
        result = render_portfolio(
            job["data"], assets=job["assets"], workdir=job["workdir"], target=job["target"],
            include_pdf_evidence=job["include_pdf_evidence"],
            on_progress=lambda stage, pages, fraction: _emit({"progress": [stage, pages, fraction]}),
            open_stored=lambda name: storage.open(name, "rb"),
        )
    except MemoryError:
        _emit({"error": "memory"})
        return MEMORY_EXIT_CODE
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _emit({"result": {"pages": result.pages, "rendered_pages": result.rendered_pages,
                      "appended_pages": result.appended_pages, "refused_urls": result.refused_urls},
           "max_rss_kib": max_rss})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
