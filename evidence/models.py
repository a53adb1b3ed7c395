"""Evidence items, their versions, their files and their mapping to assessable items.

The life of an item (DESIGN.md): a **draft** version is edited freely; once
**submitted** a version is never edited in place again; the assessor accepts or
refers each of its mappings (the assessments app sets `Mapping.status` through
its own services); a referral invites a **new version**, which starts as a copy
of the previous one (the same stored files, same hashes, and its mappings as
claims again) while the old version stays readable. `EvidenceItem.current_version`
always points at the newest version. Writes live in `evidence/services.py`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from candidates.access import AnyUser, enrolments_visible_to
from candidates.models import Enrolment, choice_labels
from units.models import AssessableItem


class EvidenceKind(models.TextChoices):
    WORK_PRODUCT = "work_product", _("Work product")
    PERSONAL_STATEMENT = "personal_statement", _("Personal statement")
    WITNESS_TESTIMONY = "witness_testimony", _("Witness testimony")
    KNOWLEDGE_ANSWER = "knowledge_answer", _("Knowledge answer")
    RECORDED_DISCUSSION = "recorded_discussion", _("Recorded discussion")
    OBSERVATION = "observation", _("Observation record")
    PRIOR_LEARNING = "prior_learning", _("Prior learning")
    PROFESSIONAL_DISCUSSION = "professional_discussion", _("Professional discussion record")
    QUESTIONING = "questioning", _("Questioning record")


#: Kinds whose evidence is mainly one or more files.
FILE_KINDS = frozenset({EvidenceKind.WORK_PRODUCT, EvidenceKind.RECORDED_DISCUSSION, EvidenceKind.PRIOR_LEARNING})
#: Kinds written by the assessor, never by the candidate: the assessor's own records of what they observed,
#: discussed with the candidate or asked them. Submitted by their author, their claims count as assessed by
#: the author (assessments.services.decisions.own_record_accept).
ASSESSOR_KINDS = frozenset({EvidenceKind.OBSERVATION, EvidenceKind.PROFESSIONAL_DISCUSSION, EvidenceKind.QUESTIONING})


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class MappingStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    ACCEPTED = "accepted", _("Accepted")
    REFERRED = "referred", _("Referred")

    @classmethod
    def strongest(cls, counts: dict[str, int]) -> str:
        """An item's status from its evidence counted by mapping status: accepted over referred over claimed over
        "draft" (claimed only in a draft version, not yet submitted).

        "none" when nothing is mapped. The matrix (evidence.reads) and the progress page (assessments.reads) agree.
        """
        for status in (cls.ACCEPTED, cls.REFERRED, cls.CLAIMED, "draft"):
            if counts.get(status):
                return str(status)
        return "none"


class EvidenceItemQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> EvidenceItemQuerySet:
        """The items of every enrolment `user` may see (the gate of candidates/access.py)."""
        return self.filter(enrolment__in=enrolments_visible_to(user))

    def of_enrolment(self, enrolment: Enrolment) -> EvidenceItemQuerySet:
        return self.filter(enrolment=enrolment)

    def with_current(self) -> EvidenceItemQuerySet:
        """The items with their current version and its authors loaded (one query)."""
        return self.select_related("current_version", "current_version__submitted_by", "created_by")

    def mapped_to_unit(self, unit_id: int) -> EvidenceItemQuerySet:
        """Items whose current version maps to some item of unit `unit_id` (no duplicate rows)."""
        # An uncorrelated IN: the database reads the unit's mappings once, not once per item.
        return self.filter(
            current_version_id__in=Mapping.objects.filter(assessable_item__unit_id=unit_id).values("version_id")
        )

    def mapped_to_item(self, assessable_item_id: int) -> EvidenceItemQuerySet:
        """Items whose current version maps to assessable item `assessable_item_id`."""
        return self.filter(
            current_version_id__in=Mapping.objects.filter(assessable_item_id=assessable_item_id).values("version_id")
        )

    def search(self, text: str) -> EvidenceItemQuerySet:
        """Items whose current title or text contains `text` (case-insensitive)."""
        return self.filter(Q(current_version__title__icontains=text) | Q(current_version__text__icontains=text))


class EvidenceItem(models.Model):
    """One piece of evidence in a candidate's portfolio, across all its versions."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="evidence_items")
    kind = models.CharField(max_length=24, choices=EvidenceKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The newest version, draft or submitted; null only between creating an item and its first version.
    current_version = models.OneToOneField(
        "EvidenceVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="current_of"
    )

    objects = EvidenceItemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["enrolment", "kind"])]

    def __str__(self) -> str:
        title = self.current_version.title if self.current_version_id else ""
        return f"{self.get_kind_display()}: {title}"

    @property
    def kind_label(self) -> str:
        """`get_kind_display()`, translated once a language (candidates.models.choice_labels)."""
        return choice_labels(EvidenceKind).get(self.kind, self.kind)


