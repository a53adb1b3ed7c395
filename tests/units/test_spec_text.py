"""Spec text shown in English for want of a translation carries lang="en-gb" on its element when the page is
in another language; text in the reader's language, or an English page, carries none."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from units.models import AssessableItem, Outcome, Unit

from .test_spec_translations import ADMIN, OCR, SFIA, load

pytestmark = pytest.mark.django_db


def _render(language: str, source: str, **context) -> str:
    with translation.override(language):
        return Template(source).render(Context(context))


def test_the_tag_marks_only_the_fallback() -> None:
    load(ADMIN)
    # Polish criteria, English titles
    outcome: Any = Outcome.objects.filter(unit__qualification__code=ADMIN).first()
    item: Any = AssessableItem.objects.filter(unit__qualification__code=ADMIN, criterion__isnull=False).first()
    source = '{% spec_text outcome "title" %}|{% spec_text item "text" %}|<p{{ outcome|spec_lang:"title" }}>'
    polish = _render("pl", source, outcome=outcome, item=item)
    assert polish.startswith(f'<span lang="en-gb">{outcome.title_en_gb}</span>|')
    assert f"|{item.text_pl}|" in polish and "<p lang=\"en-gb\">" in polish
    english = _render("en-gb", source, outcome=outcome, item=item)
    assert "lang=" not in english and outcome.title_en_gb in english


def test_the_tag_escapes_the_text() -> None:
    load(SFIA)
    unit: Any = Unit.objects.get(qualification__code=SFIA)
    unit.title_en_gb, unit.title_cy = "Tea & <biscuits>", ""
    assert _render("cy", '{% spec_text unit "title" %}', unit=unit) == (
        '<span lang="en-gb">Tea &amp; &lt;biscuits&gt;</span>')


def _lang_of(html: str, text: str) -> list[str]:
    """The lang attributes of the elements whose content starts with `text`."""
    return re.findall(r'<(?:span|p|div)(?: class="[^"]*")?( lang="[^"]*")?>' + re.escape(text), html)


def test_the_qualification_page_marks_english_standing_in_for_polish(reader_client) -> None:
    load(OCR, SFIA)
    ocr = reader_client.get(reverse("units:qualification_detail", args=[OCR, "1"]),
                            HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    # No Polish for the OCR diploma: its unit titles are English, marked so.
    assert '<span lang="en-gb">Demonstrate understanding of customer service</span>' in ocr
    sfia = reader_client.get(reverse("units:qualification_detail", args=[SFIA, "1"]),
                             HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    # Seed 003's Polish: shown without a lang of its own (the page's is pl).
    assert "Poziom 3 – Stosowanie" in sfia and '<span lang="en-gb">Poziom' not in sfia
    assert '<h1><span lang="en-gb">' not in sfia
    english = reader_client.get(reverse("units:qualification_detail", args=[OCR, "1"]),
                                HTTP_ACCEPT_LANGUAGE="en-gb").content.decode()
    assert 'lang="en-gb">Demonstrate' not in english
