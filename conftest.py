"""Test-wide settings, applied before Django loads its settings."""

import os

# Tests talk plain HTTP to the test client and the live server.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("VAR_DIR", os.path.join(os.path.dirname(__file__), "var", "test"))
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
