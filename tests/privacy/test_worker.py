"""A subject-access export built by a real Celery worker (a subprocess) over a real broker, as exports are."""

from __future__ import annotations

import json
import os
import time
import zipfile
from contextlib import nullcontext

import pytest
from django.core.files.storage import default_storage

from exports.models import ExportStatus
from privacy.models import SubjectAccessExport
from privacy.services import subject_access
from tests.exports.worker_harness import broker, own_redis, start_worker  # noqa: F401 (a fixture)

from .conftest import SECRET_STATEMENT

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_copy_of_a_persons_data_is_built_by_the_worker(full_enrolment, candidate, centre, centre_admin,
                                                         start_worker, tmp_path) -> None:  # noqa: F811
    with own_redis(tmp_path) if not os.environ.get("REDIS_URL") else nullcontext() as server:
        url = server.url if server else os.environ["REDIS_URL"]
        worker = start_worker(redis_url=url)
        with broker(url, {"visibility_timeout": 7200}):
            export = subject_access.subject_access_request(person=candidate, centre=centre, by=centre_admin)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                export.refresh_from_db()
                if export.is_finished:
                    break
                time.sleep(0.2)
    assert export.status == ExportStatus.DONE, worker.log.read_text(errors="replace")[-3000:]
    assert SubjectAccessExport.objects.count() == 1
    archive = zipfile.ZipFile(default_storage.open(export.file_name))
    data = json.loads(archive.read("data.json"))
    assert data["sections"]["evidence_versions"][0]["text"] == SECRET_STATEMENT
