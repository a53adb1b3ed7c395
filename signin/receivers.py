"""On every sign-in, note in the session whether a second step is owed (read by signin.middleware)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from candidates.models import User

from .middleware import mark_second_step


@receiver(user_logged_in, dispatch_uid="signin.receivers.ask_second_step")
def ask_second_step(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """A person with an authenticator app owes its code; a platform admin without one, when required, owes one."""
    if request is not None and hasattr(request, "session"):
        mark_second_step(request, user)
