"""Absolute links to the site, for emails: the one place that knows the site's address (settings.SITE_URL).

Emails leave from requests and from periodic tasks alike, and a task has no request
to take a host from; so every link is built from the configured address, never from
a request's Host header. Imports no app of ours, so that every app may import it.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def absolute_url(name: str, **kwargs: object) -> str:
    """The absolute address of the URL named `name` (reversed with `kwargs`), on the site at settings.SITE_URL."""
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)
