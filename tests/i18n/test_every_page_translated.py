"""Every page of the permission walk, in every language: no text left in English, a `lang` on every page.

One GET a URL of tests/test_permission_walk.py, as the first role that gets the page (200, HTML), in the
walk's own world (the pages found once, then fetched again in each language). Two checks:

- ``pseudo``: every message the code and templates mark (makemessages run afresh, so a message marked but not
  yet in the catalogues counts as marked) turned into a pseudo-locale (``⟦Ŝïĝñ öüţ⟧``, tests/i18n/po.py) and
  served as Polish (Django's own messages then come from Django's Polish catalogue). Whatever text of a page
  is not between markers, and is not the world's own data (names, titles, notes: every text column of the
  database), a number, a date or one of ``ALLOWED``, is text nobody marked for translation: the test lists
  it, page by page. With I18N_UNTRANSLATED_REPORT=<file> it also writes that list to the file.
- ``cy``, ``pl``, ``tr``: the real catalogues (compiled by `make compilemessages`). No message of the
  catalogue that has a translation there may show in English (its msgid, verbatim) on a page.

Both check the ``<html>`` element: its ``lang`` is the language asked for, and it has a ``dir``.
"""

from __future__ import annotations

import gettext as gettext_module
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import to_locale

from candidates.models import User
from tests.i18n import po
from tests.test_permission_walk import NOT_STAFF, OK, WALK

#: The language the pseudo-locale is served as.
PSEUDO_AS = "pl"
#: Words allowed to stay as they are, each with its reason.
ALLOWED = {
    "English": "the language switcher names each language in itself",
    "Cymraeg": "the language switcher names each language in itself",
    "Polski": "the language switcher names each language in itself",
    "PDF": "a file format's name",
    "CSV": "a file format's name",
    "GMT": "the time zone's name, as dates and times show it",
    "BST": "the time zone's name, as dates and times show it",
    "email": "a column name of the enrolment CSV's header, which the upload reads as written",
    "uln": "a column name of the enrolment CSV's header, which the upload reads as written",
    "null": "JSON's empty value, in a record's before and after as stored",
}
#: Which role is tried first for a page, and which targets: the candidate's and staff's views of Cara's
#: enrolment and centre; the paused target is left out (building it pauses the enrolment, for every row after).
ROLE_ORDER = ("candidate", "assessor", "iqa", "centre_admin", "eqa", "platform_admin", "employer",
              "stranger_assessor", "anonymous")
TARGET_ORDER = ("any", "own", "other", "foreign", "self")
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_CODE = re.compile(r"^[a-z0-9_.\-]+$")
_IDENTIFIER = re.compile(r"^[a-z0-9_]+$")
#: Columns whose values are shown as they are, even when they look like a machine's: codes, names, titles.
_NAMED = re.compile(r"code|name|title|email|number|uln")
#: Shown as they are: addresses, and a secret or recovery code in groups of four.
_NOT_WORDS = re.compile(r"https?://\S+|\S+@\S+|\b(?:[A-Z0-9]{4}[ -]?){2,}\b")


class People:
    """One signed-in client a role (signing in once each), all in the same language: the saved preference of
    every account, and the switcher's cookie for the visitor signed in as nobody."""

    def __init__(self, w: SimpleNamespace, language: str) -> None:
        self.w = w
        self.clients: dict[str, Client] = {}
        self.use(language)

    def use(self, language: str) -> None:
        self.language = language
        User.objects.update(language=language)
        for client in self.clients.values():
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    def get(self, role: str, path: str) -> Any:  # the test client's response
        if role not in self.clients:
            client = Client()
            if role != "anonymous":
                client.force_login(getattr(self.w, role))
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = self.language
            self.clients[role] = client
        return self.clients[role].get(path)


@dataclass
class Page:
    name: str
    role: str
    path: str
    #: language -> the HTML of the page in that language
    html: dict[str, str]

    def __str__(self) -> str:
        return f"{self.name} ({self.path} as {self.role})"


