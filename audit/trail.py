"""The tamper-evident audit trail: an append-only hash chain sealed with an HMAC.

Each `AuditRecord` holds the SHA-256 of its own content, which includes the hash
of the record before it (``prev_hash``), and an HMAC of that hash under
``settings.AUDIT_HMAC_KEY``, a key kept outside the database (the environment;
the development default is derived from SECRET_KEY). Someone who can write to
the database but does not hold the key cannot alter, insert or delete a record
without `verify()` noticing:

- altered content -> its hash no longer matches;
- a record inserted or rewritten with a recomputed hash -> its HMAC does not match;
- a record deleted in the middle -> a gap in the sequence / a broken ``prev_hash`` link;
- the newest records deleted -> the chain ends before the head row in the database
  (`AuditHead`, moved with every append) or before the head exported outside the
  database by `export_head()` (a periodic task writes it to ``AUDIT_HEAD_PATH``);
  the exported head still holds when someone rewrites the head row too.

Appending is serialized by locking the single `AuditHead` row (SELECT ... FOR
UPDATE; SQLite takes its write lock at BEGIN IMMEDIATE), so two writers can never
both extend the same record and fork the chain.

Every service calls `record()` itself, inside its own transaction; this module
imports no other app of ours, so any of them may.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .models import AuditHead, AuditRecord

GENESIS = "0" * 64
HEAD_PK = 1
CHUNK = 5000
FIELDS = (
    "sequence", "at", "actor_id", "actor_label", "enrolment_id", "object_type", "object_id", "object_label",
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
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def _utc_text(moment: datetime.datetime) -> str:
    if moment.utcoffset():  # the database hands back UTC; convert anything else first
        moment = moment.astimezone(datetime.UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond:06d}Z"


def content_hash(values: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of a record's content, its predecessor's hash included."""
    return hashlib.sha256(_canonical(values)).hexdigest()


def seal(digest: str) -> str:
    """The HMAC-SHA256 (hex) of a hash under the audit key."""
    return hmac.digest(_key(), digest.encode(), "sha256").hex()


def _jsonable(value: Any) -> Any:
    # Round-trip through JSON now, so the hash covers exactly what the database will give back.
    return json.loads(json.dumps(value, default=str)) if value is not None else None


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            AuditHead.objects.create(pk=HEAD_PK)
    except IntegrityError:
        pass  # another writer created it first; lock theirs
    return AuditHead.objects.select_for_update().get(pk=HEAD_PK)


@dataclass(frozen=True)
class Entry:
    """One record to append, as `record()` takes it: `obj` fills the object's type, id and label."""

    actor: Any
    action: str
    obj: models.Model | None = None
    object_type: str = ""
    object_id: str | int = ""
    object_label: str = ""
    enrolment_id: int | None = None
    before: Any = None
    after: Any = None


def _content(entry: Entry, *, sequence: int, at: datetime.datetime, prev_hash: str) -> dict[str, Any]:
    """The stored values of `entry` as link `sequence` after `prev_hash`, hashed and sealed."""
    object_type, object_id, object_label = entry.object_type, entry.object_id, entry.object_label
    if entry.obj is not None:
        object_type = object_type or entry.obj._meta.label
        object_id = object_id or entry.obj.pk
        object_label = object_label or str(entry.obj)
    values: dict[str, Any] = {
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
) -> AuditRecord:
    """Append one record to the chain, in the caller's transaction (it commits or rolls back with the change).

    `obj` fills the object's type, id and label; `actor` may be None for the system.
    """
    entry = Entry(actor=actor, action=action, obj=obj, object_type=object_type, object_id=object_id,
                  object_label=object_label, enrolment_id=enrolment_id, before=before, after=after)
    return record_many([entry])[0]


@transaction.atomic
def record_many(entries: Iterable[Entry]) -> list[AuditRecord]:
    """Append records in their order, in the caller's transaction, under one lock and in one insert.

    The chain is the one `record()` would make one call at a time (each links to the one before),
    so a bulk write (a thousand enrolments from a CSV) costs a few queries, not a few per record.
    """
    head = _lock_head()
    at, prev_hash, sequence = timezone.now(), head.hash, head.sequence
    records = []
    for entry in entries:
        sequence += 1
        values = _content(entry, sequence=sequence, at=at, prev_hash=prev_hash)
        records.append(AuditRecord(**values))
        prev_hash = values["hash"]
    if not records:
        return []
    AuditRecord.objects.bulk_create(records)
    AuditHead.objects.filter(pk=HEAD_PK).update(sequence=sequence, hash=prev_hash)
    return records


# --------------------------------------------------------------------------- the head outside the database


@dataclass(frozen=True)
class ExportedHead:
    sequence: int
    hash: str
    hmac: str
    at: str


