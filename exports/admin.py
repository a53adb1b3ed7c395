from django.contrib import admin
from django.http import HttpRequest

from .models import PortfolioExport


@admin.register(PortfolioExport)
class PortfolioExportAdmin(admin.ModelAdmin[PortfolioExport]):
    list_display = ["pk", "enrolment", "kind", "format", "status", "stage", "progress", "attempts", "created",
                    "finished"]
    list_filter = ["kind", "status", "format"]
    list_select_related = ["enrolment__candidate", "enrolment__qualification"]
    readonly_fields = [field.name for field in PortfolioExport._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
