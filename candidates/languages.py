"""The interface's languages: the browser's Accept-Language decides at first (Django's LocaleMiddleware, which
also reads the switcher's cookie); a signed-in person's saved choice (`User.language`) then wins on every page
(candidates/middleware.py) and in every email sent to them (portfolio_site/mail.py)."""

from __future__ import annotations

from django.conf import settings


def supported(code: str) -> bool:
    """Whether `code` is one of the interface's languages (settings.LANGUAGES)."""
    return code in dict(settings.LANGUAGES)
