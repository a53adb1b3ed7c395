"""The gate for evidence: items, versions and files, obtained through the enrolment gate (candidates/access.py).

Not visible: 404. Visible but not for this action: 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from candidates import access
from candidates.models import Enrolment
from evidence.models import (
    ASSESSOR_KINDS,
    EvidenceFile,
    EvidenceItem,
    EvidenceVersion,
    Mapping,
)

#: Who may write a candidate's evidence: the candidate, their assessor (on their behalf), a platform admin.
EVIDENCE_WRITERS = frozenset({access.CANDIDATE, access.ASSESSOR, access.PLATFORM_ADMIN})


#: Who may write an observation record.
OBSERVERS = frozenset({access.ASSESSOR, access.PLATFORM_ADMIN})


def item_for(user: access.AnyUser, pk: int, *, write: bool = False) -> EvidenceItem:
    """The evidence item `pk` with its enrolment and current version, if `user` may see it (404 otherwise).

    With `write=True` the user must be the candidate, their assessor or a platform
    admin (observation records: the assessor), else 403.
    """
    item = EvidenceItem.objects.visible_to(user).with_current().filter(pk=pk).first()
    if item is None:
        raise Http404("No such evidence.")
    enrolment = access.enrolment_for(user, item.enrolment_id, roles=EVIDENCE_WRITERS if write else None)
    if write and item.kind in ASSESSOR_KINDS and not enrolment.viewer_relations & OBSERVERS:
        raise PermissionDenied("Observation records are written by the assessor.")
    item.enrolment = enrolment
    return item


def evidence_enrolment_for(user: access.AnyUser, pk: int, *, write: bool = False) -> Enrolment:
    """The enrolment `pk` for evidence pages: readable by whoever sees it; written by EVIDENCE_WRITERS (else 403)."""
    return access.enrolment_for(user, pk, roles=EVIDENCE_WRITERS if write else None)


def file_for(user: access.AnyUser, pk: int) -> EvidenceFile:
    """The evidence file `pk` if `user` may see its enrolment (404 otherwise)."""
    evidence_file = EvidenceFile.objects.visible_to(user).select_related("version__item").filter(pk=pk).first()
    if evidence_file is None:
        raise Http404("No such file.")
    return evidence_file


def version_of(item: EvidenceItem, number: int) -> EvidenceVersion:
    """Version `number` of an item already obtained through the gate, with its files and mappings."""
    version = (
        item.versions.select_related("submitted_by", "created_by")
        .prefetch_related(
            Prefetch("files", queryset=EvidenceFile.objects.select_related("duplicate_of__version__item")),
            Prefetch("mappings", queryset=Mapping.objects.select_related("assessable_item__unit", "mapped_by")),
        )
        .filter(number=number)
        .first()
    )
    if version is None:
        raise Http404("No such version.")
    return version
