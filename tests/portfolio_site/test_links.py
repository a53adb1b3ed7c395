"""Absolute links for emails come from settings.SITE_URL, in one place."""

from __future__ import annotations

from django.urls import reverse

from portfolio_site.links import absolute_url


def test_an_absolute_link_is_built_on_the_site_url(settings) -> None:
    settings.SITE_URL = "https://portfolio.example.org"
    assert absolute_url("assessments:progress", pk=7) == "https://portfolio.example.org" + reverse(
        "assessments:progress", kwargs={"pk": 7})


def test_a_trailing_slash_on_the_site_url_is_not_doubled(settings) -> None:
    settings.SITE_URL = "https://portfolio.example.org/"
    assert absolute_url("home") == "https://portfolio.example.org/"
