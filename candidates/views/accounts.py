"""The invitation link (set a first password, then land signed in) and the throttled password reset."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.views import PasswordResetConfirmView, PasswordResetView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import throttle
from ..backends import client_ip
from ..forms.accounts import InvitedPasswordResetForm
from ..languages import supported


class SetPasswordView(PasswordResetConfirmView):
    """The invitation link: set a first password (the link works once), then land signed in."""

    template_name = "registration/set_password.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("home")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set and you are signed in. Welcome."))
        return response


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password reset, with ceilings per email address and per IP (candidates/throttle.py).

    Past an address's ceiling the page says the same as ever but nothing is sent, so the answer
    never tells whether the address has an account; past the IP's ceiling it says to wait.
    """

    form_class = InvitedPasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if not throttle.PASSWORD_RESET_PER_IP.count(client_ip(self.request)):
            form.add_error(None, _("Too many password reset requests have come from your network. "
                                   "Try again in an hour; the links already sent still work."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if not throttle.PASSWORD_RESET_PER_EMAIL.count(form.cleaned_data["email"].strip().lower()):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switcher: remember the choice (on the person's account when signed in, and in a cookie),
    then go back to the page it was made on."""
    language = request.POST.get("language", "")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("home")
    response = HttpResponseRedirect(back)
    if not supported(language):
        messages.error(request, _("Choose one of the languages in the list."))
        return response
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=request.is_secure(), httponly=True)
    with translation.override(language):
        messages.success(request, _("The pages are now in %(language)s.") % {
            "language": dict(settings.LANGUAGES)[language]})
    return response
