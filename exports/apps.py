from django.apps import AppConfig


class ExportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exports"
    verbose_name = "Portfolio exports"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
