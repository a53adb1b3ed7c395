"""The interface's languages: the browser's Accept-Language decides at first (Django's LocaleMiddleware, which
also reads the switcher's cookie); a signed-in person's saved choice (`User.language`) then wins on every page
(candidates/middleware.py) and in every email sent to them (portfolio_site/mail.py)."""

from __future__ import annotations

from django.conf import settings


def supported(code: str) -> bool:
    """Whether `code` is one of the interface's languages (settings.LANGUAGES)."""
    return code in dict(settings.LANGUAGES)


def writing_language(author: object = None) -> str:
    """The language a person is writing in now: the page's (their saved choice, else their browser's, which the
    middleware made active), else their saved choice, else the site's. Recorded with what they write, which the
    system never translates, so pages and the PDF can say what language it is in (`lang`)."""
    from django.utils import translation

    active = translation.get_language() or ""
    if supported(active):
        return active
    saved = getattr(author, "language", "") or ""
    return saved if supported(saved) else settings.LANGUAGE_CODE
