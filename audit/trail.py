"""The tamper-evident audit trail: append-only hash chains, one per partition, sealed with an HMAC.

Each `AuditRecord` belongs to a chain (its partition: ``enrolment:<id>`` for every
record about an enrolment, ``platform`` for the rest unless the caller names a chain
of its own) and holds the SHA-256 of its own content, which includes its chain and the
hash of the record before it in that chain (``prev_hash``), and an HMAC of that hash
under ``settings.AUDIT_HMAC_KEY``, a key kept outside the database (the environment;
the development default is derived from SECRET_KEY). Someone who can write to the
database but does not hold the key cannot alter, insert, reorder or delete a record
without `verify()` noticing:

- altered content -> its hash no longer matches;
- a record inserted or rewritten with a recomputed hash -> its HMAC does not match;
- a record deleted in the middle, or moved -> a gap in its chain's sequence / a broken ``prev_hash`` link;
- a chain's newest records deleted -> the chain ends before its head row (`AuditHead`,
  moved with every append) or before the head a seal named.

Seals: a periodic task (`seal_audit`) writes an `AuditSeal` naming every chain head
that moved since the seal before (chain, sequence, hash; `AuditSealHead`), hashed
with the previous seal's hash and HMAC'd, so each seal vouches for every head named
so far; `export_head()` also writes the newest seal outside the database
(``AUDIT_HEAD_PATH``). Deleting a chain's tail, or a whole chain with its head row,
after a seal leaves a sealed head with no record; deleting the newest seals leaves
the exported seal with none. Records after the last seal are vouched for by their chain.

Appending locks only the heads of the chains written to (an upsert of the head row, which
locks it; SQLite takes its write lock at BEGIN IMMEDIATE), so two writers never both
extend one record, and writers to different enrolments never wait on each other.

Every service calls `record()` itself, inside its own transaction; this module
imports no other app of ours, so any of them may.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import itertools
import json
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, connections, models, transaction
from django.utils import timezone

from .models import AuditHead, AuditRecord, AuditSeal, AuditSealHead

GENESIS = "0" * 64
ORIGINAL = ""  # the chain of the records written before the trail was partitioned; closed to new records
PLATFORM = "platform"
CHUNK = 5000
FRAGMENT_CACHE = 100_000  # JSON values remembered while verifying
LOCK_BATCH = 400  # chains per upsert statement, well inside SQLite's limit on parameters
FIELDS = (
    "chain", "sequence", "at", "actor_id", "actor_label", "enrolment_id", "object_type", "object_id", "object_label",
    "action", "before", "after", "prev_hash", "hash", "hmac",
)


def _key() -> bytes:
    return str(settings.AUDIT_HMAC_KEY).encode()


def _canonical(values: Mapping[str, Any]) -> bytes:
    content = {
        "sequence": values["sequence"],
        "at": _utc_text(values["at"]),
        "actor_id": values["actor_id"],
        "actor_label": values["actor_label"],
        "enrolment_id": values["enrolment_id"],
        "object_type": values["object_type"],
        "object_id": values["object_id"],
        "object_label": values["object_label"],
        "action": values["action"],
        "before": values["before"],
        "after": values["after"],
        "prev_hash": values["prev_hash"],
    }
    if values.get("chain"):  # the original chain's records were hashed without one
        content["chain"] = values["chain"]
    return _encode(content).encode()


# Built once: json.dumps with these options would build an encoder per call, which shows at a million records.
_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode


def _utc_text(moment: datetime.datetime | str) -> str:
    if isinstance(moment, str):  # already the canonical text (verification has the database write it)
        return moment
    if moment.utcoffset():  # the database hands back UTC; convert anything else first
        moment = moment.astimezone(datetime.UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond:06d}Z"


def content_hash(values: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of a record's content, its chain and its predecessor's hash included."""
    return hashlib.sha256(_canonical(values)).hexdigest()


def seal(digest: str) -> str:
    """The HMAC-SHA256 (hex) of a hash under the audit key."""
    return hmac.digest(_key(), digest.encode(), "sha256").hex()


def _jsonable(value: Any) -> Any:
    # Round-trip through JSON now, so the hash covers exactly what the database will give back.
    return json.loads(json.dumps(value, default=str)) if value is not None else None


def chain_label(chain: str) -> str:
    """How a chain is named in messages."""
    return chain or "original"


# --------------------------------------------------------------------------- appending


