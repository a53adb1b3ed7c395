"""A service's refusal shown where the person typed: shared by every app's views (it imports no app)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Form


def on_fields(form: Form, error: ValidationError) -> bool:
    """Put a service's errors on the form when each names one of its fields; False for an error of the workflow."""
    if not hasattr(error, "error_dict") or not error.error_dict.keys() <= form.fields.keys():
        return False
    form.add_error(None, error)
    return True
