from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    Centre,
    Employer,
    EmployerContact,
    Enrolment,
    EnrolmentInvitation,
    Reassignment,
    Role,
    SelfAssessment,
    UnitChoice,
    User,
)


class RoleInline(admin.TabularInline):
    model = Role
    extra = 1
    autocomplete_fields = ["centre"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts by email address: Django's user admin without the username."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Name"), {"fields": ("first_name", "last_name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "centre"]
    list_filter = ["kind", "centre"]
    search_fields = ["user__email", "user__last_name"]
    list_select_related = ["user", "centre"]
    autocomplete_fields = ["user", "centre"]


class ReassignmentInline(admin.TabularInline):
    model = Reassignment
    extra = 0
    fields = ["field", "from_user", "to_user", "by", "at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["candidate", "qualification", "centre", "assessor", "iqa", "status", "planned_end_date"]
    list_filter = ["status", "centre", "plan_status"]
    search_fields = ["candidate__email", "candidate__last_name", "uln", "registration_number"]
    list_select_related = ["candidate", "qualification", "centre", "assessor", "iqa"]
    autocomplete_fields = ["candidate", "assessor", "iqa", "centre"]
    raw_id_fields = ["qualification", "pathway", "employer"]
    inlines = [ReassignmentInline]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "centre"]
    list_filter = ["centre"]
    search_fields = ["name"]


@admin.register(EmployerContact)
class EmployerContactAdmin(admin.ModelAdmin):
    """Named and removed on the enrolment page (audited there); read here."""

    list_display = ["user", "kind", "enrolment", "invited_at", "accepted_at", "removed_at"]
    list_select_related = ["user", "enrolment__candidate", "enrolment__qualification"]
    raw_id_fields = ["enrolment", "user", "invited_by", "removed_by"]


@admin.register(UnitChoice)
class UnitChoiceAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "unit", "chosen_at"]
    raw_id_fields = ["enrolment", "unit"]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "unit", "coverage", "updated_at"]
    raw_id_fields = ["enrolment", "unit"]


@admin.register(EnrolmentInvitation)
class EnrolmentInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "qualification", "centre", "status", "created", "answered_at"]
    list_filter = ["status", "centre"]
    search_fields = ["email"]
    list_select_related = ["qualification", "centre"]
    raw_id_fields = ["person", "qualification", "pathway", "assessor", "iqa", "invited_by", "enrolment"]
    readonly_fields = ["token"]
