"""A platform admin publishes a qualification spec in the browser; a centre enrols on it; it is retired."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from candidates.models import Centre, Enrolment, Role, RoleKind, User
from tests.units.small_spec import small_spec
from units.models import Qualification

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-and-memorable-phrase-42"
OPTION = "Mini Certificate in Customer Service — mini-cs version 1"


@pytest.fixture
def people(transactional_db: None) -> dict[str, User]:
    centre = Centre.objects.create(name="Northgate Training", code="northgate")
    pat = User.objects.create_superuser("pat@example.org", PASSWORD, first_name="Pat", last_name="Platform")
    ada = User.objects.create_user("ada@example.org", PASSWORD, first_name="Ada", last_name="Admin")
    Role.objects.create(user=ada, centre=centre, kind=RoleKind.CENTRE_ADMIN)
    ash = User.objects.create_user("ash@example.org", PASSWORD, first_name="Ash", last_name="Assessor")
    Role.objects.create(user=ash, centre=centre, kind=RoleKind.ASSESSOR)
    return {"pat": pat, "ada": ada, "ash": ash}


def open_enrolment_form(page: Page, live_url: Callable[[str], str]) -> None:
    page.goto(live_url("/centres/"))
    page.get_by_role("link", name="Enrol a candidate").click()


def test_a_spec_is_uploaded_previewed_published_enrolled_on_and_retired(
    page: Page, live_url: Callable[[str], str], people: dict, sign_in: Callable, sign_out: Callable,
    shot: Callable, axe: Callable, console_errors: list, tmp_path: Path,
) -> None:
    spec_file = tmp_path / "mini-cs.json"
    spec_file.write_bytes(small_spec())

    # The platform admin uploads the file and sees it checked and previewed; nothing is written yet.
    sign_in("pat@example.org", PASSWORD)
    page.goto(live_url("/qualifications/"))
    page.get_by_role("link", name="Qualification specs: upload, publish and retire").click()
    axe(page, "the specs list")
    page.get_by_role("link", name="Upload a spec file").click()
    axe(page, "the upload form")
    page.get_by_label("Spec file (JSON)").set_input_files(str(spec_file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_test_id("spec-checked")).to_contain_text("passed every check")
    expect(page.get_by_role("heading", name="Preview: Mini Certificate in Customer Service")).to_be_visible()
    expect(page.get_by_test_id("spec-changes")).to_contain_text("A new version")
    plan = page.get_by_test_id("spec-plan")
    expect(plan).to_contain_text("Smallest valid plan: M1, O1 (total 10).")
    expect(plan).to_contain_text("Met: Mandatory unit M1 chosen")
    expect(page.get_by_role("cell", name="Take payments")).to_be_visible()
    assert not Qualification.objects.filter(code="mini-cs").exists()
    shot(page, "spec-preview")
    axe(page, "the preview")
    page.set_viewport_size({"width": 390, "height": 844})
    axe(page, "the preview at 390 px")
    shot(page, "spec-preview-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Publish: the catalogue page of the new version.
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", name="Mini Certificate in Customer Service", exact=True)).to_be_visible()
    expect(page.get_by_text("Published mini-cs version 1.")).to_be_visible()
    assert Qualification.objects.get(code="mini-cs").units.count() == 3
    sign_out()

    # The centre admin enrols a candidate on it.
    sign_in("ada@example.org", PASSWORD)
    open_enrolment_form(page, live_url)
    page.get_by_label("Candidate's email address").fill("cara@example.org")
    page.get_by_label("First name").fill("Cara")
    page.get_by_label("Last name").fill("Candidate")
    page.get_by_label("Qualification version").select_option(label=OPTION)
    page.get_by_label("Assessor").select_option(label="Ash Assessor (ash@example.org)")
    today = datetime.date.today()
    page.get_by_label("Start date").fill(today.isoformat())
    page.get_by_label("Planned end date").fill((today + datetime.timedelta(days=365)).isoformat())
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("is enrolled on")).to_be_visible()
    assert Enrolment.objects.filter(qualification__code="mini-cs").count() == 1
    sign_out()

    # The platform admin retires it: its row says so in words, and delete is not offered (one enrolment).
    sign_in("pat@example.org", PASSWORD)
    page.goto(live_url("/qualifications/specs/"))
    row = page.get_by_test_id("spec-mini-cs-1")
    expect(row).to_contain_text("Open for enrolment")
    expect(row.get_by_role("link", name="Delete")).to_have_count(0)
    row.get_by_role("link", name="Retire").click()
    axe(page, "the retire confirmation")
    page.get_by_role("button", name="Retire this version").click()
    expect(page.get_by_test_id("spec-mini-cs-1")).to_contain_text("Retired: no new enrolments")
    shot(page, "spec-retired")
    page.set_viewport_size({"width": 390, "height": 844})
    axe(page, "the specs list at 390 px")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_out()

    # The enrolment form no longer offers it; Cara stays enrolled.
    sign_in("ada@example.org", PASSWORD)
    open_enrolment_form(page, live_url)
    expect(page.get_by_label("Qualification version").locator("option", has_text="mini-cs")).to_have_count(0)
    assert Enrolment.objects.filter(qualification__code="mini-cs").count() == 1
    assert console_errors == []
