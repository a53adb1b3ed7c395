"""The renderer on plain dataclasses: no database. Parts, page numbers, contents, bookmarks, escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from exports import render
from exports.images import prepare_image
from exports.render import Assets, render_portfolio

from .portfolio_factory import jpeg_bytes, pdf_bytes, portfolio_data, stored


def _texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.fixture
def small_parts(monkeypatch):
    """Force many parts from a small portfolio, as a big one would have."""
    monkeypatch.setattr(render, "CHUNK_ITEMS", 3)
    monkeypatch.setattr(render, "UNIT_ROWS", 5)


def test_every_page_says_page_k_of_n_across_parts(tmp_path, small_parts):
    target = tmp_path / "portfolio.pdf"
    result = render_portfolio(portfolio_data(units=3, items=10), assets=Assets(), workdir=tmp_path, target=target)
    texts = _texts(target)
    assert result.pages == len(texts) > 12
    for number, text in enumerate(texts, start=1):
        assert f"page {number} of {len(texts)}" in text


def test_contents_numbers_point_at_the_pages_where_units_and_evidence_start(tmp_path, small_parts):
    target = tmp_path / "portfolio.pdf"
    render_portfolio(portfolio_data(units=3, items=10), assets=Assets(), workdir=tmp_path, target=target)
    texts = _texts(target)
    contents = texts[1]
    assert contents.startswith("Contents")
    for code in ("U1", "U2", "U3"):
        page = int(re.search(rf"^{code} Unit number \d+ (\d+)$", contents, re.M)[1])
        assert f"Unit {code}: Unit number" in texts[page - 1]
    for ref in ("E1", "E4", "E10"):
        page = int(re.search(rf"^{ref} Evidence title \d+ (\d+)$", contents, re.M)[1])
        assert f"{ref} Evidence title" in texts[page - 1]
        # It starts there: its statement is not already on the page before.
        assert f"Statement {ref[1:]}. " in texts[page - 1] and f"Statement {ref[1:]}. " not in texts[page - 2]


def test_contents_entries_jump_to_their_pages(tmp_path, small_parts):
    target = tmp_path / "portfolio.pdf"
    render_portfolio(portfolio_data(units=3, items=4), assets=Assets(), workdir=tmp_path, target=target)
    reader = PdfReader(target)
    numbers = [int(n) for n in re.findall(r"^U\d Unit number \d+ (\d+)$", reader.pages[1].extract_text(), re.M)]
    jumps = []
    for annotation in reader.pages[1]["/Annots"]:
        action = annotation.get_object()["/A"]
        assert action["/S"] == "/GoTo"
        jumps.append(reader.get_page_number(action["/D"][0].get_object()) + 1)
    assert set(numbers) <= set(jumps) and numbers


def test_running_header_and_footer_name_the_candidate(tmp_path):
    target = tmp_path / "portfolio.pdf"
    render_portfolio(portfolio_data(units=1, items=2, candidate="Zoë Łukasiewicz"), assets=Assets(),
                     workdir=tmp_path, target=target)
    texts = _texts(target)
    assert all("Zoë Łukasiewicz" in text for text in texts)


def test_cover_shows_people_dates_and_both_rules_statuses(tmp_path):
    target = tmp_path / "portfolio.pdf"
    render_portfolio(portfolio_data(units=1, items=1), assets=Assets(), workdir=tmp_path, target=target)
    assert PdfReader(target).metadata.title == "Portfolio of Cara Candidate: Tiny Diploma in Customer Service"
    cover = _texts(target)[0]
    for expected in ("Cara Candidate", "Northgate Training", "Tiny Diploma in Customer Service", "Ash Assessor",
                     "Ivy Quality", "2 March 2026", "The plan meets the rules", "does not meet the rules yet"):
        assert expected in cover


def test_cover_and_manifest_put_labels_beside_their_values(tmp_path):
    target = tmp_path / "portfolio.pdf"
    render_portfolio(portfolio_data(units=1, items=1), assets=Assets(), workdir=tmp_path, target=target)
    pages = PdfReader(target).pages
    cover = pages[0].extract_text(extraction_mode="layout")
    for label, value in (("Candidate", "Cara Candidate"), ("Centre", "Northgate Training"),
                         ("Assessor", "Ash Assessor"), ("IQA", "Ivy Quality")):
        assert re.search(rf"^\s*{label}\s+{value}", cover, re.M), f"{label} is not beside {value}"
    manifest = pages[-1].extract_text(extraction_mode="layout")
    assert re.search(r"^\s*Evidence\s+File\s", manifest, re.M)  # the headings do not run into each other


def test_unit_sections_show_decisions_sign_offs_and_countersignatures(tmp_path):
    target = tmp_path / "portfolio.pdf"
    render_portfolio(portfolio_data(units=1, items=1), assets=Assets(), workdir=tmp_path, target=target)
    unit_page = _texts(target)[2]
    for expected in ("Unit U1: Unit number 1", "1.1 Criterion 1.1 of U1", "Accepted", "Well argued.",
                     "Signed off by Ash Assessor", "Countersigned by Ivy Quality", "knowledge"):
        assert expected in unit_page


def test_manifest_lists_every_files_sha256(tmp_path):
    data = portfolio_data(units=1, items=3)
    target = tmp_path / "portfolio.pdf"
    render_portfolio(data, assets=Assets(), workdir=tmp_path, target=target)
    text = "".join(_texts(target)[-2:])
    assert "Manifest of files" in text
    for _item, stored_file in data.files:
        assert stored_file.sha256 in text.replace("\n", "")


def test_images_are_embedded_upright_and_downscaled(tmp_path):
    import io

    from PIL import Image

    prepared = prepare_image(io.BytesIO(jpeg_bytes((4000, 3000), orientation=6)), folder=tmp_path, index=1)
    # Orientation 6: the camera was turned; upright the picture is taller than wide.
    assert (prepared.width, prepared.height) == (750, 1000)
    with Image.open(tmp_path / "img" / "1.jpg") as image:
        assert image.size == (750, 1000)
        assert image.getpixel((700, 20))[0] > 200  # the yellow corner turned to the top right
    photo = stored("till.jpg", b"x", "image/jpeg")
    data = portfolio_data(units=1, items=1, files={1: (photo,)})
    target = tmp_path / "portfolio.pdf"
    result = render_portfolio(data, assets=Assets(images={photo.storage_name: prepared}), workdir=tmp_path,
                              target=target)
    # WeasyPrint shares one resource dictionary between pages: count distinct images.
    images = {image.name for page in PdfReader(target).pages for image in page.images}
    assert len(images) == 1 and result.refused_urls == []


def test_pdf_evidence_is_appended_with_bookmarks(tmp_path):
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(pdf_bytes(3, "Refund letter page"))
    pdf_file = stored("refund-letter.pdf", letter.read_bytes(), "application/pdf")
    data = portfolio_data(units=1, items=2, files={2: (pdf_file,)})
    target = tmp_path / "portfolio.pdf"
    result = render_portfolio(data, assets=Assets(pdfs={pdf_file.storage_name: letter}), workdir=tmp_path,
                              target=target, include_pdf_evidence=True)
    reader = PdfReader(target)
    assert result.appended_pages == 3
    assert "Refund letter page 1" in reader.pages[-3].extract_text()
    assert f"page {len(reader.pages)} of {len(reader.pages)}" in reader.pages[-1].extract_text()
    titles = {item.title: item for item in reader.outline if not isinstance(item, list)}
    assert "Appended PDF evidence" in titles
    assert reader.get_destination_page_number(titles["Appended PDF evidence"]) == len(reader.pages) - 3
    contents = reader.pages[1].extract_text()
    assert re.search(rf"E2 refund-letter.pdf {len(reader.pages) - 2}$", contents, re.M)


def test_text_and_file_names_cannot_pull_in_local_files(tmp_path, monkeypatch):
    attack = '<img src="file:///etc/passwd"> <object data="file:///etc/passwd"></object> root check'
    crafted = stored('"><img src="file:///etc/passwd">.png', b"x", "image/png")
    data = portfolio_data(units=1, items=1, text=attack, files={1: (crafted,)})
    asked = []
    original_fetch = render.PortfolioFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original_fetch(self, url, headers)

    monkeypatch.setattr(render.PortfolioFetcher, "fetch", spy)
    target = tmp_path / "portfolio.pdf"
    render_portfolio(data, assets=Assets(), workdir=tmp_path, target=target)
    text = "".join(_texts(target))
    assert "root:x:0:0" not in text
    assert '<img src="file:///etc/passwd">' in text  # shown as text, escaped
    assert asked == []  # nothing was even asked for


def test_the_fetcher_refuses_anything_but_prepared_files(tmp_path):
    from weasyprint import HTML

    fetcher = render.PortfolioFetcher(tmp_path)
    html = ('<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
            '<img src="export:img/../../etc/passwd"><link rel="stylesheet" href="file:///etc/passwd">'
            '<p>root?</p>')
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert b"root:x:0:0" not in pdf
    assert "file:///etc/passwd" in fetcher.refused
    assert "http://127.0.0.1:9/x.png" in fetcher.refused
    assert "export:img/../../etc/passwd" in fetcher.refused
    assert fetcher.fetched == []


def test_progress_counts_every_page_weasyprint_lays_out(tmp_path):
    # WeasyPrint reports each page through its `weasyprint.progress` logger; the renderer passes them on.
    calls = []
    result = render_portfolio(portfolio_data(units=1, items=3, text_length=12000), assets=Assets(),
                              workdir=tmp_path, target=tmp_path / "portfolio.pdf",
                              on_progress=lambda stage, pages, fraction: calls.append((stage, pages)))
    rendering = [pages for stage, pages in calls if stage == "rendering"]
    assert result.rendered_pages > 6
    assert set(range(1, result.rendered_pages + 1)) <= set(rendering)
    assert calls[-1] == ("merging", result.rendered_pages)
