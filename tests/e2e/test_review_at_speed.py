"""The assessor's review page at speed, in a real browser at 1366 px and on a 390 px phone.

Accept and refer answer in place (no reload, the scroll position kept, the outcome read out by a live
region and shown beside the claim, the focus kept on it); refer still needs feedback, its error beside the
field; "accept all claims on this evidence" asks once in a modal dialog; all of it with the keyboard alone.
The PDF preview shows in the browser's own viewer and always has a download link beside it.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Browser, Page, ViewportSize, expect

from assessments.models import Decision
from candidates import services as candidate_services
from evidence import services as evidence_services
from evidence.models import EvidenceItem, EvidenceVersion, MappingStatus
from tests.assessments.factories import items_of, submitted_evidence
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

VIEWPORTS: dict[str, ViewportSize] = {"desktop": {"width": 1366, "height": 900},
                                      "phone": {"width": 390, "height": 844}}
#: The focused element's text (visually hidden parts included), else its value or id, spaces squeezed.
FOCUSED = ("() => { const e = document.activeElement; "
           "return (e.textContent || e.value || e.id || '').replace(/\\s+/g, ' '); }")


def _version(evidence: EvidenceItem) -> EvidenceVersion:
    """The evidence's current version (every item built here has one)."""
    assert evidence.current_version is not None
    return evidence.current_version


def _claims(enrolment) -> list:
    return [item for unit in ("A1", "A2") for item in items_of(enrolment, unit)]


def _checked(page: Page, axe: Callable, shot: Callable, name: str) -> None:
    """Every step: axe-clean, no wider than the screen, a screenshot."""
    axe(page, name)
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name} scrolls sideways: {width}"
    shot(page, name)