@dataclass(frozen=True)
class Entry:
    """One record to append, as `record()` takes it: `obj` fills the object's type, id and label.

    `chain` names the partition; by default the enrolment's own chain, else the platform's.
    """

    actor: Any
    action: str
    obj: models.Model | None = None
    object_type: str = ""
    object_id: str | int = ""
    object_label: str = ""
    enrolment_id: int | None = None
    before: Any = None
    after: Any = None
    chain: str = ""

    @property
    def chain_key(self) -> str:
        if self.chain:
            return self.chain[:64]
        return f"enrolment:{self.enrolment_id}" if self.enrolment_id is not None else PLATFORM


@dataclass
class _Head:
    pk: int
    sequence: int
    hash: str


def _lock_heads(chains: Sequence[str]) -> dict[str, _Head]:
    """Lock (creating when new) the head row of each chain, in name order so two writers never deadlock.

    One statement per LOCK_BATCH chains: an upsert that touches the row takes its lock, waits for a writer
    holding it, and returns the head as that writer committed it.
    """
    table = connection.ops.quote_name(AuditHead._meta.db_table)
    heads: dict[str, _Head] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(chains), LOCK_BATCH):
            batch = chains[start:start + LOCK_BATCH]
            rows = ", ".join(["(%s, 0, %s, 0)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} (chain, sequence, hash, sealed_sequence) VALUES {rows} "  # noqa: S608
                "ON CONFLICT (chain) DO UPDATE SET chain = excluded.chain RETURNING id, chain, sequence, hash",
                [value for chain in batch for value in (chain, GENESIS)],
            )
            for pk, chain, sequence, digest in cursor.fetchall():
                heads[chain] = _Head(pk, sequence, digest)
    return heads


def _content(entry: Entry, *, chain: str, sequence: int, at: datetime.datetime, prev_hash: str) -> dict[str, Any]:
    """The stored values of `entry` as link `sequence` of `chain` after `prev_hash`, hashed and sealed."""
    object_type, object_id, object_label = entry.object_type, entry.object_id, entry.object_label
    if entry.obj is not None:
        object_type = object_type or entry.obj._meta.label
        object_id = object_id or entry.obj.pk
        object_label = object_label or str(entry.obj)
    values: dict[str, Any] = {
        "chain": chain,
        "sequence": sequence,
        "at": at,
        "actor_id": getattr(entry.actor, "pk", None),
        "actor_label": (str(entry.actor) if entry.actor is not None else "system")[:255],
        "enrolment_id": entry.enrolment_id,
        "object_type": object_type[:64],
        "object_id": str(object_id)[:64],
        "object_label": object_label[:255],
        "action": entry.action[:64],
        "before": _jsonable(entry.before),
        "after": _jsonable(entry.after),
        "prev_hash": prev_hash,
    }
    values["hash"] = content_hash(values)
    values["hmac"] = seal(values["hash"])
    return values


@transaction.atomic
def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_label: str = "",
    enrolment_id: int | None = None,
    before: Any = None,
    after: Any = None,
    chain: str = "",
) -> AuditRecord:
    """Append one record to its chain, in the caller's transaction (it commits or rolls back with the change).

    `obj` fills the object's type, id and label; `actor` may be None for the system; `chain` names the
    partition (by default the enrolment's chain, or the platform's when there is no enrolment).
    """
    entry = Entry(actor=actor, action=action, obj=obj, object_type=object_type, object_id=object_id,
                  object_label=object_label, enrolment_id=enrolment_id, before=before, after=after, chain=chain)
    return record_many([entry])[0]


@transaction.atomic
def record_many(entries: Iterable[Entry]) -> list[AuditRecord]:
    """Append records in their order, in the caller's transaction, locking each chain written to once.

    Each chain is the one `record()` would make one call at a time (each record links to the one before it
    in its chain), so a bulk write (a thousand enrolments from a CSV) costs a few queries, not a few per record.
    """
    entries = list(entries)
    if not entries:
        return []
    heads = _lock_heads(sorted({entry.chain_key for entry in entries}))
    at = timezone.now()
    records = []
    for entry in entries:
        chain = entry.chain_key
        head = heads[chain]
        head.sequence += 1
        values = _content(entry, chain=chain, sequence=head.sequence, at=at, prev_hash=head.hash)
        records.append(AuditRecord(**values))
        head.hash = values["hash"]
    AuditRecord.objects.bulk_create(records)
    if len(heads) == 1:
        (head,) = heads.values()
        AuditHead.objects.filter(pk=head.pk).update(sequence=head.sequence, hash=head.hash)
    else:
        AuditHead.objects.bulk_update(
            [AuditHead(pk=head.pk, sequence=head.sequence, hash=head.hash) for head in heads.values()],
            ["sequence", "hash"],
        )
    return records


