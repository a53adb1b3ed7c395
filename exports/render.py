"""Render a `PortfolioData` to one PDF, in parts, with WeasyPrint. Pure: no ORM, no storage.

WeasyPrint keeps a whole document's layout in memory, so a 600-page portfolio
rendered in one go needs a lot of it. We render it in parts instead: each
unit section, the evidence appendix in chunks, the manifest, and last the
front matter (cover and contents). Every part is laid out, its anchors'
pages noted, written to a file and dropped before the next. The contents is
rendered last, when every anchor's absolute page is known; it has one line
per entry whatever the numbers say, so its own length does not depend on
them. `pdfmerge` joins the parts, appends PDF evidence and stamps "page X of Y"
once the total is known.
"""

from __future__ import annotations

import gc
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Required, TypedDict

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from .data import EvidenceItem, PortfolioData, StoredFile, UnitSection
from .fetcher import PortfolioFetcher
from .images import PRINT_PIXELS, PreparedImage, prepare_images_in_background
from .pdfmerge import Bookmark, merge, pdf_page_count

logger = logging.getLogger(__name__)

#: Called with (stage, pages rendered so far, fraction of the work done from 0 to 1).
ProgressCallback = Callable[[str, int, float], None]

#: A part holds at most this much: WeasyPrint's memory grows with a part's size, and each part
#: costs a fixed ~0.2 s of style set-up, so parts are as big as the memory budget comfortably allows.
CHUNK_ITEMS = 60
CHUNK_CHARS = 150_000
CHUNK_IMAGES = 25
#: Contents lines on a page after the first (the estimate of the contents' length; checked, not trusted).
CONTENTS_LINES_PER_PAGE = 42
#: Units share a part up to this many table rows (assessable items plus mapped evidence).
UNIT_ROWS = 600

_PAGE_STEP = re.compile(r"Creating layout - Page (\d+)")


@dataclass(frozen=True, slots=True)
class Assets:
    """What the parent process prepared in the work folder, keyed by evidence files' storage names."""

    images: dict[str, PreparedImage] = field(default_factory=dict)
    pdfs: dict[str, Path] = field(default_factory=dict)
    #: (storage name, index) of images still to prepare from storage: the renderer prepares them on
    #: other threads while it lays out the unit sections, which need no image.
    image_jobs: tuple[tuple[str, int], ...] = ()
    image_pixels: int = PRINT_PIXELS  # the long side of a prepared image


@dataclass(frozen=True, slots=True)
class EvidenceView:
    item: EvidenceItem
    images: tuple[tuple[StoredFile, PreparedImage], ...]
    pdfs: tuple[tuple[StoredFile, int | None], ...]  # (file, pages) — pages None: cannot be appended
    others: tuple[StoredFile, ...]


@dataclass(frozen=True, slots=True)
class ContentsEntry:
    title: str
    page: int  # 1-based
    level: int = 1


class Section(TypedDict, total=False):
    """One section of exports/pdf/part.html: its `kind` and what that kind shows."""

    kind: Required[str]  # "front" | "unit" | "reviews" | "evidence" | "manifest"
    unit: UnitSection
    views: list[EvidenceView]
    first: bool
    contents: list[ContentsEntry]


@dataclass(slots=True)
class RenderResult:
    pages: int  # in the final PDF, appended pages included
    rendered_pages: int  # laid out by WeasyPrint
    appended_pages: int
    refused_urls: list[str]


@dataclass(slots=True)
class _Part:
    key: str
    sections: list[Section]
    path: Path
    pages: int = 0
    anchors: dict[str, int] = field(default_factory=dict)  # anchor -> 0-based page within the part


def evidence_views(data: PortfolioData, assets: Assets, *, include_pdf_evidence: bool) -> list[EvidenceView]:
    """How each evidence item's files appear: embedded images, appended PDFs, or listed files."""
    views = []
    for item in data.evidence:
        images, pdfs, others = [], [], []
        for stored in item.files:
            if stored.storage_name in assets.images:
                images.append((stored, assets.images[stored.storage_name]))
            elif include_pdf_evidence and stored.storage_name in assets.pdfs:
                pdfs.append((stored, pdf_page_count(assets.pdfs[stored.storage_name])))
            else:
                others.append(stored)
        views.append(EvidenceView(item, tuple(images), tuple(pdfs), tuple(others)))
    return views


