"""The audit chains: append, seal, verify, and tampering by raw SQL caught and named (altered, deleted, inserted)."""

from __future__ import annotations

import json
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from audit import trail
from audit.models import AuditHead, AuditRecord, AuditSeal, AuditSealHead

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_path(tmp_path, settings):
    settings.AUDIT_HEAD_PATH = tmp_path / "audit-head.json"
    return settings.AUDIT_HEAD_PATH


def _chain(n: int, actor=None) -> list[AuditRecord]:
    return [trail.record(actor=actor, action="test", object_type="test.Thing", object_id=i, object_label=f"thing {i}",
                         before={"n": i}, after={"n": i + 1, "text": "ünïcode"}) for i in range(1, n + 1)]


APPEND_ONLY = ("assessments_auditrecord", "audit_auditseal", "audit_auditsealhead")


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The append-only triggers refuse this even to the application; the attacker here is a DB owner.
            for table in APPEND_ONLY:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            for table in APPEND_ONLY:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def test_records_are_chained_and_sealed(head_path) -> None:
    first, second = _chain(2)
    assert (first.sequence, second.sequence) == (1, 2)
    assert first.chain == second.chain == trail.PLATFORM  # no enrolment: the platform's chain
    assert first.prev_hash == trail.GENESIS
    assert second.prev_hash == first.hash
    assert second.hmac == trail.seal(second.hash)


def _entries(n: int) -> list[trail.Entry]:
    return [trail.Entry(actor=None, action="bulk", object_type="test.Thing", object_id=i, object_label=f"thing {i}",
                        after={"n": i}) for i in range(1, n + 1)]


def test_record_many_appends_a_chain_that_verifies_between_single_records(head_path) -> None:
    _chain(2)
    written = trail.record_many(_entries(50))
    _chain(1)
    trail.export_head()
    assert [record.sequence for record in written] == list(range(3, 53))
    stored = list(AuditRecord.objects.filter(action="bulk").order_by("sequence"))
    assert stored[0].prev_hash == AuditRecord.objects.get(sequence=2).hash
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(stored, stored[1:], strict=False))
    assert AuditRecord.objects.get(sequence=53).prev_hash == stored[-1].hash
    verdict = trail.verify()
    assert verdict.intact and verdict.checked == 53


def test_record_many_costs_the_same_queries_for_ten_records_as_for_a_hundred(
    head_path, django_assert_num_queries
) -> None:
    _chain(1)
    with django_assert_num_queries(5):  # savepoint, lock the head, one insert, move the head, release
        trail.record_many(_entries(10))
    with django_assert_num_queries(5):
        trail.record_many(_entries(100))
    assert trail.verify().intact


def test_record_many_with_nothing_to_record_writes_nothing(head_path) -> None:
    _chain(1)
    assert trail.record_many([]) == []
    assert AuditRecord.objects.count() == 1 and trail.verify().intact


def test_intact_chain_verifies(head_path) -> None:
    _chain(5)
    trail.export_head()
    verdict = trail.verify()
    assert verdict.intact and verdict.checked == 5


def test_a_record_changed_by_raw_sql_is_named(head_path) -> None:
    _chain(5)
    trail.export_head()
    _raw("UPDATE assessments_auditrecord SET object_label = %s WHERE sequence = %s", ["forged", 3])
    verdict = trail.verify()
    assert not verdict.intact
    assert verdict.sequence == 3 and "altered" in verdict.problem


def test_a_record_rewritten_with_a_recomputed_hash_fails_its_seal(head_path) -> None:
    _chain(4)
    row = AuditRecord.objects.values(*trail.FIELDS).get(sequence=2)
    row["object_label"] = "forged"
    forged_hash = trail.content_hash(row)
    _raw("UPDATE assessments_auditrecord SET object_label = %s, hash = %s WHERE sequence = %s",
         ["forged", forged_hash, 2])
    verdict = trail.verify()
    assert verdict.sequence == 2 and "seal" in verdict.problem


def test_a_record_deleted_in_the_middle_is_named(head_path) -> None:
    _chain(5)
    _raw("DELETE FROM assessments_auditrecord WHERE sequence = %s", [3])
    verdict = trail.verify()
    assert not verdict.intact and verdict.sequence == 3 and "deleted" in verdict.problem


def test_the_newest_record_deleted_with_its_head_row_rewritten_is_caught_by_the_seal(head_path) -> None:
    records = _chain(5)
    trail.export_head()
    _raw("DELETE FROM assessments_auditrecord WHERE sequence = %s", [5])
    AuditHead.objects.filter(chain=trail.PLATFORM).update(sequence=4, hash=records[3].hash)
    verdict = trail.verify()
    assert not verdict.intact and verdict.sequence == 5 and "seal #1 names it" in verdict.problem