# --------------------------------------------------------------------------- seals


def _seal_canonical(sequence: int, at: datetime.datetime, prev_hash: str, heads: Iterable[Sequence[Any]]) -> bytes:
    content = {"sequence": sequence, "at": _utc_text(at), "prev_hash": prev_hash,
               "heads": [[chain, int(number), digest] for chain, number, digest in heads]}
    return _encode(content).encode()


def seal_hash(sequence: int, at: datetime.datetime, prev_hash: str, heads: Iterable[Sequence[Any]]) -> str:
    """The SHA-256 (hex) of a seal: its number, time, the previous seal's hash and the heads it names."""
    return hashlib.sha256(_seal_canonical(sequence, at, prev_hash, heads)).hexdigest()


def seal_chains() -> AuditSeal | None:
    """Seal every chain head that moved since the last seal; the new seal, or None when nothing moved.

    Heads being written to at this moment are passed over (SKIP LOCKED): no writer waits on a seal for more
    than its own short transaction, and the next seal names them. Safe to run twice at once: one seal wins.
    """
    try:
        with transaction.atomic():
            return _seal_moved_heads()
    except IntegrityError:
        return None  # another seal took this number at the same moment; it named these heads


def _seal_moved_heads() -> AuditSeal | None:
    moved = list(
        AuditHead.objects.select_for_update(skip_locked=True)
        .exclude(sequence=models.F("sealed_sequence")).filter(sequence__gt=0)
        .order_by("chain").values_list("pk", "chain", "sequence", "hash")
    )
    if not moved:
        return None
    last = AuditSeal.objects.order_by("-sequence").values("sequence", "hash").first()
    sequence, prev_hash = (last["sequence"] + 1, last["hash"]) if last else (1, GENESIS)
    at = timezone.now()
    heads = [(chain, number, digest) for _, chain, number, digest in moved]
    digest = seal_hash(sequence, at, prev_hash, heads)
    new = AuditSeal.objects.create(sequence=sequence, at=at, prev_hash=prev_hash, hash=digest, hmac=seal(digest))
    AuditSealHead.objects.bulk_create(
        AuditSealHead(seal_sequence=sequence, chain=chain, sequence=number, hash=head_hash)
        for chain, number, head_hash in heads
    )
    AuditHead.objects.bulk_update([AuditHead(pk=pk, sealed_sequence=number) for pk, _, number, _ in moved],
                                  ["sealed_sequence"])
    return new


# --------------------------------------------------------------------------- the newest seal outside the database


@dataclass(frozen=True)
class ExportedHead:
    sequence: int
    hash: str
    hmac: str
    at: str


def export_head(path: Path | None = None) -> ExportedHead:
    """Seal the chains' moved heads, then write the newest seal (sequence, hash, HMAC, time) to
    AUDIT_HEAD_PATH, atomically."""
    seal_chains()
    path = Path(path or settings.AUDIT_HEAD_PATH)
    newest = AuditSeal.objects.order_by("-sequence").values("sequence", "hash").first()
    sequence, digest = (newest["sequence"], newest["hash"]) if newest else (0, GENESIS)
    head = ExportedHead(sequence=sequence, hash=digest, hmac=seal(f"{sequence}:{digest}"),
                        at=_utc_text(timezone.now()))
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(path.suffix + ".tmp")
    scratch.write_text(json.dumps(head.__dict__, indent=2))
    os.replace(scratch, path)  # readers see the old head or the new one, never half a file
    return head


def read_exported_head(path: Path | None = None) -> ExportedHead | None:
    """The last exported seal, or None when none was written yet."""
    path = Path(path or settings.AUDIT_HEAD_PATH)
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return ExportedHead(sequence=int(data["sequence"]), hash=data["hash"], hmac=data["hmac"], at=data["at"])


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class Verdict:
    intact: bool
    checked: int  # records found intact
    problem: str = ""
    sequence: int | None = None  # the first record (or seal) found altered, inserted or deleted
    chain: str | None = None  # its chain (None for a seal)
    chains: int = 0
    seals: int = 0


