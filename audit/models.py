"""The audit trail's rows: the chain of records and the single row naming its newest.

Both tables were made by the assessments app and keep their names (`db_table`),
so moving the models here moved no data.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from .triggers import append_only


class AuditRecord(models.Model):
    """One link of the tamper-evident chain (see audit/trail.py for the hashing).

    Plain ids and labels rather than foreign keys: no cascade or SET_NULL may ever touch
    a record, and this app depends on no other (the enrolment is the id the chain hashes).
    """

    sequence = models.PositiveBigIntegerField(unique=True)
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
        ordering = ["sequence"]
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
    """The single row naming the newest record; appending locks it so concurrent writers never fork the chain."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        db_table = "assessments_audithead"

    def __str__(self) -> str:
        return f"audit head #{self.sequence}"
