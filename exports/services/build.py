"""The worker's side of an export: claim the row, keep the lease alive, build the file and store it.

`export_build` is idempotent: a worker claims the row (row lock), a second delivery of the
same export either finds it done, or waits while its owner is alive and heartbeating, or
takes over from an owner that died; the stored file's name is fixed by the export's id, so
one export row gives one stored file however often its task runs.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypedDict

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from ..gather import gather_portfolio
from ..models import ExportFormat, ExportKind, ExportStage, ExportStatus, PortfolioExport
from .package import write_zip

if TYPE_CHECKING:
    from ..data import PortfolioData
    from ..render import Assets

# The renderer's modules (..isolate, ..render, ..images) import WeasyPrint and pypdf, seconds of start-up; they
# are imported where an export is built, so the web process and every manage.py command that imports the
# URLconf (system checks do) never pays for them.

logger = logging.getLogger(__name__)


#: Percent of the progress bar reached at the start of each stage.
_PERCENT = {
    ExportStage.GATHERING: 2, ExportStage.PREPARING_IMAGES: 5, ExportStage.RENDERING: 20,
    ExportStage.MERGING: 95, ExportStage.STORING: 97,
}


class ClaimLost(Exception):
    """Another worker took the export over (this one was presumed dead); stop without writing."""


def interrupted_message(attempts: int) -> str:
    return ngettext(
        "The export was interrupted %(attempts)d time (a worker stopped while rendering it) and was given up. "
        "Try again; if it keeps failing, tell an administrator.",
        "The export was interrupted %(attempts)d times (a worker stopped while rendering it) and was given up. "
        "Try again; if it keeps failing, tell an administrator.", attempts) % {"attempts": attempts}


@dataclass(frozen=True, slots=True)
class Claim:
    export: PortfolioExport | None
    outcome: str  # "claimed" | "finished" | "busy"


def worker_identity() -> str:
    """host:pid:token of this process, so a later delivery can tell whether the owner still lives."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _owner_alive(claimed_by: str) -> bool:
    host, _, rest = claimed_by.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine: only its heartbeat can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def export_claim(*, export_id: int, worker: str) -> Claim:
    """Take the export for `worker`, unless it is finished or another live worker is on it."""
    with transaction.atomic():
        export = PortfolioExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.is_finished:
            return Claim(export, "finished")
        now = timezone.now()
        if export.status == ExportStatus.RUNNING and export.claimed_by:
            fresh = export.heartbeat_at and (now - export.heartbeat_at).total_seconds() < (
                settings.EXPORT_STALE_AFTER_SECONDS)
            if fresh and _owner_alive(export.claimed_by):
                return Claim(export, "busy")
        if export.attempts >= settings.EXPORT_MAX_ATTEMPTS:
            export.status, export.stage = ExportStatus.FAILED, ExportStage.FAILED
            export.error, export.finished = interrupted_message(export.attempts), now
            export.save(update_fields=["status", "stage", "error", "finished"])
            return Claim(export, "finished")
        export.status, export.stage = ExportStatus.RUNNING, ExportStage.GATHERING
        export.claimed_by, export.heartbeat_at = worker, now
        export.attempts += 1
        export.progress, export.pages_done = _PERCENT[ExportStage.GATHERING], 0
        export.started = export.started or now
        export.save(update_fields=["status", "stage", "claimed_by", "heartbeat_at", "attempts", "progress",
                                   "pages_done", "started"])
        return Claim(export, "claimed")


class _Progress:
    """Writes stage, pages and percent to the row (at most twice a second) and checks the claim is ours."""

    def __init__(self, export_id: int, worker: str) -> None:
        self.export_id, self.worker = export_id, worker
        self.last = 0.0
        self.stage = ""

    def __call__(self, stage: str, *, pages: int = 0, percent: int | None = None, force: bool = False) -> None:
        now = time.monotonic()
        if not force and stage == self.stage and now - self.last < 0.5:
            return
        self.last, self.stage = now, stage
        fields = {"stage": stage, "pages_done": pages, "heartbeat_at": timezone.now()}
        if percent is not None:
            fields["progress"] = max(0, min(99, percent))
        if not PortfolioExport.objects.filter(pk=self.export_id, claimed_by=self.worker).update(**fields):
            raise ClaimLost(self.export_id)


