"""Assessor decisions, sign-offs, IQA countersignatures, questions, visits and action points.

Decisions, sign-offs, declarations, samples, countersignatures and referrals are
append-only: a correction is a new row (a unit sign-off is *superseded* by an IQA
referral, never deleted). `AppendOnly.save()` and `delete()` refuse to change an
existing row, and on PostgreSQL each model's `append_only()` trigger refuses it in
the database too; the admin is view-only. Writes live in `assessments/services/`,
each with its record in the audit trail (the `audit` app).
"""

from __future__ import annotations

import datetime
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from audit.triggers import append_only
from candidates.access import AnyUser, enrolments_visible_to
from candidates.models import Enrolment
from evidence.models import EvidenceItem, EvidenceVersion, Mapping
from units.models import AssessableItem, Unit

USER = settings.AUTH_USER_MODEL


class AppendOnly(models.Model):
    """A row written once: saving an existing row again or deleting it raises ValidationError."""

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValidationError(f"{self._meta.verbose_name} records are never changed; add a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValidationError(f"{self._meta.verbose_name} records are never deleted.")


class EnrolmentScopedQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> Self:
        """Rows of every enrolment `user` may see (the gate of candidates/access.py)."""
        return self.filter(enrolment__in=enrolments_visible_to(user))


# --------------------------------------------------------------------------- decisions and feedback


class DecisionOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REFERRED = "referred", _("Referred")


class Decision(AppendOnly):
    """The assessor's judgement of one mapping of one evidence version.

    A decision *carried forward* (`carried_from` set) is not a new judgement: a new version kept a claim
    the assessor had accepted on the version before, unchanged, so the acceptance stands for it too; `by`
    is the assessor who made the decision it carries, `at` when the new version was submitted.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="decisions")
    mapping = models.ForeignKey(Mapping, on_delete=models.PROTECT, related_name="decisions")
    version = models.ForeignKey(EvidenceVersion, on_delete=models.PROTECT, related_name="decisions")
    assessable_item = models.ForeignKey(AssessableItem, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices)
    feedback = models.TextField(blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    # The decision on the previous version's same claim that this one carries forward (no new judgement).
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_to"
    )

    objects = EnrolmentScopedQuerySet.as_manager()

    class Meta:
        triggers = [append_only()]
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.assessable_item} by {self.by}"


class FeedbackMessage(AppendOnly):
    """One message of the conversation on an evidence item between candidate and assessor."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="feedback_messages")
    evidence = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="feedback_messages")
    version = models.ForeignKey(EvidenceVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField()

    objects = EnrolmentScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"


# --------------------------------------------------------------------------- sign-off


class ItemSignOffQuerySet(EnrolmentScopedQuerySet):
    def current(self) -> ItemSignOffQuerySet:
        """Sign-offs of the unit's current round: an IQA referral of the unit reopens its items for a new one."""
        referrals = (
            IqaReferral.objects.filter(
                unit_sign_off__enrolment_id=OuterRef("enrolment_id"),
                unit_sign_off__unit_id=OuterRef("assessable_item__unit_id"),
            )
            .order_by()
            .values("unit_sign_off__enrolment_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(unit_round=Coalesce(Subquery(referrals), 0)).filter(round=F("unit_round"))


class ItemSignOff(AppendOnly):
    """An assessable item signed off for an enrolment; at most one per (enrolment, item) in each round.

    The round is how many IQA referrals of the item's unit came before: a referral reopens the unit,
    so its items can be judged and signed off again, while the earlier sign-offs stay on record.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="item_sign_offs")
    assessable_item = models.ForeignKey(AssessableItem, on_delete=models.PROTECT, related_name="sign_offs")
    round = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    # Set when the enrolment moved to a new version of its qualification and this item was unchanged there.
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_to"
    )

    objects = ItemSignOffQuerySet.as_manager()

    class Meta:
        triggers = [append_only()]
        ordering = ["assessable_item__unit__order", "assessable_item__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "assessable_item", "round"], name="item_sign_off_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assessable_item} signed off by {self.by}"


class SignedEvidence(AppendOnly):
    """A copy of what a sign-off relied on: one evidence version and one of its files (or none).

    The title, number, file name and SHA-256 are copied, so a later version never changes what was signed.
    """

    sign_off = models.ForeignKey(ItemSignOff, on_delete=models.PROTECT, related_name="evidence")
    version = models.ForeignKey(EvidenceVersion, on_delete=models.PROTECT, related_name="+")
    version_number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    file_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        triggers = [append_only()]
        ordering = ["pk"]
        verbose_name_plural = _("signed evidence")

    def __str__(self) -> str:
        return f"{self.title} v{self.version_number} {self.file_name} {self.sha256[:12]}"


class LearnerDeclaration(AppendOnly):
    """The candidate's confirmation that the evidence for a unit is their own work."""

    TEXT = "I confirm that the evidence in this unit is my own work."

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="learner_declarations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(default=TEXT)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_to"
    )

    objects = EnrolmentScopedQuerySet.as_manager()

    class Meta:
        triggers = [append_only()]
        constraints = [models.UniqueConstraint(fields=["enrolment", "unit"], name="learner_declaration_once")]

    def __str__(self) -> str:
        return f"{self.unit.code} declared by {self.by}"


class UnitSignOffQuerySet(EnrolmentScopedQuerySet):
    def current(self) -> UnitSignOffQuerySet:
        """Sign-offs not superseded by an IQA referral."""
        return self.filter(referral__isnull=True)


class UnitSignOff(AppendOnly):
    """A whole unit signed off with the assessor's declaration. An IQA referral supersedes it (a new row)."""

    DECLARATION = (
        "I confirm that the candidate has met every assessable item of this unit, "
        "on evidence that is valid, authentic, current and sufficient."
    )

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="unit_sign_offs")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="sign_offs")
    declaration = models.TextField(default=DECLARATION)
    learner_declaration = models.ForeignKey(LearnerDeclaration, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    # The sign-off a referral superseded, when this one replaces it.
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    # Set when the enrolment moved to a new version of its qualification and the unit was unchanged there.
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_to"
    )

    objects = UnitSignOffQuerySet.as_manager()

    class Meta:
        triggers = [append_only()]
        ordering = ["-at", "-pk"]
        constraints = [
            # One sign-off per unit and enrolment, plus one more per referral (each replacing the one referred).
            models.UniqueConstraint(
                fields=["enrolment", "unit"], condition=Q(replaces__isnull=True), name="unit_sign_off_first_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} signed off by {self.by}"


class Countersignature(AppendOnly):
    """The IQA's countersignature of a unit sign-off they sampled."""

    unit_sign_off = models.OneToOneField(UnitSignOff, on_delete=models.PROTECT, related_name="countersignature")
    comment = models.TextField(blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        triggers = [append_only()]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.unit_sign_off.unit.code} countersigned by {self.by}"


class UnitSample(AppendOnly):
    """The IQA put a unit sign-off in their sample: until they countersign it, the unit is not achieved."""

    unit_sign_off = models.OneToOneField(UnitSignOff, on_delete=models.PROTECT, related_name="sample")
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        triggers = [append_only()]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.unit_sign_off.unit.code} sampled by {self.by}"


class IqaReferral(AppendOnly):
    """The IQA sends a unit sign-off back to the assessor; the sign-off is superseded and the unit reopens."""

    unit_sign_off = models.OneToOneField(UnitSignOff, on_delete=models.PROTECT, related_name="referral")
    comments = models.TextField()
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        triggers = [append_only()]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.unit_sign_off.unit.code} referred by {self.by}"