def _tab_to(page: Page, name: str, *, back: bool = False, limit: int = 150) -> None:
    """Press Tab (Shift+Tab if `back`) until the focused element's text, value or id is `name`."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate(FOCUSED).strip() == name:
            return
    raise AssertionError(f"never reached “{name}” with the keyboard")


def _settled_scroll(page: Page) -> float:
    """The page's scroll position once it has stopped moving (Bootstrap scrolls smoothly to a focused element)."""
    last = None
    for _ in range(40):
        now = page.evaluate("() => window.scrollY")
        if now == last:
            return now
        last = now
        page.wait_for_timeout(100)
    raise AssertionError("the page never stopped scrolling")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_assessor_decides_in_place_with_the_keyboard_alone(
    page: Page, live_url: Callable[[str], str], enrolment, assessor, sign_in: Callable, shot: Callable,
    axe: Callable, console_errors: list, viewport: str,
) -> None:
    items = _claims(enrolment)  # eight claims: the page scrolls
    evidence = submitted_evidence(enrolment, items, title="Handling a hotel guest's complaint")
    mappings = {m.assessable_item_id: m for m in _version(evidence).mappings.all()}
    accept, refer = items[5], items[6]  # A2 1.2 and A2 2.1, far down the page
    sign_in(assessor.email, PASSWORD)  # at desktop width: on a phone the header folds away what it checks
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(live_url(f"/enrolments/{enrolment.pk}/review/{evidence.pk}/"))
    expect(page.get_by_role("button", name="Accept all 8 claims on this evidence")).to_be_visible()
    _checked(page, axe, shot, "review")
    page.evaluate("() => { window.notReloaded = true; }")  # gone if the page reloads

    # Accept A2 1.2 with Tab and Enter: the page stays where it was, the claim says so, the focus stays on it.
    _tab_to(page, f"Accept for A2 {accept.code}")
    scrolled = _settled_scroll(page)
    assert scrolled > 0, "the claim should be far enough down for the page to scroll"
    page.keyboard.press("Enter")
    claim = page.locator(f"#claim-{mappings[accept.pk].pk}")
    expect(claim.get_by_test_id("outcome")).to_have_text(f"✔ Accepted for A2 {accept.code}.")
    expect(claim.get_by_test_id("mapping-status")).to_contain_text("Accepted")
    expect(page.get_by_test_id("review-outcome")).to_have_text(f"Accepted for A2 {accept.code}.")
    assert page.evaluate("() => window.notReloaded") is True
    expect(page.locator(f"#claim-{mappings[accept.pk].pk}-heading")).to_be_focused()
    assert abs(_settled_scroll(page) - scrolled) <= 2, "the page jumped"
    expect(page.get_by_role("button", name="Accept all 7 claims on this evidence")).to_be_attached()
    _checked(page, axe, shot, "accepted-in-place")

    # Refer A2 2.1 with Space and no feedback: refused, the error beside the field, which takes the focus.
    feedback_id = f"refer-{mappings[refer.pk].pk}-feedback"
    _tab_to(page, f"Refer back A2 {refer.code}")
    page.keyboard.press("Space")
    field = page.locator(f"#{feedback_id}")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{feedback_id}_error")).to_contain_text("Say what is missing")
    expect(page.get_by_test_id("review-outcome")).to_contain_text("Not done: Not referred back")
    expect(page.locator(f"#{feedback_id}")).to_be_focused()  # waits: the focus moves once the swap settles
    _checked(page, axe, shot, "refer-needs-feedback")

    # She types the feedback where the focus is, then Tab and Space refer it.
    page.keyboard.type("Say how you followed up with the guest.")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_test_id("review-outcome")).to_have_text(
        f"Referred back for A2 {refer.code}; the candidate has your feedback.")
    expect(page.locator(f"#claim-{mappings[refer.pk].pk}")).to_contain_text("Say how you followed up with the guest.")
    expect(page.locator(f"#claim-{mappings[refer.pk].pk}-heading")).to_be_focused()
    expect(page.get_by_test_id("conversation")).to_contain_text("Say how you followed up with the guest.")
    assert page.evaluate("() => window.notReloaded") is True
    _checked(page, axe, shot, "referred-in-place")

    # Accept all: Enter opens the one confirmation, a modal dialog listing the six claims left; Escape closes it
    # and gives the focus back; Enter again, then Enter on "Yes" accepts them all.
    _tab_to(page, "Accept all 6 claims on this evidence", back=True)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Accept all 6 claims on this evidence?")
    expect(dialog).to_be_visible()
    expect(dialog.locator("li")).to_have_count(6)
    assert page.evaluate("() => document.getElementById('accept-all-dialog').contains(document.activeElement)")
    _checked(page, axe, shot, "accept-all-confirmation")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate(FOCUSED).strip() == "Accept all 6 claims on this evidence"
    assert not Decision.objects.filter(version=_version(evidence), assessable_item=items[0]).exists()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    _tab_to(page, "Yes, accept all 6", limit=5)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("review-outcome")).to_contain_text("Accepted all 6 claims: A1 1.1,")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#claims-heading")).to_be_focused()
    assert page.evaluate("() => window.notReloaded") is True
    _checked(page, axe, shot, "accepted-all")

    statuses = {m.assessable_item_id: m.status for m in _version(evidence).mappings.all()}
    assert statuses == {item.pk: MappingStatus.REFERRED if item == refer else MappingStatus.ACCEPTED for item in items}
    assert console_errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_without_javascript_the_same_forms_post_and_accept_all_asks_on_its_own_page(
    browser: Browser, live_url: Callable[[str], str], enrolment, assessor, shot: Callable, viewport: str,
) -> None:
    items = _claims(enrolment)[:3]
    evidence = submitted_evidence(enrolment, items)
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORTS[viewport], locale="en-GB")
    page = context.new_page()
    page.goto(live_url("/accounts/login/"))
    page.get_by_label("Email address").fill(assessor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_url(f"/enrolments/{enrolment.pk}/review/{evidence.pk}/"))

    page.get_by_role("button", name=f"Refer back A1 {items[0].code}").click()
    expect(page.get_by_text("Say what is missing from the claim on").first).to_be_visible()
    shot(page, "no-js-refer-needs-feedback")
    page.get_by_role("button", name=f"Accept for A1 {items[0].code}").click()
    expect(page.get_by_text(f"Accepted for A1 {items[0].code}.")).to_be_visible()
    assert page.url.endswith(f"#claim-{_version(evidence).mappings.get(assessable_item=items[0]).pk}")
    shot(page, "no-js-accepted")

    page.get_by_role("button", name="Accept all 2 claims on this evidence").click()
    expect(page.get_by_role("heading", name="Accept all 2 claims on this evidence?")).to_be_visible()
    assert "/accept-all/" in page.url
    shot(page, "no-js-accept-all-confirmation")
    page.get_by_role("button", name="Yes, accept all 2").click()
    expect(page.get_by_text("Accepted all 2 claims")).to_be_visible()
    shot(page, "no-js-accepted-all")
    context.close()
    assert set(_version(evidence).mappings.values_list("status", flat=True)) == {MappingStatus.ACCEPTED}


def test_the_confirmation_page_reads_well_at_desktop_and_phone(
    page: Page, live_url: Callable[[str], str], enrolment, assessor, sign_in: Callable, shot: Callable,
    axe: Callable, console_errors: list,
) -> None:
    evidence = submitted_evidence(enrolment, _claims(enrolment)[:3])
    sign_in(assessor.email, PASSWORD)
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.goto(live_url(f"/enrolments/{enrolment.pk}/review/{evidence.pk}/accept-all/"))
        expect(page.get_by_role("heading", name="Accept all 3 claims on this evidence?")).to_be_visible()
        _checked(page, axe, shot, f"accept-all-page-{name}")
    assert console_errors == []


