"""The invitation link: set a first password, then land signed in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpResponse
from django.urls import reverse_lazy


class SetPasswordView(PasswordResetConfirmView):
    """The invitation link: set a first password (the link works once), then land signed in."""

    template_name = "registration/set_password.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("home")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password is set and you are signed in. Welcome.")
        return response
