from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'candidates'

    def ready(self) -> None:
        from . import throttle  # noqa: F401 - counts failed sign-ins per address (a signal receiver)
