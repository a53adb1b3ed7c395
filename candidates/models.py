"""Centres, people and their roles, enrolments and the units a candidate chose."""

from __future__ import annotations

import functools
import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager
from django.core.signals import setting_changed
from django.db import models
from django.db.models.functions import Lower, Upper
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from units.models import Pathway, Qualification, Unit


class PersonManager(UserManager):
    """Accounts are by email address."""

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> User:  # type: ignore[override]  # by email, not username
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> User:  # type: ignore[override]  # by email, not username
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: Any) -> User:  # type: ignore[override]  # by email, not username
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email: str) -> User:
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person: candidate, assessor, IQA, centre admin, EQA or platform admin, signed in by email."""

    username = None
    email = models.EmailField("email address", unique=True)
    language = models.CharField(
        _("language"), max_length=8, blank=True, choices=settings.LANGUAGES,
        help_text=_("The language of the pages and emails; empty: the browser's."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    # The roles held, per centre id: read once per user object by candidates/access.py.
    _roles_by_centre: dict[int, set[str]]
    # The enrolments they follow as an employer contact: read once per user object by candidates/access.py.
    _followed_enrolments: frozenset[int]

    objects = PersonManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        indexes = [
            # Sign-in, enrolment and the CSV find a person by `email__iexact`, which PostgreSQL writes as
            # UPPER(email) = UPPER(%s): the unique index on the column cannot answer it, this one does.
            models.Index(Upper("email"), name="user_email_upper"),
            # The lists of people and of enrolments sort by name: read in this order, a page of 50 is found
            # without sorting everyone. With the id, a page of a centre's staff or assessors is chosen on this
            # index alone (each entry tested against the centre's lists), reading no row of the people it skips.
            models.Index(fields=["last_name", "first_name", "email", "id"], name="user_name_order_id"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def roles_by_centre(self) -> dict[int, set[str]]:
        """The kinds of role this person holds, per centre id; one query, kept on this user object (i.e. for the
        request): the access checks (candidates/access.py) and `EnrolmentQuerySet.visible_to` share it."""
        cached: dict[int, set[str]] | None = getattr(self, "_roles_by_centre", None)
        if cached is None:
            cached = {}
            for centre_id, kind in Role.objects.filter(user=self).order_by().values_list("centre_id", "kind"):
                cached.setdefault(centre_id, set()).add(kind)
            self._roles_by_centre = cached
        return cached

    @property
    def role_kinds(self) -> frozenset[str]:
        """The kinds of role this person holds in any centre (`roles_by_centre`: one query, kept for the request)."""
        return frozenset(kind for kinds in self.roles_by_centre().values() for kind in kinds)

    @property
    def administers_a_centre(self) -> bool:
        """Whether this person manages some centre's enrolments (shows them the Enrolments page)."""
        return self.is_superuser or RoleKind.CENTRE_ADMIN in self.role_kinds

    @property
    def assesses(self) -> bool:
        """Whether this person assesses candidates somewhere (shows them the caseload)."""
        return RoleKind.ASSESSOR in self.role_kinds

    @property
    def quality_assures(self) -> bool:
        """Whether this person samples assessments as an IQA or reads them as an EQA (shows them sampling)."""
        return bool({RoleKind.IQA, RoleKind.EQA} & self.role_kinds)


