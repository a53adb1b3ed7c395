"""Two-step sign-in (a TOTP device and recovery codes) and a centre's own sign-in (OpenID Connect).

Every write is atomic and audited; refusals are ValidationErrors that say what to do next.
"""

from __future__ import annotations

import re
import time
from base64 import b32encode
from binascii import unhexlify
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from audit import trail
from candidates.models import Centre, Enrolment, Role, RoleKind, User
from candidates.throttle import Ceiling

from .models import CentreSignIn, Provider
from .oidc import MICROSOFT_SHARED_TENANTS, check_issuer_address

RECOVERY_CODES = 10
DEVICE_NAME = "Authenticator app"
#: Wrong codes per person (settings.TWO_STEP_FAILURES_PER_USER in 15 minutes); then the code page refuses them.
TWO_STEP_PER_USER = Ceiling("two-step-user", "TWO_STEP_FAILURES_PER_USER", 15 * 60)
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


# --------------------------------------------------------------------------- two-step sign-in


def is_staff(user: User) -> bool:
    """Whether `user` may use two-step sign-in: a superuser, or holding any role other than candidate."""
    return user.is_superuser or bool(user.role_kinds - {RoleKind.CANDIDATE})


def has_device(user: User) -> bool:
    """Whether `user` has set up two-step sign-in (a confirmed authenticator app)."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def device_of(user: User) -> TOTPDevice:
    """`user`'s confirmed authenticator app."""
    device: TOTPDevice = TOTPDevice.objects.get(user=user, confirmed=True)
    return device


def new_secret() -> str:
    """A new TOTP secret (hex, as django-otp keeps it), held in the session until the person confirms it."""
    return str(default_key())


def secret_in_base32(secret: str) -> str:
    """The secret as an authenticator app asks for it when typed by hand, in groups of four."""
    text = b32encode(unhexlify(secret)).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def setup_address(*, user: User, secret: str) -> str:
    """The otpauth:// address the QR code carries (the app's account name, issuer and secret)."""
    return str(TOTPDevice(user=user, key=secret).config_url)


def _normalised(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


@transaction.atomic
def two_step_set_up(*, user: User, secret: str, code: str) -> list[str]:
    """Confirm the authenticator app showing `code` for `secret`; returns the new recovery codes (shown once)."""
    if not is_staff(user):
        raise ValidationError(_("Two-step sign-in is for centre staff and platform admins."))
    if has_device(user):
        raise ValidationError(_("Two-step sign-in is already set up. Remove it first to use another app."))
    totp = TOTP(unhexlify(secret))
    totp.time = time.time()
    token = _normalised(code)
    if not (token.isdigit() and totp.verify(int(token), tolerance=1)):
        raise ValidationError(_("That code is not the one your app shows now. Check the app's clock is right and "
                                "enter the newest code."))
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=secret, confirmed=True, last_t=totp.t(),
                              drift=totp.drift)
    codes = _recovery_codes_replace(user)
    trail.record(actor=user, action="two-step sign-in set up", obj=user, object_label=user.email)
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes for `user` (the old ones stop working); shown once."""
    if not has_device(user):
        raise ValidationError(_("Set up two-step sign-in first."))
    codes = _recovery_codes_replace(user)
    trail.record(actor=user, action="recovery codes renewed", obj=user, object_label=user.email)
    return codes


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes `user` has."""
    return int(StaticToken.objects.filter(device__user=user).count())


def code_check(*, user: User, code: str) -> Device:
    """The device that accepts `code` (the app's current code, or an unused recovery code, used up by this).

    Refused while the person's wrong codes in the last 15 minutes reached the ceiling, or while django-otp
    makes them wait after a wrong code.
    """
    subject = str(user.pk)
    if TWO_STEP_PER_USER.reached(subject):
        raise ValidationError(_("Too many wrong codes. Try again in 15 minutes, or ask a platform admin to "
                                "remove two-step sign-in from your account."), code="locked")
    token = _normalised(code)
    model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                raise ValidationError(_("Wait a few seconds after a wrong code, then try again."), code="wait")
            if device.verify_token(token):
                return device
    TWO_STEP_PER_USER.count(subject)
    raise ValidationError(_("That code is not right. Enter the 6-digit code your app shows now, or one of your "
                            "recovery codes."), code="wrong")


@transaction.atomic
def two_step_remove(*, user: User, code: str) -> None:
    """Remove `user`'s authenticator app and recovery codes, once they prove they hold one (`code_check`)."""
    if not has_device(user):
        raise ValidationError(_("Two-step sign-in is not set up."))
    code_check(user=user, code=code)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    trail.record(actor=user, action="two-step sign-in removed", obj=user, object_label=user.email)


# --------------------------------------------------------------------------- a centre's own sign-in


def _clean_domain(value: str) -> str:
    domain = value.strip().lower().lstrip("@")
    if not DOMAIN.match(domain):
        raise ValidationError({"email_domain": _("Enter a domain such as northgate.ac.uk, without the @.")})
    return domain


