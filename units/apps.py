from django.apps import AppConfig


class UnitsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'units'

    def ready(self) -> None:
        from units.cache import connect_signals

        connect_signals()
