"""View-only admin for support staff: evidence is written through the site's pages and services."""

from django.contrib import admin

from audit.admin import ViewOnlyAdmin

from .models import EvidenceFile, EvidenceItem, EvidenceVersion, Mapping


class VersionInline(admin.TabularInline):
    model = EvidenceVersion
    fields = ("number", "title", "date", "status", "submitted_at", "witness_confirmed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ViewOnlyAdmin):
    list_display = ("__str__", "kind", "enrolment", "created_at")
    list_filter = ("kind",)
    search_fields = ("versions__title", "enrolment__candidate__email")
    raw_id_fields = ("enrolment", "created_by", "current_version")
    list_select_related = ("current_version", "enrolment__candidate", "enrolment__qualification")
    inlines = [VersionInline]


class FileInline(admin.TabularInline):
    model = EvidenceFile
    fields = ("original_name", "size", "mime", "sha256", "duplicate_of", "copied_from")
    readonly_fields = fields
    extra = 0
    can_delete = False


class MappingInline(admin.TabularInline):
    model = Mapping
    fields = ("assessable_item", "status", "mapped_by", "mapped_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(EvidenceVersion)
class EvidenceVersionAdmin(ViewOnlyAdmin):
    list_display = ("title", "number", "status", "item", "submitted_at")
    list_filter = ("status",)
    search_fields = ("title",)
    raw_id_fields = ("item", "created_by", "submitted_by")
    inlines = [FileInline, MappingInline]
