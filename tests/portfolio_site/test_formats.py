"""Dates and times in each language's formats: the named formats of portfolio_site/formats, the British ones as
the pages have always shown them, and no template spelling a format a person reads."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import get_format

from portfolio_site.formats import OWN_FORMATS

MOMENT = datetime.datetime(2026, 11, 30, 14, 5)


def _render(language: str, source: str) -> str:
    with translation.override(language):
        return Template(source).render(Context({"moment": MOMENT}))


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_language_defines_the_pages_own_format_names(language):
    with translation.override(language):
        for name in OWN_FORMATS:
            value = get_format(name)
            assert value != name and "_FORMAT" not in value, (language, name)


def test_british_dates_stay_as_the_pages_always_showed_them():
    shown = {name: _render("en-gb", f'{{{{ moment|date:"{name}" }}}}') for name in (
        "DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT", "SHORT_DATE_FORMAT", "YEAR_MONTH_FORMAT", *OWN_FORMATS)}
    assert shown == {
        "DATE_FORMAT": "30 Nov 2026", "DATETIME_FORMAT": "30 Nov 2026, 14:05", "TIME_FORMAT": "14:05",
        "SHORT_DATE_FORMAT": "30/11/2026", "YEAR_MONTH_FORMAT": "November 2026",
        "LONG_DATE_FORMAT": "30 November 2026", "LONG_DATETIME_FORMAT": "30 November 2026 14:05",
        "WEEKDAY_DATE_FORMAT": "Monday 30 November", "WEEKDAY_DATETIME_FORMAT": "Monday 30 November 2026, 14:05",
    }


@pytest.mark.parametrize(("language", "expected"), [
    ("pl", "30 listopada 2026"), ("tr", "30 Kasım 2026"), ("cy", "30 Tachwedd 2026"),
])
def test_each_language_writes_the_month_its_own_way(language, expected):
    assert _render(language, '{{ moment|date:"LONG_DATE_FORMAT" }}') == expected


def test_polish_and_turkish_numbers_use_their_decimal_comma():
    assert _render("pl", "{{ 12.5 }}") == "12,5"
    assert _render("tr", "{{ 12.5 }}") == "12,5"
    assert _render("en-gb", "{{ 12.5 }}") == "12.5"


#: A format a machine reads may stay spelled out: ISO in attributes and URLs.
MACHINE_FORMATS = {"Y-m", "Y-m-d", "c", r"Y-m-d\TH:i:s.u\Z", "T"}


def test_no_template_spells_a_format_a_person_reads():
    spelled = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*"):
        if path.suffix not in (".html", ".txt"):
            continue
        for fmt in re.findall(r"\|(?:date|time):[\"']([^\"']*)[\"']", path.read_text(encoding="utf-8")):
            if fmt not in MACHINE_FORMATS and not fmt.endswith("_FORMAT"):
                spelled.append((str(path), fmt))
    assert spelled == []
