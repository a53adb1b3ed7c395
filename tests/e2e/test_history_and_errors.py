"""The history in words, and errors at their cause, as the EQA, the IQA and the centre admin meet them.

Each page is checked with axe at 1366x900 and at a 390x844 phone, is no wider than the phone,
and every step is saved as a screenshot.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import FilePayload, Page, ViewportSize, expect

from assessments import services
from audit.models import AuditRecord
from candidates import services as candidate_services
from tests.assessments.factories import items_of, mapping_of, signed_unit, submitted_evidence
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


def _at_desktop_and_phone(page: Page, axe: Callable, shot: Callable, name: str) -> None:
    """axe and a screenshot at 1366 px, then at 390 px (no wider than the phone), back at 1366 px."""
    page.set_viewport_size(DESKTOP)
    axe(page, name)
    shot(page, name)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{name} is wider than 390 px"
    axe(page, f"{name} at 390 px")
    shot(page, f"{name}-390")
    page.set_viewport_size(DESKTOP)


def test_the_eqa_reads_the_history_in_words_and_opens_a_raw_record(
    page: Page, live_url: Callable[[str], str], enrolment, assessor, iqa, centre_admin, eqa, sign_in: Callable,
    shot: Callable, axe: Callable, console_errors: list,
) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item], title="Call log")
    services.mapping_refer(mapping=mapping_of(evidence, item), by=assessor, feedback="Add the customer's reply.")
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    services.unit_sample(unit_sign_off=sign_off, by=iqa)
    candidate_services.pause(enrolment=enrolment, by=centre_admin, reason="Parental leave until May")
    paused = AuditRecord.objects.get(action="enrolment paused")

    sign_in(eqa.email, PASSWORD)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/history/"))
    history = page.get_by_test_id("history")
    sentences = history.get_by_test_id("history-sentence")
    expect(sentences.first).to_have_text("Ada Admin (centre admin) paused the enrolment: Parental leave until May")
    expect(history).to_contain_text("Ivy Quality (IQA) took unit B3")
    expect(history).to_contain_text(f"Ash Assessor (assessor) referred the claim on A1 {item.code}: {item.text}")
    expect(history).to_contain_text("Cara Candidate (candidate) submitted the evidence “Call log” (version 1)")
    expect(page.get_by_test_id("history-zone")).to_contain_text("Europe/London")
    expect(history.locator("time").first).to_have_text(re.compile(r"^\d{1,2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST)$"))
    # The raw record is closed until asked for; the hashes are not on the page's surface.
    raw = history.locator("details").first
    expect(raw.locator("dl")).to_be_hidden()
    _at_desktop_and_phone(page, axe, shot, "history")

    raw.locator("summary").click()
    expect(raw).to_contain_text(paused.hash)
    expect(raw).to_contain_text(paused.hmac)
    expect(raw).to_contain_text('"reason": "Parental leave until May"')
    expect(raw).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z"))
    _at_desktop_and_phone(page, axe, shot, "history-raw-record")
    # At the phone's width the open record's hashes wrap rather than widen the page.
    page.set_viewport_size(PHONE)
    raw.scroll_into_view_if_needed()
    shot(page, "history-raw-record-390-open")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not console_errors


def test_the_iqa_referring_a_unit_without_comments_is_told_which_unit_on_its_field(
    page: Page, live_url: Callable[[str], str], enrolment, assessor, iqa, sign_in: Callable, shot: Callable,
    axe: Callable, console_errors: list,
) -> None:
    signed_unit(enrolment, "A1", assessor=assessor)
    b3 = signed_unit(enrolment, "B3", assessor=assessor)
    sign_in(iqa.email, PASSWORD)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/progress/"))
    _at_desktop_and_phone(page, axe, shot, "progress-before")

    page.get_by_role("button", name="Refer unit B3 back to the assessor").click()
    field = page.get_by_label("Comments if you refer unit B3 back")
    expect(field).to_have_attribute("aria-invalid", "true")
    error = page.locator(f"#iqa-refer-{b3.pk}-comments_error")
    expect(error).to_have_text("Say why you are referring unit B3 back: what must the assessor look at again?")
    # The error is next to its field (directly below it), and only B3's form shows it.
    field_box, error_box = field.bounding_box(), error.bounding_box()
    assert field_box and error_box and 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 40
    expect(page.get_by_label("Comments if you refer unit A1 back")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator(".messages")).to_have_count(0)  # no banner far from the field
    _at_desktop_and_phone(page, axe, shot, "refer-without-comments")

    field.fill("The observation record is unsigned.")
    page.get_by_role("button", name="Refer unit B3 back to the assessor").click()
    expect(page.get_by_text("Unit B3 referred back to Ash Assessor")).to_be_visible()
    _at_desktop_and_phone(page, axe, shot, "referred")
    assert not console_errors


def test_a_reassignment_to_the_same_assessor_is_refused_on_the_field(
    page: Page, live_url: Callable[[str], str], enrolment, assessor, centre_admin, sign_in: Callable,
    shot: Callable, axe: Callable, console_errors: list,
) -> None:
    sign_in(centre_admin.email, PASSWORD)
    page.goto(live_url(f"/enrolments/{enrolment.pk}/"))
    page.get_by_label("New assessor").select_option(value=str(assessor.pk))
    page.locator("#id_assessor_reason").fill("Caseload")
    page.get_by_role("button", name="Reassign the assessor").click()
    expect(page.get_by_label("New assessor")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_assessor_to_user_error")).to_have_text(
        "Ash Assessor is already the assessor of this enrolment.")
    expect(page.locator("#id_assessor_reason")).to_have_value("Caseload")
    _at_desktop_and_phone(page, axe, shot, "reassign-refused")
    assert not console_errors


def test_the_csv_check_lists_every_problem_of_a_row(
    page: Page, live_url: Callable[[str], str], centre, qualification, assessor, iqa, centre_admin,
    sign_in: Callable, shot: Callable, axe: Callable, console_errors: list,
) -> None:
    header = ("email,first_name,last_name,qualification_code,qualification_version,assessor_email,iqa_email,"
              "start_date,planned_end_date,uln,registration_number")
    good = "anna@example.org,Anna,Able,tiny,1,ash.assessor@example.org,,2026-09-01,2027-08-31,,"
    worst = "not-an-email,Cat,Cole,nope,,ash.assessor@example.org,,2026-31-01,2027-08-31,,"
    sign_in(centre_admin.email, PASSWORD)
    page.goto(live_url(f"/centres/{centre.pk}/enrolments/upload/"))
    _at_desktop_and_phone(page, axe, shot, "upload")
    upload: FilePayload = {"name": "enrol.csv", "mimeType": "text/csv",
                           "buffer": f"{header}\n{good}\n{worst}\n".encode()}
    page.get_by_label(re.compile("CSV file", re.I)).set_input_files(files=[upload])
    page.get_by_role("button", name="Check the file").click()
    preview = page.get_by_test_id("bulk-preview")
    row = preview.locator("tr", has=page.locator("th", has_text=re.compile(r"^3$")))
    problems = row.locator("li")
    expect(problems).to_have_count(3)
    expect(problems.nth(0)).to_contain_text("“not-an-email” is not a valid email address.")
    expect(problems.nth(1)).to_contain_text("Unknown qualification code “nope”")
    expect(problems.nth(2)).to_contain_text("Start date “2026-31-01” is not a date")
    expect(preview.locator("caption")).to_contain_text("3 problems")
    expect(page.get_by_role("button", name=re.compile("Enrol these"))).to_have_count(0)
    _at_desktop_and_phone(page, axe, shot, "csv-preview")
    assert not console_errors


def test_a_row_that_went_bad_after_the_check_is_shown_beside_its_row_on_confirming(
    page: Page, live_url: Callable[[str], str], centre, qualification, assessor, iqa, centre_admin,
    sign_in: Callable, shot: Callable, axe: Callable, console_errors: list,
) -> None:
    header = ("email,first_name,last_name,qualification_code,qualification_version,assessor_email,iqa_email,"
              "start_date,planned_end_date,uln,registration_number")
    anna = "anna@example.org,Anna,Able,tiny,1,ash.assessor@example.org,,2026-09-01,2027-08-31,,"
    ben = "ben@example.org,Ben,Best,tiny,1,ash.assessor@example.org,,2026-09-01,2027-08-31,,"
    sign_in(centre_admin.email, PASSWORD)
    page.goto(live_url(f"/centres/{centre.pk}/enrolments/upload/"))
    upload: FilePayload = {"name": "enrol.csv", "mimeType": "text/csv", "buffer": f"{header}\n{anna}\n{ben}\n".encode()}
    page.get_by_label(re.compile("CSV file", re.I)).set_input_files(files=[upload])
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("button", name="Enrol these 2 candidates")).to_be_visible()
    _at_desktop_and_phone(page, axe, shot, "csv-ready")

    # Meanwhile a colleague enrols Ben by hand.
    candidate_services.enrol_candidate(
        centre=centre, by=centre_admin, email="ben@example.org", first_name="Ben", last_name="Best",
        qualification=qualification, assessor=assessor, start_date=datetime.date(2026, 9, 1),
        planned_end_date=datetime.date(2027, 8, 31))
    page.get_by_role("button", name="Enrol these 2 candidates").click()
    expect(page.locator(".messages")).to_contain_text("Nothing was saved: some rows changed")
    preview = page.get_by_test_id("bulk-preview")
    ben_row = preview.locator("tr", has=page.locator("th", has_text=re.compile(r"^3$")))
    expect(ben_row.locator("li")).to_have_count(1)
    expect(ben_row).to_contain_text("ben@example.org is already enrolled on")
    expect(preview.locator("tr", has=page.locator("th", has_text=re.compile(r"^2$")))).to_contain_text("Ready")
    _at_desktop_and_phone(page, axe, shot, "csv-went-bad")
    assert not console_errors
