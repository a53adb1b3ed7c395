"""Sign-in and the password reset that also reaches people invited but not yet signed in."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ..models import User


class SignInForm(AuthenticationForm):
    """Sign in by email address."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class InvitedPasswordResetForm(PasswordResetForm):
    """Password reset that also reaches people invited but without a password yet.

    Django's own form skips accounts with no usable password; an invited person whose
    invitation expired would otherwise have no way in.
    """

    def get_users(self, email: str) -> QuerySet[User]:  # type: ignore[override]  # Django yields, we filter
        return User.objects.filter(email__iexact=email, is_active=True)
