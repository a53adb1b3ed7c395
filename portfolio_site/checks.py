"""Deployment checks of our own, run by `manage.py check --deploy`."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.checks import CheckMessage, Error, Tags, register

# The start of settings.SECRET_KEY's development default, which is public (it is in the repository).
DEVELOPMENT_SECRET_KEY_PREFIX = "insecure-development-key"
# settings.AUDIT_HMAC_KEY's development default is this prefix + SECRET_KEY.
DEVELOPMENT_AUDIT_KEY_PREFIX = "audit-hmac:"
# Hosts that only the server itself can reach: no one who reads an email can follow a link to them.
LOCAL_HOSTS = {"", "127.0.0.1", "localhost", "::1", "0.0.0.0"}


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs: Sequence[AppConfig] | None = None, **kwargs: object) -> list[CheckMessage]:
    """With DEBUG off, SECRET_KEY must be set: the development default signs nothing safely."""
    if settings.DEBUG or not settings.SECRET_KEY.startswith(DEVELOPMENT_SECRET_KEY_PREFIX):
        return []
    return [Error(
        "SECRET_KEY is the development default, which anyone can read in the repository.",
        hint="Set SECRET_KEY to a long random value of its own (README.md, Production mode).",
        id="portfolio_site.E001",
    )]


@register(Tags.security, deploy=True)
def audit_key_is_set(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """With DEBUG off, AUDIT_HMAC_KEY must be a key of its own, not derived from SECRET_KEY.

    The audit trail's seal is only as good as the key's distance from the database and the
    web server's settings: whoever reads SECRET_KEY could otherwise forge records.
    """
    derived = DEVELOPMENT_AUDIT_KEY_PREFIX + settings.SECRET_KEY
    if settings.DEBUG or (settings.AUDIT_HMAC_KEY and settings.AUDIT_HMAC_KEY != derived):
        return []
    return [Error(
        "AUDIT_HMAC_KEY is not set: the audit trail is sealed with a key derived from SECRET_KEY.",
        hint="Set AUDIT_HMAC_KEY to a long random value of its own, kept apart from the database and its "
             "backups, and never changed afterwards (README.md, Production mode).",
        id="portfolio_site.E002",
    )]


@register(deploy=True)
def site_url_is_public(app_configs: Sequence[AppConfig] | None = None, **kwargs: object) -> list[CheckMessage]:
    """SITE_URL must be the address people reach the site at: every link in an email is built on it."""
    address = urlsplit(settings.SITE_URL)
    if address.scheme in ("http", "https") and (address.hostname or "") not in LOCAL_HOSTS:
        return []
    return [checks.Warning(
        f"SITE_URL is {settings.SITE_URL!r}: the links in emails (invitations, witness links, notices) "
        "would lead nowhere for the people who receive them.",
        hint="Set SITE_URL to the site's public address, e.g. https://portfolio.example.org (README.md).",
        id="portfolio_site.W001",
    )]