# --------------------------------------------------------------------------- questions


class Question(models.Model):
    """A candidate's question to their assessor; a thread of replies follows."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="questions")
    subject = models.CharField(max_length=200)
    text = models.TextField()
    asked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    # When someone other than the asker first replied; null while the question waits.
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = EnrolmentScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at", "-pk"]
        indexes = [models.Index(fields=["enrolment", "answered_at"])]

    def __str__(self) -> str:
        return self.subject


class Reply(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"


# --------------------------------------------------------------------------- visits and action points


class Visit(models.Model):
    """An assessor's visit to the candidate's workplace: planned, then recorded with notes."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="visits")
    planned_for = models.DateTimeField()
    place = models.CharField(max_length=200)
    purpose = models.TextField()
    notes = models.TextField(blank=True)
    notes_recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # How long the visit is planned to last, in minutes: its end in the calendar.
    duration = models.PositiveSmallIntegerField(default=60)
    # When the assessor called it off; a cancelled visit stays listed (and in calendar feeds, as cancelled).
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = EnrolmentScopedQuerySet.as_manager()

    class Meta:
        ordering = ["planned_for", "pk"]

    def __str__(self) -> str:
        return f"Visit on {self.planned_for:%d/%m/%Y} at {self.place}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.planned_for + datetime.timedelta(minutes=self.duration)


class ActionPointQuerySet(EnrolmentScopedQuerySet):
    def open(self) -> ActionPointQuerySet:
        return self.filter(done_at__isnull=True)

    def overdue(self, today: datetime.date) -> ActionPointQuerySet:
        """Not done and due before `today`."""
        return self.open().filter(due__lt=today)


class ActionPoint(models.Model):
    """Something the candidate agreed to do by a date, usually set at a visit."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="action_points")
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_points")
    text = models.TextField()
    due = models.DateField()
    set_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    # The "due tomorrow" reminder went out: the periodic task never sends it twice.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = ActionPointQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["due", "done_at"])]

    def __str__(self) -> str:
        return self.text[:60]
