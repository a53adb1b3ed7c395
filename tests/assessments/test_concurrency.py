"""Two requests signing the same item at once make exactly one sign-off; the other is told who signed.

Real concurrent transactions: two threads, each with its own database connection,
released together by a barrier. On PostgreSQL (CI) they race for the enrolment's
row lock; on SQLite the database serializes the writers, which must give the same
outcome.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from assessments import services
from assessments.models import ItemSignOff, SignedEvidence
from audit import trail
from audit.models import AuditRecord
from tests.assessments.factories import accepted_evidence, items_of
from tests.concurrency import race


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sign_offs_make_exactly_one(enrolment, assessor, centre_admin) -> None:
    item = items_of(enrolment, "A1")[0]
    accepted_evidence(enrolment, [item], assessor=assessor)

    def sign(by: object) -> object:
        return lambda: services.item_sign_off(enrolment=enrolment, assessable_item=item, by=by)

    results = race([sign(assessor), sign(centre_admin)])

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

    results = race([append(n) for n in range(4)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert list(AuditRecord.objects.values_list("sequence", flat=True)) == list(range(1, 21))
    assert trail.verify().intact, connection.vendor
