"""What the assessments app does when evidence (an earlier app, which may not import this one) acts."""

from __future__ import annotations

from typing import Any

from evidence.models import EvidenceVersion

from . import notify


def evidence_submitted(sender: type[EvidenceVersion], *, version: EvidenceVersion, **kwargs: Any) -> None:
    """Tell the assessor that a submitted version waits for review (the email leaves after commit)."""
    notify.evidence_submitted(version=version)