def export_head(path: Path | None = None) -> ExportedHead:
    """Write the chain's newest record (sequence, hash, HMAC, time) to AUDIT_HEAD_PATH, atomically."""
    path = Path(path or settings.AUDIT_HEAD_PATH)
    newest = AuditRecord.objects.order_by("-sequence").values("sequence", "hash").first()
    sequence, digest = (newest["sequence"], newest["hash"]) if newest else (0, GENESIS)
    head = ExportedHead(sequence=sequence, hash=digest, hmac=seal(f"{sequence}:{digest}"),
                        at=_utc_text(timezone.now()))
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(path.suffix + ".tmp")
    scratch.write_text(json.dumps(head.__dict__, indent=2))
    os.replace(scratch, path)  # readers see the old head or the new one, never half a file
    return head


def read_exported_head(path: Path | None = None) -> ExportedHead | None:
    """The last exported head, or None when none was written yet."""
    path = Path(path or settings.AUDIT_HEAD_PATH)
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return ExportedHead(sequence=int(data["sequence"]), hash=data["hash"], hmac=data["hmac"], at=data["at"])


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class Verdict:
    intact: bool
    checked: int
    problem: str = ""
    sequence: int | None = None  # the first record found altered, inserted or deleted


def _rows() -> Iterator[dict[str, Any]]:
    # Keyset pagination: bounded memory over any number of records, on every database.
    last = 0
    while True:
        chunk = list(AuditRecord.objects.filter(sequence__gt=last).order_by("sequence").values(*FIELDS)[:CHUNK])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1]["sequence"]


def verify(*, head_path: Path | None = None) -> Verdict:
    """Walk the chain from the first record; the first problem found, or intact.

    Checks each record's hash, HMAC, sequence and link, then the newest record against
    the head row in the database and the head last exported outside it (which catch deleted newest records).
    """
    # Read before the walk: the head row commits with its record, so every record it names is visible below.
    db_head = AuditHead.objects.filter(pk=HEAD_PK).values("sequence", "hash").first()
    broken, checked = _walk(_key())
    if broken is not None:
        return broken
    last_sequence = checked
    return (
        _against_db_head(db_head, checked, last_sequence)
        or _against_exported_head(read_exported_head(head_path), checked, last_sequence)
        or Verdict(True, checked)
    )


def _walk(key: bytes) -> tuple[Verdict | None, int]:
    """The first record that breaks the chain (as a verdict), and how many records were intact before it."""
    expected_sequence, prev, checked = 1, GENESIS, 0
    for row in _rows():
        problem = _row_problem(row, key, expected_sequence, prev)
        if problem is not None:
            message, sequence = problem
            return Verdict(False, checked, message, sequence), checked
        prev, expected_sequence = row["hash"], row["sequence"] + 1
        checked += 1
    return None, checked


def _row_problem(row: Mapping[str, Any], key: bytes, expected_sequence: int, prev: str) -> tuple[str, int] | None:
    sequence = row["sequence"]
    if sequence != expected_sequence:
        return (f"record #{expected_sequence} was deleted (the chain jumps from "
                f"#{expected_sequence - 1} to #{sequence})", expected_sequence)
    if content_hash(row) != row["hash"]:
        return f"record #{sequence} was altered (its content no longer matches its hash)", sequence
    if not hmac.compare_digest(hmac.digest(key, row["hash"].encode(), "sha256").hex(), row["hmac"]):
        return f"record #{sequence} was inserted or rewritten (its seal does not match the audit key)", sequence
    if row["prev_hash"] != prev:
        return (f"record #{sequence} was inserted or a record before it deleted "
                "(its link to the previous record is broken)", sequence)
    return None


def _hash_at(sequence: int) -> str | None:
    return AuditRecord.objects.filter(sequence=sequence).values_list("hash", flat=True).first()


def _against_db_head(db_head: Mapping[str, Any] | None, checked: int, last_sequence: int) -> Verdict | None:
    if db_head is None:
        return None
    if db_head["sequence"] > last_sequence:
        return Verdict(False, checked, f"record #{last_sequence + 1} was deleted: the chain's head in the database "
                                       f"names record #{db_head['sequence']}, the chain ends at #{last_sequence}",
                       last_sequence + 1)
    if db_head["sequence"] > 0 and _hash_at(db_head["sequence"]) != db_head["hash"]:
        return Verdict(False, checked, f"record #{db_head['sequence']} differs from the chain's head in the "
                                       "database: the chain was rewritten", db_head["sequence"])
    return None


def _against_exported_head(exported: ExportedHead | None, checked: int, last_sequence: int) -> Verdict | None:
    if exported is None:
        return None
    if not hmac.compare_digest(seal(f"{exported.sequence}:{exported.hash}"), exported.hmac):
        return Verdict(False, checked, "the exported head was altered (its seal does not match)", None)
    if exported.sequence > last_sequence:
        return Verdict(False, checked, f"record #{last_sequence + 1} was deleted: the head exported at "
                                       f"{exported.at} names record #{exported.sequence}, the chain ends at "
                                       f"#{last_sequence}", last_sequence + 1)
    if exported.sequence > 0 and _hash_at(exported.sequence) != exported.hash:
        return Verdict(False, checked, f"record #{exported.sequence} differs from the head exported at "
                                       f"{exported.at}: the chain was rewritten", exported.sequence)
    return None
