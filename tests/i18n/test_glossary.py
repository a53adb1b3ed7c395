"""The domain's words are translated the same way everywhere: locale/GLOSSARY.csv against each catalogue.

The glossary has one row a word: ``term`` (its English forms, ``|`` between them), its translation in each
language (``cy``, ``pl``, ``tr``) and, for each language, the forms a translation may take (``cy_forms``...):
stems or words, ``|`` between alternatives, ``+`` joining parts that must all be there. Forms are looked for
inside the translation, case aside, so a stem covers inflections (Polish cases, Turkish suffixes) and a form
without its first letter covers Welsh mutations (``rentis``: prentis, brentis, mhrentis, phrentis).

For every translated message whose English contains a term (as a word, case aside), the translation must
contain one of that term's forms in its language; every message that does not is listed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.i18n import po

GLOSSARY = po.LOCALE_DIR / "GLOSSARY.csv"
COLUMNS = ["term", *po.CATALOGUE_LANGUAGES, *(f"{code}_forms" for code in po.CATALOGUE_LANGUAGES), "note"]


#: A placeholder's name is not a word of the message: "%(centre)s", "{count}".
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")


@dataclass(frozen=True)
class Term:
    english: tuple[str, ...]
    translation: dict[str, str]
    #: language -> alternatives, each a tuple of parts that must all be found
    forms: dict[str, tuple[tuple[str, ...], ...]]
    pattern: re.Pattern[str]

    def accepts(self, language: str, text: str) -> bool:
        text = _fold(text)
        return any(all(_fold(part) in text for part in parts) for parts in self.forms[language])


def _fold(text: str) -> str:
    """Lower case that keeps Turkish dotted and dotless i apart from a combining dot."""
    return text.replace("İ", "i").casefold()


def read_glossary(path: Path = GLOSSARY) -> list[Term]:
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        assert reader.fieldnames == COLUMNS, f"{path}: the columns are {COLUMNS}"
        terms = []
        for row in reader:
            english = tuple(word.strip() for word in row["term"].split("|") if word.strip())
            terms.append(Term(
                english=english,
                translation={code: row[code].strip() for code in po.CATALOGUE_LANGUAGES},
                forms={code: tuple(tuple(part.strip() for part in alternative.split("+") if part.strip())
                                   for alternative in row[f"{code}_forms"].split("|") if alternative.strip())
                       for code in po.CATALOGUE_LANGUAGES},
                pattern=re.compile(r"\b(?:" + "|".join(re.escape(word) for word in english) + r")\b", re.IGNORECASE),
            ))
    return terms


@dataclass(frozen=True)
class Offence:
    entry: po.Entry
    term: Term
    language: str
    translation: str

    def __str__(self) -> str:
        return (f"{self.entry.label()}: {self.term.english[0]!r} is not translated as "
                f"{self.term.translation[self.language]!r} in {self.translation!r}")


def glossary_offences(entries: list[po.Entry], language: str, terms: list[Term]) -> list[Offence]:
    """Each translation (each plural form) lacking a glossary word its message's English uses."""
    offences: list[Offence] = []
    for entry in entries:
        english = PLACEHOLDER.sub(" ", " ".join(filter(None, (entry.msgid, entry.msgid_plural))))
        for term in terms:
            if not term.pattern.search(english):
                continue
            offences.extend(Offence(entry, term, language, translation) for translation in entry.msgstr
                            if translation and not term.accepts(language, translation))
    return offences


def test_the_glossary_is_complete_and_its_forms_fit_its_words() -> None:
    terms = read_glossary()
    assert len(terms) >= 40
    problems = []
    for term in terms:
        for code in po.CATALOGUE_LANGUAGES:
            if not term.translation[code] or not term.forms[code]:
                problems.append(f"{term.english[0]}: no {code} translation or forms")
            elif not term.accepts(code, term.translation[code]):
                problems.append(f"{term.english[0]}: {code} {term.translation[code]!r} fits none of its forms")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", po.CATALOGUE_LANGUAGES)
def test_the_catalogue_uses_the_glossary(language: str) -> None:
    _header, entries = po.read(po.catalogue_path(language))
    offences = glossary_offences([entry for entry in entries if not entry.fuzzy], language, read_glossary())
    assert not offences, f"{len(offences)} messages in {language} against locale/GLOSSARY.csv:\n" + "\n".join(
        map(str, offences))


TINY_CATALOGUE = '''
msgid ""
msgstr ""
"Plural-Forms: nplurals=4; plural=(n==1 ? 0 : (n%10>=2 && n%10<=4) && (n%100<12 || n%100>14) ? 1 : 2);\\n"

msgid "Ask your assessor"
msgstr "Zapytaj swojego asesora"

msgid "The assessor signs the unit off"
msgstr "Oceniający zatwierdza moduł"

#, python-format
msgid "%(count)d unit"
msgid_plural "%(count)d units"
msgstr[0] "%(count)d jednostka"
msgstr[1] "%(count)d jednostki"
msgstr[2] "%(count)d modułów"
msgstr[3] "%(count)d jednostek"

msgid "Units of the internal verifier"
msgstr "Jednostki wewnętrznego weryfikatora"

msgid "External verifier"
msgstr "Weryfikator"

msgid "Not yet translated: unit"
msgstr ""
'''


def test_the_check_finds_a_word_translated_otherwise_and_accepts_its_inflections(tmp_path: Path) -> None:
    glossary = tmp_path / "GLOSSARY.csv"
    glossary.write_text(
        ",".join(COLUMNS) + "\n"
        "assessor|assessors,aseswr,asesor,değerlendirici,aseswr|aseswyr,asesor,değerlendirici,\n"
        "unit|units,uned,jednostka,birim,uned,jednost,birim,\n"
        "internal verifier,sicrhawr ansawdd mewnol,wewnętrzny weryfikator,iç doğrulayıcı,ansawdd mewnol,"
        "wewnętrzn+weryfikator,iç doğrulayıcı,\n"
        "external verifier,sicrhawr ansawdd allanol,zewnętrzny weryfikator,dış doğrulayıcı,ansawdd allanol,"
        "zewnętrzn+weryfikator,dış doğrulayıcı,\n", encoding="utf-8")
    _header, entries = po.parse(TINY_CATALOGUE)
    offences = glossary_offences(entries, "pl", read_glossary(glossary))
    assert [(offence.entry.msgid, offence.term.english[0], offence.translation) for offence in offences] == [
        ("The assessor signs the unit off", "assessor", "Oceniający zatwierdza moduł"),
        ("The assessor signs the unit off", "unit", "Oceniający zatwierdza moduł"),
        ("%(count)d unit", "unit", "%(count)d modułów"),
        ("External verifier", "external verifier", "Weryfikator"),
    ]
    assert "'assessor' is not translated as 'asesor' in 'Oceniający zatwierdza moduł'" in str(offences[0])


def test_turkish_capitals_fold_as_turkish() -> None:
    term = read_glossary()[1]  # internal quality assurer
    assert term.accepts("tr", "İç doğrulayıcının kararı")
