"""Two-step sign-in (the code after the password; setting it up and removing it) and a centre's own sign-in.

Each view: the gate -> a form -> one service -> redirect or render.
"""

from __future__ import annotations

import logging

import django_otp
import segno
from authlib.integrations.base_client import OAuthError
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from joserfc.errors import JoseError
from requests import RequestException

from candidates import access
from candidates.models import User
from units.models import MAX_ID

from . import oidc, services
from .forms import CentreSignInForm, CodeForm, OrganisationEmailForm, SetupCodeForm
from .middleware import CODE_PENDING, SETUP_PENDING
from .models import CentreSignIn

logger = logging.getLogger(__name__)

SECRET_KEY = "signin.setup_secret"
CODES_KEY = "signin.recovery_codes"
OIDC_CENTRE_KEY = "signin.oidc_centre"
OIDC_NEXT_KEY = "signin.oidc_next"
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next_url(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return "/"


def _staff(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]  # login_required ran first
    if not services.is_staff(user):
        raise PermissionDenied(_("Two-step sign-in is for centre staff and platform admins."))
    return user


# --------------------------------------------------------------------------- the code after the password


@login_required
@require_http_methods(["GET", "POST"])
def two_step_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the authenticator app's code (or a recovery code)."""
    next_url = _next_url(request, request.POST.get("next") or request.GET.get("next"))
    if not request.session.get(CODE_PENDING):
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    status = 200
    if form.is_valid():
        try:
            device = services.code_check(user=request.user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error("code", error)
            status = 429 if error.code == "locked" else 200
        else:
            request.session.pop(CODE_PENDING, None)
            django_otp.login(request, device)
            return redirect(next_url)
    return render(request, "signin/two_step_code.html", {"form": form, "next": next_url}, status=status)


# --------------------------------------------------------------------------- setting it up, removing it


@login_required
@require_GET
def two_step(request: HttpRequest) -> HttpResponse:
    """A staff member's two-step sign-in: whether it is set up, recovery codes left, set up or remove."""
    user = _staff(request)
    context = {"has_device": services.has_device(user), "form": CodeForm()}
    if context["has_device"]:
        context["codes_left"] = services.recovery_codes_left(user)
    return render(request, "signin/two_step.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_step_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: its QR code (and the secret to type), confirmed by its first code."""
    user = _staff(request)
    if services.has_device(user):
        return redirect("signin:two_step")
    secret = request.session.get(SECRET_KEY) or services.new_secret()
    request.session[SECRET_KEY] = secret
    form = SetupCodeForm(request.POST or None)
    if form.is_valid():
        try:
            codes = services.two_step_set_up(user=user, secret=secret, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            for key in (SECRET_KEY, SETUP_PENDING, CODE_PENDING):
                request.session.pop(key, None)
            django_otp.login(request, services.device_of(user))
            request.session[CODES_KEY] = codes
            messages.success(request, _("Two-step sign-in is on: from now on you enter a code after your password."))
            return redirect("signin:recovery_codes")
    address = services.setup_address(user=user, secret=secret)
    qr = segno.make(address, error="m").svg_inline(
        scale=5, title=_("QR code to scan with your authenticator app"), svgclass="two-step-qr", lineclass=None)
    context = {"form": form, "qr": qr, "secret": services.secret_in_base32(secret),
               "required": bool(request.session.get(SETUP_PENDING))}
    return render(request, "signin/two_step_setup.html", context)


@login_required
@require_GET
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made, shown this once."""
    user = _staff(request)
    codes = request.session.pop(CODES_KEY, None)
    return render(request, "signin/recovery_codes.html",
                  {"codes": codes, "has_device": services.has_device(user)})


@login_required
@require_POST
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working)."""
    user = _staff(request)
    try:
        request.session[CODES_KEY] = services.recovery_codes_renew(user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("signin:two_step")
    return redirect("signin:recovery_codes")


@login_required
@require_POST
def two_step_remove(request: HttpRequest) -> HttpResponse:
    """Remove two-step sign-in, confirmed by a current code."""
    user = _staff(request)
    form = CodeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Enter a code from your app to remove two-step sign-in."))
        services.two_step_remove(user=user, code=form.cleaned_data["code"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("signin:two_step")
    messages.success(request, _("Two-step sign-in is off: you sign in with your password alone."))
    return redirect("signin:two_step")


# --------------------------------------------------------------------------- a centre's own accounts


@require_http_methods(["GET", "POST"])
def organisation(request: HttpRequest) -> HttpResponse:
    """Find the centre whose accounts an email address signs in with, and offer its sign-in."""
    form = OrganisationEmailForm(request.POST or None)
    configs: list[CentreSignIn] = []
    if form.is_valid():
        configs = list(CentreSignIn.objects.for_email(form.cleaned_data["email"]))
        if not configs:
            form.add_error("email", _("No centre here signs in with accounts of that address's organisation. "
                                      "Sign in with your email address and password."))
    return render(request, "signin/organisation.html",
                  {"form": form, "configs": configs, "next": _next_url(request, request.GET.get("next"))})


def _enabled_config(centre_pk: int) -> CentreSignIn:
    if centre_pk > MAX_ID:  # past any id: the database would overflow rather than find nothing
        raise Http404(_("No such sign-in."))
    config = CentreSignIn.objects.enabled().select_related("centre").filter(centre_id=centre_pk).first()
    if config is None:
        raise Http404(_("No such sign-in."))
    return config


@require_GET
def oidc_start(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """Off to the centre's provider; it sends the browser back to `oidc_callback`."""
    config = _enabled_config(centre_pk)
    request.session[OIDC_CENTRE_KEY] = config.centre_id
    request.session[OIDC_NEXT_KEY] = _next_url(request, request.GET.get("next"))
    try:
        return oidc.authorize_redirect(request, config, login_hint=request.GET.get("email", "")[:254])
    except (RequestException, OAuthError, ValueError, KeyError, ValidationError) as error:
        logger.warning("Centre sign-in: the provider of %s could not be reached: %r", config.centre, error)
        messages.error(request, _("%(centre)s's %(provider)s sign-in cannot be reached just now. Sign in with your "
                                  "password.") % {"centre": config.centre.name, "provider": config.provider_word})
        return redirect("login")


@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Back from the provider: check its answer (Authlib), find the existing account it opens, sign in."""
    centre_pk = request.session.pop(OIDC_CENTRE_KEY, None)
    next_url = request.session.pop(OIDC_NEXT_KEY, "/")
    if centre_pk is None:
        return render(request, "signin/oidc_not_started.html", status=400)
    config = _enabled_config(centre_pk)
    words = {"centre": config.centre.name, "provider": config.provider_word}
    try:
        claims = oidc.verified_claims(request, config)
    except (OAuthError, JoseError, RequestException, ValueError, KeyError, ValidationError) as error:
        logger.warning("Centre sign-in refused for %s: %r", config.centre, error)
        messages.error(request, _("Signing in with %(centre)s's %(provider)s account did not work: its answer "
                                  "could not be checked. Try again, or sign in with your password.") % words)
        return redirect("login")
    try:
        user = services.user_for_claims(config=config, claims=claims)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("login")
    login(request, user, backend=PASSWORD_BACKEND)
    return redirect(_next_url(request, next_url))


@login_required
@require_http_methods(["GET", "POST"])
def centre_sign_in(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """The centre admin sets how the centre's people may sign in with its own accounts."""
    centre = access.centre_for_admin(request.user, centre_pk)
    config = CentreSignIn.objects.filter(centre=centre).first()
    initial = {"provider": config.provider, "client_id": config.client_id, "tenant": config.tenant,
               "issuer": config.issuer, "email_domain": config.email_domain,
               "enabled": config.enabled} if config else {"enabled": True}
    form = CentreSignInForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.centre_sign_in_save(centre=centre, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The sign-in settings of %(centre)s are saved.") % {"centre": centre.name})
            return redirect("signin:centre_sign_in", centre_pk=centre.pk)
    return render(request, "signin/centre_sign_in.html", {
        "centre": centre, "config": config, "form": form, "redirect_uri": oidc.redirect_uri()})
