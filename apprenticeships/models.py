"""Off-the-job training: the rule (data, not code), each enrolment's plan, and the log of hours.

The apprenticeships app comes after assessments and before exports in the dependency order: it may
import units, candidates, evidence, assessments, audit and portfolio_site; none of them imports it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from candidates.models import Enrolment
from evidence.models import EvidenceItem
from units.models import AssessableItem

from .signing import Party


class RuleKind(models.TextChoices):
    HOURS_PER_WEEK = "hours_per_week", _("Hours a week (pro rata below full time)")
    PERCENT_OF_CONTRACTED = "percent_of_contracted", _("Percentage of contracted hours")


class OtjRuleQuerySet(models.QuerySet["OtjRule"]):
    def in_force_on(self, day: datetime.date) -> OtjRule | None:
        """The rule in force on `day` (the newest one if periods overlap), or None."""
        return (self.filter(in_force_from__lte=day)
                .filter(models.Q(in_force_to__isnull=True) | models.Q(in_force_to__gte=day))
                .order_by("-in_force_from").first())


class OtjRule(models.Model):
    """A funding rule for the minimum off-the-job training, as the funding body published it.

    ``hours_per_week``: ``weekly_hours`` a week at ``full_time_hours`` contracted hours or more, pro rata below.
    ``percent_of_contracted``: ``percent`` of the contracted hours, counted up to ``full_time_hours`` a week.
    Either way over the planned weeks, less ``leave_weeks_per_year`` of statutory leave a year when
    ``deduct_leave``. The rows come from a data migration; a new rule is a new row.
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(help_text=_("What the rule says and where it is published."))
    in_force_from = models.DateField(help_text=_("For apprenticeships starting on or after this date."))
    in_force_to = models.DateField(null=True, blank=True,
                                   help_text=_("For starts up to this date; empty: still in force."))
    kind = models.CharField(max_length=24, choices=RuleKind.choices)
    weekly_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    full_time_hours = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(30))
    deduct_leave = models.BooleanField(default=True)
    leave_weeks_per_year = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("5.6"))

    objects = OtjRuleQuerySet.as_manager()

    class Meta:
        ordering = ["-in_force_from"]

    def __str__(self) -> str:
        return self.name


class OtjPlan(models.Model):
    """An enrolment's off-the-job plan: contracted hours, planned dates and the rule that sets the minimum."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="otj_plan")
    contracted_hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Contracted working hours a week."),
    )
    planned_start = models.DateField()
    planned_end = models.DateField()
    rule = models.ForeignKey(OtjRule, on_delete=models.PROTECT, related_name="plans")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(planned_end__gt=models.F("planned_start")),
                                              name="otj_plan_end_after_start")]

    def __str__(self) -> str:
        return f"Off-the-job plan of {self.enrolment}"

    @property
    def contracted_text(self) -> str:
        """The contracted hours without trailing zeros: "37.5", "30"."""
        return f"{self.contracted_hours.normalize():f}"


class ActivityType(models.TextChoices):
    TAUGHT = "taught", _("Taught session")
    SHADOWING = "shadowing", _("Shadowing")
    MENTORING = "mentoring", _("Mentoring")
    INDUSTRY_VISIT = "industry_visit", _("Industry visit")
    ONLINE = "online", _("Online learning")
    WRITING = "writing", _("Writing assignments")
    PRACTICAL = "practical", _("Practical training")
    OTHER = "other", _("Other")


class EntryStatus(models.TextChoices):
    RECORDED = "recorded", _("Awaiting verification")
    QUERIED = "queried", _("Queried")
    VERIFIED = "verified", _("Verified")


class OtjEntry(models.Model):
    """One off-the-job activity the candidate logged; the assessor verifies it or queries it back."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="otj_entries")
    date = models.DateField()
    minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    activity = models.CharField(max_length=16, choices=ActivityType.choices)
    learned = models.TextField()
    language = models.CharField(
        _("language"), max_length=8, blank=True, choices=settings.LANGUAGES,
        help_text=_("The language the apprentice wrote what they learned in; empty where it was not recorded."),
    )
    items = models.ManyToManyField(AssessableItem, blank=True, related_name="+")
    evidence = models.ManyToManyField(EvidenceItem, blank=True, related_name="+")
    status = models.CharField(max_length=12, choices=EntryStatus.choices, default=EntryStatus.RECORDED)
    query = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["enrolment", "status"])]
        constraints = [models.CheckConstraint(condition=models.Q(minutes__gt=0), name="otj_entry_minutes_positive")]

    def __str__(self) -> str:
        # Translators: an off-the-job log entry: its date, activity and length in minutes.
        return gettext("%(date)s: %(activity)s (%(minutes)d min)") % {
            "date": date_format(self.date), "activity": self.get_activity_display(), "minutes": self.minutes}

    @property
    def hours_text(self) -> str:
        hours, minutes = divmod(self.minutes, 60)
        return f"{hours}:{minutes:02d}"


# --------------------------------------------------------------------------- the gateway


class AchievementKind(models.TextChoices):
    ENGLISH = "english", _("English")
    MATHS = "maths", _("Maths")
    QUALIFICATION = "qualification", _("Qualification")


