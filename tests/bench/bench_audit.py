"""The audit trail at scale: verify_audit over 1,000,000 records in 2,000 chains with 100 seals.

Generates the records in bulk with the trail's own hashing (`trail.content_hash`,
`trail.seal`, `trail.seal_hash`), as `record()` and `seal_chains()` would have left
them: 100 periods, each writing to chains picked at random and then sealed, the last
period left unsealed. On PostgreSQL the rows go in with COPY; on SQLite with bulk
inserts. Then times `trail.verify()` (what `manage.py verify_audit` runs) and reports
the process's peak memory, which stays flat because verification streams.

Size: BENCH_AUDIT_RECORDS (default 1,000,000). Target: verify under 30 s at 1,000,000.
Worker processes: BENCH_AUDIT_JOBS, the `--jobs` values to time, one after another (default "1,2").
On PostgreSQL the generated database is kept and the next run with the same size reuses it
(generating a million records takes minutes); BENCH_AUDIT_KEEP=0 drops it at the end.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import resource
import time
from collections.abc import Iterator
from typing import Any

from tests.bench import support

VERIFY_TARGET_S = 30
RECORDS = int(os.environ.get("BENCH_AUDIT_RECORDS", "1000000"))
CHAINS = 2000
PERIODS = 100
BATCH = 20_000
JOBS = [int(n) for n in os.environ.get("BENCH_AUDIT_JOBS", "1,2").split(",") if n.strip()]
KEEP = os.environ.get("BENCH_AUDIT_KEEP", "1") != "0"


def _periods(count: int, rng: random.Random) -> Iterator[list[str]]:
    """For each period, the chain each of its records goes to (a few busy enrolments, a long tail)."""
    chains = [f"enrolment:{n}" for n in range(1, CHAINS)] + ["platform"]
    weights = [1 / (rank + 10) for rank in range(len(chains))]
    per_period, left = count // PERIODS, count
    for period in range(PERIODS):
        size = left if period == PERIODS - 1 else per_period
        left -= size
        yield rng.choices(chains, weights, k=size)


def generate(count: int) -> tuple[int, int]:
    """Write `count` chained records and the seals over them; returns (records, seals)."""
    from django.db import connection
    from django.utils import timezone

    from audit import trail
    from audit.models import AuditHead, AuditRecord, AuditSeal, AuditSealHead

    rng = random.Random(16)
    heads: dict[str, tuple[int, str]] = {}
    moment = timezone.now() - datetime.timedelta(days=PERIODS)
    seal_prev, seal_number, written = trail.GENESIS, 0, 0
    seals: list[AuditSeal] = []
    sealed: list[AuditSealHead] = []
    batch: list[tuple[Any, ...]] = []
    for period, chains in enumerate(_periods(count, rng)):
        moved: set[str] = set()
        for chain in chains:
            sequence, prev = heads.get(chain, (0, trail.GENESIS))
            moment += datetime.timedelta(microseconds=rng.randrange(1, 2_000_000))
            enrolment_id = int(chain.split(":")[1]) if chain.startswith("enrolment:") else None
            values: dict[str, Any] = {
                "chain": chain, "sequence": sequence + 1, "at": moment, "actor_id": rng.randrange(1, 500),
                "actor_label": "Ash Assessor", "enrolment_id": enrolment_id, "object_type": "assessments.Decision",
                "object_id": str(written), "object_label": f"Decision {written}", "action": "mapping accepted",
                # A value of each record's own (no two alike), as a decision's comment would be.
                "before": {"status": "claimed"}, "after": {"status": "accepted", "note": f"Kept ünïcode {written}"},
                "prev_hash": prev,
            }
            values["hash"] = trail.content_hash(values)
            values["hmac"] = trail.seal(values["hash"])
            heads[chain] = (sequence + 1, values["hash"])
            moved.add(chain)
            batch.append(tuple(values[name] for name in trail.FIELDS))
            written += 1
            if len(batch) == BATCH:
                _insert(batch)
                batch = []
        if period < PERIODS - 1:  # the last period's records are after the last seal
            seal_number += 1
            named = [(chain, *heads[chain]) for chain in sorted(moved)]
            digest = trail.seal_hash(seal_number, moment, seal_prev, named)
            seals.append(AuditSeal(sequence=seal_number, at=moment, prev_hash=seal_prev, hash=digest,
                                   hmac=trail.seal(digest)))
            sealed += [AuditSealHead(seal_sequence=seal_number, chain=chain, sequence=number, hash=head_hash)
                       for chain, number, head_hash in named]
            seal_prev = digest
    _insert(batch)
    AuditSeal.objects.bulk_create(seals, batch_size=1000)
    AuditSealHead.objects.bulk_create(sealed, batch_size=5000)
    AuditHead.objects.bulk_create(AuditHead(chain=chain, sequence=number, hash=digest)
                                  for chain, (number, digest) in heads.items())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    assert AuditRecord.objects.count() == count
    return written, seal_number


def _insert(rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    from audit import trail
    from audit.models import AuditRecord

    if not rows:
        return
    if connection.vendor == "postgresql":
        columns = ", ".join(trail.FIELDS)
        json_at = (trail.FIELDS.index("before"), trail.FIELDS.index("after"))
        with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {AuditRecord._meta.db_table} ({columns}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row([json.dumps(value) if index in json_at and value is not None else value
                                for index, value in enumerate(row)])
    else:
        AuditRecord.objects.bulk_create([AuditRecord(**dict(zip(trail.FIELDS, row, strict=True))) for row in rows],
                                        batch_size=1000)


def _generated(count: int) -> int | None:
    """The seals of the trail `generate(count)` wrote, when the database holds it already under this key; else None."""
    from audit import trail
    from audit.models import AuditHead, AuditRecord, AuditSeal

    if count == 0 or AuditRecord.objects.count() != count:
        return None
    seals = AuditSeal.objects.count()
    newest = AuditRecord.objects.order_by("-id").values("hash", "hmac").first()
    if seals != PERIODS - 1 or not AuditHead.objects.exists() or newest is None:
        return None
    return seals if trail.seal(newest["hash"]) == newest["hmac"] else None


def run() -> None:
    support.setup_django("audit", keep=KEEP)
    from django.db import connection

    from audit import trail
    from audit.models import AuditRecord

    name = connection.settings_dict["NAME"]
    keep = KEEP and connection.vendor == "postgresql"
    started = time.perf_counter()
    seals = _generated(RECORDS) if keep else None
    if seals is not None:
        records = RECORDS
        print(f"reused {records:,} chained audit records and {seals} seals in the kept database {name}")
    else:
        if AuditRecord.objects.exists():  # a kept database of another size or key: start again
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        records, seals = generate(RECORDS)
        print(f"wrote {records:,} chained audit records in {CHAINS:,} chains and {seals} seals on "
              f"{connection.vendor} in {time.perf_counter() - started:.1f} s")
    for jobs in JOBS:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started, started_cpu = time.perf_counter(), time.process_time()
        verdict = trail.verify(jobs=jobs)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        workers_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        assert verdict.intact and verdict.checked == records and verdict.seals == seals, verdict
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"verify_audit --jobs {jobs} over {verdict.checked:,} records in {verdict.chains:,} chains, "
              f"{verdict.seals} seals: {elapsed:.1f} s (target < {VERIFY_TARGET_S} s at 1,000,000), "
              f"{records / elapsed:,.0f} records/s; {cpu:.1f} s of this process's CPU and {workers_cpu:.1f} s of its "
              f"workers' (the database server's is not counted); peak memory of the process {peak_mb:.0f} MB; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        if elapsed >= VERIFY_TARGET_S * RECORDS / 1_000_000:
            print(f"bench_audit: the target was missed with --jobs {jobs}")
    if keep:
        print(f"kept the database {name} for the next run (BENCH_AUDIT_KEEP=0 drops it)")
    else:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    run()
