"""Real races between threads, each with its own database connection (PostgreSQL races for real)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from django.db import connection, connections


def race(workers: list[Callable[[], object]], *, timeout: float = 60) -> list[object]:
    """Start every worker at once (a barrier); each one's result, or the exception it raised, in order."""
    barrier = threading.Barrier(len(workers))
    results: list[object] = [None] * len(workers)
    # The test runner's in-memory SQLite database (shared cache) answers a second writer with "table is
    # locked" at once instead of waiting; there the threads take turns. PostgreSQL races for real.
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            with turns:
                results[index] = workers[index]()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            results[index] = error
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
