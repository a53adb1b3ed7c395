"""How an assessment action ends: the outcome flashed as a message, then a redirect (post/redirect/get)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def error_text(error: ValidationError) -> str:
    """A ValidationError as one sentence or a few, for a message banner."""
    return " ".join(error.messages)


def done(request: HttpRequest, to: str, *, success: str = "", error: ValidationError | None = None,
         **kwargs: object) -> HttpResponse:
    """Flash the outcome and redirect (post/redirect/get)."""
    if error is not None:
        messages.error(request, error_text(error))
    elif success:
        messages.success(request, success)
    return redirect(to, **kwargs)


def form_error(form: Form) -> ValidationError:
    """A bound form's errors as one ValidationError, each prefixed with its field's label."""
    return ValidationError([f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()])
