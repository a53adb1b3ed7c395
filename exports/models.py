"""A portfolio export: one request for a PDF (or ZIP) of one enrolment, and its progress; a centre's report likewise."""

from __future__ import annotations

import math

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from candidates.access import AnyUser, centres_administered_by, enrolments_visible_to
from candidates.models import Centre, Enrolment


class ExportFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    ZIP = "zip", _("ZIP of the original files, with the PDF")


class ExportKind(models.TextChoices):
    PORTFOLIO = "portfolio", _("Portfolio")
    GATEWAY_PACK = "gateway_pack", _("Gateway pack")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportStage(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    GATHERING = "gathering", _("Gathering the portfolio")
    PREPARING_IMAGES = "preparing_images", _("Preparing images")
    RENDERING = "rendering", _("Rendering")
    MERGING = "merging", _("Joining the pages")
    STORING = "storing", _("Storing the file")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class PortfolioExportQuerySet(models.QuerySet["PortfolioExport"]):
    def visible_to(self, user: AnyUser) -> PortfolioExportQuerySet:
        """Exports of the enrolments `user` may read (the gate of candidates.access decides)."""
        return self.filter(enrolment__in=enrolments_visible_to(user).values("pk"))

    def unfinished(self) -> PortfolioExportQuerySet:
        return self.filter(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])

    def portfolios(self) -> PortfolioExportQuerySet:
        return self.filter(kind=ExportKind.PORTFOLIO)

    def gateway_packs(self) -> PortfolioExportQuerySet:
        return self.filter(kind=ExportKind.GATEWAY_PACK)


class PortfolioExport(models.Model):
    """One file built by the worker for one enrolment: its portfolio (PDF or ZIP), or its gateway pack (PDF).

    Both kinds share the machinery: the row with its progress, the task queued on commit, the claim and
    heartbeat, the sweep, the progress page and the download.
    """

    kind = models.CharField(max_length=16, choices=ExportKind.choices, default=ExportKind.PORTFOLIO)
    #: A gateway pack: the fingerprint of the signed declaration it was asked for (the worker checks it still holds).
    declaration_hash = models.CharField(max_length=64, blank=True)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="portfolio_exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    format = models.CharField(max_length=4, choices=ExportFormat.choices, default=ExportFormat.PDF)
    include_pdf_evidence = models.BooleanField(
        default=False, help_text=_("Append PDF evidence files as pages of the portfolio.")
    )
    #: The language the PDF is written in (its interface text, and the spec's wording where translated).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE,
        help_text=_("The language of the PDF: its headings, and the spec's wording where it is translated."),
    )
    status = models.CharField(max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    stage = models.CharField(max_length=16, choices=ExportStage.choices, default=ExportStage.QUEUED)
    pages_done = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Percent, 0-100."))
    file_name = models.CharField(max_length=255, blank=True, help_text=_("Storage name of the result."))
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, help_text=_("Why it failed, in words a person can act on."))
    attempts = models.PositiveSmallIntegerField(default=0, help_text=_("How many times a worker started it."))
    claimed_by = models.CharField(max_length=255, blank=True, help_text=_("host:pid of the worker running it."))
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    objects = PortfolioExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="export_status_heartbeat")]

    def __str__(self) -> str:
        return f"Portfolio export {self.pk} of {self.enrolment_id} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def stage_words(self) -> str:
        """The stage as the progress bar says it: "Rendering page 12"."""
        if self.stage == ExportStage.RENDERING and self.pages_done:
            return gettext("Rendering page %(page)d") % {"page": self.pages_done}
        return self.get_stage_display()

    @property
    def download_name(self) -> str:
        """The file name the browser saves: portfolio-<candidate>-<date>.<ext>."""
        from django.utils.text import slugify

        when = (self.finished or self.created).strftime("%Y-%m-%d")
        if self.kind == ExportKind.GATEWAY_PACK:
            return f"gateway-pack-{slugify(str(self.enrolment.candidate)) or self.enrolment_id}-{when}.pdf"
        return f"portfolio-{slugify(str(self.enrolment.candidate)) or self.enrolment_id}-{when}.{self.format}"


# --------------------------------------------------------------------------- reports a centre hands to others


class ReportKind(models.TextChoices):
    CASELOAD = "caseload", _("Caseload: each assessor's candidates, waiting work and response times")
    PROGRESS = "progress", _("Progress: every enrolment's stage, units and risks")
    ACHIEVEMENT = "achievement", _("Achievement: achieved units and what they earn")
    SAMPLING = "sampling", _("Sampling: the IQA's coverage per assessor and unit")


class ReportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", _("XLSX (Excel workbook)")


class CentreReportQuerySet(models.QuerySet["CentreReport"]):
    def visible_to(self, user: AnyUser) -> CentreReportQuerySet:
        """Reports of the centres `user` administers (a superuser: every centre); nobody else sees one."""
        return self.filter(centre__in=centres_administered_by(user).values("pk"))


