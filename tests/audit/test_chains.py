"""The partitioned trail: a chain per enrolment, seals over the chains' heads, and tampering with either caught."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command

from audit import trail
from audit.models import AuditHead, AuditRecord, AuditSeal, AuditSealHead
from tests.audit.test_trail import _raw

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def head_path(tmp_path, settings):
    settings.AUDIT_HEAD_PATH = tmp_path / "audit-head.json"
    return settings.AUDIT_HEAD_PATH


# Each tamper test runs with the chains walked in this process and by two worker processes. The workers read
# through connections of their own, so they see only committed rows: those tests commit (transaction=True).
JOBS = [pytest.param(1, id="jobs1"), pytest.param(2, id="jobs2", marks=pytest.mark.django_db(transaction=True))]


@pytest.fixture
def verify(monkeypatch) -> Callable[..., trail.Verdict]:
    """`trail.verify(jobs=...)`, asserting that worker processes walked the chains exactly when jobs > 1."""
    used: list[int] = []
    walk_in_workers = trail._walk_in_workers

    def spy(groups, jobs, meanwhile):
        used.append(len(groups))
        return walk_in_workers(groups, jobs, meanwhile)

    monkeypatch.setattr(trail, "_walk_in_workers", spy)

    def run(jobs: int) -> trail.Verdict:
        used.clear()
        verdict = trail.verify(jobs=jobs)
        assert (len(used) == 1 and used[0] > 1) if jobs > 1 else not used
        return verdict

    return run


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


@pytest.mark.parametrize("jobs", JOBS)
def test_an_edited_record_in_one_enrolments_chain_is_named_with_its_chain(verify, jobs) -> None:
    _write(1, 3)
    _write(2, 3)
    _raw("UPDATE assessments_auditrecord SET object_label = %s WHERE chain = %s AND sequence = %s",
         ["forged", "enrolment:2", 2])
    verdict = verify(jobs)
    assert not verdict.intact and (verdict.chain, verdict.sequence) == ("enrolment:2", 2)
    assert "record #2 of chain enrolment:2 was altered" in verdict.problem
    assert verdict.checked == 4  # enrolment:1's three and enrolment:2's first


@pytest.mark.parametrize("jobs", JOBS)
def test_a_tail_deleted_with_its_head_row_rewritten_after_a_seal_is_caught_by_the_seal(verify, jobs) -> None:
    kept = _write(1, 4)
    _write(2, 1)
    trail.export_head()
    _raw("DELETE FROM assessments_auditrecord WHERE chain = %s AND sequence > %s", ["enrolment:1", 2])
    AuditHead.objects.filter(chain="enrolment:1").update(sequence=2, hash=kept[1].hash)
    verdict = verify(jobs)
    assert not verdict.intact and (verdict.chain, verdict.sequence) == ("enrolment:1", 4)
    assert "was deleted: seal #1 names it" in verdict.problem


@pytest.mark.parametrize("jobs", JOBS)
def test_a_whole_chain_deleted_after_a_seal_is_caught(verify, jobs) -> None:
    _write(1, 2)
    _write(2, 2)
    _write(3, 2)
    trail.export_head()
    _raw("DELETE FROM assessments_auditrecord WHERE chain = %s", ["enrolment:2"])
    AuditHead.objects.filter(chain="enrolment:2").delete()
    verdict = verify(jobs)
    assert not verdict.intact and verdict.chain == "enrolment:2" and "deleted" in verdict.problem


@pytest.mark.parametrize("jobs", JOBS)
def test_a_whole_chain_deleted_is_caught_by_its_head_row_before_any_seal(verify, jobs) -> None:
    _write(1, 2)
    _write(2, 2)
    _raw("DELETE FROM assessments_auditrecord WHERE chain = %s", ["enrolment:1"])
    verdict = verify(jobs)
    assert not verdict.intact and verdict.chain == "enrolment:1" and "has no records" in verdict.problem


@pytest.mark.parametrize("jobs", JOBS)
def test_a_reordered_record_is_caught(verify, jobs) -> None:
    _write(2, 2)
    _write(1, 4)
    _raw("UPDATE assessments_auditrecord SET sequence = 99 WHERE chain = %s AND sequence = 2", ["enrolment:1"])
    _raw("UPDATE assessments_auditrecord SET sequence = 2 WHERE chain = %s AND sequence = 3", ["enrolment:1"])
    _raw("UPDATE assessments_auditrecord SET sequence = 3 WHERE chain = %s AND sequence = 99", ["enrolment:1"])
    verdict = verify(jobs)
    assert not verdict.intact and (verdict.chain, verdict.sequence) == ("enrolment:1", 2)


@pytest.mark.parametrize("jobs", JOBS)
def test_a_record_moved_to_another_chain_is_caught(verify, jobs) -> None:
    _write(1, 2)
    _write(2, 2)
    _raw("UPDATE assessments_auditrecord SET chain = %s, sequence = 3 WHERE chain = %s AND sequence = 2",
         ["enrolment:1", "enrolment:2"])
    verdict = verify(jobs)
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


@pytest.mark.parametrize("jobs", JOBS)
def test_records_after_the_last_seal_are_verified_by_their_chain(verify, jobs) -> None:
    _write(2, 1)
    _write(1, 2)
    trail.seal_chains()
    _write(1, 2)
    _raw("UPDATE assessments_auditrecord SET action = %s WHERE chain = %s AND sequence = 4", ["x", "enrolment:1"])
    verdict = verify(jobs)
    assert (verdict.chain, verdict.sequence) == ("enrolment:1", 4) and "altered" in verdict.problem


def _enrolments(lengths: list[int]) -> None:
    for enrolment_id, length in enumerate(lengths, start=1):
        _write(enrolment_id, length)


@pytest.mark.parametrize("jobs", JOBS)
def test_the_newest_record_of_one_chain_deleted_is_caught_by_its_head_row(verify, jobs) -> None:
    _enrolments([3, 5, 2, 4, 6, 1])
    _raw("DELETE FROM assessments_auditrecord WHERE chain = %s AND sequence = 4", ["enrolment:4"])
    verdict = verify(jobs)
    assert not verdict.intact and (verdict.chain, verdict.sequence) == ("enrolment:4", 4)
    assert "record #4 of chain enrolment:4 was deleted: the chain's head in the database names record #4, " \
           "the chain ends at #3" in verdict.problem
    assert (verdict.checked, verdict.chains) == (3 + 5 + 2 + 3, 4)


@pytest.mark.django_db(transaction=True)
def test_the_workers_name_the_first_problem_in_chain_order_as_one_walk_does(verify) -> None:
    _enrolments([4, 3, 5, 2, 6, 3, 4, 2, 5])
    intact = verify(1)
    assert intact.intact and (intact.checked, intact.chains) == (34, 9)
    assert verify(2) == verify(3) == intact
    # Problems in an early chain and a late one: whichever range finishes first, the early one is named.
    _raw("UPDATE assessments_auditrecord SET action = %s WHERE chain = %s AND sequence = 3", ["x", "enrolment:7"])
    _raw("UPDATE assessments_auditrecord SET action = %s WHERE chain = %s AND sequence = 2", ["x", "enrolment:2"])
    one = verify(1)
    assert (one.chain, one.sequence, one.checked, one.chains) == ("enrolment:2", 2, 5, 2)
    assert verify(2) == verify(3) == one
    # With only the late problem left (the early chain deleted whole with its head row, which no seal named).
    _raw("DELETE FROM assessments_auditrecord WHERE chain = %s", ["enrolment:2"])
    AuditHead.objects.filter(chain="enrolment:2").delete()
    one = verify(1)
    assert (one.chain, one.sequence, one.checked) == ("enrolment:7", 3, 4 + 5 + 2 + 6 + 3 + 2)
    assert verify(2) == one


@pytest.mark.django_db(transaction=True)
def test_verify_audit_with_workers_reports_and_exits_as_with_one_process(capsys) -> None:
    _enrolments([2, 3, 1])
    trail.export_head()
    for jobs in ("1", "2"):
        call_command("verify_audit", "--jobs", jobs)
        assert capsys.readouterr().out == "Audit trail intact: 6 records in 3 chains, 1 seal.\n"
    _raw("UPDATE assessments_auditrecord SET object_label = %s WHERE chain = %s AND sequence = 2",
         ["forged", "enrolment:2"])
    messages = []
    for jobs in ("1", "2"):
        with pytest.raises(CommandError) as error:
            call_command("verify_audit", "--jobs", jobs)
        assert error.value.returncode == 1
        messages.append(str(error.value))
    assert messages[0] == messages[1] == ("Audit trail broken after 3 good records: record #2 of chain enrolment:2 "
                                          "was altered (its content no longer matches its hash).")
    with pytest.raises(CommandError, match="--jobs must be 1 or more, not 0"):
        call_command("verify_audit", "--jobs", "0")


def test_the_chains_are_cut_into_ranges_of_about_as_many_records_covering_every_name() -> None:
    heads = [(f"enrolment:{n}", length, "h") for n, length in enumerate([5, 1, 1, 1, 5, 1, 1, 5], start=1)]
    groups = trail._groups(heads, 3)
    assert [(group.low, group.high) for group in groups] == [
        (None, "enrolment:4"), ("enrolment:4", "enrolment:7"), ("enrolment:7", None)]
    assert [sum(number for number, _ in group.heads.values()) for group in groups] == [7, 7, 6]
    assert [chain for group in groups for chain in group.heads] == [chain for chain, _, _ in heads]
    (whole,) = trail._groups(heads, 1)
    assert (whole.low, whole.high, len(whole.heads)) == (None, None, 8)
    assert len(trail._groups(heads[:2], 8)) == 2 and len(trail._groups([], 4)) == 1


@pytest.mark.django_db(transaction=True)
def test_workers_walk_only_where_their_connections_see_the_rows_this_one_sees(monkeypatch) -> None:
    from django.db import connection, transaction

    assert trail._workers_see_this_database()
    with transaction.atomic():
        assert not trail._workers_see_this_database()
    monkeypatch.setattr(connection, "vendor", "sqlite")
    monkeypatch.setitem(connection.settings_dict, "NAME", "file:memorydb_default?mode=memory&cache=shared")
    assert not trail._workers_see_this_database()


def test_inside_a_transaction_the_ranges_are_walked_here_as_workers_would_not_see_its_rows(verify) -> None:
    _enrolments([2, 2, 2])
    _raw("UPDATE assessments_auditrecord SET action = %s WHERE chain = %s AND sequence = 1", ["x", "enrolment:3"])
    assert not trail._workers_see_this_database()
    verdict = trail.verify(jobs=2)
    assert (verdict.chain, verdict.sequence, verdict.checked, verdict.chains) == ("enrolment:3", 1, 4, 3)


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


@pytest.mark.parametrize("value", [
    None, {"text": 'quotes " and \\ backslash\n, tab\t, ünïcode ✓, emoji 🙂, \u2028\x01'}, [1, 2.5, -3e-7, True, 1e300],
    {"nested": {"b": [{"z": 1, "a": 2}], "a": ""}, "é": 1, "e": 2, "Z": []}, "a plain string", 0,
])
def test_stored_json_is_written_out_as_the_encoder_writes_it(value) -> None:
    stored = json.dumps(value)
    for raw in (stored, f" {stored}\n", stored.encode()):  # the fast path, and json.loads where it does not apply
        assert trail._encode_stored(trail._decode_stored(raw)) == trail._encode(json.loads(raw))
    with pytest.raises(json.JSONDecodeError):
        trail._decode_stored(stored + "]")
