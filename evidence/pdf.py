"""PDFs that could run something when opened are refused, with the way out: print it to PDF again.

A pure module. `check_pdf` reads every object of the file with pypdf (those in
compressed object streams too, names with #xx escapes decoded) and refuses
scripts (JavaScript), actions that launch programs, open other files or
submit data, actions that run by themselves (an /OpenAction other than going
to a page, /AA triggers), attached files, embedded media or 3D, and XFA forms.
A PDF that cannot be read, or only with a password, is refused too: what
cannot be checked is not shown to an assessor.

    from evidence.pdf import check_pdf
    check_pdf(fp, filename="report.pdf")      # or UploadRefused("report.pdf: this PDF contains a script ...")

Refused rather than cleaned: the file is evidence the candidate submits as
theirs, and a stripped copy would no longer be what they uploaded. Printing to
PDF keeps what the pages show and drops everything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _
from pypdf import PasswordType, PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject, StreamObject, TextStringObject

from evidence.sniff import UploadRefused

#: More objects than a document we take: reading them takes about 0.25 ms each (100,000: some 25 seconds).
MAX_OBJECTS = 100_000

_SCRIPT = "script"
_LAUNCH = "launch"
_AUTOMATIC = "automatic"
_ATTACHED = "attached"
_MEDIA = "media"
_XFA = "xfa"

# Keys that exist only to hold active content, wherever they appear.
_KEYS = {
    "/JS": _SCRIPT,  # a JavaScript action's script
    "/JavaScript": _SCRIPT,  # the document-level name tree of scripts
    "/AA": _AUTOMATIC,  # additional actions: triggers on a page, field, annotation or the document
    "/EmbeddedFiles": _ATTACHED,  # the name tree of attached files
    "/EF": _ATTACHED,  # a file specification's embedded file streams
    "/XFA": _XFA,
    "/RichMediaContent": _MEDIA,
}
# Values of /S (action type), /Type and /Subtype that mark active content.
_NAMES = {
    "/JavaScript": _SCRIPT,
    "/Launch": _LAUNCH,
    "/GoToR": _LAUNCH,  # opens another file, local or remote
    "/GoToE": _ATTACHED,  # opens an attached PDF
    "/ImportData": _LAUNCH,
    "/SubmitForm": _LAUNCH,  # sends data to an address
    "/EmbeddedFile": _ATTACHED,
    "/FileAttachment": _ATTACHED,
    "/RichMedia": _MEDIA,
    "/RichMediaExecute": _MEDIA,
    "/Rendition": _MEDIA,
    "/Screen": _MEDIA,
    "/Movie": _MEDIA,
    "/Sound": _MEDIA,
    "/3D": _MEDIA,
}
_TYPED_KEYS = ("/S", "/Type", "/Subtype")
# Links may go to web and mail addresses; any other scheme (javascript:, file:, smb:) could run or fetch something.
_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]")


def check_pdf(fp: BinaryIO, *, filename: str) -> None:
    """Refuse (UploadRefused) a PDF with active content, a password, or that cannot be read; `fp` back at 0."""
    fp.seek(0)
    try:
        reader = PdfReader(fp, strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise UploadRefused(filename, _protected())
        found = _active_content(reader)
    except UploadRefused:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError, AssertionError, OSError,
            RecursionError, NotImplementedError, ZeroDivisionError, OverflowError):
        # pypdf meets malformed files with many kinds of error: whichever it is, the file cannot be checked.
        raise UploadRefused(filename, _damaged()) from None
    finally:
        fp.seek(0)
    if found:
        raise UploadRefused(filename, _active(found))


class _TooManyObjects(ValueError):
    pass


def _active_content(reader: PdfReader) -> str | None:
    """The first kind of active content found in any object of the file, or None."""
    for obj in _every_object(reader):
        found = _inspect(obj)
        if found:
            return found
    return None


def _every_object(reader: PdfReader) -> Iterator[PdfObject]:
    """The trailer, then every object the cross-reference tables list, then any object referred to but not listed."""
    pending: list[tuple[int, int]] = [
        (number, generation) for generation, numbers in reader.xref.items() for number in numbers
    ]
    # Members of one object stream side by side: pypdf parses a stream's members in one pass.
    pending += sorted(((number, 0) for number in reader.xref_objStm), key=lambda ref: reader.xref_objStm[ref[0]])
    pending.reverse()
    seen: set[tuple[int, int]] = set()
    yield reader.trailer
    pending += _references(reader.trailer)
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        if len(seen) > MAX_OBJECTS:
            raise _TooManyObjects
        obj = reader.get_object(IndirectObject(ref[0], ref[1], reader))
        if obj is None:
            continue
        pending += [r for r in _references(obj) if r not in seen]
        yield obj
        if isinstance(obj, StreamObject):
            # Streams hold the pages' drawings and images: let each go once read, so memory stays flat.
            reader.resolved_objects.pop((ref[1], ref[0]), None)


def _children(obj: PdfObject) -> Iterator[PdfObject]:
    if isinstance(obj, DictionaryObject):
        yield from obj.values()
    elif isinstance(obj, ArrayObject):
        yield from obj


def _references(obj: PdfObject) -> list[tuple[int, int]]:
    """The indirect references inside one object (not followed)."""
    found: list[tuple[int, int]] = []
    stack = [obj]
    while stack:
        value = stack.pop()
        if isinstance(value, IndirectObject):
            found.append((value.idnum, value.generation))
        else:
            stack.extend(_children(value))
    return found


def _inspect(obj: PdfObject) -> str | None:
    """Active content in this object or the dictionaries and arrays written inside it."""
    stack = [obj]
    while stack:
        value = stack.pop()
        if isinstance(value, DictionaryObject):
            found = _inspect_dictionary(value)
            if found:
                return found
        stack.extend(child for child in _children(value) if not isinstance(child, IndirectObject))
    return None


def _inspect_dictionary(dictionary: DictionaryObject) -> str | None:
    for key in dictionary:
        if key in _KEYS:
            return _KEYS[key]
    for key in _TYPED_KEYS:
        name = _resolved(dictionary.get(key))
        if isinstance(name, str) and name in _NAMES:
            return _NAMES[name]
    if "/OpenAction" in dictionary:
        action = _resolved(dictionary["/OpenAction"])
        # A destination (an array) or a go-to-page action only choose where the document opens.
        if isinstance(action, DictionaryObject) and _resolved(action.get("/S")) != "/GoTo":
            return _inspect_dictionary(action) or _AUTOMATIC
    uri = _resolved(dictionary.get("/URI"))
    if isinstance(uri, (str, bytes)) and not _safe_link(uri):
        return _LAUNCH
    return None


def _resolved(value: PdfObject | None) -> PdfObject | None:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _safe_link(uri: str | bytes) -> bool:
    text = uri.decode("latin-1") if isinstance(uri, bytes) else str(uri)
    if isinstance(uri, TextStringObject) and uri.original_bytes:
        text = uri.original_bytes.decode("latin-1")
    # Browsers ignore tabs, newlines and controls inside a scheme ("java\tscript:"): so do we.
    match = _SCHEME.match(_INVISIBLE.sub("", text).lower())
    return match is None or match.group(1) in _LINK_SCHEMES


def _active(found: str) -> str:
    what = {
        _SCRIPT: _("a script (JavaScript)"),
        _LAUNCH: _("an action that opens a program, another file or a web address of an unsafe kind"),
        _AUTOMATIC: _("actions that start by themselves (when it opens, or a page or form field is used)"),
        _ATTACHED: _("files attached inside it"),
        _MEDIA: _("embedded media or 3D content"),
        _XFA: _("an XFA form"),
    }[found]
    return _(
        "this PDF contains %(what)s, which could run when your assessor opens it, so it is not accepted. "
        "Print it to PDF again (in the print window choose “Save as PDF” or “Microsoft Print to PDF” as the printer) "
        "and upload the printed copy."
    ) % {"what": what}


def _protected() -> str:
    return _(
        "this PDF is protected with a password, so it cannot be checked or shown to your assessor. "
        "Print it to PDF again (in the print window choose “Save as PDF” or “Microsoft Print to PDF” as the printer) "
        "and upload the printed copy."
    )


def _damaged() -> str:
    return _(
        "this PDF is damaged or too complex to be read, so it cannot be checked. "
        "Print it to PDF again (in the print window choose “Save as PDF” or “Microsoft Print to PDF” as the printer) "
        "and upload the printed copy."
    )
