"""Reading and writing gettext catalogues (.po), the pseudo-locale, and the visible text of an HTML page.

Small on purpose: the catalogues are those `make messages` writes (one field a keyword, continued on
lines of their own), so a parser of that shape is enough; msgfmt checks the rest.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
#: The languages with a catalogue: every language of the interface but English, its source language.
CATALOGUE_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)


#: What `make messages` leaves out (Makefile, MESSAGE_IGNORE).
IGNORED = (".venv", "var", "test-output", "node_modules", "tests")


def catalogue_path(language: str, locale: Path = LOCALE_DIR) -> Path:
    return locale / language / "LC_MESSAGES" / "django.po"


def extract(folder: Path, languages: tuple[str, ...], *, keep: bool = False) -> Path:
    """makemessages, as `make messages` runs it, on the project's code and templates, into `folder`/locale (a
    copy of the project's catalogues when `keep`, else new ones). `folder` holds links to the project's own
    folders, so the project's catalogues stay untouched. Returns `folder`/locale."""
    project = Path(settings.BASE_DIR)
    for child in project.iterdir():
        if child.name not in (*IGNORED, "locale") and not child.name.startswith("."):
            (folder / child.name).symlink_to(child)
    locale = folder / "locale"
    if keep:
        shutil.copytree(LOCALE_DIR, locale)
    else:
        locale.mkdir()
    with contextlib.chdir(folder), override_settings(LOCALE_PATHS=[locale]):
        call_command("makemessages", locale=list(languages), no_obsolete=True, add_location="file", symlinks=True,
                     ignore_patterns=list(IGNORED), verbosity=0)
    return locale


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    #: One translation, or one a plural form (index = form) for an entry with a plural.
    msgstr: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr) and not self.fuzzy

    def label(self) -> str:
        context = f" [{self.msgctxt}]" if self.msgctxt else ""
        return f"line {self.line}{context}: {self.msgid!r}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), text)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def parse(text: str) -> tuple[Entry | None, list[Entry]]:  # noqa: C901 - a branch a line kind of the format
    """The header entry (msgid "") and the other entries, obsolete ones (#~) left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            finish()
            target = None
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:
                finish()
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, value = match[1], match[2], _unquote(match[3])
            if keyword in ("msgctxt", "msgid") and current is not None and current.msgstr:
                finish()
            if current is None:
                current = Entry(msgid="", flags=flags, line=number)
                flags = set()
            if keyword == "msgctxt":
                current.msgctxt = value
                target = ("msgctxt", 0)
            elif keyword == "msgid":
                current.msgid = value
                target = ("msgid", 0)
            elif keyword == "msgid_plural":
                current.msgid_plural = value
                target = ("msgid_plural", 0)
            else:
                position = int(index) if index is not None else 0
                while len(current.msgstr) <= position:
                    current.msgstr.append("")
                current.msgstr[position] = value
                target = ("msgstr", position)
            continue
        if line.startswith('"') and current is not None and target is not None:
            value = _unquote(line[1:-1])
            name, position = target
            if name == "msgstr":
                current.msgstr[position] += value
            elif name == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + value
            elif name == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + value
            else:
                current.msgid += value
            continue
        raise ValueError(f"line {number}: not a catalogue line: {raw!r}")
    finish()
    header = next((entry for entry in entries if entry.msgid == "" and entry.msgctxt is None), None)
    return header, [entry for entry in entries if entry is not header]


def read(path: Path) -> tuple[Entry | None, list[Entry]]:
    return parse(path.read_text(encoding="utf-8"))


def plural_count(header: Entry | None) -> int:
    """nplurals of the header's Plural-Forms (2, gettext's default, when it says none)."""
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr[0] if header and header.msgstr else "")
    return int(match[1]) if match else 2


def write(path: Path, header: Entry, entries: list[Entry]) -> None:
    lines = []
    for entry in [header, *entries]:
        if entry.msgctxt is not None:
            lines.append(f"msgctxt {_quote(entry.msgctxt)}")
        lines.append(f"msgid {_quote(entry.msgid)}")
        if entry.msgid_plural is not None:
            lines.append(f"msgid_plural {_quote(entry.msgid_plural)}")
            lines.extend(f"msgstr[{index}] {_quote(text)}" for index, text in enumerate(entry.msgstr))
        else:
            lines.append(f"msgstr {_quote(entry.msgstr[0] if entry.msgstr else '')}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def compile_catalogue(po: Path) -> Path:
    """msgfmt --check, as compilemessages runs it; the .mo beside the .po."""
    mo = po.with_suffix(".mo")
    subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True, capture_output=True, text=True)
    return mo


# The pseudo-locale: every letter swapped for an accented one and the message between ⟦ and ⟧, placeholders
# (%(name)s, %s, {name}), HTML tags and entities kept as they are, so the page still renders and every piece of
# translated text is visible as such.
OPEN, CLOSE = "⟦", "⟧"
_LETTERS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçðéƒĝĥíĵķĺɱñöþǫŕšţüṽŵẋýžÀƁÇÐÉƑĜĤÍĴĶĹṀÑÖÞǪŔŠŢÜṼŴẊÝŽ",
)
KEPT = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0 +]*\d*(?:\.\d+)?[sdif%]|\{[^{}]*\}|<[^<>]+>"
                   r"|&#?\w+;")


def pseudo(text: str) -> str:
    if not text:
        return text
    out, position = [], 0
    for match in KEPT.finditer(text):
        out.append(text[position:match.start()].translate(_LETTERS))
        out.append(match[0])
        position = match.end()
    out.append(text[position:].translate(_LETTERS))
    return OPEN + "".join(out) + CLOSE


def pseudo_catalogue(source: Path, target: Path) -> Path:
    """The catalogue `source` with every message in pseudo-locale (plural forms too), compiled beside `target`."""
    header, entries = read(source)
    assert header is not None, f"{source}: no header"
    forms = plural_count(header)
    made = []
    for entry in entries:
        if entry.msgid_plural is not None:
            msgstr = [pseudo(entry.msgid)] + [pseudo(entry.msgid_plural)] * (forms - 1)
        else:
            msgstr = [pseudo(entry.msgid)]
        made.append(Entry(msgid=entry.msgid, msgid_plural=entry.msgid_plural, msgstr=msgstr, msgctxt=entry.msgctxt))
    write(target, Entry(msgid="", msgstr=header.msgstr[:1]), made)
    return compile_catalogue(target)


def strip_marked(text: str) -> str:
    """The text with every pseudo-locale message taken out (messages inside messages too)."""
    pattern = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
    while True:
        stripped = pattern.sub(" ", text)
        if stripped == text:
            return text
        text = stripped


#: Attributes read aloud or shown: a tooltip, an image's text, a field's hint, a label for assistive technology.
SHOWN_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "aria-description")
BUTTON_INPUTS = ("submit", "button", "reset")
SEPARATOR = "\x1f"


class PageText(HTMLParser):
    """The visible text of a page (script and style left out) and its shown attributes; the <html> element's."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.attributes: list[str] = []
        self.html_attributes: dict[str, str | None] | None = None
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html" and self.html_attributes is None:
            self.html_attributes = values
        if tag in ("script", "style"):
            self._hidden += 1
        for name in SHOWN_ATTRIBUTES:
            if values.get(name):
                self.attributes.append(values[name] or "")
        if tag == "input" and (values.get("type") or "").lower() in BUTTON_INPUTS and values.get("value"):
            self.attributes.append(values["value"] or "")
        self.parts.append(SEPARATOR)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1
        self.parts.append(SEPARATOR)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def page_text(html: str) -> PageText:
    parser = PageText()
    parser.feed(html)
    parser.close()
    return parser


def length_ratio(language: str) -> float:
    """How much longer `language`'s translations are than the English: the sum of their lengths over the sum
    of the English's (plural entries by their last form and the English plural)."""
    _header, entries = read(catalogue_path(language))
    english = translated = 0
    for entry in entries:
        if not entry.msgid or not any(entry.msgstr):
            continue
        english += len(entry.msgid_plural or entry.msgid)
        translated += len(entry.msgstr[-1])
    return translated / english if english else 0.0


def longest_language() -> str:
    """The language whose translations run longest: the one that makes a page widest."""
    return max(CATALOGUE_LANGUAGES, key=length_ratio)
