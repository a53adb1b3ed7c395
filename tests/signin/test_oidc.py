"""Sign-in with a centre's own accounts: Authlib against a real (tiny, local) OpenID Connect provider."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditRecord
from audit.sentences import sentence
from candidates.models import User
from signin import services
from signin.models import CentreSignIn, Provider
from tests.conftest import PASSWORD
from tests.signin.oidc_provider import CLIENT_ID, CLIENT_SECRET, TinyProvider, running_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings) -> Iterator[TinyProvider]:
    settings.OIDC_ALLOW_HTTP_ISSUER = True
    with running_provider() as running:
        yield running


@pytest.fixture
def config(centre, centre_admin, provider) -> CentreSignIn:
    """Northgate signs in with the test provider, for addresses of example.org (everyone's, in tests)."""
    return services.centre_sign_in_save(
        centre=centre, by=centre_admin, provider=Provider.OIDC, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        issuer=provider.issuer, email_domain="example.org", enabled=True)


def through_provider(client, provider: TinyProvider, *, centre_pk: int, email: str, follow: bool = False):
    """Start at the site, let the provider sign `email` in, come back to the callback; the callback's response."""
    provider.email = email
    start = client.get(reverse("signin:oidc_start", kwargs={"centre_pk": centre_pk}), {"email": email})
    assert start.status_code == 302 and start["Location"].startswith(provider.issuer + "/authorize"), start
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    callback = urlsplit(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}", follow=follow)


def signed_in_as(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def test_a_person_of_the_centre_signs_in_with_its_accounts(client, provider, config, assessor) -> None:
    response = through_provider(client, provider, centre_pk=config.centre_id, email=assessor.email)

    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == assessor.pk


def test_the_authorisation_request_carries_state_nonce_pkce_and_the_login_hint(client, provider, config,
                                                                             assessor) -> None:
    start = client.get(reverse("signin:oidc_start", kwargs={"centre_pk": config.centre_id}),
                       {"email": assessor.email})
    query = parse_qs(urlsplit(start["Location"]).query)

    assert query["client_id"] == [CLIENT_ID] and query["scope"] == ["openid email profile"]
    assert query["state"][0] and query["nonce"][0] and query["code_challenge_method"] == ["S256"]
    assert query["login_hint"] == [assessor.email]
    assert query["redirect_uri"] == ["http://testserver/accounts/login/organisation/callback/"]


def test_a_candidate_enrolled_at_the_centre_signs_in_too(client, provider, config, candidate, enrolment) -> None:
    through_provider(client, provider, centre_pk=config.centre_id, email=candidate.email)

    assert signed_in_as(client) == candidate.pk


@pytest.mark.parametrize(("claims", "why"), [
    ({"aud": "another-client"}, "another audience"),
    ({"aud": ["another-client"], "azp": CLIENT_ID}, "another audience, naming us only as authorised party"),
    ({"iss": "https://idp.elsewhere.example"}, "another issuer"),
    ({"nonce": "not-the-nonce-we-sent"}, "another nonce"),
    ({"nonce": None}, "no nonce"),
    ({"exp": 1_000_000_000}, "expired"),
])
def test_a_token_that_does_not_check_out_is_refused(client, provider, config, assessor, claims, why) -> None:
    provider.claims = claims

    response = through_provider(client, provider, centre_pk=config.centre_id, email=assessor.email, follow=True)

    assert signed_in_as(client) is None, why
    assert "its answer could not be checked" in response.content.decode(), why


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(client, provider, config,
                                                                            assessor) -> None:
    provider.sign_with_unknown_key = True

    through_provider(client, provider, centre_pk=config.centre_id, email=assessor.email)

    assert signed_in_as(client) is None


def test_an_answer_to_another_sign_in_is_refused(client, provider, config, assessor) -> None:
    provider.email = assessor.email
    start = client.get(reverse("signin:oidc_start", kwargs={"centre_pk": config.centre_id}))
    back = urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"])
    code = parse_qs(back.query)["code"][0]

    response = client.get(back.path, {"code": code, "state": "a-state-this-session-never-sent"}, follow=True)

    assert signed_in_as(client) is None
    assert "its answer could not be checked" in response.content.decode()
    assert provider.token_requests == 0  # refused before the code was exchanged


def test_an_unknown_email_is_refused_and_no_account_is_made(client, provider, config) -> None:
    response = through_provider(client, provider, centre_pk=config.centre_id, email="newcomer@example.org",
                                follow=True)

    assert signed_in_as(client) is None
    assert not User.objects.filter(email="newcomer@example.org").exists()
    text = response.content.decode()
    assert "There is no account for newcomer@example.org here" in text
    assert "does not create accounts: ask Northgate Training to invite you" in text


def test_a_person_of_another_centre_is_refused(client, provider, config, stranger_assessor) -> None:
    response = through_provider(client, provider, centre_pk=config.centre_id, email=stranger_assessor.email,
                                follow=True)

    assert signed_in_as(client) is None
    assert "Your account is not at Northgate Training" in response.content.decode()


def test_an_unverified_email_is_refused(client, provider, config, assessor) -> None:
    provider.email_verified = False

    response = through_provider(client, provider, centre_pk=config.centre_id, email=assessor.email, follow=True)

    assert signed_in_as(client) is None
    assert "email address is not verified" in response.content.decode()


def test_an_address_of_another_domain_is_refused(client, provider, config, assessor) -> None:
    CentreSignIn.objects.filter(pk=config.pk).update(email_domain="northgate.example")

    response = through_provider(client, provider, centre_pk=config.centre_id, email=assessor.email, follow=True)

    assert signed_in_as(client) is None
    assert "signs in with addresses of northgate.example only" in response.content.decode()


def test_a_sign_in_turned_off_is_not_offered(client, provider, config) -> None:
    CentreSignIn.objects.filter(pk=config.pk).update(enabled=False)

    assert client.get(reverse("signin:oidc_start", kwargs={"centre_pk": config.centre_id})).status_code == 404
    found = client.post(reverse("signin:organisation"), {"email": "ash@example.org"})
    assert "No centre here signs in with accounts" in found.content.decode()


def test_the_organisation_page_offers_the_centre_of_the_address(client, config) -> None:
    response = client.post(reverse("signin:organisation"), {"email": "someone@EXAMPLE.org"})

    text = response.content.decode()
    assert "Continue with Northgate Training's organisation account" in text
    assert reverse("signin:oidc_start", kwargs={"centre_pk": config.centre_id}) in text


def test_passwords_keep_working_beside_it(client, config, assessor) -> None:
    response = client.post(reverse("login"), {"username": assessor.email, "password": PASSWORD})

    assert response.status_code == 302 and signed_in_as(client) == assessor.pk


def test_a_provider_that_cannot_be_reached_sends_back_to_passwords(client, centre, centre_admin, settings) -> None:
    settings.OIDC_ALLOW_HTTP_ISSUER = True
    config = services.centre_sign_in_save(
        centre=centre, by=centre_admin, provider=Provider.OIDC, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        issuer="http://127.0.0.1:9", email_domain="example.org", enabled=True)

    response = client.get(reverse("signin:oidc_start", kwargs={"centre_pk": config.centre_id}), follow=True)

    assert "cannot be reached just now" in response.content.decode()


# --------------------------------------------------------------------------- the centre admin's settings


def test_saving_the_settings_is_audited_without_the_secret(centre, centre_admin, provider) -> None:
    config = services.centre_sign_in_save(
        centre=centre, by=centre_admin, provider=Provider.MICROSOFT, client_id="app-1", client_secret="s3cret",
        tenant="0f1e2d3c-aaaa-bbbb-cccc-123456789abc", email_domain="Northgate.Example", enabled=True)
    services.centre_sign_in_save(
        centre=centre, by=centre_admin, provider=Provider.MICROSOFT, client_id="app-2", client_secret="",
        tenant="0f1e2d3c-aaaa-bbbb-cccc-123456789abc", email_domain="northgate.example", enabled=False)

    config.refresh_from_db()
    assert (config.client_id, config.client_secret, config.email_domain) == ("app-2", "s3cret", "northgate.example")
    records = list(AuditRecord.objects.filter(object_type="signin.CentreSignIn").order_by("sequence"))
    assert [r.action for r in records] == ["centre sign-in set", "centre sign-in changed"]
    assert "s3cret" not in str([(r.before, r.after) for r in records])
    assert sentence(records[1]) == ("Ada Admin changed how people of Northgate Training sign in with its own "
                                    "accounts (Microsoft 365 (Microsoft Entra ID), northgate.example, turned off).")


@pytest.mark.parametrize(("fields", "field"), [
    ({"provider": Provider.MICROSOFT, "tenant": "common"}, "tenant"),
    ({"provider": Provider.MICROSOFT, "tenant": ""}, "tenant"),
    ({"provider": Provider.OIDC, "issuer": "http://idp.example.org"}, "issuer"),
    ({"provider": Provider.GOOGLE, "email_domain": "not a domain"}, "email_domain"),
    ({"provider": Provider.GOOGLE, "client_secret": ""}, "client_secret"),
])
def test_settings_that_cannot_work_are_refused(centre, centre_admin, fields, field) -> None:
    values: dict[str, Any] = {"provider": Provider.GOOGLE, "client_id": "app", "client_secret": "secret",
                              "email_domain": "northgate.example", "enabled": True, **fields}

    with pytest.raises(ValidationError) as refused:
        services.centre_sign_in_save(centre=centre, by=centre_admin, **values)

    assert field in refused.value.message_dict


def test_two_centres_cannot_claim_one_domain(centre, other_centre, centre_admin, platform_admin) -> None:
    values: dict[str, Any] = {"provider": Provider.GOOGLE, "client_id": "app", "client_secret": "secret",
                              "email_domain": "shared.example", "enabled": True}
    services.centre_sign_in_save(centre=centre, by=centre_admin, **values)

    with pytest.raises(ValidationError, match="Another centre signs in with addresses of shared.example"):
        services.centre_sign_in_save(centre=other_centre, by=platform_admin, **values)


def test_the_settings_page_never_shows_the_secret(client, centre, centre_admin, config) -> None:
    client.force_login(centre_admin)

    response = client.get(reverse("signin:centre_sign_in", kwargs={"centre_pk": centre.pk}))

    text = response.content.decode()
    assert response.status_code == 200 and CLIENT_SECRET not in text
    assert "http://testserver/accounts/login/organisation/callback/" in text


def test_the_settings_page_saves(client, centre, centre_admin) -> None:
    client.force_login(centre_admin)

    response = client.post(reverse("signin:centre_sign_in", kwargs={"centre_pk": centre.pk}), {
        "provider": "google", "client_id": "app.apps.googleusercontent.com", "client_secret": "gsecret",
        "email_domain": "northgate.example", "enabled": "on"})

    assert response.status_code == 302
    config = CentreSignIn.objects.get(centre=centre)
    assert (config.provider, config.client_secret, config.enabled) == ("google", "gsecret", True)


def test_the_settings_page_costs_a_fixed_number_of_queries(client, centre, centre_admin, config,
                                                           django_assert_num_queries) -> None:
    client.force_login(centre_admin)
    url = reverse("signin:centre_sign_in", kwargs={"centre_pk": centre.pk})
    client.get(url)

    # session, user, centre, roles (the gate), the settings, the inbox count, role kinds (the navigation)
    with django_assert_num_queries(6):  # the person's roles read once a request
        client.get(url)


def test_a_callback_nobody_started_says_to_start_again(client) -> None:
    response = client.get(reverse("signin:oidc_callback"), {"code": "x", "state": "y"})

    assert response.status_code == 400 and "This sign-in was not started here" in response.content.decode()


# --------------------------------------------------------------------------- what each provider vouches for


def _saved(centre, by, provider: str) -> CentreSignIn:
    return services.centre_sign_in_save(
        centre=centre, by=by, provider=provider, client_id="app", client_secret="secret", email_domain="example.org",
        tenant="0f1e2d3c-aaaa-bbbb-cccc-123456789abc", enabled=True)


def test_each_provider_s_issuer(centre, centre_admin) -> None:
    from signin.oidc import issuer_of

    assert issuer_of(_saved(centre, centre_admin, Provider.GOOGLE)) == "https://accounts.google.com"
    assert issuer_of(_saved(centre, centre_admin, Provider.MICROSOFT)) == (
        "https://login.microsoftonline.com/0f1e2d3c-aaaa-bbbb-cccc-123456789abc/v2.0")


def test_google_vouches_for_addresses_of_the_hosted_domain_only(centre, centre_admin, assessor) -> None:
    config = _saved(centre, centre_admin, Provider.GOOGLE)
    claims = {"email": assessor.email, "email_verified": True}

    with pytest.raises(ValidationError, match="not verified"):
        services.user_for_claims(config=config, claims=claims)  # a consumer account of the domain: no hd
    assert services.user_for_claims(config=config, claims={**claims, "hd": "example.org"}) == assessor


def test_microsoft_s_tenant_vouches_for_its_domain(centre, centre_admin, assessor) -> None:
    config = _saved(centre, centre_admin, Provider.MICROSOFT)

    assert services.user_for_claims(config=config, claims={"email": assessor.email.upper()}) == assessor


def test_an_inactive_account_is_not_opened(centre, centre_admin, assessor) -> None:
    config = _saved(centre, centre_admin, Provider.GOOGLE)
    User.objects.filter(pk=assessor.pk).update(is_active=False)

    with pytest.raises(ValidationError, match="There is no account for"):
        services.user_for_claims(config=config, claims={"email": assessor.email, "email_verified": True,
                                                         "hd": "example.org"})
