"""The second step of signing in: until it is done, the session reaches only the page that does it.

Whoever signs in (the password form, the admin's sign-in, an invitation link, a centre's own accounts) is
marked in the session when they sign in (`signin.receivers`, `mark_second_step`): `CODE_PENDING` when they
have an authenticator app, so they must enter its code; `SETUP_PENDING` for a platform admin without one
while settings.REQUIRE_ADMIN_TOTP is on, so they must set one up. Reading the session costs no query: people
without either mark pass at no cost. While the requirement is on, a session signed in before it was marked
(one older than this rule) is marked on its first request.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from candidates.models import User

CODE_PENDING = "signin.code_pending"
SETUP_PENDING = "signin.setup_pending"
MARKED = "signin.marked"


def mark_second_step(request: HttpRequest, user: User) -> None:
    """Note in the session what second step `user`, just signed in, owes (if any)."""
    from .services import has_device

    request.session.pop(CODE_PENDING, None)
    request.session.pop(SETUP_PENDING, None)
    request.session[MARKED] = True
    if has_device(user):
        request.session[CODE_PENDING] = True
    elif user.is_superuser and settings.REQUIRE_ADMIN_TOTP:
        request.session[SETUP_PENDING] = True


def _open_paths(page: str) -> tuple[str, ...]:
    """Pages reachable before the second step: its own page, signing out, static files."""
    return reverse(page), reverse("logout"), "/" + settings.STATIC_URL.lstrip("/")


class TwoStepMiddleware:
    """Send a person who owes the second step of signing in to it, from any page (the admin's too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if settings.REQUIRE_ADMIN_TOTP and not session.get(MARKED) and request.user.is_authenticated:
            mark_second_step(request, request.user)  # type: ignore[arg-type]  # authenticated: a User
        pending = CODE_PENDING if session.get(CODE_PENDING) else SETUP_PENDING if session.get(SETUP_PENDING) else ""
        target = "signin:two_step_code" if pending == CODE_PENDING else "signin:two_step_setup"
        if pending and not request.path.startswith(_open_paths(target)):
            next_url = request.get_full_path() if request.method == "GET" else ""
            if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                return redirect(f"{reverse(target)}?{urlencode({'next': next_url})}")
            return redirect(target)
        return self.get_response(request)
