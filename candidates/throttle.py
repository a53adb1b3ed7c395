"""Ceilings on requests per client address or email address, counted in Django's cache.

django-axes locks an email address from one IP after a few failed sign-ins; these add what it
cannot (it has one failure limit for every parameter set): a higher ceiling on failed sign-ins
from one IP across any number of email addresses, and ceilings on password reset requests per
email address and per IP. Counts live in the default cache (Redis in production, shared by every
web process; see settings.CACHES), in fixed windows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .backends import client_ip


@dataclass(frozen=True)
class Ceiling:
    """At most `limit` counted events per subject (an IP, an email address) in a window of `seconds`."""

    name: str
    limit_setting: str
    seconds: int

    @property
    def limit(self) -> int:
        return int(getattr(settings, self.limit_setting))

    def _key(self, subject: str) -> str:
        # Hashed: cache keys stay short and safe, and no email address sits in the cache in clear.
        return f"throttle:{self.name}:{hashlib.sha256(subject.encode()).hexdigest()}"

    def reached(self, subject: str) -> bool:
        """Whether `subject` has used up the window's allowance."""
        return int(cache.get(self._key(subject), 0)) >= self.limit

    def count(self, subject: str) -> bool:
        """Count one event for `subject`; whether it was within the ceiling."""
        key = self._key(subject)
        cache.add(key, 0, timeout=self.seconds)  # opens the window; a no-op when it is open
        try:
            used = cache.incr(key)
        except ValueError:  # the window closed between add and incr
            cache.set(key, 1, timeout=self.seconds)
            used = 1
        return used <= self.limit


HOUR = 3600
#: Failed sign-ins from one IP, whatever the email addresses (settings.SIGN_IN_FAILURES_PER_IP per 15 minutes).
SIGN_IN_PER_IP = Ceiling("sign-in-ip", "SIGN_IN_FAILURES_PER_IP", 15 * 60)
#: Password reset requests for one email address (settings.PASSWORD_RESETS_PER_EMAIL an hour).
PASSWORD_RESET_PER_EMAIL = Ceiling("password-reset-email", "PASSWORD_RESETS_PER_EMAIL", HOUR)
#: Password reset requests from one IP (settings.PASSWORD_RESETS_PER_IP an hour).
PASSWORD_RESET_PER_IP = Ceiling("password-reset-ip", "PASSWORD_RESETS_PER_IP", HOUR)


@receiver(user_login_failed, dispatch_uid="candidates.throttle.count_failed_sign_in")
def count_failed_sign_in(sender: object, credentials: dict[str, Any], request: HttpRequest | None = None,
                         **kwargs: object) -> None:
    """Every failed sign-in counts against the address it came from."""
    if request is not None:
        SIGN_IN_PER_IP.count(client_ip(request))


def sign_in_ceiling_reached(request: HttpRequest) -> bool:
    """Whether the address `request` comes from has failed to sign in too often, across all accounts."""
    return SIGN_IN_PER_IP.reached(client_ip(request))


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """The sign-in lockout page (settings.AXES_LOCKOUT_CALLABLE): for this account, or for the whole address."""
    network = bool(getattr(request, "sign_in_ceiling_reached", False))
    return render(request, "registration/lockout.html", {"network": network},
                  status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429))