# --- the PDF preview --------------------------------------------------------------------------------------------


def _report_pdf() -> bytes:
    from weasyprint import HTML

    out = io.BytesIO()
    HTML(string="<h1>Monthly report</h1><p>Complaints answered within the hour: 14 of 15.</p>").write_pdf(out)
    return out.getvalue()


@pytest.fixture
def pdf_evidence(enrolment) -> tuple[EvidenceItem, bytes]:
    """Submitted evidence whose one file is a real PDF report."""
    data = _report_pdf()
    item = evidence_services.evidence_create(enrolment=enrolment, kind="work_product", by=enrolment.candidate,
                                             title="Monthly report", date=datetime.date(2026, 3, 2), text="")
    evidence_services.file_add(version=_version(item), by=enrolment.candidate,
                               uploaded=SimpleUploadedFile("monthly-report.pdf", data))
    evidence_services.mappings_set(version=_version(item), assessable_item_ids=[items_of(enrolment, "A1")[0].pk],
                                   by=enrolment.candidate)
    evidence_services.version_submit(version=_version(item), by=enrolment.candidate)
    item.refresh_from_db()
    return item, data


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_pdf_shows_in_the_browser_and_downloads_from_the_link_beside_it(
    page: Page, browser: Browser, live_url: Callable[[str], str], pdf_evidence, assessor, sign_in: Callable,
    shot: Callable, axe: Callable, console_errors: list, viewport: str, tmp_path: Path,
) -> None:
    item, data = pdf_evidence
    review = live_url(f"/enrolments/{item.enrolment_id}/review/{item.pk}/")
    sign_in(assessor.email, PASSWORD)  # at desktop width: on a phone the header folds away what it checks
    page.set_viewport_size(VIEWPORTS[viewport])

    # The preview element asks for the PDF itself, inline; the download link beside it downloads the same bytes.
    with page.expect_response(lambda response: "/preview/" in response.url) as preview:
        page.goto(review)
    response = preview.value
    assert response.status == 200
    assert response.header_value("content-type") == "application/pdf"
    assert (response.header_value("content-disposition") or "").startswith('inline; filename="monthly-report.pdf"')
    expect(page.get_by_test_id("pdf-preview")).to_be_visible()
    # (The body the browser got is swapped for its viewer's page; ask for the element's address once more.)
    assert response.url == live_url(page.get_by_test_id("pdf-preview").get_attribute("data") or "")
    assert page.request.get(response.url).body() == data
    link = page.get_by_role("link", name="Download the PDF “monthly-report.pdf”")
    expect(link).to_be_visible()
    _checked(page, axe, shot, "pdf-preview")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == data
    assert download.value.suggested_filename == "monthly-report.pdf"

    # Under the site's real Content-Security-Policy (the harness bypasses it for axe), the browser's PDF viewer
    # opens inside the preview: nothing is blocked, and the fallback text stays hidden.
    strict = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-GB")
    strict.add_cookies(page.context.cookies())  # type: ignore[arg-type]  # the same session, as it was set
    real = strict.new_page()
    refused: list[str] = []
    real.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    real.goto(review)
    expect(real.get_by_test_id("pdf-preview")).to_be_visible()
    real.wait_for_function("() => navigator.pdfViewerEnabled")
    real.wait_for_timeout(1500)  # the viewer loads in its own frame
    assert any(frame.url.endswith(f"/evidence/files/{_version(item).files.get().pk}/preview/")
               for frame in real.frames), [frame.url for frame in real.frames]
    expect(real.get_by_test_id("pdf-fallback")).to_be_hidden()
    assert refused == []
    shot(real, "pdf-in-the-viewer-under-the-real-csp")
    strict.close()
    assert console_errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_decision_refused_meanwhile_shows_the_whole_page_saying_why(
    page: Page, live_url: Callable[[str], str], enrolment, assessor, centre_admin, sign_in: Callable,
    shot: Callable, axe: Callable, viewport: str,
) -> None:
    items = _claims(enrolment)[:2]
    evidence = submitted_evidence(enrolment, items)
    sign_in(assessor.email, PASSWORD)
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(live_url(f"/enrolments/{enrolment.pk}/review/{evidence.pk}/"))
    _checked(page, axe, shot, "review-before-the-pause")
    candidate_services.pause(enrolment=enrolment, by=centre_admin, reason="Parental leave")  # while she reads

    _tab_to(page, f"Accept for A1 {items[0].code}")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("reason")).to_contain_text("This enrolment is paused")
    _checked(page, axe, shot, "refused-because-paused")
    assert not Decision.objects.exists()
