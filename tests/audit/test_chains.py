"""The partitioned trail: a chain per enrolment, seals over the chains' heads, and tampering with either caught."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from audit import trail
from audit.models import AuditHead, AuditRecord, AuditSeal, AuditSealHead
from tests.audit.test_trail import _raw

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def head_path(tmp_path, settings):
    settings.AUDIT_HEAD_PATH = tmp_path / "audit-head.json"
    return settings.AUDIT_HEAD_PATH


def _write(enrolment_id: int | None, n: int, **extra) -> list[AuditRecord]:
    return [trail.record(actor=None, action="test", object_type="test.Thing", object_id=i,
                         object_label=f"thing {i}", enrolment_id=enrolment_id, after={"n": i}, **extra)
            for i in range(1, n + 1)]


def _head(chain: str) -> AuditHead:
    return AuditHead.objects.get(chain=chain)


def test_each_enrolment_has_a_chain_of_its_own_and_the_rest_go_to_the_platform_chain() -> None:
    first = _write(1, 2)
    second = _write(2, 3)
    platform = _write(None, 1)
    named = _write(None, 1, chain="centre:7")
    assert [(r.chain, r.sequence) for r in first] == [("enrolment:1", 1), ("enrolment:1", 2)]
    assert [(r.chain, r.sequence) for r in second] == [("enrolment:2", 1), ("enrolment:2", 2), ("enrolment:2", 3)]
    assert (platform[0].chain, named[0].chain) == (trail.PLATFORM, "centre:7")
    assert second[0].prev_hash == trail.GENESIS and second[1].prev_hash == second[0].hash
    assert (_head("enrolment:2").sequence, _head("enrolment:2").hash) == (3, second[-1].hash)
    verdict = trail.verify()
    assert verdict.intact and verdict.checked == 7 and verdict.chains == 4


def test_record_many_extends_each_chain_it_writes_to_in_one_lock(django_assert_num_queries) -> None:
    _write(1, 1)
    entries = [trail.Entry(actor=None, action="bulk", object_type="t", object_id=i, object_label="x",
                           enrolment_id=i % 3 + 1) for i in range(30)]
    with django_assert_num_queries(5):  # savepoint, lock the three heads, one insert, move the heads, release
        written = trail.record_many(entries)
    assert [r.sequence for r in written if r.chain == "enrolment:1"] == list(range(2, 12))
    assert [r.sequence for r in written if r.chain == "enrolment:3"] == list(range(1, 11))
    assert _head("enrolment:1").sequence == 11 and trail.verify().intact


def test_a_seal_names_the_heads_that_moved_since_the_seal_before() -> None:
    _write(1, 2)
    _write(2, 1)
    first = trail.seal_chains()
    assert first is not None and first.sequence == 1 and first.prev_hash == trail.GENESIS
    assert list(AuditSealHead.objects.values_list("chain", "sequence")) == [("enrolment:1", 2), ("enrolment:2", 1)]
    assert trail.seal_chains() is None  # nothing moved
    _write(2, 1)
    second = trail.seal_chains()
    assert second is not None and second.prev_hash == first.hash
    assert list(AuditSealHead.objects.filter(seal_sequence=2).values_list("chain", "sequence")) == [
        ("enrolment:2", 2)]
    assert trail.verify().intact and trail.verify().seals == 2


def test_seal_audit_command_seals_and_exports(head_path, capsys) -> None:
    _write(1, 1)
    call_command("seal_audit")
    assert "seal: #1" in capsys.readouterr().out
    assert json.loads(head_path.read_text())["hash"] == AuditSeal.objects.get().hash


def test_the_beat_schedule_seals_the_trail(settings) -> None:
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == "audit.tasks.seal_audit"]
    assert entries and entries[0]["schedule"] <= 3600


def test_an_edited_record_in_one_enrolments_chain_is_named_with_its_chain() -> None:
    _write(1, 3)
    _write(2, 3)
    _raw("UPDATE assessments_auditrecord SET object_label = %s WHERE chain = %s AND sequence = %s",
         ["forged", "enrolment:2", 2])
    verdict = trail.verify()
    assert not verdict.intact and (verdict.chain, verdict.sequence) == ("enrolment:2", 2)
    assert "record #2 of chain enrolment:2 was altered" in verdict.problem
    assert verdict.checked == 4  # enrolment:1's three and enrolment:2's first


def test_a_tail_deleted_with_its_head_row_rewritten_after_a_seal_is_caught_by_the_seal() -> None:
    kept = _write(1, 4)
    _write(2, 1)
    trail.export_head()
    _raw("DELETE FROM assessments_auditrecord WHERE chain = %s AND sequence > %s", ["enrolment:1", 2])
    AuditHead.objects.filter(chain="enrolment:1").update(sequence=2, hash=kept[1].hash)
    verdict = trail.verify()
    assert not verdict.intact and (verdict.chain, verdict.sequence) == ("enrolment:1", 4)
    assert "was deleted: seal #1 names it" in verdict.problem


def test_a_whole_chain_deleted_after_a_seal_is_caught() -> None:
    _write(1, 2)
    _write(2, 2)
    trail.export_head()
    _raw("DELETE FROM assessments_auditrecord WHERE chain = %s", ["enrolment:2"])
    AuditHead.objects.filter(chain="enrolment:2").delete()
    verdict = trail.verify()
    assert not verdict.intact and verdict.chain == "enrolment:2" and "deleted" in verdict.problem


def test_a_whole_chain_deleted_is_caught_by_its_head_row_before_any_seal() -> None:
    _write(1, 2)
    _raw("DELETE FROM assessments_auditrecord WHERE chain = %s", ["enrolment:1"])
    verdict = trail.verify()
    assert not verdict.intact and verdict.chain == "enrolment:1" and "has no records" in verdict.problem


def test_a_reordered_record_is_caught() -> None:
    _write(1, 4)
    _raw("UPDATE assessments_auditrecord SET sequence = 99 WHERE chain = %s AND sequence = 2", ["enrolment:1"])
    _raw("UPDATE assessments_auditrecord SET sequence = 2 WHERE chain = %s AND sequence = 3", ["enrolment:1"])
    _raw("UPDATE assessments_auditrecord SET sequence = 3 WHERE chain = %s AND sequence = 99", ["enrolment:1"])
    verdict = trail.verify()
    assert not verdict.intact and (verdict.chain, verdict.sequence) == ("enrolment:1", 2)


def test_a_record_moved_to_another_chain_is_caught() -> None:
    _write(1, 2)
    _write(2, 2)
    _raw("UPDATE assessments_auditrecord SET chain = %s, sequence = 3 WHERE chain = %s AND sequence = 2",
         ["enrolment:1", "enrolment:2"])
    verdict = trail.verify()
    assert not verdict.intact and (verdict.chain, verdict.sequence) == ("enrolment:1", 3)


def test_a_forged_seal_is_caught() -> None:
    _write(1, 2)
    first = trail.seal_chains()
    assert first is not None
    heads = [("enrolment:1", 1, AuditRecord.objects.get(chain="enrolment:1", sequence=1).hash)]
    at = first.at
    digest = trail.seal_hash(2, at, first.hash, heads)
    AuditSeal.objects.create(sequence=2, at=at, prev_hash=first.hash, hash=digest, hmac="0" * 64)
    AuditSealHead.objects.create(seal_sequence=2, chain="enrolment:1", sequence=1, hash=heads[0][2])
    verdict = trail.verify()
    assert not verdict.intact and verdict.sequence == 2 and "seal #2 was forged" in verdict.problem


def test_a_seal_whose_named_heads_were_edited_is_caught() -> None:
    _write(1, 3)
    trail.seal_chains()
    _raw("UPDATE audit_auditsealhead SET sequence = 2 WHERE seal_sequence = 1", [])
    verdict = trail.verify()
    assert not verdict.intact and "seal #1 was altered" in verdict.problem


def test_the_newest_seal_deleted_is_caught_by_the_exported_head(head_path) -> None:
    _write(1, 1)
    trail.export_head()
    _write(1, 1)
    trail.export_head()
    _raw("DELETE FROM audit_auditsealhead WHERE seal_sequence = 2", [])
    _raw("DELETE FROM audit_auditseal WHERE sequence = 2", [])
    verdict = trail.verify()
    assert not verdict.intact and verdict.sequence == 2 and "seal #2 was deleted" in verdict.problem


def test_a_seal_deleted_in_the_middle_is_caught() -> None:
    for _ in range(3):
        _write(1, 1)
        trail.seal_chains()
    _raw("DELETE FROM audit_auditseal WHERE sequence = 2", [])
    verdict = trail.verify()
    assert not verdict.intact and verdict.sequence == 2 and "seal #2 was deleted" in verdict.problem


def test_records_after_the_last_seal_are_verified_by_their_chain() -> None:
    _write(1, 2)
    trail.seal_chains()
    _write(1, 2)
    _raw("UPDATE assessments_auditrecord SET action = %s WHERE chain = %s AND sequence = 4", ["x", "enrolment:1"])
    verdict = trail.verify()
    assert (verdict.chain, verdict.sequence) == ("enrolment:1", 4) and "altered" in verdict.problem


def _original_chain(n: int) -> list[dict]:
    """Records as the single chain before partitioning wrote them (no chain in the hash), in bulk."""
    rows, prev = [], trail.GENESIS
    for sequence in range(1, n + 1):
        values = {"chain": "", "sequence": sequence, "at": AuditRecord._meta.get_field("at").to_python(
            "2026-01-02T03:04:05.123456+00:00"), "actor_id": None, "actor_label": "system", "enrolment_id": 1,
            "object_type": "t", "object_id": str(sequence), "object_label": "old", "action": "old",
            "before": None, "after": {"n": sequence}, "prev_hash": prev}
        values["hash"] = trail.content_hash(values)
        values["hmac"] = trail.seal(values["hash"])
        prev = values["hash"]
        rows.append(values)
    AuditRecord.objects.bulk_create(AuditRecord(**values) for values in rows)
    AuditHead.objects.create(chain="", sequence=n, hash=prev)
    return rows


def test_the_original_single_chain_verifies_beside_the_partitions_and_is_sealed() -> None:
    old = _original_chain(3)
    assert trail.content_hash({**old[0], "chain": ""}) == trail.content_hash(
        {key: value for key, value in old[0].items() if key != "chain"})  # hashed as before the partitions
    new = _write(1, 2)
    assert new[0].sequence == 1  # the enrolment's own chain starts afresh; the original chain takes no more
    trail.seal_chains()
    assert ("", 3) in set(AuditSealHead.objects.values_list("chain", "sequence"))
    verdict = trail.verify()
    assert verdict.intact and verdict.checked == 5 and verdict.chains == 2
    _raw("UPDATE assessments_auditrecord SET object_label = %s WHERE chain = '' AND sequence = 2", ["forged"])
    assert "record #2 of chain original was altered" in trail.verify().problem


def test_the_history_of_an_enrolment_reads_in_time_order_across_the_original_chain_and_its_own() -> None:
    _original_chain(2)
    _write(1, 2)
    newest_first = list(AuditRecord.objects.filter(enrolment_id=1).order_by("-at", "-id").values_list(
        "chain", "sequence"))
    assert newest_first == [("enrolment:1", 2), ("enrolment:1", 1), ("", 2), ("", 1)]


@pytest.mark.parametrize("value", [
    None, {"text": 'quotes " and \\ backslash\n, tab\t, ünïcode ✓, emoji 🙂, \u2028'}, [1, 2.5, -3e-7, True, None],
    {"nested": {"b": [{"z": 1, "a": 2}], "a": ""}, "big": 2**62}, "a plain string", 0,
])
def test_verification_hashes_what_the_writer_hashed_whatever_the_content(value) -> None:
    trail.record(actor=None, action='say "hi"\\', object_type="t", object_id="ïd", object_label="läbel\n",
                 enrolment_id=2**40, before=value, after={"v": value})
    trail.record(actor=None, action="plain", object_type="t", object_id=1, object_label="x", before=value)
    assert trail.verify().intact
