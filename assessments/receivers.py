"""What the assessments app does when evidence (an earlier app, which may not import this one) acts."""

from __future__ import annotations

from typing import Any

from candidates.models import Enrolment
from evidence.models import EvidenceVersion, MappingStatus

# The services and reads are imported when a signal arrives, not when the app is ready: every command
# (check_combination among them) loads this module, and those imports pull in images, PDFs and storage.


def evidence_submitted(sender: type[EvidenceVersion], *, version: EvidenceVersion, **kwargs: Any) -> None:
    """A submitted version: the decisions it keeps from the version before, then its author's own acceptance
    (an assessor's own record), then an email to the assessor if anything waits for them (after commit).

    Inside the submission's transaction: the decisions commit or roll back with it.
    """
    from . import notify
    from .services import decisions

    author = version.submitted_by
    assert author is not None  # version_submit() set it before sending
    decisions.carry_forward(version=version, by=author)
    decisions.own_record_accept(version=version)
    statuses = set(version.mappings.values_list("status", flat=True))
    waits = not statuses or MappingStatus.CLAIMED in statuses  # unmapped evidence waits for the assessor to map it
    if waits and version.submitted_by_id != version.item.enrolment.assessor_id:
        notify.evidence_submitted(version=version)


def assessed_work(sender: type[Enrolment], *, enrolment: Enrolment, codes: list[str], **kwargs: Any) -> dict[str, str]:
    """For the unit-choice page's guard: what becomes of the signed-off work of the units `codes` if dropped."""
    from . import reads

    return reads.assessed_work(enrolment, codes)
