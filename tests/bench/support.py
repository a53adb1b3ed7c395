"""What the Django-page benchmarks share: a throwaway database, medians of server time, query counts."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable


def setup_django(name: str, *, keep: bool = False) -> str:
    """Django on a throwaway database (a temporary SQLite file unless DATABASE_URL names a server,
    where Django's test database is used); returns the scratch folder.

    `keep`: a server's database left by an earlier run is kept (and migrated) rather than made afresh.
    """
    import django
    from django.apps import apps

    # whitenoise looks for collected static files, which only production collects.
    warnings.filterwarnings("ignore", "No directory at")
    scratch = tempfile.mkdtemp(prefix=f"bench-{name}-")
    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
        os.environ["VAR_DIR"] = scratch
        os.environ["SECURE_SSL_REDIRECT"] = "false"
        os.environ["STATIC_MANIFEST"] = "false"
        django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    if connection.vendor == "sqlite":
        # A file, as in the embedded default, not the test runner's in-memory database.
        connection.settings_dict["TEST"]["NAME"] = f"{scratch}/bench-test.sqlite3"
    else:
        # A database of each benchmark's own: two benchmarks on one server never drop each other's.
        connection.settings_dict["TEST"]["NAME"] = f"test_{connection.settings_dict['NAME']}_bench_{name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=keep)
    return scratch


def median_ms(action: Callable[[], object], rounds: int, *, warm: int = 5) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds of `action`; CPU time tells what a busy machine's wall time hides."""
    for _ in range(warm):  # warm caches: compiled specs, templates, the session
        action()
    wall, cpu = [], []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def queries(action: Callable[[], object]) -> int:
    """How many SQL queries one call of `action` makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)