def _is_page(response: HttpResponse) -> bool:
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


def _pages(people: People) -> list[Page]:
    """One GET a walk URL that answers 200 with a page, in the people's language: the first role (and target)
    of ROLE_ORDER and TARGET_ORDER that gets it. A URL whose GET is a redirect, a file or an error for everyone
    in the walk is not a page, and left out."""
    pages = []
    for name, row in sorted(WALK.items()):
        if row.get is None:
            continue
        found = None
        for role, target in ((role, target) for role in ROLE_ORDER for target in TARGET_ORDER):
            if row.get[role].get(target) != OK or (target == "self" and role in NOT_STAFF):
                continue
            people.w.role = role
            path = reverse(name, kwargs=row.targets[target](people.w))
            response = people.get(role, path)
            if _is_page(response):
                found = Page(name, role, path, {people.language: response.content.decode()})
                break
        if found:
            pages.append(found)
    assert len(pages) > len(WALK) // 3, f"only {len(pages)} pages of {len(WALK)} URLs rendered"
    return pages


def _render(people: People, pages: list[Page], language: str) -> None:
    people.use(language)
    for page in pages:
        response = people.get(page.role, page.path)
        assert _is_page(response), f"{page} in {language}: {response.status_code}"
        page.html[language] = response.content.decode()