class EvidenceVersion(models.Model):
    """One version of an item: what was written, dated and (once submitted) judged."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    date = models.DateField(help_text=_("When the work, event or learning took place."))
    text = models.TextField(blank=True)
    #: The language its author wrote the title and text in (their page's language then); never translated.
    language = models.CharField(
        max_length=8, blank=True, choices=settings.LANGUAGES,
        help_text="The language the title and text were written in; empty where it was not recorded.",
    )
    witness_name = models.CharField(max_length=200, blank=True)
    witness_role = models.CharField("witness's job title or relation to you", max_length=200, blank=True)
    witness_email = models.EmailField(blank=True)
    witness_requested_at = models.DateTimeField(null=True, blank=True)
    witness_confirmed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="evidence_version_number_unique"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="evidence_version_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def witness_confirmed(self) -> bool:
        return self.witness_confirmed_at is not None


class EvidenceFileQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> EvidenceFileQuerySet:
        """The files of every enrolment `user` may see."""
        return self.filter(version__item__enrolment__in=enrolments_visible_to(user))

    def of_enrolment(self, enrolment: Enrolment) -> EvidenceFileQuerySet:
        return self.filter(version__item__enrolment=enrolment)

    def originals(self) -> EvidenceFileQuerySet:
        """One row per stored blob: leaves out the rows a new version copied from an earlier one."""
        return self.filter(copied_from__isnull=True)


class EvidenceFile(models.Model):
    """A stored file of one version. A new version copies the row, pointing at the same stored bytes."""

    version = models.ForeignKey(EvidenceVersion, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255, help_text=_("Storage name; never shown, never a public URL."))
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    mime = models.CharField(max_length=100)
    kind = models.CharField(max_length=16)
    preview_name = models.CharField(max_length=255, blank=True)
    location_removed = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The row this one was copied from when a new version was started (same bytes, same name).
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    # An earlier upload of the same bytes in this enrolment, in another item or version: shown as a warning.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        ordering = ["version", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == "image"


class Mapping(models.Model):
    """A version claimed to show one assessable item; the assessor accepts or refers it."""

    version = models.ForeignKey(EvidenceVersion, on_delete=models.CASCADE, related_name="mappings")
    assessable_item = models.ForeignKey(AssessableItem, on_delete=models.PROTECT, related_name="mappings")
    mapped_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mapped_at = models.DateTimeField(auto_now_add=True)
    # Set only through the assessments app's services; claimed until then.
    status = models.CharField(max_length=16, choices=MappingStatus.choices, default=MappingStatus.CLAIMED)

    class Meta:
        ordering = ["assessable_item__unit__order", "assessable_item__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "assessable_item"], name="mapping_version_item_unique"),
        ]
        indexes = [models.Index(fields=["assessable_item", "status"])]

    def __str__(self) -> str:
        return f"{self.version} → {self.assessable_item} ({self.get_status_display()})"


class ResumableUpload(models.Model):
    """A file arriving in chunks (the tus protocol, evidence/resumable.py), until it is complete or expires.

    Its bytes so far sit in storage under `partial_name`: a file appended to on a local
    folder, an S3 multipart upload (`multipart_id`, its `parts`) on S3. Only the person
    who started it may see or continue it; complete, it goes through the same checks as
    any upload and becomes an `EvidenceFile` of `version`, and this row is deleted.
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(EvidenceVersion, on_delete=models.CASCADE, related_name="resumable_uploads")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    original_name = models.CharField(max_length=255)
    length = models.PositiveBigIntegerField(help_text=_("The file's size in bytes, as declared when it was started."))
    offset = models.PositiveBigIntegerField(default=0, help_text=_("How many bytes have arrived."))
    partial_name = models.CharField(max_length=255, help_text=_("Storage name of the bytes so far; never shown."))
    multipart_id = models.CharField(max_length=1024, blank=True, help_text=_("The S3 multipart upload's id."))
    parts = models.JSONField(default=list, blank=True, help_text=_("The S3 parts so far: PartNumber and ETag."))
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.offset} of {self.length} bytes)"