class Centre(models.Model):
    """An approved organisation where candidates are registered."""

    name = models.CharField(max_length=255)
    code = models.SlugField(
        max_length=64, unique=True, help_text=_("Short stable code, e.g. the awarding body's centre number.")
    )
    # The designated safeguarding lead, alerted when a progress review raises a concern; named by the centre admin.
    safeguarding_lead = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("designated safeguarding lead"),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoleKind(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    ASSESSOR = "assessor", _("Assessor")
    IQA = "iqa", _("Internal quality assurer (IQA)")
    CENTRE_ADMIN = "centre_admin", _("Centre administrator")
    EQA = "eqa", _("External quality assurer (EQA)")


class Role(models.Model):
    """One role a person holds in one centre; a person may hold several, in several centres."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=16, choices=RoleKind.choices)

    class Meta:
        ordering = ["centre__name", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "centre", "kind"], name="role_user_centre_kind_unique"),
        ]
        indexes = [
            # A centre's people in one role (its assessors, its IQAs): the pickers, the staff list.
            models.Index(fields=["centre", "kind"], name="role_centre_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()} at {self.centre}"


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    COMPLETED = "completed", _("Completed")


def choice_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """{value: label} of `choices` in the active language, translated once a language: a model's
    `get_FOO_display()` hashes the translation of every choice on each call, which a list of 50 rows paid 50
    times."""
    return _choice_labels(choices, translation.get_language())


@functools.cache
def _choice_labels(choices: type[models.TextChoices], language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


@receiver(setting_changed)
def _forget_choice_labels(*, setting: str, **kwargs: Any) -> None:
    """Other catalogues (a test's LOCALE_PATHS): translated afresh, as Django forgets its own translations."""
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _choice_labels.cache_clear()


#: Statuses in which nothing of the enrolment may change: paused until resumed, withdrawn and completed for good.
FROZEN_STATUSES = frozenset({EnrolmentStatus.PAUSED, EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED})


def frozen_message(status: str) -> str:
    """Why nothing can change on an enrolment in `status`, and what to do (empty for an active one)."""
    if status == EnrolmentStatus.PAUSED:
        return gettext("This enrolment is paused: nothing can be changed until the centre resumes it.")
    if status == EnrolmentStatus.WITHDRAWN:
        return gettext("This enrolment is withdrawn: it can be read and exported but never changed again. "
                       "To continue, the centre enrols the candidate again.")
    if status == EnrolmentStatus.COMPLETED:
        return gettext("This enrolment is completed: it can be read and exported but never changed again.")
    return ""


class PlanStatus(models.TextChoices):
    NONE = "none", _("No plan yet")
    DRAFT = "draft", _("Draft (does not meet the rules yet)")
    VALID = "valid", _("Valid")


def visible_condition(user: User, prefix: str = "") -> models.Q:
    """What `EnrolmentQuerySet.visible_to` asks of an enrolment, for an authenticated, active person who is not a
    superuser; `prefix` reaches the enrolment from another model ("enrolment__"), so that a list of its rows
    (sign-offs, evidence) can be filtered through its join to the enrolment and the enrolment's indexes."""
    return visible_arms(user.pk, *centres_by_arm(user), prefix=prefix)


def centres_by_arm(user: User) -> tuple[list[int], list[int], list[int]]:
    """The centres where `user` assesses, where they quality-assure, and where they see every enrolment (centre
    admin or EQA): the lists of `visible_arms`."""
    held = user.roles_by_centre()

    def centres_where(*kinds: str) -> list[int]:
        return sorted(centre for centre, have in held.items() if not have.isdisjoint(kinds))

    return (centres_where(RoleKind.ASSESSOR), centres_where(RoleKind.IQA),
            centres_where(RoleKind.CENTRE_ADMIN, RoleKind.EQA))


def visible_arms(person: int, assessing: list[int], assuring: list[int], whole: list[int],
                 prefix: str = "") -> models.Q:
    """`visible_condition` of the person `person` (a pk) whose roles put them in `centres_by_arm`'s centres."""
    visible = models.Q(**{f"{prefix}candidate_id": person})
    if assessing:
        visible |= models.Q(**{f"{prefix}assessor_id": person, f"{prefix}centre_id__in": assessing})
    if assuring:
        visible |= models.Q(**{f"{prefix}iqa_id": person, f"{prefix}centre_id__in": assuring})
    if whole:
        visible |= models.Q(**{f"{prefix}centre_id__in": whole})
    return visible


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def visible_to(self, user: User | AnonymousUser) -> EnrolmentQuerySet:
        """The enrolments `user` may see: the union over every role they hold.

        Own enrolments as a candidate; those they assess or quality-assure (while
        they hold that role in the enrolment's centre); every enrolment of a
        centre where they are centre admin or EQA; everything for a superuser.
        Not those they only follow as an employer contact (`followed_by`): nothing
        read through this queryset (evidence, files, lists) reaches an employer.

        The centres of each role come from the person's roles (`User.roles_by_centre`, one query kept for the
        request) as literal lists, so that every arm of the OR is one the enrolment's indexes answer (candidate,
        assessor, IQA, centre) and the database knows how many rows each finds: an assessor's twenty enrolments
        are read through the assessor index, not found by reading the centre's hundred thousand, and an arm for
        a role the person does not hold is left out.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(visible_condition(user))

    def followed_by(self, user: User | AnonymousUser) -> EnrolmentQuerySet:
        """The enrolments `user` is a current employer contact of (they follow them; see candidates/access.py)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(pk__in=EmployerContact.objects.current().filter(user=user).values("enrolment_id"))

    def with_related(self) -> EnrolmentQuerySet:
        """Everything a list of enrolments shows, in one query."""
        return self.select_related("candidate", "centre", "qualification", "pathway", "assessor", "iqa", "employer")

    def overdue(self, today: date | None = None) -> EnrolmentQuerySet:
        """Active enrolments past their planned end date."""
        return self.filter(status=EnrolmentStatus.ACTIVE, planned_end_date__lt=today or timezone.localdate())


class Employer(models.Model):
    """An employer organisation of a centre's apprentices; its people follow them as employer contacts."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="employers")
    name = models.CharField(_("employer organisation"), max_length=255)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "centre", name="employer_name_unique_per_centre"),
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """A candidate registered on one version of a qualification at a centre, with their assessor and IQA."""

    # Set by the gate (candidates/access.py `enrolment_for`) on the row it hands a view, for the view and templates.
    viewer_relations: frozenset[str]
    viewer_may: dict[str, bool]

    candidate = models.ForeignKey(User, on_delete=models.PROTECT, related_name="enrolments")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="enrolments")
    # PROTECT: an enrolment stays on the version it registered on, so that version may not vanish.
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="enrolments")
    pathway = models.ForeignKey(Pathway, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments")
    assessor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assessed_enrolments")
    iqa = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="quality_assured_enrolments",
        verbose_name=_("IQA"),
    )
    # The apprentice's employer organisation (of the same centre), set when the centre names an employer contact.
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="enrolments")
    start_date = models.DateField()
    planned_end_date = models.DateField()
    uln = models.CharField("unique learner number (ULN)", max_length=10, blank=True)
    registration_number = models.CharField("awarding-body registration number", max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE)
    # When the status last changed (pause, resume, withdraw, complete); null while it never has.
    status_since = models.DateTimeField(null=True, blank=True)
    plan_status = models.CharField(max_length=8, choices=PlanStatus.choices, default=PlanStatus.NONE)
    plan_saved_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # When the invitation task emailed this enrolment's candidate (bulk enrolment): it never sends twice.
    invitation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["candidate__last_name", "candidate__first_name", "qualification__title", "pk"]
        indexes = [
            # The searches of the lists of enrolments (candidates/listing.py): the exact ULN, and a centre's
            # enrolments by status and planned end date ("behind plan").
            models.Index(fields=["uln"], name="enrolment_uln"),
            models.Index(fields=["centre", "status", "planned_end_date"], name="enrolment_centre_status_end"),
            # The qualifications a centre's list offers as a filter: one probe a qualification. With the id, the
            # first enrolment of a qualification at the centre (`order_by("pk")[:1]`) is the index's first entry:
            # the database walks to it rather than reading the table until one turns up.
            models.Index(fields=["centre", "qualification", "id"], name="enrolment_centre_qual_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end_date__gte=models.F("start_date")),
                name="enrolment_end_not_before_start",
            ),
            # One live enrolment per candidate and qualification version; a withdrawn one may be followed by another.
            models.UniqueConstraint(
                fields=["candidate", "qualification"],
                condition=~models.Q(status="withdrawn"),
                name="enrolment_one_live_per_qualification",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} on {self.qualification}"

    @property
    def status_label(self) -> str:
        """`get_status_display()`, translated once a language (`choice_labels`)."""
        return choice_labels(EnrolmentStatus).get(self.status, self.status)

    @property
    def is_overdue(self) -> bool:
        """Active and past its planned end date."""
        return self.status == EnrolmentStatus.ACTIVE and self.planned_end_date < timezone.localdate()

    @property
    def is_frozen(self) -> bool:
        """Paused, withdrawn or completed: read-only for everyone (a paused one until it is resumed)."""
        return self.status in FROZEN_STATUSES

    @property
    def frozen_message(self) -> str:
        """Why nothing can change here and what to do; empty while the enrolment is active."""
        return frozen_message(self.status)

    @property
    def plan_is_draft(self) -> bool:
        """A saved plan that does not meet the rules of combination yet."""
        return self.plan_status == PlanStatus.DRAFT


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the person's acceptance")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class EnrolmentInvitationQuerySet(models.QuerySet["EnrolmentInvitation"]):
    def pending(self) -> EnrolmentInvitationQuerySet:
        """Invitations the person has neither accepted nor declined yet."""
        return self.filter(status=InvitationStatus.PENDING)


class EnrolmentInvitation(models.Model):
    """An enrolment a centre proposes to a person who already has an account elsewhere.

    Not an enrolment: nothing works on it (no evidence, judging, caseload or certification)
    and the centre sees only the email it typed, until the person, signed in as themselves,
    accepts; accepting creates the `Enrolment` (and the candidate role at the centre).
    """

    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    #: The address the centre typed: all the centre sees of the person until they accept.
    email = models.EmailField()
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_invitations")
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="enrolment_invitations")
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="+")
    pathway = models.ForeignKey(Pathway, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    iqa = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    planned_end_date = models.DateField()
    uln = models.CharField(max_length=10, blank=True)
    registration_number = models.CharField(max_length=64, blank=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    created = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    enrolment = models.OneToOneField(Enrolment, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="invitation")

    objects = EnrolmentInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "centre", "qualification"], condition=models.Q(status="pending"),
                name="enrolment_invitation_one_pending",
            ),
        ]

    def __str__(self) -> str:
        # The typed email, never the account's name: the audit trail and the centre's pages show this.
        return f"{self.email} invited to {self.qualification}"


class EmployerContactKind(models.TextChoices):
    LINE_MANAGER = "line_manager", _("Line manager")
    MENTOR = "mentor", _("Workplace mentor")


class EmployerContactQuerySet(models.QuerySet["EmployerContact"]):
    def current(self) -> EmployerContactQuerySet:
        """The contacts not removed: those who follow their apprentice now."""
        return self.filter(removed_at__isnull=True)


class EmployerContact(models.Model):
    """A person of the enrolment's employer (line manager or workplace mentor) who follows the apprentice.

    Invited by the centre admin; they see the apprentice's progress and action points (the ``employer``
    relation of candidates/access.py) and judge nothing. Removing a contact keeps the row (the past stays):
    ``removed_at`` ends what they see.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="employer_contacts")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="employer_contacts")
    kind = models.CharField(max_length=16, choices=EmployerContactKind.choices)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    # When the person first signed in after being named (null until then).
    accepted_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = EmployerContactQuerySet.as_manager()

    class Meta:
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "user"], condition=models.Q(removed_at__isnull=True),
                                    name="employer_contact_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()}) for {self.enrolment}"