def _chunks(views: list[EvidenceView]) -> list[list[EvidenceView]]:
    chunks: list[list[EvidenceView]] = [[]]
    chars = images = 0
    for view in views:
        current = chunks[-1]
        if current and (
            len(current) >= CHUNK_ITEMS or chars + len(view.item.text) > CHUNK_CHARS
            or images + len(view.images) > CHUNK_IMAGES
        ):
            chunks.append([])
            chars = images = 0
        chunks[-1].append(view)
        chars += len(view.item.text)
        images += len(view.images)
    return [chunk for chunk in chunks if chunk]


def _unit_sections(data: PortfolioData) -> list[tuple[str, list[Section]]]:
    """The unit parts, in document order: (key, sections); units share a part up to UNIT_ROWS rows."""
    parts: list[tuple[str, list[Section]]] = []
    rows = UNIT_ROWS
    for unit in data.units:
        weight = sum(1 + len(item.evidence) for item in unit.items)
        if rows + weight > UNIT_ROWS:
            parts.append((f"units-{unit.code}", []))
            rows = 0
        parts[-1][1].append({"kind": "unit", "unit": unit})
        rows += weight
    return parts


def _appendix_sections(views: list[EvidenceView]) -> list[tuple[str, list[Section]]]:
    """The evidence appendix, in chunks."""
    return [(f"evidence-{number}", [{"kind": "evidence", "views": chunk, "first": number == 0}])
            for number, chunk in enumerate(_chunks(views))]


MANIFEST: tuple[str, list[Section]] = ("manifest", [{"kind": "manifest"}])


def _review_sections(data: PortfolioData) -> list[tuple[str, list[Section]]]:
    """The progress reviews, one part after the units (none without reviews)."""
    return [("reviews", [{"kind": "reviews"}])] if data.reviews else []


def _body_sections(data: PortfolioData, views: list[EvidenceView]) -> list[tuple[str, list[Section]]]:
    """The parts after the front matter, in document order: (key, sections)."""
    return [*_unit_sections(data), *_review_sections(data), *_appendix_sections(views), MANIFEST]


def part_html(data: PortfolioData, sections: list[Section], *, extra: dict[str, Any] | None = None) -> str:
    """The HTML of one part (or, given every section, of the whole portfolio as one document)."""
    return render_to_string("exports/pdf/part.html", {"data": data, "sections": sections, **(extra or {})})


def whole_document_html(
    data: PortfolioData, assets: Assets, *, include_pdf_evidence: bool = False
) -> str:
    """The whole portfolio as one HTML document, as it would be without parts (for comparison and tests)."""
    views = evidence_views(data, assets, include_pdf_evidence=include_pdf_evidence)
    sections: list[Section] = [{"kind": "front", "contents": _contents_placeholder(data, views)}]
    for _key, part_sections in _body_sections(data, views):
        sections.extend(part_sections)
    return part_html(data, sections)


def _contents_placeholder(data: PortfolioData, views: list[EvidenceView]) -> list[ContentsEntry]:
    return _contents(data, views, anchors={}, appended={}, pdfs=[])


def _contents(
    data: PortfolioData,
    views: list[EvidenceView],
    *,
    anchors: dict[str, int],
    appended: dict[str, int],
    pdfs: list[tuple[str, str]],
) -> list[ContentsEntry]:
    def page(anchor: str) -> int:
        return anchors.get(anchor, 0) + 1

    entries = [ContentsEntry(gettext("Units"), page(data.units[0].anchor) if data.units else 0)]
    entries += [ContentsEntry(f"{unit.code} {unit.title}", page(unit.anchor), 2) for unit in data.units]
    if data.reviews:
        entries.append(ContentsEntry(gettext("Progress reviews"), page("reviews")))
        entries += [ContentsEntry(gettext("Review of %(day)s") % {"day": date_format(review.held_on, "j F Y")},
                                  page(review.anchor), 2)
                    for review in data.reviews]
    entries.append(ContentsEntry(gettext("Evidence"), page("evidence-appendix")))
    entries += [ContentsEntry(f"{v.item.ref} {v.item.title}", page(v.item.anchor), 2) for v in views]
    entries.append(ContentsEntry(gettext("Manifest of files"), page("manifest")))
    if pdfs:
        entries.append(ContentsEntry(gettext("Appended PDF evidence"), appended.get(pdfs[0][0], 0) + 1))
        entries += [ContentsEntry(title, appended.get(label, -1) + 1, 2) for label, title in pdfs]
    return entries


