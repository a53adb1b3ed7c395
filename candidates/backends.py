"""Sign-in throttling: django-axes, adapted to accounts by email address."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _


class SignInThrottleBackend(AxesStandaloneBackend):
    """Refuses sign-ins from a locked-out email address and IP pair, and from an address that failed too
    often across accounts (candidates/throttle.py); never signs anyone in itself.

    Sign-ins without a request (the test client's `login()`, a shell) come from no
    browser and so from no attacker: they are not throttled, rather than failing.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: object) -> None:
        if request is None:
            return None
        from .throttle import sign_in_ceiling_reached

        if sign_in_ceiling_reached(request):
            # Axes's middleware answers with the lockout page (throttle.lockout_response), which says why.
            request.sign_in_ceiling_reached = True  # type: ignore[attr-defined]
            request.axes_locked_out = True  # type: ignore[attr-defined]
            raise PermissionDenied(_("Too many failed sign-ins from this address."))
        return super().authenticate(request, username=username, password=password, **kwargs)


def throttle_username(request: HttpRequest, credentials: dict | None) -> str:
    """The email address a sign-in attempt counts against, lower-cased as accounts are."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).strip().lower()


def client_ip(request: HttpRequest) -> str:
    """The address a sign-in attempt comes from: REMOTE_ADDR, or the one our trusted proxies saw.

    Only the right-most TRUSTED_PROXY_COUNT entries of X-Forwarded-For were written by our own
    proxies; anything to their left is whatever the client sent, so it is never trusted.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count > 0 and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")
