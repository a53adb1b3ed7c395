"""Absolute links to the site, for emails: the one place that knows the site's address (settings.SITE_URL).

Emails leave from requests and from periodic tasks alike, and a task has no request
to take a host from; so every link is built from the configured address, never from
a request's Host header. Imports no app of ours, so that every app may import it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse


def absolute_url(name: str, **kwargs: object) -> str:
    """The absolute address of the URL named `name` (reversed with `kwargs`), on the site at settings.SITE_URL."""
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)


_PK_MARK = 987654321  # a number no path holds otherwise


def paths_by_pk(name: str, **kwargs: object) -> Callable[[int], str]:
    """A function from a pk to the path of the URL named `name` (with `kwargs` besides its `pk`): one reverse for
    a list's rows rather than one a row, which dominated the rendering of a page of 100."""
    pattern = reverse(name, kwargs={**kwargs, "pk": _PK_MARK})
    before, after = pattern.split(str(_PK_MARK), 1)
    return lambda pk: f"{before}{pk}{after}"
