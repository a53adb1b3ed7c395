"""The interface's language: the browser's at first, then the person's saved choice, on every page and in emails."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from portfolio_site import mail

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
SWITCH = reverse("language_set")


def _lang(response) -> str:
    page = response.content.decode()
    return page.split("<html lang=\"", 1)[1].split("\"", 1)[0]


def test_a_page_is_in_the_browsers_language_at_first_and_says_so_in_lang(client) -> None:
    assert _lang(client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="pl,en;q=0.5")) == "pl"
    assert _lang(client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="de")) == "en-gb"  # not offered: the site's own


def test_every_page_names_its_direction_for_a_right_to_left_language_later(client) -> None:
    assert 'dir="ltr"' in client.get(LOGIN).content.decode()


def test_the_switcher_on_every_page_offers_each_language_in_its_own_name(client) -> None:
    page = client.get(LOGIN).content.decode()
    assert f'action="{SWITCH}"' in page and '<label for="language-choice"' in page
    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in page and f">{name}</option>" in page


def test_the_switcher_remembers_a_visitors_choice_in_a_cookie_and_goes_back(client) -> None:
    response = client.post(SWITCH, {"language": "tr", "next": LOGIN})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "tr"
    assert _lang(client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="pl")) == "tr"  # the choice wins over the browser


def test_a_signed_in_persons_choice_is_saved_on_their_account_and_wins_everywhere(client, candidate) -> None:
    client.force_login(candidate)
    client.post(SWITCH, {"language": "cy", "next": "/"})
    candidate.refresh_from_db()
    assert candidate.language == "cy"
    client.cookies.clear()  # another browser: the account still says Welsh
    client.force_login(candidate)
    assert _lang(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="pl")) == "cy"


def test_an_unknown_language_is_refused_with_what_to_do_and_nothing_saved(client, candidate) -> None:
    client.force_login(candidate)
    response = client.post(SWITCH, {"language": "xx", "next": "/"}, follow=True)
    assert "Choose one of the languages in the list." in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.language == ""
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switcher_never_sends_anyone_to_another_site(client) -> None:
    response = client.post(SWITCH, {"language": "pl", "next": "https://evil.example.org/"})
    assert response["Location"] == reverse("home")


def test_an_email_is_written_in_its_recipients_language(candidate, monkeypatch) -> None:
    candidate.language = "pl"
    candidate.save(update_fields=["language"])
    seen = []

    def render(template: str, context: object) -> tuple[str, str]:
        seen.append(translation.get_language())
        return "subject", "body"

    monkeypatch.setattr(mail, "render_email", render)
    mail.send_after_commit(to=candidate.email.upper(), template="any", context={})
    mail.send_after_commit(to="nobody@example.org", template="any", context={})
    assert seen == ["pl", settings.LANGUAGE_CODE]
