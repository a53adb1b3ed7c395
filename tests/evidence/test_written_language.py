"""What a candidate writes is kept as written, with the language they wrote it in: recorded when they write,
kept by a new version, and shown with its `lang` on the evidence page, the assessor's review and the PDF."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from evidence import services
from evidence.models import EvidenceKind
from exports.gather import gather_portfolio
from exports.render import Assets, evidence_views
from tests.evidence.evidence_factories import DAY, make_evidence

pytestmark = pytest.mark.django_db

POLISH_TITLE = "Reklamacja klienta"
POLISH_TEXT = "Wysłuchałam klientki i zaproponowałam zwrot pieniędzy."


def _write_in_polish(client, candidate, enrolment):
    candidate.language = "pl"
    candidate.save(update_fields=["language"])
    client.force_login(candidate)
    response = client.post(reverse("evidence:create", kwargs={"pk": enrolment.pk}), {
        "kind": EvidenceKind.PERSONAL_STATEMENT, "title": POLISH_TITLE, "date": "2026-03-01", "text": POLISH_TEXT,
    }, HTTP_ACCEPT_LANGUAGE="en-gb")
    assert response.status_code == 302
    return enrolment.evidence_items.get()


def test_the_language_is_the_authors_when_they_write(client, candidate, enrolment):
    item = _write_in_polish(client, candidate, enrolment)
    assert item.current_version.language == "pl"  # the saved choice, whatever the browser says


def test_without_a_saved_choice_the_browsers_language_is_recorded(client, candidate, enrolment):
    client.force_login(candidate)
    client.post(reverse("evidence:create", kwargs={"pk": enrolment.pk}), {
        "kind": EvidenceKind.PERSONAL_STATEMENT, "title": "Şikayet", "date": "2026-03-01", "text": "Dinledim.",
    }, HTTP_ACCEPT_LANGUAGE="tr")
    assert enrolment.evidence_items.get().current_version.language == "tr"


def test_a_new_version_keeps_the_words_language_and_an_edit_records_the_editors(enrolment):
    with translation.override("pl"):
        item = make_evidence(enrolment, with_file=False, kind=EvidenceKind.PERSONAL_STATEMENT)
    services.version_submit(version=item.current_version, by=enrolment.candidate)
    with translation.override("en-gb"):
        revised = services.version_revise(item=item, by=enrolment.candidate)
    assert (item.current_version.language, revised.language) == ("pl", "pl")
    with translation.override("cy"):
        services.draft_update(version=revised, by=enrolment.candidate, title="Cwyn", date=DAY, text="Gwrandewais.")
    revised.refresh_from_db()
    assert revised.language == "cy"


def test_the_evidence_page_marks_the_writing_with_its_language(client, candidate, assessor,
                                                                           enrolment):
    item = _write_in_polish(client, candidate, enrolment)
    page = client.get(reverse("evidence:detail", kwargs={"pk": item.pk}), HTTP_ACCEPT_LANGUAGE="en-gb")
    html = page.content.decode()
    assert f'<h1 lang="pl">{POLISH_TITLE}</h1>' in html
    assert re.search(r'evidence-text" lang="pl"><p>' + re.escape(POLISH_TEXT), html)


def test_the_pdf_marks_the_writing_with_its_language(client, candidate, enrolment):
    item = _write_in_polish(client, candidate, enrolment)
    services.version_submit(version=item.current_version, by=candidate)
    data = gather_portfolio(enrolment.pk)
    assert [item.language for item in data.evidence] == ["pl"]
    html = render_to_string("exports/pdf/_evidence.html", {
        "views": evidence_views(data, Assets(), include_pdf_evidence=False), "first": True})
    assert f'<span lang="pl">{POLISH_TITLE}</span></h2>' in html
    assert f'<div class="evidence-text" lang="pl"><p>{POLISH_TEXT}' in html


def test_writing_recorded_before_languages_carries_no_lang():
    assert Template("<p{% written_lang obj %}>").render(Context({"obj": object()})) == "<p>"
    assert Template("<p{{ obj|written_lang }}>").render(Context({"obj": {"language": "xx"}})) == "<p>"