@dataclass
class _Walk:
    """The state of one pass over a range of chains, in (chain, sequence) order."""

    heads: dict[str, tuple[int, str]]
    key: bytes
    checked: int = 0
    chains: int = 0
    chain: str | None = None
    expected: int = 1
    prev: str = GENESIS
    seen: set[str] = field(default_factory=set)
    fragments: dict[Any, str] = field(default_factory=dict)


Problem = tuple[str, int | None, str | None]
GROUPS_PER_JOB = 4  # ranges of chains per worker process: a slow range holds the others up less


@dataclass(frozen=True)
class _Group:
    """The chains named from `low` (inclusive) to `high` (exclusive) in the database's order (None: no bound),
    with the head rows of those chains. The groups of one pass cover every name, so no record is left out."""

    low: str | None
    high: str | None
    heads: dict[str, tuple[int, str]]


@dataclass(frozen=True)
class _GroupVerdict:
    checked: int  # records found intact before `problem`, or all
    chains: int
    problem: Problem | None  # the first record breaking its chain, or a chain ending before its head
    unseen: Problem | None = None  # else the first chain (in name order) with a head row and no records


def default_jobs() -> int:
    """How many worker processes `verify_audit` uses unless told: one per core this process may run on, up to 4."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, 4))


def verify(*, head_path: Path | None = None, jobs: int = 1) -> Verdict:
    """Walk every chain from its first record; the first problem found, or intact.

    Checks each record's hash, HMAC, sequence and link; each chain's end against its head row; the seals'
    own chain; every head a seal named against its chain; the newest seal against the one last exported
    outside the database. Streams the records in chunks: memory stays flat at any size.

    `jobs` > 1 splits the chains into ranges walked by that many worker processes, each on a connection of
    its own; the verdict (the first problem in chain order, the records counted before it) is the one a
    single walk gives.
    """
    # Read before the walk: seals and head rows commit after the records they name, so the walk sees those.
    last_seal = AuditSeal.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    heads = list(AuditHead.objects.filter(sequence__gt=0).order_by("chain").values_list("chain", "sequence", "hash"))
    groups = _groups(heads, jobs * GROUPS_PER_JOB if jobs > 1 else 1)

    def seals_problem() -> Problem | None:
        return _check_seals(last_seal) or _check_sealed_heads(last_seal) or _against_exported(
            read_exported_head(head_path))

    if jobs > 1 and len(groups) > 1 and _workers_see_this_database():
        # This process checks the seals while the workers walk the chains.
        walked, after_walk = _walk_in_workers(groups, jobs, seals_problem)
    else:
        walked, after_walk = [], None
        for group in groups:
            walked.append(_walk_group(group))
            if walked[-1].problem is not None:
                break
    checked = sum(verdict.checked for verdict in walked)
    chains = sum(verdict.chains for verdict in walked)
    broken = walked[-1].problem
    if broken is None:
        # The first unseen head in name order, as one walk over every chain would name it.
        broken = min((verdict.unseen for verdict in walked if verdict.unseen is not None),
                     key=lambda problem: problem[2] or "", default=None)
    if broken is None:
        broken = after_walk if after_walk is not None else seals_problem()
    if broken is not None:
        return Verdict(False, checked, broken[0], broken[1], broken[2], chains, last_seal)
    return Verdict(True, checked, chains=chains, seals=last_seal)


def _groups(heads: Sequence[tuple[str, int, str]], count: int) -> list[_Group]:
    """The chains cut into up to `count` ranges holding about as many records each (as their heads count them).

    `heads` come in the database's order of chain names, the order the ranges are compared and walked in;
    the first range has no lower bound and the last no upper one, so chains without a head row are walked too.
    """
    total = sum(number for _, number, _ in heads)
    groups: list[_Group] = []
    low: str | None = None
    members: dict[str, tuple[int, str]] = {}
    done = 0
    for chain, number, digest in heads:
        if members and done >= total * (len(groups) + 1) / count:
            groups.append(_Group(low, chain, members))
            low, members = chain, {}
        members[chain] = (number, digest)
        done += number
    groups.append(_Group(low, None, members))
    return groups


def _workers_see_this_database() -> bool:
    """Whether worker processes, each on a connection of its own, read what this connection reads: not inside
    a transaction (its uncommitted rows are its own), not an in-memory SQLite database (it lives in this
    process), and only where a worker can be forked with this process's settings."""
    if connection.in_atomic_block or "fork" not in multiprocessing.get_all_start_methods():
        return False
    name = str(connection.settings_dict["NAME"])
    return not (connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name))


