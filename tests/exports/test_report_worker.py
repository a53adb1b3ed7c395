"""A centre's report built by a real Celery worker (a subprocess) through a real Redis broker.

The worker (worker_harness.py) sees this test's database and storage folder; Redis is REDIS_URL when set
(it must answer), else a private redis-server on a spare port.
"""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from exports import services
from exports.models import CentreReport, ExportStatus, ReportFormat, ReportKind
from tests.assessments.factories import signed_unit

from .worker_harness import broker, redis_for_test

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_report_is_built_by_a_worker_through_the_broker(enrolment, centre, centre_admin, assessor, start_worker,
                                                          private_storage, tmp_path):
    signed_unit(enrolment, "A1", assessor=assessor)
    with redis_for_test(tmp_path) as url:
        worker = start_worker(redis_url=url)
        with broker(url, {"visibility_timeout": 7200}):
            report = services.report_request(centre=centre, by=centre_admin, kind=ReportKind.SAMPLING,
                                             format=ReportFormat.XLSX)
            deadline = time.monotonic() + 90
            while not CentreReport.objects.get(pk=report.pk).is_finished:
                if time.monotonic() > deadline:
                    pytest.fail("The report was not built:\n" + worker.tail())
                time.sleep(0.2)
    report.refresh_from_db()
    assert report.status == ExportStatus.DONE, report.error
    assert report.attempts == 1
    builder = int(report.claimed_by.split(":")[1])
    assert builder != os.getpid() and builder in {worker.process.pid, *worker.pool_children()}  # the worker built it
    with default_storage.open(report.file_name, "rb") as handle:
        rows = list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("assessor", "qualification_code", "unit")
    assert rows[1] == ("Ash Assessor", "tiny", "A1", 1, 0, 0, 0, 0)