class CentreReport(models.Model):
    """One request for a centre's report as a file, built by a worker, with its progress (as PortfolioExport)."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="reports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=ReportKind.choices)
    format = models.CharField(max_length=4, choices=ReportFormat.choices, default=ReportFormat.XLSX)
    status = models.CharField(max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Percent, 0-100."))
    rows = models.PositiveIntegerField(null=True, blank=True, help_text=_("Rows written, headings aside."))
    file_name = models.CharField(max_length=255, blank=True, help_text=_("Storage name of the result."))
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True, help_text=_("Why it failed, in words a person can act on."))
    attempts = models.PositiveSmallIntegerField(default=0, help_text=_("How many times a worker started it."))
    claimed_by = models.CharField(max_length=255, blank=True, help_text=_("host:pid of the worker building it."))
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    objects = CentreReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} report {self.pk} of {self.centre_id} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def download_name(self) -> str:
        """The file name the browser saves: <kind>-<centre code>-<date>.<ext>."""
        when = (self.finished or self.created).strftime("%Y-%m-%d")
        return f"{self.kind}-{self.centre.code}-{when}.{self.format}"


# --------------------------------------------------------------------------- a centre's dashboard figures, stored


class CentreFigures(models.Model):
    """A centre's dashboard figures as a worker computed them with exports/figures.py at `computed_at`.

    The dashboard reads the newest of a centre's snapshots (and a page of its `AssessorFigures`) at a fixed cost,
    whatever the centre's size. A new snapshot is written whole in one transaction; the one before it is kept until
    the next (a page that read it a moment earlier still finds its rows), older ones are deleted.
    """

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="figures")
    computed_at = models.DateTimeField()
    #: How long computing them took.
    seconds = models.FloatField(default=0)
    total = models.PositiveIntegerField(default=0, help_text=_("Enrolments of the centre."))
    #: Counts per key: {"stage": {...}, "status": {...}, "band": {...}, "risk": {...}, "exports": {...},
    #: "units": {...}}; the keys are those of exports/figures.py, labelled when shown.
    tallies = models.JSONField(default=dict)
    at_risk_total = models.PositiveIntegerField(default=0)
    #: The first AT_RISK_LISTED at-risk enrolments, soonest planned end first: [[pk, [reason key, ...]], ...].
    at_risk_listed = models.JSONField(default=list)
    eligible = models.PositiveIntegerField(default=0)
    #: The IQA sampling rate they were counted at (0-1).
    sampling_rate = models.FloatField(default=0)
    target_hours = models.PositiveSmallIntegerField(default=0, help_text=_("The response target they were counted at."))
    #: How many `AssessorFigures` rows it has (the table's pages are counted without a query).
    assessor_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["centre", "-computed_at", "-id"], name="figures_centre_latest")]

    def __str__(self) -> str:
        return f"Figures of centre {self.centre_id} at {self.computed_at:%Y-%m-%d %H:%M}"

    @property
    def sampling_rate_percent(self) -> int:
        return round(self.sampling_rate * 100)


class AssessorFigures(models.Model):
    """One assessor's row of a centre's figures: caseload, waiting work, response times, IQA sampling coverage."""

    # No index of its own: the indexes below all start with it, each in an order the page reads.
    figures = models.ForeignKey(CentreFigures, on_delete=models.CASCADE, related_name="assessor_rows",
                                db_index=False)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=320)
    #: The name in lower case: the table's order.
    sort_name = models.CharField(max_length=320)
    active = models.PositiveIntegerField(default=0)
    paused = models.PositiveIntegerField(default=0)
    awaiting = models.PositiveIntegerField(default=0)
    oldest_waiting_hours = models.FloatField(default=0)
    decided = models.PositiveIntegerField(default=0)
    median_hours = models.FloatField(null=True, blank=True)
    within_target = models.PositiveIntegerField(default=0)
    signed = models.PositiveIntegerField(default=0, help_text=_("Unit sign-offs they made."))
    sampled = models.PositiveIntegerField(default=0, help_text=_("Of those, how many the IQA sampled."))
    #: `sampled` as a share of `signed`; None when they signed off nothing.
    sampling_percent = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["figures", "sort_name", "assessor"], name="assessor_figures_by_name"),
            # The charts' orders, ties broken by name as the table's: the first 15 are the index's first 15.
            models.Index(fields=["figures", "-median_hours", "sort_name", "assessor"], name="assessor_figures_slowest"),
            models.Index(fields=["figures", "-active", "sort_name", "assessor"], name="assessor_figures_busiest"),
            models.Index(fields=["figures", "sampling_percent", "sort_name", "assessor"],
                         name="assessor_figures_sampling"),
        ]

    def __str__(self) -> str:
        return f"{self.name} in {self.figures}"

    @property
    def within_target_percent(self) -> int | None:
        return round(100 * self.within_target / self.decided) if self.decided else None

    @property
    def meets_target(self) -> bool:
        """The median answer within the target and nothing waiting longer than it."""
        target = self.figures.target_hours
        return bool((self.median_hours is None or self.median_hours <= target) and self.oldest_waiting_hours <= target)

    @property
    def percent(self) -> int:
        return self.sampling_percent or 0

    @property
    def needed(self) -> int:
        return int(math.ceil(self.signed * self.figures.sampling_rate))

    @property
    def met(self) -> bool:
        return self.sampled >= self.needed


class FiguresRefresh(models.Model):
    """A refresh of a centre's figures asked for and not yet done: at most one per centre, so asking again while
    one waits or runs queues nothing more."""

    centre = models.OneToOneField(Centre, on_delete=models.CASCADE, related_name="figures_refresh")
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Refresh of centre {self.centre_id}'s figures asked at {self.requested_at:%Y-%m-%d %H:%M}"
