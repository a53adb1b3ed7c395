"""Small helpers shared by the assessments views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def error_text(error: ValidationError) -> str:
    """A ValidationError as one sentence or a few, for a message banner."""
    return " ".join(error.messages)


def link_base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def done(request: HttpRequest, to: str, *, success: str = "", error: ValidationError | None = None,
         **kwargs: object) -> HttpResponse:
    """Flash the outcome and redirect (post/redirect/get)."""
    if error is not None:
        messages.error(request, error_text(error))
    elif success:
        messages.success(request, success)
    return redirect(to, **kwargs)
