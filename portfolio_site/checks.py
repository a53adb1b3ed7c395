"""Deployment checks of our own, run by `manage.py check --deploy`."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

# The start of settings.SECRET_KEY's development default, which is public (it is in the repository).
DEVELOPMENT_SECRET_KEY_PREFIX = "insecure-development-key"


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """With DEBUG off, SECRET_KEY must be set: the development default signs nothing safely."""
    if settings.DEBUG or not settings.SECRET_KEY.startswith(DEVELOPMENT_SECRET_KEY_PREFIX):
        return []
    return [Error(
        "SECRET_KEY is the development default, which anyone can read in the repository.",
        hint="Set SECRET_KEY to a long random value of its own (README.md, Production mode).",
        id="portfolio_site.E001",
    )]
