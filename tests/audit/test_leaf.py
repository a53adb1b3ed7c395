"""The audit app is a leaf: it imports no other app of ours, so every app may import it."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

AUDIT = Path(settings.BASE_DIR) / "audit"
OURS = {"units", "candidates", "evidence", "assessments", "exports", "portfolio_site", "privacy"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_audit_app_imports_no_other_app_of_ours() -> None:
    files = sorted(AUDIT.rglob("*.py"))
    assert len(files) > 5  # the scan found the app (models, trail, admin, tasks, command, migrations...)
    offending = {f"{path.relative_to(AUDIT)}: {name}" for path in files for name in imported_modules(path)
                 if name.split(".")[0] in OURS}
    assert not offending
