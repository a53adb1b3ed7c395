"""The catalogues (locale/<language>/LC_MESSAGES/django.po) are complete, current and well formed.

Complete: every message translated, none fuzzy, every plural with the language's number of forms.
Current: they hold every message the code and the templates mark (`make messages` regenerates them).
Well formed: msgfmt --check passes (placeholders as in the English, a header with the plural rule).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.i18n import po

#: The plural rule of each language, as Django's own catalogues give it.
PLURAL_FORMS = {
    "cy": "nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;",
    "pl": "nplurals=4; plural=(n==1 ? 0 : (n%10>=2 && n%10<=4) && (n%100<12 || n%100>14) ? 1 : n!=1 && "
          "(n%10>=0 && n%10<=1) || (n%10>=5 && n%10<=9) || (n%100>=12 && n%100<=14) ? 2 : 3);",
    "tr": "nplurals=2; plural=(n > 1);",
}


def incomplete(entries: list[po.Entry], forms: int) -> list[str]:
    """Each message not translated, fuzzy, or with a plural short of forms."""
    problems = []
    for entry in entries:
        if entry.fuzzy:
            problems.append(f"{entry.label()}: fuzzy")
        elif entry.msgid_plural is not None and len(entry.msgstr) != forms:
            problems.append(f"{entry.label()}: {len(entry.msgstr)} plural forms, not {forms}")
        elif not entry.translated:
            problems.append(f"{entry.label()}: not translated")
    return problems


def header_field(header: po.Entry | None, name: str) -> str:
    for line in (header.msgstr[0] if header and header.msgstr else "").splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    return ""


@pytest.mark.parametrize("language", po.CATALOGUE_LANGUAGES)
def test_the_header_names_the_language_and_its_plural_rule(language: str) -> None:
    header, _entries = po.read(po.catalogue_path(language))
    assert header is not None and not header.fuzzy
    assert header_field(header, "Language") == language
    assert header_field(header, "Plural-Forms") == PLURAL_FORMS[language]
    assert "charset=UTF-8" in header_field(header, "Content-Type")


@pytest.mark.parametrize("language", po.CATALOGUE_LANGUAGES)
def test_msgfmt_check_passes(language: str, tmp_path: Path) -> None:
    result = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po.catalogue_path(language))],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("language", po.CATALOGUE_LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    header, entries = po.read(po.catalogue_path(language))
    problems = incomplete(entries, po.plural_count(header))
    assert not problems, f"{len(problems)} of {len(entries)} messages in {language}:\n" + "\n".join(problems)


def test_the_catalogues_hold_every_marked_message(tmp_path: Path) -> None:
    """makemessages, run afresh on the project's code and templates into a copy of its catalogues, adds and drops
    nothing."""
    copy = po.extract(tmp_path, po.CATALOGUE_LANGUAGES, keep=True)
    for language in po.CATALOGUE_LANGUAGES:
        kept = {(e.msgctxt, e.msgid) for e in po.read(po.catalogue_path(language))[1]}
        fresh = {(e.msgctxt, e.msgid) for e in po.read(po.catalogue_path(language, copy))[1]}
        assert kept == fresh, (f"locale/{language}: run `make messages`. Missing: {sorted(fresh - kept)[:20]}; "
                               f"no longer marked: {sorted(kept - fresh)[:20]}")


def test_the_completeness_check_finds_what_is_missing() -> None:
    _header, entries = po.parse('''
msgid ""
msgstr "Plural-Forms: nplurals=2; plural=(n > 1);\\n"

msgid "Done"
msgstr "Tamam"

msgid "Draft"
msgstr ""

#, fuzzy
msgid "Submitted"
msgstr "Gönderildi"

msgid "%(count)d unit"
msgid_plural "%(count)d units"
msgstr[0] "%(count)d birim"

msgid "%(count)d file"
msgid_plural "%(count)d files"
msgstr[0] "%(count)d dosya"
msgstr[1] ""
''')
    assert [problem.split(": ", 1)[1] for problem in incomplete(entries, 2)] == [
        "'Draft': not translated", "'Submitted': fuzzy", "'%(count)d unit': 1 plural forms, not 2",
        "'%(count)d file': not translated"]


def test_msgfmt_check_refuses_a_placeholder_changed(tmp_path: Path) -> None:
    catalogue = tmp_path / "django.po"
    catalogue.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                         '#, python-format\nmsgid "Signed by %(name)s"\nmsgstr "Llofnodwyd gan %(enw)s"\n',
                         encoding="utf-8")
    with pytest.raises(subprocess.CalledProcessError):
        po.compile_catalogue(catalogue)