def export_build(*, export_id: int, worker: str | None = None) -> str:
    """Build export `export_id` and store its file, unless it is finished or another live worker is on it.

    Returns "done", "failed", "finished" (nothing to do) or "busy" (try again later).
    """
    worker = worker or worker_identity()
    claim = export_claim(export_id=export_id, worker=worker)
    if claim.outcome != "claimed":
        return claim.outcome
    export = claim.export
    assert export is not None  # a claimed export always carries its row
    from ..gateway_pack import DeclarationChanged
    from ..isolate import RenderFailed

    progress = _Progress(export_id, worker)
    try:
        # The PDF's language: its headings, and the spec's wording (modeltranslation reads the active language,
        # falling back to the spec's own where a translation is missing).
        with translation.override(export.language or settings.LANGUAGE_CODE), \
                tempfile.TemporaryDirectory(prefix=f"export-{export_id}-") as folder:
            stored = _build_file(export, workdir=Path(folder), progress=progress)
    except ClaimLost:
        logger.warning("Portfolio export %s was taken over by another worker; this run stops.", export_id)
        return "finished"
    except (RenderFailed, DeclarationChanged) as error:
        mark_failed(export_id, str(error), claimed_by=worker)
        return "failed"
    except Exception:
        logger.exception("Portfolio export %s failed", export_id)
        mark_failed(export_id, gettext("The export failed unexpectedly. Try again; if it fails again, tell an "
                                       "administrator (export reference %(pk)d).") % {"pk": export_id},
                    claimed_by=worker)
        return "failed"
    updated = PortfolioExport.objects.filter(pk=export_id, claimed_by=worker, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE, stage=ExportStage.DONE, progress=100, file_name=stored["name"],
        size=stored["size"], sha256=stored["sha256"], pages=stored["pages"], error="", finished=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    return "done" if updated else "finished"


def mark_failed(export_id: int, message: str, *, claimed_by: str | None) -> None:
    rows = PortfolioExport.objects.filter(pk=export_id).exclude(status=ExportStatus.DONE)
    if claimed_by is not None:
        rows = rows.filter(claimed_by=claimed_by)
    rows.update(status=ExportStatus.FAILED, stage=ExportStage.FAILED, error=message, finished=timezone.now())


def storage_name(export: PortfolioExport) -> str:
    """Where export `export` is stored: fixed by its id, so running twice overwrites, never duplicates."""
    if export.kind == ExportKind.GATEWAY_PACK:
        return f"exports/{export.enrolment_id}/gateway-pack-{export.pk}.pdf"
    return f"exports/{export.enrolment_id}/portfolio-{export.pk}.{export.format}"


class _StoredFile(TypedDict):
    name: str
    size: int
    sha256: str
    pages: int


def _build_file(export: PortfolioExport, *, workdir: Path, progress: _Progress) -> _StoredFile:
    if export.kind == ExportKind.GATEWAY_PACK:
        return _build_gateway_pack(export, workdir=workdir, progress=progress)
    from ..isolate import render_in_child

    progress(ExportStage.GATHERING, percent=_PERCENT[ExportStage.GATHERING], force=True)
    data = gather_portfolio(export.enrolment_id)
    if settings.EXPORT_TEST_GATHER_DELAY_SECONDS:
        # Tests only: gives a fault test time to kill the worker in the middle of an export.
        time.sleep(settings.EXPORT_TEST_GATHER_DELAY_SECONDS)
    progress(ExportStage.PREPARING_IMAGES, percent=_PERCENT[ExportStage.PREPARING_IMAGES], force=True)
    assets = prepare_assets(data, workdir=workdir, include_pdf_evidence=export.include_pdf_evidence,
                            defer_images=True)
    progress(ExportStage.RENDERING, percent=_PERCENT[ExportStage.RENDERING], force=True)
    pdf_path = workdir / "portfolio.pdf"

    def on_render(stage: str, pages: int, fraction: float) -> None:
        if stage == "merging":
            progress(ExportStage.MERGING, pages=pages, percent=_PERCENT[ExportStage.MERGING], force=True)
        else:
            progress(ExportStage.RENDERING, pages=pages, percent=20 + int(75 * fraction))

    result, _rss = render_in_child(
        data, assets=assets, workdir=workdir, target=pdf_path,
        include_pdf_evidence=export.include_pdf_evidence,
        memory_limit_mb=settings.EXPORT_MEMORY_LIMIT_MB, timeout=settings.EXPORT_TIME_LIMIT_SECONDS,
        on_progress=on_render,
    )
    if result.refused_urls:
        logger.warning("Export %s: the renderer refused %d URL(s), e.g. %s", export.pk, len(result.refused_urls),
                       result.refused_urls[0][:100])
    progress(ExportStage.STORING, pages=result.pages, percent=_PERCENT[ExportStage.STORING], force=True)
    final = pdf_path
    if export.format == ExportFormat.ZIP:
        final = workdir / "portfolio.zip"
        write_zip(data, pdf=pdf_path, target=final)
    return _store(export, final, pages=result.pages)


def _build_gateway_pack(export: PortfolioExport, *, workdir: Path, progress: _Progress) -> _StoredFile:
    """The gateway pack: gathered (refused if the signed declaration no longer stands), rendered, stored."""
    from .. import gateway_pack

    progress(ExportStage.GATHERING, percent=_PERCENT[ExportStage.GATHERING], force=True)
    data = gateway_pack.gather(export.enrolment_id, declaration_hash=export.declaration_hash)
    progress(ExportStage.RENDERING, percent=_PERCENT[ExportStage.RENDERING], force=True)
    pdf_path = workdir / "gateway-pack.pdf"
    pages = gateway_pack.render(data, workdir=workdir, target=pdf_path)
    progress(ExportStage.STORING, pages=pages, percent=_PERCENT[ExportStage.STORING], force=True)
    return _store(export, pdf_path, pages=pages)


def _store(export: PortfolioExport, final: Path, *, pages: int) -> _StoredFile:
    """Save `final` under the export's fixed storage name (replacing a file a dead run left there)."""
    name = storage_name(export)
    digest, size = _sha256(final)
    if default_storage.exists(name):
        # A run that died after storing left this file; the export is still ours, so replace it.
        default_storage.delete(name)
    with open(final, "rb") as handle:
        saved = default_storage.save(name, File(handle, name=Path(name).name))
    if saved != name:
        default_storage.delete(saved)
        raise RuntimeError(f"Storage renamed {name} to {saved}")
    return {"name": name, "size": size, "sha256": digest, "pages": pages}


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _open_stored(name: str) -> IO[bytes]:
    return default_storage.open(name, "rb")


def prepare_assets(
    data: PortfolioData, *, workdir: Path, include_pdf_evidence: bool, defer_images: bool = False
) -> Assets:
    """Copy what the renderer needs from storage into `workdir`: PDFs if asked, and print-sized images.

    With `defer_images`, the images are only listed: the renderer prepares them itself while it
    lays out the unit sections (see `render.render_portfolio`).
    """
    from ..images import prepare_images_in_background
    from ..render import Assets

    wanted = list({stored.storage_name: stored for _item, stored in data.files if stored.is_image}.values())
    jobs = tuple((stored.storage_name, number) for number, stored in enumerate(wanted, start=1))
    pixels = settings.EXPORT_IMAGE_PIXELS
    images = {} if defer_images else prepare_images_in_background(
        jobs, folder=workdir, open_stored=_open_stored, max_pixels=pixels)()
    pdfs: dict[str, Path] = {}
    if include_pdf_evidence:
        folder = workdir / "pdf"
        folder.mkdir(exist_ok=True)
        for number, (_item, stored) in enumerate(data.files, start=1):
            if stored.is_pdf and stored.storage_name not in pdfs:
                target = folder / f"{number}.pdf"
                with default_storage.open(stored.storage_name, "rb") as source, open(target, "wb") as out:
                    while block := source.read(1 << 20):
                        out.write(block)
                pdfs[stored.storage_name] = target
    return Assets(images=images, pdfs=pdfs, image_jobs=jobs if defer_images else (), image_pixels=pixels)
