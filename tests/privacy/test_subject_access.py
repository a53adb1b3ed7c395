"""The subject-access export: asked for (audited, queued after commit), built into the portfolio's ZIP layout
with the person's data and files and nobody else's."""

from __future__ import annotations

import json
import os
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.utils.html import escape

from audit.models import AuditRecord
from exports.models import ExportStatus
from privacy.models import SubjectAccessExport
from privacy.services import subject_access
from privacy.tasks import build_subject_access_export

from .conftest import SECRET_STATEMENT, fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch) -> list[tuple]:
    calls: list[tuple] = []
    monkeypatch.setattr(build_subject_access_export, "apply_async", lambda args, **kwargs: calls.append(args))
    return calls


def _built(person, centre, by) -> tuple[SubjectAccessExport, zipfile.ZipFile]:
    export = subject_access.subject_access_request(person=person, centre=centre, by=by)
    assert subject_access.subject_access_build(export_id=export.pk) == "done"
    export.refresh_from_db()
    return export, zipfile.ZipFile(default_storage.open(export.file_name))


def test_a_request_is_audited_and_queued_after_commit(candidate, centre, centre_admin, sent,
                                                      django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        export = subject_access.subject_access_request(person=candidate, centre=centre, by=centre_admin)
    assert sent == [(export.pk,)]
    record = AuditRecord.objects.get(action="subject access export requested")
    assert (record.actor_id, record.object_id, record.object_label) == (
        centre_admin.pk, str(candidate.pk), f"person #{candidate.pk}")


def test_the_zip_holds_their_data_their_files_and_a_readable_index(full_enrolment, candidate, centre,
                                                                   centre_admin) -> None:
    export, archive = _built(candidate, centre, centre_admin)
    names = archive.namelist()
    assert {"data.json", "index.html"} <= set(names)
    assert [name for name in names if name.startswith("files/")] == ["files/1-screenshot.png"]
    data = json.loads(archive.read("data.json"))
    sections = data["sections"]
    assert sections["account"][0]["email"] == candidate.email
    assert [e["id"] for e in sections["enrolments"]] == [full_enrolment.pk]
    assert sections["evidence_versions"][0]["text"] == SECRET_STATEMENT
    assert {m["text"] for m in sections["feedback_messages"]} == {"Cara explains the call",
                                                                  "Assessor's note on the call"}
    for name in ("questions", "replies", "action_points", "off_the_job_entries", "notifications", "audit_records",
                 "roles", "evidence_files"):
        assert sections[name], f"{name} is empty"
    assert "password" not in sections["account"][0]
    assert data["files"][0]["sha256"] == sections["evidence_files"][0]["sha256"]
    index = archive.read("index.html").decode()
    assert "Personal data of Cara Candidate" in index and escape(SECRET_STATEMENT) in index
    assert export.files == 1 and export.status == ExportStatus.DONE and export.size


def test_the_zip_excludes_other_peoples_data(full_enrolment, candidate, centre, centre_admin, other_enrolment,
                                             other_assessor) -> None:
    fill(other_enrolment, assessor=other_assessor, statement="Olga's statement")
    _export, archive = _built(candidate, centre, centre_admin)
    everything = archive.read("data.json").decode() + archive.read("index.html").decode()
    assert "Olga" not in everything and other_enrolment.candidate.email not in everything
    assert len([name for name in archive.namelist() if name.startswith("files/")]) == 1


def test_an_assessors_copy_holds_what_they_wrote_on_their_caseload(full_enrolment, assessor, centre,
                                                                   centre_admin) -> None:
    _export, archive = _built(assessor, centre, centre_admin)
    sections = json.loads(archive.read("data.json"))["sections"]
    assert [r["text"] for r in sections["replies"]] == ["By Friday"]
    assert [m["text"] for m in sections["feedback_messages"]] == ["Assessor's note on the call"]
    assert sections["enrolments"] == [] and sections["evidence_versions"] == []


def test_building_twice_stores_one_file_and_does_nothing_the_second_time(full_enrolment, candidate, centre,
                                                                          centre_admin) -> None:
    export, _archive = _built(candidate, centre, centre_admin)
    assert subject_access.subject_access_build(export_id=export.pk) == "finished"
    folder = default_storage.path(f"privacy/{candidate.pk}")
    assert os.listdir(folder) == [f"personal-data-{export.pk}.zip"]


def test_a_failed_build_says_what_to_do(candidate, centre, centre_admin, monkeypatch) -> None:
    export = subject_access.subject_access_request(person=candidate, centre=centre, by=centre_admin)

    def broken(person_id: int) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(subject_access, "gather_person", broken)
    assert subject_access.subject_access_build(export_id=export.pk) == "failed"
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "Ask for it again" in export.error
