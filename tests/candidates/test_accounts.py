"""Signing in by email, the lockout after repeated failures, password reset and the invitation link."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse

from candidates.models import User
from tests.conftest import PASSWORD

LOCKOUT_TEXT = "Too many failed sign-ins for this account."


def sign_in(client, email: str, password: str, **extra: str):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


def test_sign_in_page_asks_for_an_email_address(client, db) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Email address" in response.text
    assert 'type="email"' in response.text


def test_sign_in_by_email_goes_home(client, candidate) -> None:
    response = sign_in(client, "cara.candidate@example.org", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert int(client.session["_auth_user_id"]) == candidate.pk


def test_sign_in_email_is_case_insensitive(client, candidate) -> None:
    response = sign_in(client, "Cara.Candidate@Example.org", PASSWORD)
    assert response.status_code == 302


def test_wrong_password_is_refused_with_the_form_again(client, candidate) -> None:
    response = sign_in(client, candidate.email, "wrong")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "enter a correct email address and password" in response.text.lower()


def test_five_failures_lock_the_account_with_a_clear_message(client, candidate) -> None:
    for _ in range(4):
        assert sign_in(client, candidate.email, "wrong").status_code == 200
    response = sign_in(client, candidate.email, "wrong")
    assert response.status_code == 429
    assert LOCKOUT_TEXT in response.text
    assert "Try again in 15 minutes or" in response.text
    assert reverse("password_reset") in response.text


def test_a_locked_account_is_refused_even_with_the_right_password(client, candidate) -> None:
    for _ in range(5):
        sign_in(client, candidate.email, "wrong")
    response = sign_in(client, candidate.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, candidate) -> None:
    for _ in range(4):
        sign_in(client, candidate.email, "wrong")
    assert sign_in(client, candidate.email, PASSWORD).status_code == 302


def test_the_lockout_counts_the_address_however_it_is_capitalised(client, candidate) -> None:
    for _ in range(5):
        sign_in(client, candidate.email.upper(), "wrong")
    assert sign_in(client, candidate.email, PASSWORD).status_code == 429


def test_lockout_is_per_account_and_ip(client, candidate, assessor) -> None:
    for _ in range(5):
        sign_in(client, candidate.email, "wrong")
    # Another account from the same address, and the same account from another address, still sign in.
    assert sign_in(client, assessor.email, PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, candidate.email, PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, candidate) -> None:
    for number in range(5):
        sign_in(client, candidate.email, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
    assert sign_in(client, candidate.email, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_behind_a_trusted_proxy_the_client_address_counts(client, candidate, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        sign_in(client, candidate.email, "wrong", HTTP_X_FORWARDED_FOR="forged, 203.0.113.7")
    assert sign_in(client, candidate.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert sign_in(client, candidate.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


def test_lockout_ends_after_fifteen_minutes(client, candidate) -> None:
    import datetime

    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(5):
        sign_in(client, candidate.email, "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert sign_in(client, candidate.email, PASSWORD).status_code == 302


def test_sign_out_is_a_post(client, candidate) -> None:
    client.force_login(candidate)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change(client, candidate) -> None:
    client.force_login(candidate)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD,
        "new_password1": "a-new-long-passphrase-42",
        "new_password2": "a-new-long-passphrase-42",
    })
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.check_password("a-new-long-passphrase-42")


def _link_from(message: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message)
    assert match, message
    return match.group(1)


def test_password_reset_emails_a_link_that_works_once(client, candidate) -> None:
    response = client.post(reverse("password_reset"), {"email": candidate.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = _link_from(mail.outbox[0].body)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    done = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "another-long-passphrase-7", "new_password2": "another-long-passphrase-7",
    })
    assert done.status_code == 302
    candidate.refresh_from_db()
    assert candidate.check_password("another-long-passphrase-7")
    assert "This link no longer works" in client.get(link, follow=True).text


def test_password_reset_reaches_an_invited_person_without_a_password(client, candidate) -> None:
    candidate.set_unusable_password()
    candidate.save()
    client.post(reverse("password_reset"), {"email": candidate.email})
    assert len(mail.outbox) == 1


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db) -> None:
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


NETWORK_LOCKOUT_TEXT = "Too many failed sign-ins have come from your network."
RESET_CEILING_TEXT = "Too many password reset requests have come from your network."


def test_thirty_failed_sign_ins_from_one_address_across_accounts_lock_that_address(client, candidate) -> None:
    # One machine trying address after address: each account stays under its own limit of 5.
    for number in range(29):
        assert sign_in(client, f"guess{number}@example.org", "wrong").status_code == 200
    assert sign_in(client, candidate.email, PASSWORD).status_code == 302  # 29 failures: still open
    client.logout()
    assert sign_in(client, "guess-last@example.org", "wrong").status_code == 200  # the 30th failure
    response = sign_in(client, candidate.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert NETWORK_LOCKOUT_TEXT in response.text
    assert LOCKOUT_TEXT not in response.text


def test_the_address_ceiling_leaves_other_addresses_signing_in(client, candidate) -> None:
    for number in range(30):
        sign_in(client, f"guess{number}@example.org", "wrong")
    assert sign_in(client, candidate.email, PASSWORD).status_code == 429
    assert sign_in(client, candidate.email, PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_the_address_ceiling_counts_the_client_behind_a_trusted_proxy(client, candidate, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(30):
        sign_in(client, f"guess{number}@example.org", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}, 203.0.113.7")
    assert sign_in(client, candidate.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert sign_in(client, candidate.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


def test_password_reset_sends_at_most_three_links_an_hour_to_one_address(client, candidate) -> None:
    for _ in range(4):
        response = client.post(reverse("password_reset"), {"email": candidate.email})
        # The fourth answers as ever (it must not tell that the address has an account) ...
        assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 3  # ... but sends nothing


def test_password_reset_ceiling_per_address_ignores_capitals(client, candidate) -> None:
    for email in (candidate.email, candidate.email.upper(), candidate.email.title(), candidate.email):
        client.post(reverse("password_reset"), {"email": email})
    assert len(mail.outbox) == 3


def test_password_reset_past_an_address_ceiling_answers_as_for_an_unknown_address(client, candidate) -> None:
    for _ in range(4):
        known = client.post(reverse("password_reset"), {"email": candidate.email})
        unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)


def test_password_reset_requests_from_one_address_stop_at_twenty_an_hour_with_a_message(client, candidate) -> None:
    for number in range(20):
        assert client.post(reverse("password_reset"), {"email": f"person{number}@example.org"}).status_code == 302
    response = client.post(reverse("password_reset"), {"email": candidate.email})
    assert response.status_code == 429
    assert RESET_CEILING_TEXT in response.text
    assert mail.outbox == []
    # Another address is not held back.
    assert client.post(reverse("password_reset"), {"email": candidate.email}, REMOTE_ADDR="10.1.2.3").status_code == 302
    assert len(mail.outbox) == 1


@pytest.fixture
def invited(db) -> User:
    user = User.objects.create_user("new.person@example.org", None, first_name="New")
    assert not user.has_usable_password()
    return user


def _invitation_path(user: User) -> str:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return reverse("set_password", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user),
    })


def test_invitation_link_sets_the_password_and_signs_in(client, invited) -> None:
    form_page = client.get(_invitation_path(invited), follow=True)
    assert "Welcome: set your password" in form_page.text
    response = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "my-first-passphrase-9", "new_password2": "my-first-passphrase-9",
    })
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert int(client.session["_auth_user_id"]) == invited.pk
    invited.refresh_from_db()
    assert invited.check_password("my-first-passphrase-9")


def test_invitation_link_works_once(client, invited) -> None:
    path = _invitation_path(invited)
    form_page = client.get(path, follow=True)
    client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "my-first-passphrase-9", "new_password2": "my-first-passphrase-9",
    })
    client.logout()
    again = client.get(path, follow=True)
    assert "This invitation link no longer works" in again.text


def test_invitation_link_with_a_bad_token_is_refused(client, invited) -> None:
    path = _invitation_path(invited).replace(default_token_generator.make_token(invited), "x-y")
    assert "This invitation link no longer works" in client.get(path, follow=True).text
