"""Writers to different chains never wait on each other; writers to one chain take turns (PostgreSQL).

A thread holds enrolment 1's head lock in an open transaction; this test's own connection
then writes to enrolment 2's chain under a short lock timeout (it must not wait), and to
enrolment 1's chain (it must wait, and times out).
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.db import OperationalError, connection, connections, transaction

from audit import trail

# Row locks exist on PostgreSQL only (SQLite locks the whole database for each writer): a developer's SQLite
# run passes over this test, CI (CI=true) never does.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql" and not os.environ.get("CI"),
                       reason="row locks exist on PostgreSQL only"),
]


def _write(enrolment_id: int) -> None:
    trail.record(actor=None, action="race", object_type="test.Thing", object_id=enrolment_id,
                 object_label="thing", enrolment_id=enrolment_id)


def _with_lock_timeout(milliseconds: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{milliseconds}ms'")


def test_a_write_to_one_enrolment_does_not_wait_for_a_transaction_holding_anothers(settings, tmp_path) -> None:
    assert connection.vendor == "postgresql", "CI must run the tests on PostgreSQL (DATABASE_URL)"
    settings.AUDIT_HEAD_PATH = tmp_path / "head.json"
    _write(1)
    _write(2)  # both heads exist: what follows measures the wait, not the first insert
    holding, release = threading.Event(), threading.Event()

    def hold_enrolment_1() -> None:
        try:
            with transaction.atomic():
                _write(1)
                holding.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_enrolment_1)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        started = time.monotonic()
        with transaction.atomic():
            _with_lock_timeout(2000)
            _write(2)
        assert time.monotonic() - started < 1.0
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            _with_lock_timeout(300)
            _write(1)
    finally:
        release.set()
        holder.join(timeout=30)
    verdict = trail.verify()
    assert verdict.intact and verdict.checked == 4 and verdict.chains == 2
