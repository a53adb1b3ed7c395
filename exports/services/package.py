"""The ZIP portfolio: the PDF, every original evidence file, and a JSON manifest with their hashes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import NotRequired, TypedDict

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename

from ..data import EvidenceItem, PortfolioData, StoredFile


class ManifestFile(TypedDict):
    evidence: str
    evidence_title: str
    name: str
    size: int
    sha256: str
    mime: str
    path: NotRequired[str]  # where the ZIP holds it; absent outside a ZIP


class Manifest(TypedDict):
    candidate: str
    qualification: str
    generated_at: str
    files: list[ManifestFile]


def manifest(data: PortfolioData, *, paths: dict[str, str] | None = None) -> Manifest:
    """The manifest of every stored file (the same list as the PDF's manifest page)."""
    return {
        "candidate": data.candidate,
        "qualification": data.qualification,
        "generated_at": data.generated_at.isoformat(),
        "files": [_manifest_file(item, stored, paths) for item, stored in data.files],
    }


def _manifest_file(item: EvidenceItem, stored: StoredFile, paths: dict[str, str] | None) -> ManifestFile:
    entry: ManifestFile = {
        "evidence": item.ref, "evidence_title": item.title, "name": stored.name, "size": stored.size,
        "sha256": stored.sha256, "mime": stored.mime,
    }
    if paths and stored.storage_name in paths:
        entry["path"] = paths[stored.storage_name]
    return entry


def _safe_name(name: str) -> str:
    """A file name with no folders and no "..": an uploaded name is never trusted as a path."""
    try:
        return get_valid_filename(Path(name.replace("\\", "/")).name)
    except SuspiciousFileOperation:
        return "file"


def write_zip(data: PortfolioData, *, pdf: Path, target: Path) -> None:
    """Write the ZIP: portfolio.pdf, every original file under evidence/<ref>/, and manifest.json."""
    paths: dict[str, str] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.write(pdf, "portfolio.pdf")
        for number, (item, stored) in enumerate(data.files, start=1):
            if stored.storage_name in paths:
                continue
            # Never trust an uploaded name as a path: no folders, no "..", a number keeps names unique.
            arcname = f"evidence/{item.ref}/{number}-{_safe_name(stored.name)}"
            with default_storage.open(stored.storage_name, "rb") as source, archive.open(arcname, "w") as out:
                while block := source.read(1 << 20):
                    out.write(block)
            paths[stored.storage_name] = arcname
        archive.writestr("manifest.json", json.dumps(manifest(data, paths=paths), indent=2))
