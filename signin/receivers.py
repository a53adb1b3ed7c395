"""On every sign-in, note in the session whether a second step is owed (read by signin.middleware)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from candidates.models import User

from .middleware import CODE_PENDING, SETUP_PENDING
from .services import has_device


@receiver(user_logged_in, dispatch_uid="signin.receivers.ask_second_step")
def ask_second_step(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """A person with an authenticator app owes its code; a platform admin without one, when required, owes one."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(CODE_PENDING, None)
    request.session.pop(SETUP_PENDING, None)
    if has_device(user):
        request.session[CODE_PENDING] = True
    elif user.is_superuser and settings.REQUIRE_ADMIN_TOTP:
        request.session[SETUP_PENDING] = True