class ReassignedField(models.TextChoices):
    ASSESSOR = "assessor", _("Assessor")
    IQA = "iqa", _("IQA")


class Reassignment(models.Model):
    """Who moved an enrolment from one assessor or IQA to another, and when."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="reassignments")
    field = models.CharField(max_length=8, choices=ReassignedField.choices)
    from_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_field_display()} of {self.enrolment}: {self.from_user} → {self.to_user}"


class UnitChoice(models.Model):
    """A unit the candidate chose for their plan."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="unit_choices")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="choices")
    chosen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__order", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "unit"], name="unit_choice_unique")]

    def __str__(self) -> str:
        return f"{self.unit.code} for {self.enrolment}"


class Coverage(models.TextChoices):
    FULLY = "fully", _("I can do this fully")
    PARTLY = "partly", _("I can do this partly")
    NOT_YET = "not_yet", _("Not yet")


class SelfAssessment(models.Model):
    """The candidate's own judgement of how far they already cover a unit."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="self_assessments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="self_assessments")
    coverage = models.CharField(max_length=8, choices=Coverage.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit__order", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "unit"], name="self_assessment_unique")]

    def __str__(self) -> str:
        return f"{self.unit.code}: {self.get_coverage_display()} ({self.enrolment})"


#: The role kinds of a centre's staff (every kind but the candidate's), in the order pages list them.
STAFF_KINDS = (RoleKind.CENTRE_ADMIN, RoleKind.ASSESSOR, RoleKind.IQA, RoleKind.EQA)


class StaffMember(models.Model):
    """A person's standing on a centre's staff: who invited them, and whether the centre deactivated them.

    The roles themselves are `Role` rows; this row remembers what roles do not: the invitation, and
    a deactivation, which ends the person's roles at the centre (kept in ``former_roles`` so that they
    can be given back). Their past decisions keep their name: nothing that points at the person changes.
    """

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="staff_members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_memberships")
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(null=True, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    #: The role kinds the person held at the centre when deactivated, given back on reactivation.
    former_roles = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["centre__name", "user__last_name", "user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "user"], name="staff_member_one_per_centre"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.centre}"

    @property
    def is_deactivated(self) -> bool:
        return self.deactivated_at is not None
