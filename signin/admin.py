"""The admin's authenticator apps and recovery codes: a platform admin removes them for someone who lost both
(audited); nobody adds a device there, where its secret would be seen."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import trail


class RemovalAudited:
    """Deleting a device records who removed whose two-step sign-in; adding one is not offered."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: TOTPDevice | StaticDevice) -> None:
        with transaction.atomic():
            _record(request, [obj])
            super().delete_model(request, obj)  # type: ignore[misc]  # the ModelAdmin this is mixed into

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():
            _record(request, list(queryset.select_related("user")))
            super().delete_queryset(request, queryset)  # type: ignore[misc]  # the ModelAdmin this is mixed into


def _record(request: HttpRequest, devices: list) -> None:
    for device in devices:
        trail.record(actor=request.user, action="two-step device removed in the admin", obj=device.user,
                     object_label=device.user.email, after={"device": device._meta.verbose_name})


class AuditedTOTPDeviceAdmin(RemovalAudited, TOTPDeviceAdmin):
    pass


class AuditedStaticDeviceAdmin(RemovalAudited, StaticDeviceAdmin):
    pass


for model, model_admin in ((TOTPDevice, AuditedTOTPDeviceAdmin), (StaticDevice, AuditedStaticDeviceAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
