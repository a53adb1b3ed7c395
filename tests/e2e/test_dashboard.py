"""The centre dashboard and a report in a real browser: the centre admin reads the charts and the tables beside
them (from the centre's stored figures) at 1366 and 390 px, asks for a report, a REAL Celery worker builds it
while the page shows its progress, and she downloads the workbook.

The worker (tests/exports/worker_harness.py) is a `celery worker` subprocess on a queue of this test, reading the
live server's database and this test's storage folder; Redis is REDIS_URL when set, else a private redis-server.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, ViewportSize, expect

from assessments import services as assessment_services
from candidates.models import Enrolment, UnitChoice, User
from exports.services import figures_compute
from exports.tasks import refresh_centre_figures
from tests.assessments.factories import signed_unit, unit_of
from tests.conftest import PASSWORD
from tests.exports import worker_harness
from tests.exports.worker_harness import Worker, broker, redis_for_test

pytestmark = pytest.mark.e2e

start_worker = worker_harness.start_worker

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
DONE_TIMEOUT_MS = 45_000


@pytest.fixture
def report_worker(live_url, start_worker, tmp_path) -> Iterator[Worker]:
    with redis_for_test(tmp_path) as url:
        worker = start_worker(redis_url=url, gather_delay=2)
        with broker(url, {"visibility_timeout": 7200}):
            yield worker


@pytest.fixture
def centre_at_work(enrolment, other_enrolment, assessor, iqa, private_storage) -> Enrolment:
    """Cara: A1 and A2 planned, A1 signed off and in the IQA's sample. Olga: quiet for months, past her end date.
    Cara's name is a formula, which the report must write as text."""
    UnitChoice.objects.bulk_create([UnitChoice(enrolment=enrolment, unit=unit_of(enrolment, c)) for c in ("A1", "A2")])
    sign_off = signed_unit(enrolment, "A1", assessor=assessor)
    assessment_services.unit_sample(unit_sign_off=sign_off, by=iqa)
    today = timezone.localdate()
    Enrolment.objects.filter(pk=other_enrolment.pk).update(
        start_date=today - datetime.timedelta(days=400), planned_end_date=today - datetime.timedelta(days=5))
    User.objects.filter(pk=enrolment.candidate_id).update(first_name="=SUM(1,2)")
    figures_compute(centre_id=enrolment.centre_id)  # the dashboard's figures, as the worker computes them
    return enrolment


def _fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_centre_admin_reads_the_dashboard_and_downloads_a_report_built_by_a_worker(
    page: Page, centre_at_work, centre_admin, report_worker: Worker, sign_in: Callable, shot: Callable,
    axe: Callable, console_errors: list,
) -> None:
    page.set_viewport_size(DESKTOP)
    sign_in(centre_admin.email, PASSWORD)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Northgate Training at a glance", level=1)).to_be_visible()
    expect(page.get_by_test_id("figures-freshness")).to_contain_text("Figures as of")
    expect(page.get_by_role("button", name="Refresh the figures")).to_be_visible()

    # The stage chart and the table beside it say the same: one candidate with units signed off, one not started.
    expect(page.get_by_test_id("chart-stages")).to_be_visible()
    stages = page.get_by_test_id("table-stages")
    expect(stages.get_by_role("row", name="Units signed off 1", exact=True)).to_be_visible()
    expect(stages.get_by_role("row", name="Not started 1", exact=True)).to_be_visible()
    expect(page.get_by_test_id("table-risk").get_by_role("row", name="Past the planned end date 1", exact=True)
           ).to_be_visible()
    expect(page.get_by_test_id("at-risk-list")).to_contain_text("Olga Other")
    expect(page.get_by_test_id("table-units").get_by_test_id("row-units-in_sample")).to_contain_text("1")
    expect(page.get_by_test_id("sampling-table")).to_contain_text("Ash Assessor")
    expect(page.get_by_test_id("at-risk-list")).not_to_contain_text("SUM")  # Cara is not at risk
    axe(page, "the dashboard at 1366 px")
    shot(page, "dashboard-1366")
    page.set_viewport_size(PHONE)
    _fits(page, 390)
    axe(page, "the dashboard at 390 px")
    shot(page, "dashboard-390")
    page.set_viewport_size(DESKTOP)

    # She asks for the progress report as a workbook: the page comes back at once with a progress bar.
    page.get_by_role("link", name="Reports to download").click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    page.get_by_label("Progress: every enrolment's stage, units and risks").check()
    page.get_by_label("XLSX (Excel workbook)").check()
    page.get_by_role("button", name="Build the report").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    axe(page, "the reports page with the progress bar")
    shot(page, "report-in-progress")
    download = page.get_by_role("link", name="Download XLSX")
    try:
        expect(download).to_be_visible(timeout=DONE_TIMEOUT_MS)
    except AssertionError as error:
        pytest.fail(f"{error}\nWorker log:\n{report_worker.tail()}", pytrace=False)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    axe(page, "the reports page with the finished report")
    page.set_viewport_size(PHONE)
    _fits(page, 390)
    axe(page, "the reports page at 390 px")
    shot(page, "report-ready-390")
    page.set_viewport_size(DESKTOP)

    with page.expect_download() as info:
        download.click()
    saved = info.value
    assert saved.suggested_filename.startswith("progress-northgate-") and saved.suggested_filename.endswith(".xlsx")
    rows = list(load_workbook(io.BytesIO(Path(saved.path()).read_bytes())).active.iter_rows(values_only=True))
    assert rows[0][0] == "candidate" and len(rows) == 3
    names = sorted(row[0] for row in rows[1:])
    assert names == ["'=SUM(1,2) Candidate", "Olga Other"]  # text, not a formula
    assert not console_errors


def test_the_figures_are_prepared_then_refreshed_on_the_admin_s_asking(
    page: Page, enrolment, other_enrolment, centre_admin, sign_in: Callable, shot: Callable, axe: Callable,
    console_errors: list, monkeypatch, live_url: Callable,
) -> None:
    """No figures yet: the page says they are being prepared and asks a worker once; once computed, "Refresh the
    figures" asks again, and the page says they are being refreshed. The tasks are recorded, not sent."""
    queued: list[tuple] = []
    monkeypatch.setattr(refresh_centre_figures, "apply_async", lambda args, **kwargs: queued.append(args))
    page.set_viewport_size(DESKTOP)
    sign_in(centre_admin.email, PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(live_url(f"/centres/{enrolment.centre_id}/dashboard/"))
    expect(page.get_by_role("status").filter(has_text="The figures are being prepared")).to_be_visible()
    expect(page.get_by_role("link", name="Reload this page in a minute to see them")).to_be_visible()
    _fits(page, 390)
    axe(page, "the dashboard while its figures are prepared, at 390 px")
    shot(page, "figures-prepared-390")
    assert queued == [(enrolment.centre_id,)]

    refresh_centre_figures(enrolment.centre_id)  # the worker
    page.get_by_role("link", name="Reload this page in a minute to see them").click()
    expect(page.get_by_test_id("figures-freshness")).to_contain_text("Figures as of")
    page.get_by_role("button", name="Refresh the figures").click()
    expect(page.get_by_text("The figures are being computed again.")).to_be_visible()
    expect(page.get_by_test_id("figures-freshness")).to_contain_text("They are being refreshed")
    expect(page.get_by_role("button", name="Refresh the figures")).to_have_count(0)
    _fits(page, 390)
    axe(page, "the dashboard while its figures are refreshed, at 390 px")
    shot(page, "figures-refreshing-390")
    assert queued == [(enrolment.centre_id,), (enrolment.centre_id,)]
    assert not console_errors
