"""The gate for evidence: items, versions and files, obtained through the enrolment gate (candidates/access.py).

Not visible: 404. Visible but not permitted: 403. Writing evidence asks for
``Permission.WRITE_EVIDENCE``; an observation record (an assessor-authored kind) also
for ``Permission.OBSERVE`` (the table of who holds which is in candidates/access.py).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from candidates import access
from candidates.access import Permission
from evidence.models import (
    ASSESSOR_KINDS,
    EvidenceFile,
    EvidenceItem,
    EvidenceKind,
    EvidenceVersion,
    Mapping,
    ResumableUpload,
    VersionStatus,
)


def may_write(item: EvidenceItem) -> bool:
    """Whether the person who obtained `item` through `item_for` may write it (observation records: observers)."""
    return access.viewer_may(item.enrolment, Permission.WRITE_EVIDENCE) and (
        item.kind not in ASSESSOR_KINDS or access.viewer_may(item.enrolment, Permission.OBSERVE)
    )


def item_for(user: access.AnyUser, pk: int, *, need: Permission = Permission.READ) -> EvidenceItem:
    """The evidence item `pk` with its enrolment and current version, if `user` may see it (404 otherwise).

    The user must hold `need` on its enrolment, else 403; to write evidence (``WRITE_EVIDENCE``)
    an observation record, also ``OBSERVE`` (the assessor).
    """
    item: EvidenceItem = get_object_or_404(EvidenceItem.objects.visible_to(user).with_current(), pk=pk)
    item.enrolment = access.enrolment_for(user, item.enrolment_id, need=need)
    if need is Permission.WRITE_EVIDENCE and not may_write(item):
        raise PermissionDenied(gettext("Observation records are written by the assessor."))
    return item


def file_for(user: access.AnyUser, pk: int) -> EvidenceFile:
    """The evidence file `pk` if `user` may see its enrolment (404 otherwise)."""
    evidence_file: EvidenceFile = get_object_or_404(
        EvidenceFile.objects.visible_to(user).select_related("version__item"), pk=pk
    )
    return evidence_file


def version_of(item: EvidenceItem, number: int) -> EvidenceVersion:
    """Version `number` of an item already obtained through the gate, with its files and mappings."""
    return get_object_or_404(
        item.versions.select_related("submitted_by", "created_by").prefetch_related(
            Prefetch("files", queryset=EvidenceFile.objects.select_related("duplicate_of__version__item")),
            Prefetch("mappings", queryset=Mapping.objects.select_related("assessable_item__unit", "mapped_by")),
        ),
        number=number,
    )


def resumable_for(user: access.AnyUser, token: uuid.UUID | str) -> ResumableUpload:
    """An unfinished upload (evidence/resumable.py) of `user`'s own, to a draft they may still write.

    Someone else's upload is 404 whoever they are: its link alone gives nothing away. The
    item is then passed through `item_for` as any write is (403 on a frozen enrolment).
    """
    upload: ResumableUpload = get_object_or_404(
        ResumableUpload.objects.filter(created_by_id=user.pk).select_related("version"), token=token
    )
    upload.version.item = item_for(user, upload.version.item_id, need=Permission.WRITE_EVIDENCE)
    return upload
def testimonies_for_witness(user: access.AnyUser) -> QuerySet[EvidenceVersion]:
    """The submitted testimonies that name `user` as witness (by their account's email) in the portfolios of the
    apprentices they follow as an employer contact: they may confirm these signed in. Nothing else of the evidence
    reaches them. Current versions only (a new version voids the old confirmation)."""
    if not user.is_authenticated or not user.is_active:
        return EvidenceVersion.objects.none()
    return EvidenceVersion.objects.filter(
        item__kind=EvidenceKind.WITNESS_TESTIMONY, item__enrolment__in=access.enrolments_followed_by(user),
        item__current_version=F("pk"), status=VersionStatus.SUBMITTED, witness_email__iexact=user.email,
    ).select_related("item__enrolment__candidate")
def testimony_for_witness(user: access.AnyUser, pk: int) -> EvidenceVersion:
    """Testimony version `pk` if it names `user` as witness in an apprentice's portfolio they follow (404 otherwise),
    with its enrolment obtained through the gate (``follow``)."""
    version: EvidenceVersion = get_object_or_404(testimonies_for_witness(user), pk=pk)
    version.item.enrolment = access.enrolment_for(user, version.item.enrolment_id, need=Permission.FOLLOW)
    return version