class _PageProgress(logging.Handler):
    """Turns WeasyPrint's "Creating layout - Page N" messages into progress calls."""

    def __init__(self, callback: Callable[[int], None]) -> None:
        super().__init__(logging.INFO)
        self.callback = callback

    def emit(self, record: logging.LogRecord) -> None:
        match = _PAGE_STEP.search(record.getMessage())
        if match:
            self.callback(int(match[1]))


def _render_part(
    data: PortfolioData, part: _Part, *, fetcher: PortfolioFetcher, on_page: Callable[[int], None],
    extra: dict[str, Any], font_config: FontConfiguration | None = None,
) -> None:
    progress_logger = logging.getLogger("weasyprint.progress")
    handler = _PageProgress(on_page)
    old_level, old_propagate = progress_logger.level, progress_logger.propagate
    progress_logger.addHandler(handler)
    progress_logger.setLevel(logging.INFO)
    progress_logger.propagate = False
    try:
        document = HTML(string=part_html(data, part.sections, extra=extra), url_fetcher=fetcher).render(
            font_config=font_config)
        part.pages = len(document.pages)
        for number, page in enumerate(document.pages):
            for anchor in page.anchors:
                part.anchors.setdefault(anchor, number)
        document.write_pdf(part.path)
    finally:
        progress_logger.removeHandler(handler)
        progress_logger.setLevel(old_level)
        progress_logger.propagate = old_propagate
    del document
    gc.collect()


def render_portfolio(
    data: PortfolioData,
    *,
    assets: Assets,
    workdir: Path,
    target: Path,
    include_pdf_evidence: bool = False,
    on_progress: ProgressCallback | None = None,
    open_stored: Callable[[str], IO[bytes]] | None = None,
) -> RenderResult:
    """Write the portfolio PDF to `target`, rendering it part by part in `workdir`.

    Page k of the result is stamped "page k of N"; the contents' numbers are the pages where
    each unit and evidence item starts. Only files in `workdir` can be loaded (see `fetcher`).
    `assets.image_jobs` are read with `open_stored` (a storage's open) and prepared meanwhile.
    """
    report = on_progress or (lambda stage, pages, fraction: None)
    fetcher = PortfolioFetcher(workdir)
    # One font configuration for every part: fontconfig is set up once, not once per part.
    fonts = FontConfiguration()
    pending = (
        prepare_images_in_background(assets.image_jobs, folder=workdir, open_stored=open_stored,
                                     max_pixels=assets.image_pixels)
        if assets.image_jobs else None
    )
    units = [_Part(key, sections, workdir / f"part-{n:04d}.pdf")
             for n, (key, sections) in enumerate(_unit_sections(data), start=1)]
    # An estimate for the progress bar only: the appendix's chunks depend on the prepared images.
    total_parts = (len(units) + len(_review_sections(data))
                   + len(_chunks(evidence_views(data, assets, include_pdf_evidence=False))) + 2)
    rendered = 0
    done: list[_Part] = []

    def render_all(parts: list[_Part]) -> None:
        nonlocal rendered
        for part in parts:
            index = len(done)

            def on_page(page: int, before: int = rendered, index: int = index) -> None:
                report("rendering", before + page, min(index / total_parts, 0.98))

            _render_part(data, part, fetcher=fetcher, on_page=on_page, extra={}, font_config=fonts)
            done.append(part)
            rendered += part.pages
            report("rendering", rendered, min(len(done) / total_parts, 0.98))

    # Laid out in the order that keeps the CPU busy (what needs no image first, while the images
    # are prepared); merged in document order: units, reviews, evidence, manifest.
    manifest = _Part(MANIFEST[0], MANIFEST[1], workdir / "part-9999.pdf")
    reviews = [_Part(key, sections, workdir / "part-reviews.pdf") for key, sections in _review_sections(data)]
    render_all([*units, *reviews, manifest])
    if pending is not None:
        assets = Assets(images={**assets.images, **pending()}, pdfs=assets.pdfs)
    views = evidence_views(data, assets, include_pdf_evidence=include_pdf_evidence)
    appendix = [_Part(key, sections, workdir / f"part-{n:04d}.pdf")
                for n, (key, sections) in enumerate(_appendix_sections(views), start=len(units) + 1)]
    render_all(appendix)
    body = [*units, *reviews, *appendix, manifest]

    pdfs = [
        (stored.storage_name, f"{view.item.ref} {stored.name}")
        for view in views for stored, pages in view.pdfs if pages
    ]
    front = _Part("front", [], workdir / "part-0000.pdf")
    page_counts = {label: pdf_page_count(assets.pdfs[label]) or 0 for label, _title in pdfs}
    # The front matter's length does not depend on the numbers in it (one line per entry, fixed
    # width for the number), only on how many entries there are. So lay it out with the numbers
    # an estimated length gives, and once more only if the estimate was wrong.
    reviews_lines = len(data.reviews) + 1 if data.reviews else 0
    guess = 1 + math.ceil((len(data.units) + reviews_lines + len(views) + len(pdfs) + 5) / CONTENTS_LINES_PER_PAGE)
    for _attempt in range(3):
        anchors, appended_start = _absolute_pages(body, offset=guess, pdfs=pdfs, page_counts=page_counts)
        front.sections = [{"kind": "front", "contents": _contents(
            data, views, anchors=anchors, appended=appended_start, pdfs=pdfs)}]
        front.anchors.clear()
        _render_part(data, front, fetcher=fetcher, on_page=lambda page: report("rendering", rendered + page, 0.99),
                     extra={}, font_config=fonts)
        if front.pages == guess:
            break
        guess = front.pages
    else:  # pragma: no cover - would mean the contents' length depends on its numbers
        raise RuntimeError("The contents did not settle on a length.")
    rendered += front.pages
    report("merging", rendered, 1.0)

    bookmarks = _bookmarks(data, views, anchors=anchors, appended=appended_start, pdfs=pdfs, manifest=anchors.get(
        "manifest", 0))
    merged = merge(
        parts=[front.path, *(part.path for part in body)],
        appended=[(label, assets.pdfs[label]) for label, _title in pdfs],
        bookmarks=bookmarks,
        target=target,
        title=gettext("Portfolio of %(name)s: %(qualification)s") % {
            "name": data.candidate, "qualification": data.qualification},
        author=data.candidate,
    )
    for part in [front, *body]:
        part.path.unlink(missing_ok=True)
    return RenderResult(
        pages=merged.pages, rendered_pages=rendered, appended_pages=merged.pages - rendered,
        refused_urls=list(fetcher.refused),
    )


