"""A candidate builds evidence in a real browser: uploads with progress, a statement, mapping, submission."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from candidates.models import Centre, Enrolment, Role, RoleKind, User
from evidence.models import EvidenceItem, VersionStatus
from tests.evidence import generated
from tests.evidence.evidence_factories import make_evidence
from units.models import AssessableItem, Qualification

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-and-memorable-phrase-42"


@pytest.fixture
def enrolment() -> Enrolment:
    """Cara, enrolled on the Customer Service National Standards Level 3 (loaded from fixtures/qualifications)."""
    call_command("load_specs", verbosity=0)
    centre = Centre.objects.create(name="Northgate Training", code="northgate")
    cara = User.objects.create_user("cara@example.org", PASSWORD, first_name="Cara", last_name="Candidate")
    ash = User.objects.create_user("ash@example.org", PASSWORD, first_name="Ash", last_name="Assessor")
    Role.objects.create(user=cara, centre=centre, kind=RoleKind.CANDIDATE)
    Role.objects.create(user=ash, centre=centre, kind=RoleKind.ASSESSOR)
    today = datetime.date.today()
    return Enrolment.objects.create(
        candidate=cara, centre=centre, assessor=ash, start_date=today - datetime.timedelta(days=30),
        planned_end_date=today + datetime.timedelta(days=300),
        qualification=Qualification.objects.filter(code="cs-standards-l3").latest_versions().get(),
    )


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    photo, report = tmp_path / "site-visit.jpg", tmp_path / "monthly-report.pdf"
    photo.write_bytes(generated.photo(size=(640, 480)))
    report.write_bytes(generated.pdf())
    return [photo, report]


def _cell(page: Page, item: AssessableItem):
    return page.locator(f'a.matrix-cell[href$="?item={item.pk}"]')


def test_a_candidate_uploads_writes_maps_and_submits_evidence(
    page: Page, live_url: Callable[[str], str], enrolment: Enrolment, files: list[Path], sign_in: Callable,
    shot: Callable, axe: Callable, console_errors: list,
) -> None:
    units = list(enrolment.qualification.units.order_by("order", "code")[:2])
    first, second = (unit.items.order_by("order").first() for unit in units)

    sign_in("cara@example.org", PASSWORD)
    expect(page.get_by_test_id("evidence-progress")).to_be_visible()
    axe(page, "home")
    shot(page, "home-before")

    # The tracking matrix starts empty.
    page.get_by_role("link", name="Tracking matrix").click()
    expect(_cell(page, first)).to_have_attribute("data-status", "none")
    axe(page, "the empty matrix")
    shot(page, "matrix-empty")

    # A work product: the draft, then two files uploaded at once, each with its own progress bar.
    page.goto(live_url(f"/enrolments/{enrolment.pk}/evidence/new/"))
    axe(page, "the new evidence form")
    page.get_by_label(re.compile(r"Work product:")).check()
    page.get_by_role("textbox", name=re.compile("^Title")).fill("Site visit and monthly report")
    text = page.get_by_role("textbox", name=re.compile("^Text"))
    text.fill("The photo shows the display I set up; the report is the one I wrote.")
    shot(page, "new-work-product")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", name="Site visit and monthly report")).to_be_visible()
    # The heading can show before the page's scripts ran; upload.js must be listening before files are chosen.
    page.wait_for_load_state("load")
    page.get_by_label("Choose one or more files, or drop them here").set_input_files([str(f) for f in files])
    bars = page.locator("[data-upload-results] progress")
    expect(bars).to_have_count(2)
    for name in ("site-visit.jpg", "monthly-report.pdf"):
        expect(page.locator("[data-upload-results] label", has_text=name)).to_be_visible()
    expect(page.locator("[data-upload-results] .upload-ok")).to_have_count(2)
    expect(page.get_by_test_id("evidence-file")).to_have_count(2)
    expect(page.get_by_role("img", name="Preview of site-visit.jpg")).to_be_visible()
    assert bars.evaluate_all("bars => bars.map(bar => bar.value)") == [100, 100]
    axe(page, "the draft with its uploads")
    shot(page, "uploaded-with-progress")

    # A refused file is named with its reason, and nothing is added.
    page.get_by_label("Choose one or more files, or drop them here").set_input_files(files=[{
        "name": "logo.svg", "mimeType": "image/svg+xml",
        "buffer": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    }])
    expect(page.locator("[data-upload-results] .upload-refused")).to_contain_text("Refused")
    expect(page.locator("[data-upload-results] label", has_text="logo.svg")).to_be_visible()
    expect(page.get_by_test_id("evidence-file")).to_have_count(2)
    shot(page, "refused-upload")

    # Map it to items of two units, then submit.
    page.get_by_role("link", name="Map to criteria").click()
    axe(page, "the mapping tree")
    page.locator(f"#item-{first.pk}").check()
    page.locator(f"#item-{second.pk}").check()
    shot(page, "mapping")
    page.get_by_role("button", name="Save the mapping").click()
    expect(page.get_by_text("Mapping saved.")).to_be_visible()
    page.get_by_role("button", name="Submit for assessment").click()
    expect(page.get_by_text("Submitted to your assessor.")).to_be_visible()
    expect(page.get_by_role("link", name="Edit the text")).to_have_count(0)
    axe(page, "the submitted work product")
    shot(page, "work-product-submitted")

    # A personal statement, mapped to the first unit's item too.
    page.goto(live_url(f"/enrolments/{enrolment.pk}/evidence/new/"))
    page.get_by_label(re.compile(r"Personal statement:")).check()
    page.get_by_role("textbox", name=re.compile("^Title")).fill("How I set up the display")
    text.fill("I planned the display with my team leader and checked it with customers.")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("link", name="Map to criteria").click()
    page.locator(f"#item-{first.pk}").check()
    page.get_by_role("button", name="Save the mapping").click()
    page.get_by_role("button", name="Submit for assessment").click()
    expect(page.get_by_text("Submitted to your assessor.")).to_be_visible()
    shot(page, "statement-submitted")

    # The library lists both, and filters.
    page.goto(live_url(f"/enrolments/{enrolment.pk}/evidence/"))
    expect(page.locator("#library-count")).to_have_text(re.compile("^2 pieces of evidence"))
    axe(page, "the library")
    shot(page, "library")
    page.get_by_label("Kind").select_option(label="Personal statement")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#library-count")).to_have_text(re.compile("^1 piece of evidence"))
    expect(page.get_by_role("link", name="How I set up the display")).to_be_visible()
    shot(page, "library-filtered")

    # The matrix now counts the evidence behind each item, and a cell opens it.
    page.goto(live_url(f"/enrolments/{enrolment.pk}/matrix/"))
    expect(_cell(page, first)).to_have_attribute("data-status", "claimed")
    expect(_cell(page, first).locator(".matrix-count")).to_have_text("2")
    expect(_cell(page, second).locator(".matrix-count")).to_have_text("1")
    axe(page, "the matrix with evidence")
    shot(page, "matrix-after")
    _cell(page, second).click()
    expect(page.locator("#library-count")).to_have_text(re.compile("^1 piece of evidence"))
    expect(page.get_by_role("link", name="Site visit and monthly report")).to_be_visible()
    shot(page, "library-for-one-item")

    page.goto(live_url("/"))
    expect(page.get_by_test_id("recent-evidence")).to_contain_text("How I set up the display")
    shot(page, "home-after")

    assert set(EvidenceItem.objects.values_list("current_version__status", flat=True)) == {VersionStatus.SUBMITTED}
    assert console_errors == []


def test_files_dropped_on_the_upload_zone_are_uploaded_each_with_its_result(
    page: Page, live_url: Callable[[str], str], enrolment: Enrolment, sign_in: Callable, shot: Callable,
    console_errors: list,
) -> None:
    item = make_evidence(enrolment, with_file=False)
    sign_in("cara@example.org", PASSWORD)
    page.goto(live_url(f"/evidence/{item.pk}/"))
    zone = page.locator("form[data-upload]")
    # A real drag from the desktop cannot be scripted; a drop event carrying files is what the page receives.
    dropped = page.evaluate_handle("""() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(["Notes from the team meeting.\\n"], "meeting-notes.txt", {type: "text/plain"}));
        transfer.items.add(new File(["<svg xmlns='http://www.w3.org/2000/svg'></svg>"], "logo.svg"));
        return transfer;
    }""")
    zone.dispatch_event("dragenter", {"dataTransfer": dropped})
    expect(zone).to_have_class(re.compile(r"\bis-dragover\b"))
    zone.dispatch_event("drop", {"dataTransfer": dropped})
    expect(zone).not_to_have_class(re.compile(r"\bis-dragover\b"))
    expect(page.locator("[data-upload-results] .upload-ok")).to_have_count(1)
    expect(page.locator("[data-upload-results] .upload-refused")).to_have_count(1)
    expect(page.locator("[data-upload-results] li", has_text="logo.svg")).to_contain_text("Refused")
    expect(page.get_by_test_id("evidence-file")).to_have_count(1)
    shot(page, "dropped-files")
    assert list(item.current_version.files.values_list("original_name", flat=True)) == ["meeting-notes.txt"]
    assert console_errors == []
