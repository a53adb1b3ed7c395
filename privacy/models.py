"""People's data: a subject-access export of everything held on one person, and its progress.

The erasure under the retention policy keeps no row of its own: it is recorded in the audit
trail (see privacy/services/erasure.py), and the erased enrolment is known by that record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.models import Centre
from exports.models import ExportStatus


class SubjectAccessStage(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    GATHERING = "gathering", _("Gathering the person's data")
    COPYING = "copying", _("Copying their files")
    STORING = "storing", _("Storing the file")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class SubjectAccessExport(models.Model):
    """One request for a copy of all the data held on `person`, made by the admin of `centre` (or a superuser)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="subject_access_exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    stage = models.CharField(max_length=16, choices=SubjectAccessStage.choices, default=SubjectAccessStage.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Percent, 0-100."))
    file_name = models.CharField(max_length=255, blank=True, help_text=_("Storage name of the result."))
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    files = models.PositiveIntegerField(default=0, help_text=_("How many of the person's files the ZIP holds."))
    error = models.TextField(blank=True, help_text=_("Why it failed, in words a person can act on."))
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"Subject access export {self.pk} of person {self.person_id} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def download_name(self) -> str:
        """The file name the browser saves: personal-data-<person id>-<date>.zip (no name in it)."""
        when = (self.finished or self.created).strftime("%Y-%m-%d")
        return f"personal-data-{self.person_id}-{when}.zip"
