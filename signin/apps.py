from django.apps import AppConfig


class SigninConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "signin"
    verbose_name = "Sign-in"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - marks a sign-in that owes its second step (a signal receiver)
