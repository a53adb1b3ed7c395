"""What the evidence app answers when candidates (an earlier app, which may not import this one) asks."""

from __future__ import annotations

from typing import Any

from candidates.models import Enrolment

from . import reads


def units_with_evidence(sender: type[Enrolment], *, enrolment: Enrolment, **kwargs: Any) -> list[str]:
    """For the planner's suggestion: the codes of units the enrolment already has evidence for. One query."""
    return reads.units_with_evidence(enrolment)
