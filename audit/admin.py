"""The admin site shows the audit trail and changes none of it: a correction is a new record."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import AuditHead, AuditRecord, AuditSeal, AuditSealHead


class ViewOnlyAdmin(admin.ModelAdmin[Any]):  # Any: shared by the admins of several models
    """No add, change or delete, superusers included: append-only records are never edited in place, even here.

    Shared by every app's admin of append-only records (evidence, assessments): a correction is a new record.
    """

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(ViewOnlyAdmin):
    list_display = ("chain", "sequence", "at", "actor_label", "action", "object_label", "enrolment_id")
    list_filter = ("action",)
    search_fields = ("object_label", "actor_label")


admin.site.register(AuditHead, ViewOnlyAdmin)
admin.site.register(AuditSeal, ViewOnlyAdmin)
admin.site.register(AuditSealHead, ViewOnlyAdmin)
