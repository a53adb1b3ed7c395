"""The audit trail's rows: records in chains (one per partition), each chain's head, and the seals over them.

The record and head tables were made by the assessments app and keep their names
(`db_table`), so moving the models here moved no data.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from .triggers import append_only


class AuditRecord(models.Model):
    """One link of a tamper-evident chain (see audit/trail.py for the hashing and the partitions).

    Plain ids and labels rather than foreign keys: no cascade or SET_NULL may ever touch
    a record, and this app depends on no other (the enrolment is the id the chain hashes).
    """

    # The partition: "enrolment:<id>", "platform", or a caller's own key; "" is the single chain kept from
    # before the trail was partitioned (its records are hashed as they were then, without this field).
    chain = models.CharField(max_length=64, blank=True, default="")
    sequence = models.PositiveBigIntegerField()  # 1, 2, 3... within the chain
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=255, blank=True)
    enrolment_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=255)
    action = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    hmac = models.CharField(max_length=64)

    class Meta:
        db_table = "assessments_auditrecord"
        ordering = ["chain", "sequence"]
        constraints = [models.UniqueConstraint(fields=["chain", "sequence"], name="audit_record_chain_sequence")]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError("Audit records are never changed; a correction is a new record.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError("Audit records are never deleted.")


class AuditHead(models.Model):
    """The row naming one chain's newest record; appending locks it (and only it) so writers never fork that chain."""

    chain = models.CharField(max_length=64, blank=True, default="", unique=True)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    # The sequence the newest seal named: the next seal names the heads that moved past it.
    sealed_sequence = models.PositiveBigIntegerField(default=0)

    class Meta:
        db_table = "assessments_audithead"

    def __str__(self) -> str:
        return f"audit head {self.chain or 'original'} #{self.sequence}"


class AuditSeal(models.Model):
    """A periodic seal: the heads that moved since the seal before, hashed with that seal's hash and HMAC'd.

    Chained like records, so each seal vouches for every head any earlier seal named.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    hmac = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"audit seal #{self.sequence}"


class AuditSealHead(models.Model):
    """One chain head a seal names: the chain's record at `sequence` must exist and have `hash`."""

    seal_sequence = models.PositiveBigIntegerField()  # a plain number, as records hold plain ids
    chain = models.CharField(max_length=64, blank=True)
    sequence = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seal_sequence", "chain"]
        constraints = [models.UniqueConstraint(fields=["seal_sequence", "chain"], name="audit_seal_head_chain")]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"seal #{self.seal_sequence}: {self.chain or 'original'} #{self.sequence}"