def _world_text() -> list[str]:
    """Every text value of the database (the world's names, titles, notes, in every language column), longest
    first. Machine values (a status key, a kind) are left out but where a column holds a name or a code."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields
                  if isinstance(f, models.CharField | models.TextField)]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for field_name, value in zip(fields, row, strict=True):
                if not isinstance(value, str) or len(value.strip()) < 2:
                    continue
                if _CODE.match(value.strip()) and not _NAMED.search(field_name):
                    continue
                values.add(_SPACE.sub(" ", value).strip())
                values.update(line.strip() for line in value.splitlines() if len(line.strip()) >= 2)
    for user in User.objects.all():
        values.update(filter(None, (user.get_full_name(), user.get_short_name(), user.email)))
    return sorted(values, key=len, reverse=True)


def _foreign_words(language: str) -> set[str]:
    """The words Django's own catalogues (its core and contrib apps) give in `language`: dates' names, the
    messages Django renders itself. Placeholders and words a message keeps from its English are left out."""
    import django

    root = Path(django.__file__).parent
    folders = [root / "conf" / "locale", *sorted((root / "contrib").glob("*/locale"))]
    words: set[str] = set()
    for folder in folders:
        try:
            catalogue = gettext_module.translation("django", localedir=str(folder), languages=[to_locale(language)])
        except OSError:
            continue
        for key, value in catalogue._catalog.items():  # type: ignore[attr-defined]
            english = key[0] if isinstance(key, tuple) else key
            if not english:
                continue  # the header
            kept = {word.lower() for word in _WORD.findall(english.split("\x04")[-1])}
            words |= {word.lower() for word in _WORD.findall(po.KEPT.sub(" ", value))} - kept
    return words


def _english_words(text: str, world_text: list[str], allowed: set[str]) -> list[str]:
    if _is_data(text):
        return []
    for value in world_text:
        if value in text:
            text = text.replace(value, " ")
    text = _NOT_WORDS.sub(" ", text)
    return [word for word in _WORD.findall(text)
            if word.isascii() and word.isalpha() and len(word) > 1 and word not in ALLOWED
            and word.lower() not in allowed]


def _is_data(text: str) -> bool:
    """A record shown as data (an audit entry's JSON)."""
    text = text.strip()
    if not (text.startswith(("{", "[")) and text.endswith(("}", "]"))):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _check_html_element(page: po.PageText, expected: str) -> list[str]:
    attributes = page.html_attributes
    if attributes is None:
        return []  # a fragment (htmx), inside a page that has one
    problems = []
    if (attributes.get("lang") or "").lower() != expected.lower():
        problems.append(f"<html lang={attributes.get('lang')!r}>, expected {expected!r}")
    if not attributes.get("dir"):
        problems.append("<html> without dir")
    return problems


def _segments(text: str) -> list[str]:
    return [segment for segment in (_SPACE.sub(" ", part).strip() for part in text.split(po.SEPARATOR)) if segment]


def _walk_pseudo(w: SimpleNamespace, tmp_path: Path) -> tuple[list[Page], dict[str, list[str]]]:
    (tmp_path / "project").mkdir()
    marked = po.extract(tmp_path / "project", (PSEUDO_AS,))
    pseudo_locale = tmp_path / "pseudo"
    po.pseudo_catalogue(po.catalogue_path(PSEUDO_AS, marked), po.catalogue_path(PSEUDO_AS, pseudo_locale))
    with override_settings(LOCALE_PATHS=[pseudo_locale]):
        pages = _pages(People(w, PSEUDO_AS))
        allowed = _foreign_words(PSEUDO_AS)
        translation.activate(settings.LANGUAGE_CODE)
    world_text = _world_text()
    offending: dict[str, list[str]] = {}
    for page in pages:
        text = po.page_text(page.html[PSEUDO_AS])
        problems = _check_html_element(text, PSEUDO_AS)
        problems += [segment for segment in _segments(po.strip_marked(text.text))
                     if _english_words(segment, world_text, allowed)]
        problems += [f"[attribute] {value}" for value in text.attributes
                     if _english_words(po.strip_marked(value), world_text, allowed)]
        if problems:
            offending[str(page)] = list(dict.fromkeys(problems))
    return pages, offending


def _translated_messages(language: str) -> set[str]:
    """The catalogue's English messages (longer than 12 characters, without placeholders or markup) that have a
    translation of their own in `language`."""
    source = po.catalogue_path(language)
    compiled = source.with_suffix(".mo")
    assert compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime, (
        f"{compiled} is missing or older than its catalogue: run `make compilemessages`")
    _header, entries = po.read(source)
    shown = set()
    for entry in entries:
        if not entry.translated:
            continue
        for english, translated in ((entry.msgid, entry.msgstr[0]), (entry.msgid_plural, entry.msgstr[-1])):
            if english and len(english) > 12 and english != translated and not re.search(r"[%{<&]", english):
                shown.add(_SPACE.sub(" ", english).strip())
    return shown


def _language_problems(html: str, language: str, shown: set[str], world_text: tuple[str, ...] = ()) -> list[str]:
    """A page in `language`: its <html> element, and any of `shown` (messages translated there) in English
    outside the world's own data ("English level" inside a review's "Functional skills English level 2")."""
    text = po.page_text(html)
    visible = " ".join([*_segments(text.text), *text.attributes])
    for data in world_text:
        visible = visible.replace(data, " ")
    problems = _check_html_element(text, language)
    return problems + [f"in English: {english!r}" for english in sorted(shown) if english in visible]


def _walk_languages(w: SimpleNamespace) -> dict[str, list[str]]:
    first, *others = po.CATALOGUE_LANGUAGES
    people = People(w, first)
    pages = _pages(people)
    for language in others:
        _render(people, pages, language)
    translation.activate(settings.LANGUAGE_CODE)
    world_text = set(_world_text())
    # Longest first, so a text is taken out whole before any shorter text inside it.
    data = tuple(sorted((text for text in world_text if len(text) > 12), key=len, reverse=True))
    offending: dict[str, list[str]] = {}
    for language in po.CATALOGUE_LANGUAGES:
        # A file format's column names (the enrolment CSV's header) are shown as the upload reads them.
        shown = {english for english in _translated_messages(language) - world_text
                 if not _IDENTIFIER.match(english)}
        for page in pages:
            problems = _language_problems(page.html[language], language, shown, data)
            if problems:
                offending[f"[{language}] {page}"] = problems
    return offending


def _report(offending: dict[str, list[str]]) -> str:
    lines = []
    for where, problems in sorted(offending.items()):
        lines.append(where)
        lines.extend(f"    {problem}" for problem in problems)
    return "\n".join(lines)


def _report_by_text(walked: list[Page], offending: dict[str, list[str]]) -> str:
    """Each text not translated, with the pages it is on (most pages first): where to mark it."""
    pages: dict[str, list[str]] = {}
    for where, problems in sorted(offending.items()):
        for problem in problems:
            pages.setdefault(problem, []).append(where.split(" ", 1)[0])
    names = {page.name for page in walked}
    left_out = sorted(name for name, row in WALK.items() if row.get is not None and name not in names)
    lines = [f"{len(pages)} texts not translated on {len(offending)} of {len(walked)} pages (pseudo-locale walk)",
             f"Not pages (a redirect, a file or an error for everyone): {', '.join(left_out)}", ""]
    for text, on in sorted(pages.items(), key=lambda item: (-len(item[1]), item[0])):
        lines.append(text)
        lines.append(f"    on {len(on)} pages: {', '.join(on)}")
    return "\n".join(lines)


def test_every_page_is_translated_in_the_pseudo_locale(world, tmp_path: Path) -> None:
    walked, offending = _walk_pseudo(world, tmp_path)
    report_to = os.environ.get("I18N_UNTRANSLATED_REPORT")
    if report_to:
        Path(report_to).write_text(_report_by_text(walked, offending) + "\n", encoding="utf-8")
    assert not offending, f"{len(offending)} pages with text nobody marked for translation:\n{_report(offending)}"


def test_every_page_in_welsh_polish_and_turkish_uses_its_catalogue(world) -> None:
    offending = _walk_languages(world)
    assert not offending, f"{len(offending)} pages not in their language:\n{_report(offending)}"


def test_the_pseudo_check_finds_text_nobody_marked() -> None:
    """The check itself: a page with an unmarked sentence and a marked one, data, a date and a code."""
    html = (f'<html lang="pl" dir="ltr"><head><title>{po.pseudo("Portfolio")}</title>'
            '<script>var x = "Not shown";</script></head><body>'
            f'<p>{po.pseudo("Signed by %(name)s").replace("%(name)s", "Cara Candidate")}</p>'
            '<p>Save the draft</p><p>12.10.2026 A1</p>'
            f'<button title="Remove this file">{po.pseudo("Remove")}</button>'
            f'<p>{po.pseudo("Read the <a href=x>guide</a> first")}</p></body></html>')
    page = po.page_text(html)
    left = _segments(po.strip_marked(page.text))
    assert [segment for segment in left if _english_words(segment, ["Cara Candidate"], set())] == [
        "Save the draft"]
    assert [value for value in page.attributes if _english_words(value, [], set())] == ["Remove this file"]
    assert _check_html_element(page, "pl") == []
    assert _check_html_element(po.page_text('<html lang="en-gb"><body></body></html>'), "pl") == [
        "<html lang='en-gb'>, expected 'pl'", "<html> without dir"]


def test_the_language_check_finds_a_translated_message_shown_in_english() -> None:
    shown = {"Submit for assessment", "Save the draft"}
    html = ('<html lang="cy" dir="ltr"><body><button>Cyflwyno i\'w asesu</button><p>Save   the\ndraft</p>'
            '<a title="Submit for assessment">x</a></body></html>')
    assert _language_problems(html, "cy", shown) == [
        "in English: 'Save the draft'", "in English: 'Submit for assessment'"]
    assert _language_problems('<html lang="pl"><p>Zapisz</p></html>', "cy", shown) == [
        "<html lang='pl'>, expected 'cy'", "<html> without dir"]
