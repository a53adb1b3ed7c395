"""The site's own 403, 404, 500 and CSRF-failure pages: in the site's layout, saying what happened and what next."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django.views.defaults import server_error

from portfolio_site.urls import urlpatterns as site_urlpatterns

LAYOUT = "Skip to main content"  # in base.html, before any page's content


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def _refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


# This module is also the URL configuration of the tests that need a failing view.
urlpatterns = [path("boom/", _boom), path("refuse/", _refuse), *site_urlpatterns]


@pytest.fixture(autouse=True)
def _debug_off(settings) -> None:
    settings.DEBUG = False


def test_the_eqa_on_the_certification_page_gets_the_sites_403_with_the_reason(client, eqa, centre) -> None:
    client.force_login(eqa)
    response = client.get(reverse("assessments:certification", kwargs={"centre_pk": centre.pk}))
    page = html.unescape(response.content.decode())
    assert response.status_code == 403
    assert LAYOUT in page and "Signed in as" in page
    assert "You cannot open this page" in page
    assert "Only the centre's administrators manage its enrolments." in page
    assert "ask your centre's administrator" in page


def test_the_403_page_without_a_reason_still_says_what_to_do(client, candidate, settings) -> None:
    settings.ROOT_URLCONF = __name__
    client.force_login(candidate)
    response = client.get("/refuse/")
    page = html.unescape(response.content.decode())
    assert response.status_code == 403
    assert LAYOUT in page and "You cannot open this page" in page
    assert 'data-testid="reason"' not in page
    assert reverse("home") in page


def test_a_missing_page_gets_the_sites_404_without_the_technical_message(client, candidate) -> None:
    client.force_login(candidate)
    response = client.get(reverse("candidates:enrolment_detail", kwargs={"pk": 987654}))
    page = html.unescape(response.content.decode())
    assert response.status_code == 404
    assert LAYOUT in page and "Signed in as" in page
    assert "Page not found" in page and "Check the address" in page
    assert "matches the given query" not in page


def test_a_server_error_gets_the_sites_500_page(settings) -> None:
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/boom/")
    page = html.unescape(response.content.decode())
    assert response.status_code == 500
    assert LAYOUT in page
    assert "Something went wrong on our side" in page and "contact your centre" in page
    assert "a bug" not in page


def test_the_500_page_renders_without_the_database() -> None:
    # No `db` fixture: pytest-django fails any query this test would make.
    response = server_error(RequestFactory().get("/anything/"))
    assert response.status_code == 500
    assert LAYOUT in html.unescape(response.content.decode())


def test_a_form_refused_by_the_csrf_check_gets_the_sites_page(candidate) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(candidate)
    response = client.post(reverse("logout"))
    page = html.unescape(response.content.decode())
    assert response.status_code == 403
    assert LAYOUT in page and "Signed in as" in page
    assert "The form could not be sent" in page and "Nothing was saved" in page
    assert "sign in again" in page.lower()
