"""The end-point assessment gateway in a real browser: the employer, the apprentice and the assessor each sign the
declaration as their own party, then the gateway pack is built by a REAL Celery worker and downloaded. Every page
is axe-clean at 1366 px and at 390 px, and no wider than the phone.

The worker (tests/exports/worker_harness.py) reads the live server's database and this test's storage folder;
Redis is REDIS_URL when set, else a private redis-server.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from apprenticeships.models import GatewaySignature
from exports.models import ExportKind, ExportStatus, PortfolioExport
from tests.apprenticeships.gateway_factories import ready
from tests.conftest import PASSWORD
from tests.exports import worker_harness
from tests.exports.worker_harness import Worker, broker, redis_for_test

pytestmark = pytest.mark.e2e

start_worker = worker_harness.start_worker


@pytest.fixture
def pack_worker(live_url, start_worker, tmp_path) -> Iterator[Worker]:
    with redis_for_test(tmp_path) as url:
        worker = start_worker(redis_url=url)
        with broker(url, {"visibility_timeout": 7200}):
            yield worker


def _at_desktop_and_phone(page: Page, axe: Callable, shot: Callable, name: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    axe(page, name)
    shot(page, name)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} is wider than 390 px"
    axe(page, f"{name} at 390 px")
    shot(page, f"{name}-390")
    page.set_viewport_size({"width": 1366, "height": 900})


def _sign(page: Page, party: str) -> None:
    page.get_by_role("button", name=f"Sign the declaration as the {party}").click()
    expect(page.get_by_text("Signed. Your signature is recorded")).to_be_visible()
    expect(page.get_by_test_id("signed-already")).to_have_text(f"You have signed as the {party}.")


def test_the_three_parties_sign_the_gateway_and_the_pack_is_built_by_a_real_worker(
    page: Page, live_url: Callable[[str], str], enrolment, employer_contact, private_storage, pack_worker: Worker,
    sign_in: Callable, sign_out: Callable, shot: Callable, axe: Callable, console_errors: list,
) -> None:
    apprentice = ready(enrolment, ksbs=3)
    gateway = live_url(reverse("apprenticeships:gateway", kwargs={"pk": apprentice.pk}))

    # The employer: their apprentices page shows Cara's off-the-job chart, and leads to her gateway.
    sign_in(employer_contact.email, PASSWORD)
    page.goto(live_url(reverse("assessments:apprentices")))
    expect(page.get_by_test_id("apprentice-otj-chart")).to_be_visible()
    expect(page.get_by_test_id("apprentice-otj-figures")).to_contain_text("hours verified")
    _at_desktop_and_phone(page, axe, shot, "employer-apprentices")
    page.get_by_role("link", name="Gateway of Cara Candidate").click()
    expect(page.get_by_role("heading", name="End-point assessment gateway", level=1)).to_be_visible()
    expect(page.get_by_test_id("gateway-ready")).to_be_visible()
    expect(page.get_by_test_id("gateway-requirement")).to_have_count(6)
    _at_desktop_and_phone(page, axe, shot, "gateway-employer")
    _sign(page, "Employer")
    sign_out()

    # The apprentice, from her own portfolio navigation.
    sign_in(apprentice.candidate.email, PASSWORD)
    page.goto(live_url(reverse("assessments:progress", kwargs={"pk": apprentice.pk})))
    page.get_by_role("link", name="Gateway", exact=True).first.click()
    expect(page).to_have_url(gateway)
    expect(page.get_by_test_id("party-employer")).to_contain_text("Signed by Erin Employer")
    _sign(page, "Apprentice")
    sign_out()

    # The training provider: the assessor signs; the pack can now be built.
    sign_in(apprentice.assessor.email, PASSWORD)
    page.goto(gateway)
    _sign(page, "Training provider")
    expect(page.get_by_test_id("gateway-signed")).to_be_visible()
    _at_desktop_and_phone(page, axe, shot, "gateway-signed")
    assert GatewaySignature.objects.count() == 3

    page.get_by_role("link", name="The gateway pack").click()
    expect(page.get_by_role("heading", name="Gateway pack", level=1)).to_be_visible()
    page.get_by_role("button", name="Build the gateway pack").click()
    expect(page.get_by_text("The gateway pack is being built")).to_be_visible()
    download = page.get_by_role("link", name=re.compile(r"^Download PDF"))
    try:
        expect(download).to_be_visible(timeout=60_000)
    except AssertionError as error:
        states = list(PortfolioExport.objects.values_list("pk", "kind", "status", "stage", "error"))
        pytest.fail(f"{error}\nExports: {states}\nWorker log:\n{pack_worker.tail()}", pytrace=False)
    _at_desktop_and_phone(page, axe, shot, "gateway-pack-ready")
    with page.expect_download() as info:
        download.click()
    assert re.fullmatch(r"gateway-pack-cara-candidate-\d{4}-\d{2}-\d{2}\.pdf", info.value.suggested_filename)
    text = " ".join(p.extract_text() for p in PdfReader(info.value.path()).pages).replace("\n", " ")
    for expected in ("End-point assessment gateway pack", "Cara Candidate", "Erin Employer", "Ash Assessor",
                     "We declare that the apprentice", "K1", "Reply to a complaint"):
        assert expected in text, expected
    pack = PortfolioExport.objects.get()
    assert (pack.kind, pack.status) == (ExportKind.GATEWAY_PACK, ExportStatus.DONE)
    assert pack.declaration_hash in text.replace(" ", "")
    assert console_errors == []
