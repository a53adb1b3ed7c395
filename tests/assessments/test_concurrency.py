"""Two requests signing the same item at once make exactly one sign-off; the other is told who signed.

Real concurrent transactions: two threads, each with its own database connection,
released together by a barrier. On PostgreSQL (CI) they race for the enrolment's
row lock; on SQLite the database serializes the writers, which must give the same
outcome.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from assessments import services
from assessments.models import ItemSignOff, SignedEvidence
from audit import trail
from audit.models import AuditRecord
from tests.assessments.factories import accepted_evidence, items_of


def _race(workers: list) -> list[object]:
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
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sign_offs_make_exactly_one(enrolment, assessor, centre_admin) -> None:
    item = items_of(enrolment, "A1")[0]
    accepted_evidence(enrolment, [item], assessor=assessor)

    def sign(by: object) -> object:
        return lambda: services.item_sign_off(enrolment=enrolment, assessable_item=item, by=by)

    results = _race([sign(assessor), sign(centre_admin)])

    signed = [r for r in results if isinstance(r, ItemSignOff)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(signed) == 1 and len(refused) == 1, results
    assert f"Already signed off by {signed[0].by}" in refused[0].messages[0]
    assert ItemSignOff.objects.count() == 1
    assert SignedEvidence.objects.count() == 1
    assert AuditRecord.objects.filter(action="item signed off").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_audit_appends_never_fork_the_chain(tmp_path, settings) -> None:
    settings.AUDIT_HEAD_PATH = tmp_path / "head.json"

    def append(n: int) -> object:
        def work() -> None:
            for i in range(5):
                trail.record(actor=None, action="race", object_type="test", object_id=f"{n}-{i}", object_label="x")
        return work

    results = _race([append(n) for n in range(4)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert list(AuditRecord.objects.values_list("sequence", flat=True)) == list(range(1, 21))
    assert trail.verify().intact, connection.vendor