def test_a_record_inserted_without_the_key_is_named(head_path) -> None:
    _chain(3)
    newest = AuditRecord.objects.values(*trail.FIELDS).get(sequence=3)
    forged = {**newest, "sequence": 4, "prev_hash": newest["hash"], "object_label": "inserted"}
    forged["hash"] = trail.content_hash(forged)
    forged["hmac"] = "0" * 64
    AuditRecord(**forged).save()
    verdict = trail.verify()
    assert not verdict.intact and verdict.sequence == 4 and "inserted" in verdict.problem


def test_a_record_inserted_in_the_middle_breaks_the_chain(head_path) -> None:
    _chain(3)
    _raw("UPDATE assessments_auditrecord SET sequence = sequence + 10 WHERE sequence = %s", [3])
    _raw("UPDATE assessments_auditrecord SET sequence = 4 WHERE sequence = %s", [13])
    AuditRecord(**{**AuditRecord.objects.values(*trail.FIELDS).get(sequence=2), "sequence": 3,
                   "object_label": "inserted"}).save()
    verdict = trail.verify()
    assert not verdict.intact and verdict.sequence == 3


def test_a_forged_exported_head_is_refused(head_path) -> None:
    _chain(2)
    trail.export_head()
    data = json.loads(head_path.read_text())
    data["hash"] = trail.GENESIS
    head_path.write_text(json.dumps(data))
    assert "exported head" in trail.verify().problem


def test_records_cannot_be_changed_or_deleted_through_the_orm(head_path) -> None:
    (record,) = _chain(1)
    record.object_label = "changed"
    with pytest.raises(ValidationError):
        record.save()
    with pytest.raises(ValidationError):
        record.delete()


def test_verify_audit_command_exits_0_when_intact_and_1_naming_the_record(head_path, capsys) -> None:
    _chain(3)
    trail.export_head()
    call_command("verify_audit")
    assert "intact: 3 records in 1 chain, 1 seal." in capsys.readouterr().out
    _raw("UPDATE assessments_auditrecord SET action = %s WHERE sequence = %s", ["forged", 2])
    with pytest.raises(CommandError) as error:
        call_command("verify_audit")
    # On the command line Django turns the CommandError into this exit status.
    assert error.value.returncode == 1
    assert "record #2 of chain platform was altered" in str(error.value)


def test_export_head_seals_and_writes_the_newest_seal(head_path) -> None:
    records = _chain(2)
    head = trail.export_head()
    newest = AuditSeal.objects.get()
    data = json.loads(head_path.read_text())
    assert data["sequence"] == 1 and data["hash"] == newest.hash == head.hash
    assert data["hmac"] == trail.seal(f"1:{newest.hash}")
    assert list(AuditSealHead.objects.values_list("chain", "sequence", "hash")) == [
        (trail.PLATFORM, 2, records[-1].hash)]


def test_the_newest_record_deleted_after_the_last_export_is_caught_by_the_database_head(head_path) -> None:
    _chain(3)
    trail.export_head()
    _chain(2)  # records #4 and #5, not yet exported
    _raw("DELETE FROM assessments_auditrecord WHERE sequence = %s", [5])
    verdict = trail.verify()
    assert not verdict.intact and verdict.sequence == 5 and "deleted" in verdict.problem


def test_the_newest_record_deleted_before_any_export_is_caught_by_the_database_head(head_path) -> None:
    _chain(2)
    _raw("DELETE FROM assessments_auditrecord WHERE sequence = %s", [2])
    verdict = trail.verify()
    assert not verdict.intact and verdict.sequence == 2 and "deleted" in verdict.problem


# The triggers exist on PostgreSQL only: a developer's SQLite run passes over this test, CI (CI=true) never does.
@pytest.mark.skipif(connection.vendor != "postgresql" and not os.environ.get("CI"),
                    reason="the append-only triggers exist on PostgreSQL only")
def test_postgresql_refuses_raw_updates_and_deletes_of_decisions_and_records(head_path, enrolment, assessor,
                                                                              iqa) -> None:
    from django.db import DatabaseError, transaction

    assert connection.vendor == "postgresql", "CI must run the tests on PostgreSQL (DATABASE_URL)"

    from assessments import services
    from tests.assessments.factories import signed_unit

    services.unit_sample(unit_sign_off=signed_unit(enrolment, "B3", assessor=assessor), by=iqa)
    trail.export_head()
    for table in ("audit_auditseal", "audit_auditsealhead"):
        for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
                c.execute(sql)
    tables = ("auditrecord", "decision", "itemsignoff", "signedevidence", "learnerdeclaration", "unitsignoff",
              "unitsample")
    for table in tables:
        for sql in (f"UPDATE assessments_{table} SET id = id", f"DELETE FROM assessments_{table}"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
                c.execute(sql)
