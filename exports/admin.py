from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest

from .models import PortfolioExport

if TYPE_CHECKING:
    # django-stubs makes ModelAdmin generic in its model; Django's own class cannot be subscripted
    # at run time (nothing here calls django_stubs_ext.monkeypatch()).
    _ModelAdmin = admin.ModelAdmin[PortfolioExport]
else:
    _ModelAdmin = admin.ModelAdmin


@admin.register(PortfolioExport)
class PortfolioExportAdmin(_ModelAdmin):
    list_display = ["pk", "enrolment", "format", "status", "stage", "progress", "attempts", "created", "finished"]
    list_filter = ["status", "format"]
    list_select_related = ["enrolment__candidate", "enrolment__qualification"]
    readonly_fields = [field.name for field in PortfolioExport._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
