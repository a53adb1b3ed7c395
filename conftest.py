"""Test-wide settings, applied before Django loads its settings."""

import importlib
import os
import sys

# Tests talk plain HTTP to the test client and the live server.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("VAR_DIR", os.path.join(os.path.dirname(__file__), "var", "test"))
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
# Each test process counts request ceilings in its own memory (tests/conftest.py empties it per test):
# with REDIS_URL set (CI), parallel processes would otherwise share, and clearing would flush the broker.
os.environ.setdefault("CACHE_URL", "locmemcache://")
# DEBUG is off in the tests, which would make every platform admin enrol a TOTP device before any other page:
# the tests of that rule (tests/signin) switch it on themselves.
os.environ.setdefault("REQUIRE_ADMIN_TOTP", "false")

# pytest-django imports the settings (to report their errors early) before this
# file loads, so the values above would come too late: read the settings again.
if "portfolio_site.settings" in sys.modules:
    from django.conf import settings

    module = importlib.reload(sys.modules["portfolio_site.settings"])
    # Copy onto the live object: apps may already have added their defaults to it.
    # Except DATABASES: the connections already hold that dict, and pytest-django gives each
    # xdist worker its own test database by editing it in place; a new dict would lose that.
    from django.core.signals import setting_changed
    from django.test import signals  # noqa: F401 - its receivers drop caches built from the old values

    for name in filter(str.isupper, dir(module)):
        if name != "DATABASES":
            setattr(settings, name, getattr(module, name))
            # Storages, for one, may already be built from the first reading (STATIC_MANIFEST).
            setting_changed.send(sender=None, setting=name, value=getattr(module, name), enter=True)


def pytest_configure(config: object) -> None:
    """The garbage collector tuned as the web process tunes it (portfolio_site/wsgi.py): what is loaded at start
    set aside, and collections less often. The tests' own objects are freed by their reference counts; about a
    tenth less CPU for the suite."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
