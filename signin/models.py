"""A centre's own sign-in: its Microsoft Entra ID, Google Workspace or other OpenID Connect accounts.

Two-step sign-in keeps its devices in django-otp's tables (TOTP devices, recovery codes as static tokens).
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from candidates.models import Centre


class Provider(models.TextChoices):
    MICROSOFT = "microsoft", _("Microsoft 365 (Microsoft Entra ID)")
    GOOGLE = "google", _("Google Workspace")
    OIDC = "oidc", _("Another OpenID Connect provider")


#: The short name a button says: "Sign in with Northgate's Microsoft account".
PROVIDER_WORDS = {
    Provider.MICROSOFT: _("Microsoft"),
    Provider.GOOGLE: _("Google"),
    Provider.OIDC: _("organisation"),
}


class CentreSignInQuerySet(models.QuerySet["CentreSignIn"]):
    def enabled(self) -> CentreSignInQuerySet:
        return self.filter(enabled=True).exclude(client_id="").exclude(client_secret="")

    def for_email(self, email: str) -> CentreSignInQuerySet:
        """The enabled configurations whose email domain is that of `email`."""
        domain = email.rpartition("@")[2].strip().lower()
        return self.enabled().filter(email_domain__iexact=domain).select_related("centre") if domain else self.none()


class CentreSignIn(models.Model):
    """How a centre's people may sign in with their organisation's accounts, beside their passwords.

    Only people who already have an account here (by a verified email address of `email_domain`) and hold a
    role or an enrolment at the centre get in this way; no account is ever created by it.
    """

    centre = models.OneToOneField(Centre, on_delete=models.CASCADE, related_name="sign_in")
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices, default=Provider.MICROSOFT)
    client_id = models.CharField(_("client ID"), max_length=255)
    # Stored for the code exchange; never shown again on any page.
    client_secret = models.CharField(_("client secret"), max_length=512)
    tenant = models.CharField(
        _("Microsoft tenant ID"), max_length=128, blank=True,
        help_text=_("The directory (tenant) ID of your Microsoft Entra ID, e.g. 0f1e2d3c-…; Microsoft only."))
    issuer = models.URLField(
        _("issuer"), max_length=255, blank=True,
        help_text=_("The provider's issuer address (https://…), where /.well-known/openid-configuration is found; "
                    "another OpenID Connect provider only."))
    email_domain = models.CharField(
        _("email domain"), max_length=253,
        help_text=_("The domain of your people's addresses, e.g. northgate.ac.uk: the sign-in page offers this "
                    "sign-in to addresses of it, and only addresses of it are accepted (Google: the Workspace "
                    "hosted domain)."))
    enabled = models.BooleanField(_("offer this sign-in"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CentreSignInQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email_domain"), name="centre_sign_in_email_domain_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.centre} – {self.get_provider_display()}"

    @property
    def provider_word(self) -> str:
        return str(PROVIDER_WORDS[Provider(self.provider)])