def _absolute_pages(
    body: list[_Part], *, offset: int, pdfs: list[tuple[str, str]], page_counts: dict[str, int]
) -> tuple[dict[str, int], dict[str, int]]:
    """0-based pages of every anchor and appended PDF when the body starts after `offset` pages."""
    anchors: dict[str, int] = {}
    for part in body:
        anchors.update({anchor: offset + page for anchor, page in part.anchors.items() if anchor not in anchors})
        offset += part.pages
    appended: dict[str, int] = {}
    for label, _title in pdfs:
        appended[label] = offset
        offset += page_counts[label]
    return anchors, appended


def _bookmarks(
    data: PortfolioData,
    views: list[EvidenceView],
    *,
    anchors: dict[str, int],
    appended: dict[str, int],
    pdfs: list[tuple[str, str]],
    manifest: int,
) -> list[Bookmark]:
    units: list[UnitSection] = list(data.units)
    # Translators: a bookmark of the PDF portfolio: its cover page.
    marks = [Bookmark(gettext("Cover"), 0), Bookmark(gettext("Contents"), anchors.get("contents", 1))]
    if units:
        marks.append(Bookmark(gettext("Units"), anchors.get(units[0].anchor, 0), tuple(
            Bookmark(f"{unit.code} {unit.title}", anchors.get(unit.anchor, 0)) for unit in units)))
    if views:
        marks.append(Bookmark(gettext("Evidence"), anchors.get("evidence-appendix", 0), tuple(
            Bookmark(f"{v.item.ref} {v.item.title}", anchors.get(v.item.anchor, 0)) for v in views)))
    marks.append(Bookmark(gettext("Manifest of files"), manifest))
    if pdfs:
        marks.append(Bookmark(gettext("Appended PDF evidence"), appended[pdfs[0][0]], tuple(
            Bookmark(title, appended[label]) for label, title in pdfs)))
    return marks
