"""The ZIP portfolio: the PDF, every original evidence file, and a JSON manifest with their hashes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename

from ..data import PortfolioData


def manifest(data: PortfolioData, *, paths: dict[str, str] | None = None) -> dict:
    """The manifest of every stored file (the same list as the PDF's manifest page)."""
    return {
        "candidate": data.candidate,
        "qualification": data.qualification,
        "generated_at": data.generated_at.isoformat(),
        "files": [
            {
                "evidence": item.ref, "evidence_title": item.title, "name": stored.name, "size": stored.size,
                "sha256": stored.sha256, "mime": stored.mime,
                **({"path": paths[stored.storage_name]} if paths and stored.storage_name in paths else {}),
            }
            for item, stored in data.files
        ],
    }


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
