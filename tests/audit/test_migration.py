"""The partitioning migration keeps the records written before it: they verify as the original chain, and are sealed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit import trail
from audit.models import AuditHead, AuditRecord, AuditSealHead

BEFORE = [("audit", "0002_append_only_trigger_by_pgtrigger")]
AFTER = [("audit", "0003_partitioned_chains_and_seals")]


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_records_of_the_single_chain_verify_after_the_partitioning_migration(settings, tmp_path) -> None:
    settings.AUDIT_HEAD_PATH = tmp_path / "head.json"
    _migrate(BEFORE)
    try:
        prev, now = trail.GENESIS, timezone.now().replace(microsecond=123456)
        with connection.cursor() as cursor:
            for sequence in (1, 2, 3):
                values: dict[str, Any] = {"sequence": sequence, "at": now, "actor_id": None, "actor_label": "system",
                          "enrolment_id": 7, "object_type": "t", "object_id": str(sequence), "object_label": "old",
                          "action": "old", "before": None, "after": None, "prev_hash": prev}
                values["hash"] = trail.content_hash(values)  # no chain: hashed as the single chain hashed
                cursor.execute(
                    "INSERT INTO assessments_auditrecord (sequence, at, actor_id, actor_label, enrolment_id, "
                    "object_type, object_id, object_label, action, before, after, prev_hash, hash, hmac) "
                    "VALUES (%s, %s, NULL, 'system', 7, 't', %s, 'old', 'old', NULL, NULL, %s, %s, %s)",
                    [sequence, now, str(sequence), prev, values["hash"], trail.seal(values["hash"])])
                prev = values["hash"]
            cursor.execute("INSERT INTO assessments_audithead (id, sequence, hash) VALUES (1, 3, %s)", [prev])
    finally:
        _migrate(AFTER)
    assert list(AuditRecord.objects.values_list("chain", "sequence")) == [("", 1), ("", 2), ("", 3)]
    assert AuditHead.objects.get(chain="").sequence == 3
    trail.record(actor=None, action="new", object_type="t", object_id=1, object_label="new", enrolment_id=7)
    trail.export_head()
    assert ("", 3, prev) in set(AuditSealHead.objects.values_list("chain", "sequence", "hash"))
    verdict = trail.verify()
    assert verdict.intact and verdict.checked == 4 and verdict.chains == 2
