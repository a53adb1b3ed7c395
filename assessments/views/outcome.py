"""How an assessment action ends: the outcome flashed as a message, then a redirect (post/redirect/get).

A form that fails is not flashed: the view renders its page again with the bound
form, so what was typed stays and each error shows beside its field.
"""

from __future__ import annotations

from collections.abc import Callable

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


def act(request: HttpRequest, service: Callable[[], object], *, to: str, success: str,
        **kwargs: object) -> HttpResponse:
    """Run one service call, flash its ValidationError or `success`, and redirect to `to` (post/redirect/get).

    The skeleton of every action with no form to re-render; the view still names its gate and its service.
    """
    try:
        service()
    except ValidationError as error:
        return done(request, to, error=error, **kwargs)
    return done(request, to, success=success, **kwargs)


def form_error(form: Form) -> ValidationError:
    """A bound form's errors as one ValidationError, each prefixed with its field's label."""
    return ValidationError([f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields
                            else " ".join(errors) for name, errors in form.errors.items()])




def flash_unshown(request: HttpRequest, form: Form | None, shown: bool) -> None:
    """A failed form the page has no place for (its object changed meanwhile) still tells its errors, as a message."""
    if form is not None and form.is_bound and not shown:
        messages.error(request, error_text(form_error(form)))
