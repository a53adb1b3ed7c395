"""Join the rendered parts and the appended PDF evidence into one PDF with pypdf.

The parts are rendered separately to bound WeasyPrint's memory, so none of
them knows the whole document's page count: "page X of Y" is stamped here,
once the total is known, as a small extra content stream per page (Helvetica,
one of the PDF base fonts, so nothing is embedded and no page is re-encoded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from django.utils.translation import gettext
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, IndirectObject, NameObject, PdfObject

FONT_SIZE = 8
#: Helvetica's advance widths (per 1000 units of font size) for the characters of "page 12 of 340".
_HELVETICA_WIDTHS = {" ": 278, "f": 278, **{c: 556 for c in "0123456789pageo"}}
_FONT_NAME = "/PortfolioStampFont"


@dataclass(frozen=True, slots=True)
class Bookmark:
    title: str
    page: int  # 0-based, in the merged document
    children: tuple[Bookmark, ...] = ()


@dataclass(slots=True)
class MergeResult:
    pages: int
    appended: dict[str, int] = field(default_factory=dict)  # label -> first page (0-based)


def pdf_page_count(path: Path) -> int | None:
    """How many pages the PDF at `path` has, or None when pypdf cannot read it (damaged, encrypted)."""
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            return None
        return len(reader.pages)
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, RecursionError):
        return None


def stamp_text(page_number: int, total: int) -> str:
    # Translators: stamped at the foot of every page of the PDF portfolio.
    return gettext("page %(page)d of %(total)d") % {"page": page_number, "total": total}


def _pdf_string(text: str) -> bytes:
    """`text` as the bytes of a PDF literal string in WinAnsiEncoding (the stamp's font): parentheses and
    backslashes escaped, a character the encoding lacks as "?"."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("cp1252", errors="replace")


def _text_width(text: str) -> float:
    return sum(_HELVETICA_WIDTHS.get(c, 556) for c in text) * FONT_SIZE / 1000


def merge(
    *,
    parts: list[Path],
    appended: list[tuple[str, Path]],
    bookmarks: list[Bookmark],
    target: Path,
    title: str = "",
    author: str = "",
    margin_right_pt: float = 56.7,
    baseline_pt: float = 28.0,
) -> MergeResult:
    """Write `parts` then `appended` (label, path) into `target`, stamp "page k of N" on every page, add bookmarks.

    Appended PDFs that pypdf cannot read are left out; the result says where each appended one starts.
    """
    writer = PdfWriter()
    for path in parts:
        writer.append(path, import_outline=False)
    result = MergeResult(pages=0)
    for label, path in appended:
        start = len(writer.pages)
        try:
            writer.append(PdfReader(path, strict=False), import_outline=False)
        except (PdfReadError, OSError, ValueError, KeyError, TypeError, RecursionError):
            continue
        result.appended[label] = start
    total = len(writer.pages)
    result.pages = total
    _stamp_page_numbers(writer, total, margin_right_pt=margin_right_pt, baseline_pt=baseline_pt)
    _resolve_internal_links(writer)
    for bookmark in bookmarks:
        _add_bookmark(writer, bookmark, None)
    writer.page_mode = "/UseOutlines"
    # The parts' own metadata is lost in the merge: the whole document gets it again.
    writer.add_metadata({"/Title": title, "/Author": author, "/Creator": "Portfolio system (WeasyPrint, pypdf)"})
    with open(target, "wb") as out:
        writer.write(out)
    return result


GOTO = "export:goto/"


def _resolve_internal_links(writer: PdfWriter) -> None:
    """Turn the contents' ``export:goto/<page>`` links (parts cannot link across files) into in-document jumps."""
    for page in writer.pages:
        for annotation_ref in page.get("/Annots") or []:
            annotation = annotation_ref.get_object()
            action = annotation.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if not uri.startswith(GOTO) or not uri[len(GOTO):].isdigit():
                continue
            number = min(max(int(uri[len(GOTO):]), 1), len(writer.pages)) - 1
            annotation[NameObject("/A")] = DictionaryObject({
                NameObject("/S"): NameObject("/GoTo"),
                NameObject("/D"): ArrayObject([writer.pages[number].indirect_reference, NameObject("/Fit")]),
            })


def _add_bookmark(writer: PdfWriter, bookmark: Bookmark, parent: IndirectObject | None) -> None:
    node = writer.add_outline_item(title=bookmark.title, page_number=bookmark.page, parent=parent)
    for child in bookmark.children:
        _add_bookmark(writer, child, node)


def _stamp_page_numbers(writer: PdfWriter, total: int, *, margin_right_pt: float, baseline_pt: float) -> None:
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    # Wrapping the page's own content in q/Q restores the default coordinate system for the stamp.
    save = DecodedStreamObject()
    save.set_data(b"q\n")
    save_ref = writer._add_object(save)
    for index, page in enumerate(writer.pages):
        text = stamp_text(index + 1, total)
        box = page.mediabox
        x = float(box.right) - margin_right_pt - _text_width(text)
        y = float(box.bottom) + baseline_pt
        stream = DecodedStreamObject()
        stream.set_data(
            f"\nQ q BT 0.25 0.25 0.25 rg {_FONT_NAME} {FONT_SIZE} Tf {x:.2f} {y:.2f} Td (".encode()
            + _pdf_string(text) + b") Tj ET Q\n"
        )
        contents = page.get("/Contents")
        if contents is None:
            old: list[PdfObject] = []
        elif isinstance(contents.get_object(), ArrayObject):
            old = list(contents.get_object())
        else:
            old = [contents]
        page[NameObject("/Contents")] = ArrayObject([save_ref, *old, writer._add_object(stream)])
        if "/Resources" not in page:
            page[NameObject("/Resources")] = DictionaryObject()
        # pypdf types a resolved object as `PdfObject | None`; a page's /Resources is a dictionary (PDF 1.7, 7.8.3).
        resources = cast(DictionaryObject, page["/Resources"].get_object())
        if "/Font" not in resources:
            resources[NameObject("/Font")] = DictionaryObject()
        cast(DictionaryObject, resources["/Font"].get_object())[NameObject(_FONT_NAME)] = font
