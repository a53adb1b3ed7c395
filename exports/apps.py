from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exports"
    verbose_name = _("Portfolio exports")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
