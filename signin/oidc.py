"""OpenID Connect with a centre's identity provider, through Authlib's Django client.

Authlib does the protocol: the authorisation request with `state`, `nonce` and PKCE kept in the session, the
code exchange, and the id_token's signature (the provider's published keys) and claims. We pass it the
issuer and audience it must find in the token, and then decide, in `signin.services`, whose account it opens.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from portfolio_site.links import absolute_url

from .models import CentreSignIn, Provider

GOOGLE_ISSUER = "https://accounts.google.com"
MICROSOFT_ISSUER = "https://login.microsoftonline.com/{tenant}/v2.0"
#: Microsoft's tenant-less endpoints accept anyone's account: a centre names its own tenant instead.
MICROSOFT_SHARED_TENANTS = {"common", "organizations", "consumers"}
SCOPE = "openid email profile"


def issuer_of(config: CentreSignIn) -> str:
    """The issuer the provider's id_tokens must name (and where its discovery document is)."""
    if config.provider == Provider.GOOGLE:
        return GOOGLE_ISSUER
    if config.provider == Provider.MICROSOFT:
        return MICROSOFT_ISSUER.format(tenant=config.tenant.strip())
    return config.issuer.rstrip("/")


def check_issuer_address(address: str) -> None:
    """Refuse an issuer the server should not call: anything but https (plain http only where settings allow)."""
    parts = urlsplit(address)
    allowed = {"https", "http"} if settings.OIDC_ALLOW_HTTP_ISSUER else {"https"}
    if parts.scheme not in allowed or not parts.hostname:
        raise ValidationError(_("The issuer must be an https:// address, e.g. https://idp.example.org."))


def redirect_uri() -> str:
    """The one address every centre registers with its provider as the sign-in's redirect URI."""
    return absolute_url("signin:oidc_callback")


def client_for(config: CentreSignIn) -> DjangoOAuth2App:
    """Authlib's client for the centre's provider, configured from its row (not from settings)."""
    issuer = issuer_of(config)
    check_issuer_address(issuer)
    oauth = OAuth()
    client: DjangoOAuth2App = oauth.register(
        name=f"centre-{config.centre_id}",
        client_id=config.client_id,
        client_secret=config.client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256",
                       "default_timeout": settings.OIDC_TIMEOUT_SECONDS},
    )
    return client


def authorize_redirect(request: HttpRequest, config: CentreSignIn, *, login_hint: str = "") -> HttpResponse:
    """Send the browser to the provider's sign-in page; what comes back is checked by `verified_claims`."""
    extra: dict[str, str] = {}
    if login_hint:
        extra["login_hint"] = login_hint
    if config.provider == Provider.GOOGLE:
        extra["hd"] = config.email_domain.lower()
    response: HttpResponse = client_for(config).authorize_redirect(request, redirect_uri(), **extra)
    return response


def verified_claims(request: HttpRequest, config: CentreSignIn) -> dict[str, Any]:
    """The id_token's claims once Authlib has checked the state, the code exchange and the token.

    Raises Authlib's errors (OAuthError, joserfc's claim errors) or requests' for anything wrong: a state
    that is not this session's, a token signed by another key, for another client (aud) or by another
    issuer (iss), with another nonce, or expired.
    """
    client = client_for(config)
    issuer = str(client.load_server_metadata().get("issuer", ""))
    if issuer.rstrip("/") != issuer_of(config):
        raise ValidationError(_("The provider's discovery document names another issuer."))
    # Authlib checks the issuer of the discovery document by default, and the audience only through `azp`:
    # both are asked for here, and must be present.
    options = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": config.client_id},
    }
    token = client.authorize_access_token(request, claims_options=options)
    userinfo = token.get("userinfo")
    if not userinfo:
        raise ValidationError(_("The provider sent no identity token."))
    return dict(userinfo)