class Achievement(models.Model):
    """An apprentice's English or maths achievement, or a qualification they achieved, as the provider saw it.

    English and maths carry a level; a qualification its name (matched to the standard's mandatory qualifications).
    Recorded by the assessor or the centre admin; read by the gateway.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="achievements")
    kind = models.CharField(max_length=16, choices=AchievementKind.choices)
    level = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("English and maths: the level."))
    title = models.CharField(max_length=200, blank=True,
                             help_text=_("What was achieved: e.g. Functional Skills English, or the qualification."))
    achieved_on = models.DateField()
    evidenced_by = models.TextField(help_text=_("How it is evidenced: the certificate seen, its number, who saw it."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "-achieved_on", "pk"]
        constraints = [models.CheckConstraint(
            condition=models.Q(kind="qualification") | models.Q(level__isnull=False), name="achievement_level_given")]

    def __str__(self) -> str:
        if self.kind == AchievementKind.QUALIFICATION:
            return self.title
        return f"Level {self.level} {self.get_kind_display()}" + (f" ({self.title})" if self.title else "")


class GatewaySignature(models.Model):
    """One party's signature of the gateway declaration: who, when, and the hash of what they signed.

    Kept for good: a signature whose hash no longer matches the declaration's content is void, and shown so.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="gateway_signatures")
    party = models.CharField(max_length=12, choices=Party.choices)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["signed_at", "pk"]
        indexes = [models.Index(fields=["enrolment", "party"])]

    def __str__(self) -> str:
        return f"{self.get_party_display()}, fingerprint {self.content_hash[:12]}"
# --------------------------------------------------------------------------- progress reviews

#: Weeks between progress reviews unless the enrolment's schedule says otherwise.
DEFAULT_REVIEW_WEEKS = 12


class ReviewSchedule(models.Model):
    """How often an enrolment's progress is reviewed (every `interval_weeks`), set by its assessor or the centre."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="review_schedule")
    interval_weeks = models.PositiveSmallIntegerField(
        default=DEFAULT_REVIEW_WEEKS, validators=[MinValueValidator(1)],
        help_text=_("Weeks from one progress review to the next."))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(interval_weeks__gte=1),
                                              name="review_schedule_interval_positive")]

    def __str__(self) -> str:
        return f"Reviews of {self.enrolment} every {self.interval_weeks} weeks"


class ProgressReview(models.Model):
    """A three-way progress review of an apprentice: the assessor's record, signed by apprentice, employer and
    provider. Its signed content is `signed_content()`; a change after the first signature voids the signatures."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress_reviews")
    held_on = models.DateField()
    progress = models.TextField()
    items = models.ManyToManyField(AssessableItem, blank=True, related_name="+")
    # The off-the-job log when the review was created: what it says of the hours to date.
    otj_recorded_minutes = models.PositiveIntegerField(default=0)
    otj_verified_minutes = models.PositiveIntegerField(default=0)
    english_maths = models.TextField()
    wellbeing = models.TextField()
    safeguarding_concern = models.BooleanField(default=False)
    safeguarding_note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["enrolment", "held_on"])]
        constraints = [models.CheckConstraint(
            condition=models.Q(safeguarding_concern=False) | ~models.Q(safeguarding_note=""),
            name="progress_review_concern_has_note")]

    def __str__(self) -> str:
        return f"progress review of {self.held_on:%d %b %Y}"

    def signed_content(self) -> dict[str, object]:
        """Every field of the form and every target, as plain values: what a signature's hash pins.

        Reads the items and targets through their prefetch caches when loaded (reads.reviews_of)."""
        return {
            "enrolment": self.enrolment_id,
            "held_on": self.held_on.isoformat(),
            "progress": self.progress,
            "items": sorted(item.pk for item in self.items.all()),
            "otj_recorded_minutes": self.otj_recorded_minutes,
            "otj_verified_minutes": self.otj_verified_minutes,
            "english_maths": self.english_maths,
            "wellbeing": self.wellbeing,
            "safeguarding_concern": self.safeguarding_concern,
            "safeguarding_note": self.safeguarding_note,
            "targets": [{"text": target.text, "due": target.due.isoformat()}
                        for target in sorted(self.targets.all(), key=lambda target: (target.order, target.pk))],
        }

    @property
    def otj_recorded_text(self) -> str:
        return hours_text(self.otj_recorded_minutes)

    @property
    def otj_verified_text(self) -> str:
        return hours_text(self.otj_verified_minutes)


def hours_text(minutes: int) -> str:
    """Minutes as hours and minutes: "12:05"."""
    hours, rest = divmod(minutes, 60)
    return f"{hours}:{rest:02d}"


class ReviewTarget(models.Model):
    """One specific target agreed at a review, with its due date; it becomes an action point once the review is
    first signed."""

    review = models.ForeignKey(ProgressReview, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    due = models.DateField()
    action_point = models.ForeignKey("assessments.ActionPoint", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.text[:60]} (due {self.due:%d %b %Y})"


class ReviewSignature(models.Model):
    """One party's signature on a review: who, when, and the hash of the content they signed.

    Void once the review changed after it (`void_at`, `voided_by`); the row stays, so the history does."""

    review = models.ForeignKey(ProgressReview, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(max_length=12, choices=Party.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)
    void_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["review", "party"], condition=models.Q(void_at__isnull=True),
                                               name="review_signature_one_valid_per_party")]

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.user} at {self.signed_at:%d %b %Y %H:%M}"

    @property
    def is_void(self) -> bool:
        return self.void_at is not None