def _check_provider_fields(*, provider: str, tenant: str, issuer: str) -> None:
    if provider == Provider.MICROSOFT:
        if not tenant or tenant.lower() in MICROSOFT_SHARED_TENANTS or not re.fullmatch(r"[A-Za-z0-9.-]+", tenant):
            raise ValidationError({"tenant": _("Enter your organisation's own directory (tenant) ID, found in "
                                               "Microsoft Entra ID's overview; not common or organizations.")})
    if provider == Provider.OIDC:
        if not issuer:
            raise ValidationError({"issuer": _("Enter the provider's issuer address.")})
        try:
            check_issuer_address(issuer)
        except ValidationError as error:
            raise ValidationError({"issuer": error.messages}) from error


@transaction.atomic
def centre_sign_in_save(
    *, centre: Centre, by: User, provider: str, client_id: str, client_secret: str, email_domain: str,
    enabled: bool, tenant: str = "", issuer: str = "",
) -> CentreSignIn:
    """Set how `centre`'s people may sign in with its own accounts. An empty `client_secret` keeps the stored one."""
    tenant, issuer, client_id = tenant.strip(), issuer.strip().rstrip("/"), client_id.strip()
    _check_provider_fields(provider=provider, tenant=tenant, issuer=issuer)
    domain = _clean_domain(email_domain)
    if CentreSignIn.objects.filter(email_domain__iexact=domain).exclude(centre=centre).exists():
        raise ValidationError({"email_domain": _("Another centre signs in with addresses of %(domain)s. Ask a "
                                                 "platform admin if this domain is yours.") % {"domain": domain}})
    config = CentreSignIn.objects.select_for_update().filter(centre=centre).first()
    before = _described(config) if config else None
    if config is None:
        if not client_secret:
            raise ValidationError({"client_secret": _("Enter the client secret your provider gave you.")})
        config = CentreSignIn(centre=centre)
    config.provider, config.client_id, config.email_domain, config.enabled = provider, client_id, domain, enabled
    config.tenant = tenant if provider == Provider.MICROSOFT else ""
    config.issuer = issuer if provider == Provider.OIDC else ""
    if client_secret:
        config.client_secret = client_secret
    config.save()
    after = {**_described(config), "secret_replaced": bool(client_secret)}
    trail.record(actor=by, action="centre sign-in set" if before is None else "centre sign-in changed", obj=config,
                 chain=f"centre:{config.centre_id}", before=before, after=after)
    return config


def _described(config: CentreSignIn) -> dict[str, Any]:
    """What the audit keeps of a configuration: everything but the secret."""
    return {"provider": config.provider, "client_id": config.client_id, "tenant": config.tenant,
            "issuer": config.issuer, "email_domain": config.email_domain, "enabled": config.enabled}


def _claimed_email(config: CentreSignIn, claims: dict[str, Any]) -> str:
    """The email address the provider vouches for, or a refusal saying why none is."""
    email = str(claims.get("email") or "").strip().lower()
    word = config.provider_word
    if not email:
        raise ValidationError(_("Your %(provider)s account sent no email address, so it cannot be matched to an "
                                "account here. Sign in with your password.") % {"provider": word})
    if email.rpartition("@")[2] != config.email_domain.lower():
        raise ValidationError(_("%(centre)s signs in with addresses of %(domain)s only; your account is %(email)s. "
                                "Sign in with your password.") % {
            "centre": config.centre.name, "domain": config.email_domain, "email": email})
    verified = claims.get("email_verified") in (True, "true")
    if config.provider == Provider.GOOGLE:
        verified = verified and str(claims.get("hd", "")).lower() == config.email_domain.lower()
    elif config.provider == Provider.MICROSOFT:
        # Microsoft sends no email_verified: the issuer pins the centre's own tenant, whose domain it is.
        verified = True
    if not verified:
        raise ValidationError(_("Your %(provider)s account's email address is not verified, so it cannot be "
                                "matched to an account here. Sign in with your password.") % {"provider": word})
    return email


def user_for_claims(*, config: CentreSignIn, claims: dict[str, Any]) -> User:
    """The existing account the provider's verified email address opens: never a new one, and only for someone
    who holds a role or an enrolment at the configuration's centre."""
    email = _claimed_email(config, claims)
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise ValidationError(_("There is no account for %(email)s here. Signing in with %(provider)s does not "
                                "create accounts: ask %(centre)s to invite you.") % {
            "email": email, "provider": config.provider_word, "centre": config.centre.name})
    at_centre = Q(pk__in=Role.objects.filter(centre=config.centre).values("user")) | Q(
        pk__in=Enrolment.objects.filter(centre=config.centre).values("candidate"))
    if not User.objects.filter(at_centre, pk=user.pk).exists():
        raise ValidationError(_("Your account is not at %(centre)s, so its %(provider)s sign-in cannot open it. "
                                "Sign in with your password.") % {
            "centre": config.centre.name, "provider": config.provider_word})
    return user

