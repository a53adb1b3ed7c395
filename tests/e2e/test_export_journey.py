"""Portfolio exports in a real browser, built by a REAL Celery worker through a real Redis.

The candidate opens the export page from her home page and asks for a PDF: the page comes back
at once with a progress bar, which htmx polling moves through the stages without a page load
until a download link appears; the downloaded PDF holds her name and her evidence. Her assessor
then reaches the page through the portfolio navigation and asks for a ZIP, which completes too.

The worker (tests/exports/worker_harness.py) is a `celery worker` subprocess on a queue of this
test, reading the live server's database (transactional_db: committed rows) and this test's
storage folder. Redis is REDIS_URL when set (it must answer), else a private redis-server.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from exports.models import ExportStatus, PortfolioExport
from tests.assessments.factories import items_of, submitted_evidence
from tests.conftest import PASSWORD
from tests.exports import worker_harness
from tests.exports.worker_harness import Worker, broker, redis_for_test

pytestmark = pytest.mark.e2e

# The worker's fixture, shared with tests/exports (a module attribute, so pytest finds it here).
start_worker = worker_harness.start_worker

EVIDENCE_TITLE = "Reply to a billing complaint"
# Seconds the worker waits after gathering: keeps the progress bar on screen long enough to be seen.
GATHER_DELAY = 2.5
DONE_TIMEOUT_MS = 45_000

# Records, in the page, every text the export states show, and leaves a marker a page load would wipe.
WATCH_STATES = """() => {
  window.__exportJourney = 'same document';
  window.__states = [];
  const note = () => {
    const text = Array.from(document.querySelectorAll('.export-status'))
      .map((status) => status.innerText.replace(/\\s+/g, ' ').trim()).join(' | ');
    if (window.__states[window.__states.length - 1] !== text) window.__states.push(text);
  };
  note();
  new MutationObserver(note).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture
def evidence(live_url, private_storage, enrolment) -> object:
    """Cara's submitted work product with a generated PNG, claiming unit B3; stored where the worker reads."""
    return submitted_evidence(enrolment, items_of(enrolment, "B3"), title=EVIDENCE_TITLE)


@pytest.fixture
def export_worker(live_url, start_worker, tmp_path) -> Iterator[Worker]:
    """A real worker on Redis, with this process (the live server's) sending its tasks to the same Redis."""
    with redis_for_test(tmp_path) as url:
        worker = start_worker(redis_url=url, gather_delay=GATHER_DELAY)
        with broker(url, {"visibility_timeout": 7200}):
            yield worker


def _finished(locator: Locator, worker: Worker) -> None:
    """Wait for `locator` (a download link) to appear; on a timeout show the worker's log."""
    try:
        expect(locator).to_be_visible(timeout=DONE_TIMEOUT_MS)
    except AssertionError as error:
        states = list(PortfolioExport.objects.values_list("pk", "format", "status", "stage", "error"))
        pytest.fail(f"{error}\nExports: {states}\nWorker log:\n{worker.tail()}", pytrace=False)


def _watch(page: Page) -> None:
    page.evaluate(WATCH_STATES)


def _states(page: Page) -> list[str]:
    assert page.evaluate("() => window.__exportJourney") == "same document", "the export page was loaded again"
    return page.evaluate("() => window.__states")


def test_a_candidate_exports_a_pdf_and_her_assessor_a_zip_through_a_real_worker(
    page: Page, enrolment, evidence, assessor, export_worker: Worker, sign_in: Callable, sign_out: Callable,
    shot: Callable, axe: Callable, console_errors: list, tmp_path: Path,
) -> None:
    candidate = enrolment.candidate

    # Cara's home leads to the export page.
    sign_in(candidate.email, PASSWORD)
    axe(page, "the candidate's home")
    shot(page, "candidate-home")
    page.get_by_role("link", name="Export as PDF").click()
    expect(page.get_by_role("heading", name="Portfolio exports", level=1)).to_be_visible()
    expect(page.get_by_text("No exports yet.")).to_be_visible()
    axe(page, "the export page before any export")
    shot(page, "export-page-empty")

    # She asks for a PDF: the page is back at once, the export still waiting or in progress.
    expect(page.get_by_role("radio", name="PDF", exact=True)).to_be_checked()
    page.get_by_role("button", name="Export the portfolio").click()
    bar = page.get_by_role("progressbar")
    expect(bar).to_be_visible()
    _watch(page)
    first = _states(page)[0]
    assert re.search(r"(Waiting for a worker|Gathering the portfolio) · \d+%", first), first
    expect(page.locator(".export-stage")).to_have_text(re.compile("Waiting for a worker|Gathering the portfolio"))
    axe(page, "the export page with the progress bar")
    shot(page, "pdf-in-progress")

    # htmx polling moves the same page on to the download link.
    download_pdf = page.get_by_role("link", name=re.compile(r"^Download PDF"))
    _finished(download_pdf, export_worker)
    expect(bar).to_have_count(0)
    states = _states(page)
    assert len(states) >= 2 and "Download PDF" not in states[0] and "Download PDF" in states[-1], states
    assert any(re.search(r"Gathering the portfolio · \d+%", s) for s in states), states
    axe(page, "the export page with the finished PDF")
    shot(page, "pdf-ready")

    with page.expect_download() as info:
        download_pdf.click()
    download = info.value
    assert re.fullmatch(r"portfolio-cara-candidate-\d{4}-\d{2}-\d{2}\.pdf", download.suggested_filename)
    reader = PdfReader(download.path())
    text = " ".join(p.extract_text() for p in reader.pages).replace("\n", " ")
    assert "Cara Candidate" in text and EVIDENCE_TITLE in text, text[:2000]
    assert sum(len(p.images) for p in reader.pages) >= 1  # the evidence's PNG
    shot(page, "pdf-downloaded")
    sign_out()

    # Her assessor reaches the export page through the portfolio navigation and asks for a ZIP.
    sign_in(assessor.email, PASSWORD)
    page.get_by_role("link", name="Open your caseload").click()
    page.get_by_role("link", name="Cara Candidate").click()
    axe(page, "the portfolio page")
    shot(page, "assessor-portfolio")
    page.get_by_role("navigation", name="This portfolio").get_by_role("link", name="Export", exact=True).click()
    expect(page.get_by_role("heading", name="Portfolio exports", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Download PDF"))).to_be_visible()
    axe(page, "the export page with one finished export")
    shot(page, "assessor-export-page")
    page.get_by_role("radio", name="ZIP of the original files, with the PDF").check()
    page.get_by_role("button", name="Export the portfolio").click()
    zip_row = page.get_by_role("row").filter(has_text="ZIP")
    expect(zip_row.get_by_role("progressbar")).to_be_visible()
    _watch(page)
    axe(page, "the export page with the ZIP in progress")
    shot(page, "zip-in-progress")

    download_zip = zip_row.get_by_role("link", name=re.compile(r"^Download ZIP"))
    _finished(download_zip, export_worker)
    states = _states(page)
    assert "Download ZIP" not in states[0] and "Download ZIP" in states[-1], states
    axe(page, "the export page with both exports finished")
    shot(page, "zip-ready")
    with page.expect_download() as info:
        download_zip.click()
    download = info.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes())) as archive:
        names = archive.namelist()
    assert "manifest.json" in names and any(n.endswith(".pdf") for n in names), names
    assert any(n.endswith(".png") for n in names), names  # the original evidence file

    assert list(PortfolioExport.objects.values_list("format", "status").order_by("pk")) == [
        ("pdf", ExportStatus.DONE), ("zip", ExportStatus.DONE),
    ]
    assert console_errors == []
