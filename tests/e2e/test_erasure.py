"""People's data in a real browser: the centre admin's erasure dry run, then the erasure, after which the audit
trail still verifies; and a subject-access copy of one person. Axe at 1366 and 390 px."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from playwright.sync_api import Page, ViewportSize, expect

from audit.models import AuditRecord
from candidates.models import Enrolment, User
from evidence.models import EvidenceFile, EvidenceVersion
from privacy.services.subject_access import subject_access_build
from privacy.tasks import build_subject_access_export
from tests.conftest import PASSWORD
from tests.privacy.conftest import expire, fill

pytestmark = pytest.mark.e2e

DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def due(enrolment: Enrolment, assessor: User, private_storage: Any, settings: Any, tmp_path: Any) -> Enrolment:
    """Cara's enrolment, full of her data, withdrawn a day longer ago than the retention period."""
    settings.AUDIT_HEAD_PATH = tmp_path / "audit-head.json"
    fill(enrolment, assessor=assessor)
    return expire(enrolment)


def _fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_centre_admin_runs_a_dry_run_then_erases_and_the_audit_trail_verifies(
    page: Page, live_url: Callable[[str], str], sign_in: Callable, shot: Callable, axe: Callable,
    due: Enrolment, centre_admin: User, console_errors: list,
) -> None:
    stored = EvidenceFile.objects.get(version__item__enrolment=due).name
    records_before = AuditRecord.objects.count()
    page.set_viewport_size(DESKTOP)
    sign_in(centre_admin.email, PASSWORD)
    page.goto(live_url(f"/centres/{due.centre_id}/enrolments/"))
    page.get_by_role("link", name="Erasure of personal data").click()

    # The dry run: what would go, counted; nothing changes.
    dry_run = page.get_by_test_id("erasure-dry-run")
    expect(dry_run).to_contain_text("1 enrolment is past the retention period.")
    expect(dry_run.get_by_role("rowheader")).to_contain_text(f"#{due.pk} Cara Candidate")
    expect(dry_run).to_contain_text("closed and erased")
    axe(page, "the erasure dry run at 1366 px")
    shot(page, "dry-run-1366")
    page.set_viewport_size(PHONE)
    _fits(page, 390)
    axe(page, "the erasure dry run at 390 px")
    shot(page, "dry-run-390")
    assert EvidenceVersion.objects.get(item__enrolment=due).title != "[erased]"
    assert AuditRecord.objects.count() == records_before

    # Erasing without ticking the confirmation is refused, with the reason beside the box.
    page.get_by_role("button", name="Erase 1 enrolment").click()
    expect(page.get_by_text("Tick the box to confirm the erasure.")).to_be_visible()
    axe(page, "the refused erasure at 390 px")
    shot(page, "confirm-missing-390")
    page.set_viewport_size(DESKTOP)

    page.get_by_label("I understand that the personal data listed above will be erased for good").check()
    page.get_by_role("button", name="Erase 1 enrolment").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "The personal data of 1 enrolment was erased")
    expect(page.get_by_test_id("erasure-dry-run")).to_contain_text("nothing would be erased")
    axe(page, "after the erasure at 1366 px")
    shot(page, "erased-1366")
    page.set_viewport_size(PHONE)
    _fits(page, 390)
    axe(page, "after the erasure at 390 px")

    version = EvidenceVersion.objects.get(item__enrolment=due)
    assert (version.title, version.text) == ("[erased]", "[erased]")
    assert not default_storage.exists(stored)
    assert User.objects.get(pk=due.candidate_id).get_full_name() == f"Erased person #{due.candidate_id}"
    assert AuditRecord.objects.filter(action="personal data erased", enrolment_id=due.pk,
                                      actor_id=centre_admin.pk).count() == 1
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"Audit trail intact: {records_before + 1} records in " in out.getvalue()
    # The one error the console saw: the refused form's answer, 400 Bad Request, as meant.
    assert [error for error in console_errors if "400 (Bad Request)" not in error] == []


def test_the_centre_admin_downloads_a_copy_of_a_persons_data(
    page: Page, live_url: Callable[[str], str], sign_in: Callable, shot: Callable, axe: Callable,
    due: Enrolment, centre_admin: User, monkeypatch: Any,
) -> None:
    # The worker's task, run where it is enqueued (after the request commits): the real worker is tested in
    # tests/exports; here the pages are.
    monkeypatch.setattr(build_subject_access_export, "apply_async",
                        lambda args, **kwargs: subject_access_build(export_id=args[0]))
    Enrolment.objects.filter(pk=due.pk).update(status="active")
    page.set_viewport_size(DESKTOP)
    sign_in(centre_admin.email, PASSWORD)
    page.goto(live_url(f"/enrolments/{due.pk}/"))
    page.get_by_role("link", name="Their personal data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personal data of Cara Candidate")
    axe(page, "a person's data at 1366 px")
    page.get_by_role("button", name="Export all their data").click()
    download_link = page.get_by_role("link", name="Download ZIP")
    expect(download_link).to_be_visible()
    axe(page, "a person's data with a copy at 1366 px")
    shot(page, "copy-ready-1366")
    page.set_viewport_size(PHONE)
    _fits(page, 390)
    axe(page, "a person's data with a copy at 390 px")
    shot(page, "copy-ready-390")
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.startswith(f"personal-data-{due.candidate_id}-")
    assert AuditRecord.objects.filter(action="subject access export requested", actor_id=centre_admin.pk).exists()
