"""Input parsing for two-step sign-in and a centre's own sign-in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Provider


class CodeForm(forms.Form):
    """A code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"), max_length=32,
        help_text=_("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false",
                                      "autocapitalize": "off"}),
    )


class SetupCodeForm(forms.Form):
    """The first code the authenticator app shows for the new secret."""

    code = forms.CharField(
        label=_("Code from your app"), max_length=12,
        help_text=_("The 6-digit code the app shows for this account."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class OrganisationEmailForm(forms.Form):
    """The email address whose domain names the centre whose accounts to sign in with."""

    email = forms.EmailField(
        label=_("Your work email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class CentreSignInForm(forms.Form):
    """A centre's OpenID Connect settings; the secret is never shown back (empty keeps the stored one)."""

    provider = forms.ChoiceField(label=_("Provider"), choices=Provider.choices)
    email_domain = forms.CharField(
        label=_("Email domain"), max_length=253,
        help_text=_("Your people's addresses end with it, e.g. northgate.ac.uk. For Google, your Workspace's "
                    "domain."))
    client_id = forms.CharField(label=_("Client ID (application ID)"), max_length=255)
    client_secret = forms.CharField(
        label=_("Client secret"), max_length=512, required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored and never shown again. Leave empty to keep the stored secret."))
    tenant = forms.CharField(
        label=_("Microsoft directory (tenant) ID"), max_length=128, required=False,
        help_text=_("Microsoft only: the directory (tenant) ID on Microsoft Entra ID's overview page."))
    issuer = forms.URLField(
        label=_("Issuer address"), max_length=255, required=False, assume_scheme="https",
        help_text=_("Another provider only: its issuer (https://…), where /.well-known/openid-configuration is."))
    enabled = forms.BooleanField(label=_("Offer this sign-in on the sign-in page"), required=False)