def _walk_in_workers(groups: Sequence[_Group], jobs: int,
                     meanwhile: Callable[[], Problem | None]) -> tuple[list[_GroupVerdict], Problem | None]:
    """Each group's verdict, in order, up to the first with a problem (the later ones are not waited for
    unless already running); and what `meanwhile` found, run here while the workers walk."""
    walked: list[_GroupVerdict] = []
    context = multiprocessing.get_context("fork")  # the workers start with this process's settings, at once
    with ProcessPoolExecutor(max_workers=min(jobs, len(groups)), mp_context=context,
                             initializer=_worker_started) as pool:
        futures = [pool.submit(_walk_group_in_worker, group) for group in groups]
        found = meanwhile()
        for future in futures:
            walked.append(future.result())
            if walked[-1].problem is not None:
                for later in futures:
                    later.cancel()
                break
    return walked, found


_inherited: list[Any] = []  # in a worker, the parent's database connections, never used or closed


def _worker_started() -> None:
    """In a forked worker: set the parent's connections aside, unclosed (closing a PostgreSQL connection
    would end the parent's session on the server), so that each query here opens a connection of its own."""
    for wrapper in connections.all(initialized_only=True):
        _inherited.append(wrapper.connection)
        wrapper.connection = None


def _walk_group_in_worker(group: _Group) -> _GroupVerdict:
    try:
        return _walk_group(group)
    finally:
        connections.close_all()  # this worker's own connections: the server sees a clean goodbye


def _walk_group(group: _Group) -> _GroupVerdict:
    walk = _Walk(heads=group.heads, key=_key())
    broken = _walk(walk, _rows(group.low, group.high))
    return _GroupVerdict(walk.checked, walk.chains, broken, _unseen_heads(walk) if broken is None else None)


