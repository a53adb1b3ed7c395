"""A subject-access export: ask for one (audited, queued after commit) and build it in the worker.

The ZIP has the layout of the portfolio's ZIP: a machine-readable ``data.json`` (every section of
privacy/gather.py, and a manifest of the files with their SHA-256), a readable ``index.html``, and
every file under ``files/``. Building is idempotent: the stored name is fixed by the export's id,
and a finished export is never built again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import get_valid_filename

from audit import trail
from candidates.models import Centre, User
from exports.models import ExportStatus

from ..gather import PersonData, gather_person
from ..models import SubjectAccessExport, SubjectAccessStage

logger = logging.getLogger(__name__)


def subject_access_request(*, person: User, centre: Centre, by: User) -> SubjectAccessExport:
    """Record a request for a copy of all `person`'s data, audit it, and enqueue its build after commit.

    The caller has checked (candidates.access.person_for_admin) that `by` administers `centre` and
    that `person` is one of its people.
    """
    with transaction.atomic():
        export = SubjectAccessExport.objects.create(person=person, centre=centre, requested_by=by)
        # Ids only in the record: it outlives any erasure of the person.
        trail.record(actor=by, action="subject access export requested", object_type="candidates.User",
                     object_id=person.pk, object_label=f"person #{person.pk}",
                     after={"centre": centre.pk, "export": export.pk})
        transaction.on_commit(lambda: enqueue(export_id=export.pk))
    return export


def enqueue(*, export_id: int) -> bool:
    """Send the build task to the broker; False (and a log line) when it cannot be reached."""
    from ..tasks import build_subject_access_export

    try:
        # The export workers' queue: a copy of someone's data is heavy work of the same kind as a portfolio.
        queue = {"queue": settings.EXPORT_TASK_QUEUE} if settings.EXPORT_TASK_QUEUE else {}
        build_subject_access_export.apply_async((export_id,), retry=True, retry_policy={"max_retries": 1}, **queue)
    except Exception:  # kombu and redis raise many kinds: all mean "not sent"
        logger.warning("Could not enqueue subject access export %s.", export_id, exc_info=True)
        return False
    return True


def storage_name(export: SubjectAccessExport) -> str:
    """Where export `export` is stored: fixed by its id, so building twice overwrites, never duplicates."""
    return f"privacy/{export.person_id}/personal-data-{export.pk}.zip"


def _progress(export_id: int, stage: str, percent: int) -> None:
    SubjectAccessExport.objects.filter(pk=export_id).update(stage=stage, progress=percent)


def _claim(export_id: int) -> SubjectAccessExport | None:
    with transaction.atomic():
        export = SubjectAccessExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.is_finished:
            return None
        export.status, export.stage, export.progress = ExportStatus.RUNNING, SubjectAccessStage.GATHERING, 5
        export.save(update_fields=["status", "stage", "progress"])
        return export


def subject_access_build(*, export_id: int) -> str:
    """Build export `export_id` and store its ZIP; "done", "failed" or "finished" (nothing to do)."""
    export = _claim(export_id)
    if export is None:
        return "finished"
    try:
        data = gather_person(export.person_id)
        _progress(export_id, SubjectAccessStage.COPYING, 30)
        with tempfile.TemporaryDirectory(prefix=f"personal-data-{export_id}-") as folder:
            target = Path(folder) / "personal-data.zip"
            write_zip(data, target=target)
            _progress(export_id, SubjectAccessStage.STORING, 90)
            name, size, digest = _store(export, target)
    except Exception:
        logger.exception("Subject access export %s failed", export_id)
        SubjectAccessExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, stage=SubjectAccessStage.FAILED, finished=timezone.now(),
            error=f"The export failed unexpectedly. Ask for it again; if it fails again, tell an administrator "
                  f"(export reference {export_id}).")
        return "failed"
    SubjectAccessExport.objects.filter(pk=export_id).update(
        status=ExportStatus.DONE, stage=SubjectAccessStage.DONE, progress=100, file_name=name, size=size,
        sha256=digest, files=len(data.files), finished=timezone.now(), error="")
    return "done"


def _store(export: SubjectAccessExport, path: Path) -> tuple[str, int, str]:
    name = storage_name(export)
    if default_storage.exists(name):
        default_storage.delete(name)  # a run that died after storing left it
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
        handle.seek(0)
        saved = default_storage.save(name, File(handle, name=Path(name).name))
    if saved != name:
        default_storage.delete(saved)
        raise RuntimeError(f"Storage renamed {name} to {saved}")
    return name, path.stat().st_size, digest.hexdigest()


def _safe_name(name: str) -> str:
    """A file name with no folders and no "..": an uploaded name is never trusted as a path."""
    try:
        return get_valid_filename(Path(name.replace("\\", "/")).name)
    except SuspiciousFileOperation:
        return "file"


def write_zip(data: PersonData, *, target: Path) -> None:
    """Write the ZIP: every file under files/, data.json (sections and file manifest) and index.html."""
    manifest: list[dict[str, Any]] = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for number, stored in enumerate(data.files, start=1):
            arcname = f"files/{number}-{_safe_name(stored.original_name)}"
            with default_storage.open(stored.storage_name, "rb") as source, archive.open(arcname, "w") as out:
                while block := source.read(1 << 20):
                    out.write(block)
            manifest.append({"path": arcname, "name": stored.original_name, "size": stored.size,
                             "sha256": stored.sha256, "mime": stored.mime, "evidence": stored.evidence_id})
        document = {"person": data.person, "person_id": data.person_id,
                    "generated_at": data.generated_at.isoformat(), "sections": data.sections, "files": manifest}
        archive.writestr("data.json", json.dumps(document, indent=2, cls=DjangoJSONEncoder, ensure_ascii=False))
        archive.writestr("index.html", render_to_string("privacy/subject_access_index.html", {
            "data": data, "files": manifest,
            "sections": [(name, rows, list(rows[0]) if rows else [])
                         for name, rows in data.sections.items()],
        }))
