"""A centre's reports: asking for one, the build (each kind, CSV and XLSX, formulas escaped), who may see it."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import services as assessment_services
from candidates.models import UnitChoice, User
from exports import services
from exports.models import CentreReport, ExportStatus, ReportFormat, ReportKind
from exports.tasks import build_centre_report
from tests.assessments.factories import signed_unit, unit_of

pytestmark = pytest.mark.django_db

FORMULA = "=HYPERLINK(\"http://evil.example\",\"x\")"


@pytest.fixture
def queued(monkeypatch) -> list[tuple]:
    """The report tasks queued, recorded instead of sent to a broker."""
    calls: list[tuple] = []
    monkeypatch.setattr(build_centre_report, "apply_async", lambda args, **kwargs: calls.append(args))
    return calls


@pytest.fixture
def signed_centre(enrolment, assessor, iqa, private_storage):
    """Cara, renamed to a formula, with A1 and A2 planned; A1 signed off and countersigned, A2 signed off."""
    User.objects.filter(pk=enrolment.candidate_id).update(first_name=FORMULA, last_name="")
    enrolment.candidate.refresh_from_db()
    UnitChoice.objects.bulk_create([UnitChoice(enrolment=enrolment, unit=unit_of(enrolment, c)) for c in ("A1", "A2")])
    first = signed_unit(enrolment, "A1", assessor=assessor)
    assessment_services.unit_sample(unit_sign_off=first, by=iqa)
    assessment_services.countersign(unit_sign_off=first, by=iqa)
    signed_unit(enrolment, "A2", assessor=assessor)
    return enrolment


def _built(centre, by, kind: str, format: str) -> CentreReport:
    report = services.report_request(centre=centre, by=by, kind=kind, format=format)
    assert services.report_build(report_id=report.pk) == "done"
    report.refresh_from_db()
    return report


def _sheet(report: CentreReport) -> list[list]:
    with default_storage.open(report.file_name, "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_asking_for_a_report_queues_its_build_after_commit(centre, centre_admin, queued,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(centre=centre, by=centre_admin, kind=ReportKind.PROGRESS,
                                         format=ReportFormat.CSV)
    assert queued == [(report.pk,)]
    assert report.status == ExportStatus.QUEUED


def test_the_progress_report_as_xlsx_lists_every_enrolment_with_formulas_escaped(signed_centre, other_enrolment,
                                                                                centre, centre_admin):
    report = _built(centre, centre_admin, ReportKind.PROGRESS, ReportFormat.XLSX)
    rows = _sheet(report)
    headings, body = rows[0], rows[1:]
    assert headings[:3] == ["candidate", "email", "uln"] and report.rows == 2 == len(body)
    cara = next(row for row in body if row[1] == signed_centre.candidate.email)
    assert cara[0] == "'" + FORMULA  # text, never a formula
    assert cara[headings.index("units_planned")] == 2 and cara[headings.index("units_signed_off")] == 2
    assert cara[headings.index("stage")] == "Eligible for certification"  # A1 countersigned, A2 outside the sample
    with default_storage.open(report.file_name, "rb") as handle:
        cell = load_workbook(io.BytesIO(handle.read())).active["A2"]
    assert cell.data_type == "s"


def test_the_achievement_report_as_csv_names_the_units_achieved(signed_centre, centre, centre_admin):
    report = _built(centre, centre_admin, ReportKind.ACHIEVEMENT, ReportFormat.CSV)
    with default_storage.open(report.file_name, "rb") as handle:
        rows = list(csv.reader(io.StringIO(handle.read().decode("utf-8-sig"))))
    assert rows[0][:3] == ["uln", "registration_number", "candidate"]
    assert rows[1][2] == "'" + FORMULA
    assert rows[1][7] == "A1 A2" and rows[1][8] == "2"


def test_the_sampling_and_caseload_reports_count_per_assessor(signed_centre, centre, centre_admin, assessor):
    sampling = _sheet(_built(centre, centre_admin, ReportKind.SAMPLING, ReportFormat.XLSX))
    assert sampling[1:] == [
        ["Ash Assessor", "tiny", "A1", 1, 1, 1, 0, 100],
        ["Ash Assessor", "tiny", "A2", 1, 0, 0, 0, 0],
    ]
    caseload = _sheet(_built(centre, centre_admin, ReportKind.CASELOAD, ReportFormat.XLSX))
    row = next(r for r in caseload[1:] if r[1] == assessor.email)
    assert row[2] == 1  # one active enrolment


def test_a_second_delivery_of_a_finished_report_changes_nothing(signed_centre, centre, centre_admin):
    report = _built(centre, centre_admin, ReportKind.SAMPLING, ReportFormat.CSV)
    assert services.report_build(report_id=report.pk) == "finished"
    again = CentreReport.objects.get(pk=report.pk)
    assert (again.sha256, again.attempts) == (report.sha256, 1)


def test_a_report_asked_by_someone_who_no_longer_administers_the_centre_fails_in_words(centre, centre_admin):
    report = services.report_request(centre=centre, by=centre_admin, kind=ReportKind.PROGRESS,
                                     format=ReportFormat.CSV)
    centre_admin.roles.all().delete()
    assert services.report_build(report_id=report.pk) == "failed"
    report.refresh_from_db()
    assert "no longer administers" in report.error


def test_the_centre_admin_asks_for_a_report_and_downloads_it(client, centre, centre_admin, queued, signed_centre,
                                                             django_capture_on_commit_callbacks):
    client.force_login(centre_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:report_create", kwargs={"centre_pk": centre.pk}),
                               {"kind": "progress", "format": "xlsx"})
    assert response.status_code == 302
    report = CentreReport.objects.get()
    assert queued == [(report.pk,)]
    services.report_build(report_id=report.pk)
    page = client.get(reverse("exports:report_list", kwargs={"centre_pk": centre.pk})).content.decode()
    assert reverse("exports:report_download", kwargs={"pk": report.pk}) in page
    download = client.get(reverse("exports:report_download", kwargs={"pk": report.pk}))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert load_workbook(io.BytesIO(b"".join(download.streaming_content))).active["A1"].value == "candidate"


def test_a_report_is_hidden_from_everyone_but_the_centre_admin(client, centre, centre_admin, assessor, iqa,
                                                               stranger_assessor, private_storage):
    report = _built(centre, centre_admin, ReportKind.SAMPLING, ReportFormat.CSV)
    for person in (assessor, iqa, stranger_assessor):
        client.force_login(person)
        for name in ("exports:report_download", "exports:report_status"):
            assert client.get(reverse(name, kwargs={"pk": report.pk})).status_code == 404


def test_an_unknown_report_kind_is_refused_with_the_form_again(client, centre, centre_admin):
    client.force_login(centre_admin)
    response = client.post(reverse("exports:report_create", kwargs={"centre_pk": centre.pk}),
                           {"kind": "salaries", "format": "xlsx"})
    assert response.status_code == 400 and not CentreReport.objects.exists()


def test_the_sweep_enqueues_a_report_the_broker_never_got_and_gives_up_after_the_attempts(centre, centre_admin,
                                                                                          queued, settings):
    report = services.report_request(centre=centre, by=centre_admin, kind=ReportKind.SAMPLING,
                                     format=ReportFormat.CSV)  # no commit in this test: never sent
    assert services.reports_requeue_stalled() == []  # too recent
    CentreReport.objects.filter(pk=report.pk).update(created=timezone.now() - datetime.timedelta(minutes=5))
    assert services.reports_requeue_stalled() == [report.pk] and queued == [(report.pk,)]
    assert services.reports_requeue_stalled() == []  # sent a moment ago: waiting its turn
    CentreReport.objects.filter(pk=report.pk).update(
        status=ExportStatus.RUNNING, attempts=settings.EXPORT_MAX_ATTEMPTS,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.reports_requeue_stalled() == []
    report.refresh_from_db()
    assert report.status == ExportStatus.FAILED and "Ask for it again" in report.error


def test_the_report_sweep_runs_every_minute_on_beat(settings):
    from exports import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["reports-requeue-stalled"]
    assert entry["task"] == tasks.requeue_stalled_reports.name == "exports.tasks.requeue_stalled_reports"
    assert entry["schedule"] <= 60