def _rows(low: str | None = None, high: str | None = None) -> Iterator[tuple[Any, ...]]:
    """The records of the chains named from `low` to `high` (exclusive), in (chain, sequence) order."""
    # Keyset pagination on the (chain, sequence) index: bounded memory over any number of records, on every
    # database, and plain tuples (no model instances) because this loop is the whole cost of a large trail.
    quote = connection.ops.quote_name
    columns = [quote(name) for name in FIELDS]
    if connection.vendor == "postgresql":
        # The time as the hash has it (see _utc_text), written by the server rather than parsed and formatted here.
        columns[FIELDS.index("at")] = """to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
    select = f"SELECT {', '.join(columns)} FROM {quote(AuditRecord._meta.db_table)}"  # noqa: S608
    bounds: list[str] = []
    bound_values: list[Any] = []
    if low is not None:
        bounds.append("chain >= %s")
        bound_values.append(low)
    if high is not None:
        bounds.append("chain < %s")
        bound_values.append(high)
    order = "ORDER BY chain, sequence LIMIT %s"
    after: tuple[str, int] | None = None
    with connection.cursor() as cursor:
        while True:
            conditions = [*bounds, "(chain, sequence) > (%s, %s)"] if after is not None else bounds
            where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
            cursor.execute(f"{select} {where}{order}", [*bound_values, *(after or ()), CHUNK])
            chunk = cursor.fetchall()
            if not chunk:
                return
            yield from chunk
            after = (chunk[-1][0], chunk[-1][1])


_string = json.encoder.encode_basestring  # how the encoder writes a string when ensure_ascii is off


def _number(value: int | None) -> str:
    return "null" if value is None else int.__repr__(value)


# A stored JSON value decoded and re-encoded by the json module's C scanner and encoder called directly: the
# Python wrappers of json.loads and JSONEncoder.encode cost as much again, at a million records.
# Neither is in the json module's type hints. The encoder takes `_encode`'s options, as JSONEncoder passes them.
_scan: Callable[[str, int], tuple[Any, int]] = json.decoder.JSONDecoder().scan_once  # type: ignore[attr-defined]
_make_encoder = json.encoder.c_make_encoder  # type: ignore[attr-defined]
_c_encoder = _make_encoder and _make_encoder(None, str, _string, None, ":", ",", True, False, True)


def _decode_stored(raw: str | bytes) -> Any:
    if isinstance(raw, str):
        try:
            value, end = _scan(raw, 0)
        except StopIteration:  # not a JSON value at its first character: json.loads says why
            end = -1
        if end == len(raw):
            return value
    return json.loads(raw)


def _encode_stored(value: Any) -> str:
    return "".join(_c_encoder(value, 0)) if _c_encoder else _encode(value)


def _fragment(raw: Any, cache: dict[Any, str]) -> str:
    """The canonical JSON of a stored JSON value (as the database hands it back), remembered: many repeat."""
    if raw is None:
        return "null"
    text = cache.get(raw)
    if text is None:
        text = _encode_stored(_decode_stored(raw) if isinstance(raw, str | bytes) else raw)
        if len(cache) < FRAGMENT_CACHE:
            cache[raw] = text
    return text


def _row_digest(row: Mapping[str, Any], cache: dict[Any, str]) -> str:
    """`content_hash` of a stored row, written out key by key in sorted order: the same bytes, without building
    and sorting a dictionary or decoding and re-encoding a repeated JSON value (tests/audit proves them equal)."""
    chain = row["chain"]
    text = (
        f'{{"action":{_string(row["action"])},"actor_id":{_number(row["actor_id"])},'
        f'"actor_label":{_string(row["actor_label"])},"after":{_fragment(row["after"], cache)},'
        f'"at":{_string(_utc_text(row["at"]))},"before":{_fragment(row["before"], cache)},'
        + (f'"chain":{_string(chain)},' if chain else "")
        + f'"enrolment_id":{_number(row["enrolment_id"])},"object_id":{_string(row["object_id"])},'
        f'"object_label":{_string(row["object_label"])},"object_type":{_string(row["object_type"])},'
        f'"prev_hash":{_string(row["prev_hash"])},"sequence":{_number(row["sequence"])}}}'
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _walk(walk: _Walk, rows: Iterable[tuple[Any, ...]]) -> Problem | None:
    """The first record that breaks its chain, or a chain that ends before its head; counts what was intact."""
    key, heads = walk.key, walk.heads
    for row in rows:
        values = dict(zip(FIELDS, row, strict=True))
        chain = values["chain"]
        if chain != walk.chain:
            ended = _chain_end(walk)
            if ended is not None:
                return ended
            walk.chain, walk.expected, walk.prev = chain, 1, GENESIS
            walk.chains += 1
            walk.seen.add(chain)
        problem = _row_problem(values, _row_digest(values, walk.fragments), key, walk.expected, walk.prev)
        if problem is not None:
            return problem
        head = heads.get(chain)
        if head is not None and head[0] == values["sequence"] and head[1] != values["hash"]:
            return (f"record #{head[0]} of chain {chain_label(chain)} differs from the chain's head in the "
                    "database: the chain was rewritten", head[0], chain)
        walk.prev, walk.expected = values["hash"], values["sequence"] + 1
        walk.checked += 1
    return _chain_end(walk)


def _chain_end(walk: _Walk) -> Problem | None:
    if walk.chain is None:
        return None
    last = walk.expected - 1
    head = walk.heads.get(walk.chain)
    if head is not None and head[0] > last:
        return (f"record #{last + 1} of chain {chain_label(walk.chain)} was deleted: the chain's head in the "
                f"database names record #{head[0]}, the chain ends at #{last}", last + 1, walk.chain)
    return None


def _unseen_heads(walk: _Walk) -> Problem | None:
    for chain, (number, _) in sorted(walk.heads.items()):
        if chain not in walk.seen:
            return (f"chain {chain_label(chain)} was deleted: its head in the database names record #{number}, "
                    "the chain has no records", 1, chain)
    return None


def _row_problem(row: Mapping[str, Any], digest: str, key: bytes, expected_sequence: int,
                 prev: str) -> Problem | None:
    sequence, chain = row["sequence"], row["chain"]
    if sequence == expected_sequence and digest == row["hash"] and row["prev_hash"] == prev and hmac.compare_digest(
            hmac.digest(key, row["hash"].encode(), "sha256").hex(), row["hmac"]):
        return None  # the usual case, without writing out any message
    of = f"of chain {chain_label(chain)}"
    if sequence != expected_sequence:
        return (f"record #{expected_sequence} {of} was deleted (the chain jumps from "
                f"#{expected_sequence - 1} to #{sequence})", expected_sequence, chain)
    if digest != row["hash"]:
        return f"record #{sequence} {of} was altered (its content no longer matches its hash)", sequence, chain
    if not hmac.compare_digest(hmac.digest(key, row["hash"].encode(), "sha256").hex(), row["hmac"]):
        return (f"record #{sequence} {of} was inserted or rewritten (its seal does not match the audit key)",
                sequence, chain)
    if row["prev_hash"] != prev:
        return (f"record #{sequence} {of} was inserted, moved, or a record before it deleted "
                "(its link to the previous record is broken)", sequence, chain)
    return None


SEAL_CHUNK = 200  # seals per read, with the heads they name


def _seals(last: int) -> Iterator[tuple[tuple[Any, ...], list[tuple[str, int, str]]]]:
    """Each seal up to `last` with the heads it names, in order, a chunk of seals at a time."""
    after = 0
    while after < last:
        seals = list(AuditSeal.objects.filter(sequence__gt=after, sequence__lte=last).order_by("sequence")
                     .values_list("sequence", "at", "prev_hash", "hash", "hmac")[:SEAL_CHUNK])
        if not seals:
            return
        named = AuditSealHead.objects.filter(seal_sequence__gt=after, seal_sequence__lte=seals[-1][0]).order_by(
            "seal_sequence", "chain").values_list("seal_sequence", "chain", "sequence", "hash")
        by_seal = {number: [(chain, sequence, digest) for _, chain, sequence, digest in group]
                   for number, group in itertools.groupby(named, key=lambda head: head[0])}
        for row in seals:
            yield row, by_seal.get(row[0], [])
        after = seals[-1][0]


def _check_seals(last: int) -> Problem | None:
    """The seals' own chain: each seal's hash over its heads, its HMAC, its number and its link."""
    key, expected, prev = _key(), 1, GENESIS
    for (sequence, at, prev_hash, digest, mac), heads in _seals(last):
        if sequence != expected:
            return f"seal #{expected} was deleted (the seals jump from #{expected - 1} to #{sequence})", expected, None
        if seal_hash(sequence, at, prev_hash, heads) != digest:
            return (f"seal #{sequence} was altered (the heads it names no longer match its hash)", sequence, None)
        if not hmac.compare_digest(hmac.digest(key, digest.encode(), "sha256").hex(), mac):
            return f"seal #{sequence} was forged (its seal does not match the audit key)", sequence, None
        if prev_hash != prev:
            return (f"seal #{sequence} was inserted or a seal before it deleted "
                    "(its link to the previous seal is broken)", sequence, None)
        expected, prev = sequence + 1, digest
    if expected - 1 != last:
        return f"seal #{expected} was deleted (the seals end at #{expected - 1})", expected, None
    return None


def _check_sealed_heads(last: int) -> Problem | None:
    """Every head a seal named is still its chain's record at that sequence, with that hash (one query)."""
    quote = connection.ops.quote_name
    heads, records = quote(AuditSealHead._meta.db_table), quote(AuditRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.seal_sequence, s.chain, s.sequence, r.id FROM {heads} s "  # noqa: S608
            f"LEFT JOIN {records} r ON r.chain = s.chain AND r.sequence = s.sequence "
            "WHERE s.seal_sequence <= %s AND (r.id IS NULL OR r.hash <> s.hash) "
            "ORDER BY s.seal_sequence, s.chain LIMIT 1",
            [last],
        )
        found = cursor.fetchone()
    if found is None:
        return None
    seal_number, chain, sequence, record_id = found
    if record_id is None:
        return (f"record #{sequence} of chain {chain_label(chain)} was deleted: seal #{seal_number} names it as "
                "the chain's head", sequence, chain)
    return (f"record #{sequence} of chain {chain_label(chain)} differs from the head seal #{seal_number} names: "
            "the chain was rewritten", sequence, chain)


def _against_exported(exported: ExportedHead | None) -> Problem | None:
    if exported is None:
        return None
    if not hmac.compare_digest(seal(f"{exported.sequence}:{exported.hash}"), exported.hmac):
        return "the exported head (the newest seal) was altered (its seal does not match)", None, None
    if exported.sequence == 0:
        return None  # exported before the first seal
    stored = AuditSeal.objects.filter(sequence=exported.sequence).values_list("hash", flat=True).first()
    if stored is None:
        return (f"seal #{exported.sequence} was deleted: the head exported at {exported.at} names it",
                exported.sequence, None)
    if stored != exported.hash:
        return (f"seal #{exported.sequence} differs from the head exported at {exported.at}: the seals were "
                "rewritten", exported.sequence, None)
    return None
