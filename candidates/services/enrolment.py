"""Writes on enrolments: enrol one candidate (with the invitation), reassign, pause, resume, withdraw, complete.

A person known only at other centres is not enrolled on the centre's say-so: `enrol_candidate`
proposes the enrolment to them instead (services/invitation.py), and no message here tells a
centre what another centre holds about them (their name, qualifications, a deactivated account).

Every function is atomic, takes keyword arguments only and raises ``ValidationError``
with a message a centre admin can act on; each appends its record to the audit trail
in its own transaction. Invitation emails leave after commit.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import trail
from portfolio_site.links import absolute_url
from portfolio_site.mail import recipient_language, render_email, send_after_commit
from units.models import Pathway, Qualification

from ..models import (
    Centre,
    Enrolment,
    EnrolmentInvitation,
    EnrolmentStatus,
    ReassignedField,
    Reassignment,
    Role,
    RoleKind,
    User,
)
from .invitation import awaiting_message, invite, needs_consent, pending_at

ULN_PATTERN = re.compile(r"^\d{10}$")


def _holds_role(user: User | None, centre: Centre, kind: str) -> bool:
    return user is not None and user.is_active and Role.objects.filter(user=user, centre=centre, kind=kind).exists()


class Lookups:
    """What `enrolment_problems` asks the database, a query per question: right for one enrolment.

    The CSV import answers the same questions for a thousand rows from a handful of queries made
    up front (csv_import.PrefetchedLookups), so the checks and their wording stay in one place.
    """

    def account(self, email: str) -> User | None:
        """The account of `email` (lower-cased), if any."""
        return User.objects.filter(email__iexact=email).first()

    def holds_role(self, user: User | None, centre: Centre, kind: str) -> bool:
        """Whether `user` is active and holds the role `kind` at `centre`."""
        return _holds_role(user, centre, kind)

    def has_pathways(self, qualification: Qualification) -> bool:
        return qualification.pathways.exists()

    def known_here(self, person: User, centre: Centre) -> bool:
        """Whether `person` holds any role at `centre` (else they are known, if at all, only elsewhere)."""
        return Role.objects.filter(user=person, centre=centre).exists()

    def is_enrolled_here(self, candidate: User, centre: Centre, qualification: Qualification) -> bool:
        """Whether `candidate` has a live (not withdrawn) enrolment at `centre` on any version of `qualification`."""
        return Enrolment.objects.filter(
            candidate=candidate, centre=centre, qualification__code=qualification.code
        ).exclude(status=EnrolmentStatus.WITHDRAWN).exists()

    def is_pending_here(self, centre: Centre, email: str, qualification: Qualification) -> bool:
        """Whether `centre` already invited `email` to some version of `qualification` and awaits the answer."""
        return pending_at(centre=centre, email=email, qualification=qualification)


class Problems(dict[str, list[str]]):
    """What is wrong with a form's input, by field name."""

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)


def enrolment_problems(
    *,
    centre: Centre,
    email: str,
    qualification: Qualification | None,
    pathway: Pathway | None,
    assessor: User | None,
    iqa: User | None,
    start_date: datetime.date | None,
    planned_end_date: datetime.date | None,
    uln: str = "",
    lookups: Lookups | None = None,
) -> dict[str, list[str]]:
    """Everything wrong with an enrolment before it is made, by field name; empty when it may be made.

    `lookups` answers the questions asked of the database (by default, a query each).
    """
    problems = Problems()
    lookups = lookups or Lookups()
    email = email.strip().lower()
    candidate = _candidate_problems(problems, centre, email, lookups)
    _qualification_problems(problems, centre, email, candidate, qualification, pathway, lookups)
    _staff_problems(problems, centre, email, assessor, iqa, lookups)
    _date_problems(problems, start_date, planned_end_date)
    if uln and not ULN_PATTERN.match(uln):
        problems.add("uln", _("The ULN “%(uln)s” must be exactly 10 digits (leave it blank if not known yet).")
                     % {"uln": uln})
    return dict(problems)


def _candidate_problems(problems: Problems, centre: Centre, email: str, lookups: Lookups) -> User | None:
    """The account `email` names, if any; what is wrong with the address or that account.

    A deactivated account is named only to a centre where the person holds a role: to any
    other, it looks like every account known elsewhere (the person is invited, see enrol_candidate).
    """
    longest = User._meta.get_field("email").max_length
    try:
        validate_email(email)
    except ValidationError:
        problems.add("email", _("“%(email)s” is not a valid email address.") % {"email": email})
        return None
    if longest is not None and len(email) > longest:
        problems.add("email", _("The email address is %(length)d characters long; at most %(longest)d can be stored.")
                     % {"length": len(email), "longest": longest})
    candidate = lookups.account(email)
    if candidate is not None and not candidate.is_active and lookups.known_here(candidate, centre):
        problems.add("email", _("The account %(email)s is deactivated; reactivate it before enrolling.")
                     % {"email": email})
    return candidate


def _qualification_problems(problems: Problems, centre: Centre, email: str, candidate: User | None,
                            qualification: Qualification | None, pathway: Pathway | None,
                            lookups: Lookups) -> None:
    if qualification is None:
        problems.add("qualification", _("Choose the qualification version to enrol on."))
        return
    if qualification.retired:
        problems.add("qualification", _("%(qualification)s is retired: no new enrolments; choose another version.")
                     % {"qualification": qualification})
    if pathway is not None and pathway.qualification_id != qualification.pk:
        problems.add("pathway",
                     _("The pathway “%(pathway)s” belongs to another qualification; choose one of %(qualification)s.")
                     % {"pathway": pathway, "qualification": qualification})
    elif pathway is None and lookups.has_pathways(qualification):
        problems.add("pathway", _("%(qualification)s has pathways: choose the one the candidate follows.")
                     % {"qualification": qualification})
    if candidate is None:
        return
    # Only this centre's enrolments are named: one elsewhere is the person's to tell (at acceptance).
    if lookups.is_enrolled_here(candidate, centre, qualification):
        problems.add("email", _("%(email)s is already enrolled on %(qualification)s; "
                                "withdraw that enrolment first to enrol again.")
                     % {"email": email, "qualification": qualification.title})
    elif lookups.is_pending_here(centre, email, qualification):
        problems.add("email", awaiting_message(email, qualification))


def _staff_problems(problems: Problems, centre: Centre, email: str, assessor: User | None, iqa: User | None,
                    lookups: Lookups) -> None:
    if assessor is None:
        problems.add("assessor", _("Name the assessor."))
    elif not lookups.holds_role(assessor, centre, RoleKind.ASSESSOR):
        problems.add("assessor", _("%(email)s is not an assessor at %(centre)s; give them the assessor role first.")
                     % {"email": assessor.email, "centre": centre})
    elif assessor.email.lower() == email:
        problems.add("assessor", _("A candidate cannot be their own assessor."))
    if iqa is None:
        return
    if not lookups.holds_role(iqa, centre, RoleKind.IQA):
        problems.add("iqa", _("%(email)s is not an IQA at %(centre)s; give them the IQA role first.")
                     % {"email": iqa.email, "centre": centre})
    elif assessor is not None and iqa.pk == assessor.pk:
        problems.add("iqa", _("The IQA samples the assessor's decisions, so they must be a different person."))
    elif iqa.email.lower() == email:
        problems.add("iqa", _("A candidate cannot be their own IQA."))


def _date_problems(problems: Problems, start_date: datetime.date | None,
                   planned_end_date: datetime.date | None) -> None:
    if start_date is None:
        problems.add("start_date", _("Give the start date."))
    if planned_end_date is None:
        problems.add("planned_end_date", _("Give the planned end date."))
    elif start_date is not None and planned_end_date < start_date:
        problems.add("planned_end_date", _("The planned end date %(end)s is before the start date %(start)s.")
                     % {"end": f"{planned_end_date:%d/%m/%Y}", "start": f"{start_date:%d/%m/%Y}"})


def invitation_link(*, user: User) -> str:
    """An absolute link that lets `user` set their password once."""
    return absolute_url("set_password", uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
                        token=default_token_generator.make_token(user))


def send_invitation(*, user: User, centre: Centre) -> None:
    """Email `user` a link to set their password and sign in (sent after commit)."""
    send_after_commit(to=user.email, template="candidates/email/invitation",
                      context={"user": user, "centre": centre, "link": invitation_link(user=user)})


def send_invitations(*, enrolment_ids: Iterable[int]) -> int:
    """Email each candidate of these enrolments who has no password yet an invitation, once; how many left.

    Safe to run twice: each person's enrolments are claimed (marked sent) in the transaction that
    sends their email, so a second run finds them claimed; a failed send rolls the claim back.
    """
    pending = (Enrolment.objects.filter(pk__in=list(enrolment_ids), invitation_sent_at__isnull=True)
               .select_related("candidate", "centre").order_by("pk"))
    by_candidate: dict[int, list[Enrolment]] = {}
    for enrolment in pending:
        by_candidate.setdefault(enrolment.candidate_id, []).append(enrolment)
    sent = 0
    for enrolments in by_candidate.values():
        with transaction.atomic():
            claimed = Enrolment.objects.filter(
                pk__in=[enrolment.pk for enrolment in enrolments], invitation_sent_at__isnull=True
            ).update(invitation_sent_at=timezone.now())
            candidate = enrolments[0].candidate
            if not claimed or candidate.has_usable_password():
                continue  # another run sent it, or they have a password already
            with translation.override(recipient_language(candidate.email)):
                subject, body = render_email("candidates/email/invitation", {
                    "user": candidate, "centre": enrolments[0].centre, "link": invitation_link(user=candidate),
                })
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [candidate.email])
            sent += 1
    return sent


@transaction.atomic
def enrol_candidate(
    *,
    centre: Centre,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    qualification: Qualification | None,
    assessor: User | None,
    start_date: datetime.date | None,
    planned_end_date: datetime.date | None,
    pathway: Pathway | None = None,
    iqa: User | None = None,
    uln: str = "",
    registration_number: str = "",
) -> Enrolment | EnrolmentInvitation:
    """Enrol a candidate (created if new, with the candidate role at `centre`) on a qualification version.

    A person without a password yet is emailed an invitation to set one, after commit. A person
    with an account whom `centre` does not know (see `needs_consent`) is not enrolled: they are
    asked to accept, and the pending `EnrolmentInvitation` is returned instead.
    Raises ValidationError (by field) and saves nothing when anything is wrong.
    """
    email = email.strip().lower()
    uln = uln.strip()
    problems = enrolment_problems(
        centre=centre, email=email, qualification=qualification, pathway=pathway, assessor=assessor, iqa=iqa,
        start_date=start_date, planned_end_date=planned_end_date, uln=uln,
    )
    existing = User.objects.filter(email__iexact=email).first()
    # Asked of everyone this centre does not know, so that the question tells no account apart.
    if not first_name.strip() and (existing is None or not Lookups().known_here(existing, centre)):
        problems.setdefault("first_name", []).append(_("Give the candidate's first name."))
    if problems:
        raise ValidationError(problems)
    # enrolment_problems refused every missing one; this tells the type checker so.
    assert qualification and assessor and start_date and planned_end_date
    candidate, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name.strip(), "last_name": last_name.strip()}
    )
    if not created and needs_consent(person=candidate, centre=centre, qualification=qualification):
        return invite(
            centre=centre, by=by, person=candidate, email=email, qualification=qualification, pathway=pathway,
            assessor=assessor, iqa=iqa, start_date=start_date, planned_end_date=planned_end_date, uln=uln,
            registration_number=registration_number.strip(),
        )
    if created:
        candidate.set_unusable_password()
        candidate.save(update_fields=["password"])
    Role.objects.get_or_create(user=candidate, centre=centre, kind=RoleKind.CANDIDATE)
    try:
        # A savepoint, so that a concurrent duplicate leaves the outer transaction usable.
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                candidate=candidate, centre=centre, qualification=qualification, pathway=pathway,
                assessor=assessor, iqa=iqa, start_date=start_date, planned_end_date=planned_end_date,
                uln=uln, registration_number=registration_number.strip(),
            )
    except IntegrityError as error:
        raise ValidationError({"email": [_("%(email)s is already enrolled on %(qualification)s.") % {
            "email": email, "qualification": qualification}]}) from error
    trail.record(
        actor=by, action="candidate enrolled", obj=enrolment, enrolment_id=enrolment.pk,
        after={"status": enrolment.status, "assessor": str(assessor), "iqa": str(iqa) if iqa else None},
    )
    if not candidate.has_usable_password():
        send_invitation(user=candidate, centre=centre)
    return enrolment


def ensure_open(enrolment: Enrolment) -> None:
    """Refuse any change to a paused, withdrawn or completed enrolment: ValidationError (code "frozen") saying why.

    Every service that writes into an enrolment calls it, behind the gate's own refusal.
    """
    if enrolment.is_frozen:
        raise ValidationError(enrolment.frozen_message, code="frozen")


def _required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason: it is kept in the enrolment's history.")]})
    return reason


@transaction.atomic
def reassign(*, enrolment: Enrolment, role: str, to_user: User | None, by: User, reason: str) -> Reassignment:
    """Name a new assessor (role 'assessor') or IQA (role 'iqa', or None for no IQA); records who, when and why.

    Possible while the enrolment is active or paused; a withdrawn or completed one keeps its people.
    """
    if role not in ReassignedField.values:
        raise ValidationError(_("Unknown role to reassign: %(role)s.") % {"role": role})
    reason = _required_reason(reason)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED):
        raise ValidationError(enrolment.frozen_message, code="frozen")
    kind = RoleKind.ASSESSOR if role == ReassignedField.ASSESSOR else RoleKind.IQA
    current = enrolment.assessor if role == ReassignedField.ASSESSOR else enrolment.iqa
    # Translators: the role named in "X is already the assessor of this enrolment", "X is not an assessor at Y"
    label = _("assessor") if role == ReassignedField.ASSESSOR else _("IQA")
    problem = _reassign_problem(enrolment, role, to_user, current, kind, label)
    if problem:
        # About the person chosen: shown on the form's "new assessor/IQA" field, not as a banner.
        raise ValidationError({"to_user": [problem]})
    if role == ReassignedField.ASSESSOR:
        assert to_user is not None  # refused above: an enrolment always has an assessor
        enrolment.assessor = to_user
    else:
        enrolment.iqa = to_user
    enrolment.save(update_fields=[role])
    reassignment = Reassignment.objects.create(
        enrolment=enrolment, field=role, from_user=current, to_user=to_user, by=by, at=timezone.now()
    )
    trail.record(
        actor=by, action=f"{role} reassigned", obj=reassignment, enrolment_id=enrolment.pk,
        object_label=f"{reassignment.get_field_display()} of {enrolment}",
        before={"user": str(current) if current else None},
        after={"user": str(to_user) if to_user else None, "reason": reason},
    )
    return reassignment


def _reassign_problem(enrolment: Enrolment, role: str, to_user: User | None, current: User | None, kind: str,
                      label: str) -> str:
    """What is wrong with naming `to_user` the enrolment's `role`, or ""."""
    if to_user is None:
        return _("Choose the new assessor: an enrolment always has one.") if role == ReassignedField.ASSESSOR else ""
    if current is not None and to_user.pk == current.pk:
        return _("%(person)s is already the %(role)s of this enrolment.") % {"person": to_user, "role": label}
    if not _holds_role(to_user, enrolment.centre, kind):
        return _("%(email)s is not an %(role)s at %(centre)s.") % {
            "email": to_user.email, "role": label, "centre": enrolment.centre}
    if to_user.pk == enrolment.candidate_id:
        return _("A candidate cannot be their own %(role)s.") % {"role": label}
    other = enrolment.iqa_id if role == ReassignedField.ASSESSOR else enrolment.assessor_id
    if to_user.pk == other:
        return _("The assessor and the IQA of an enrolment must be different people.")
    return ""


# Why a status change is refused, by the change ("verb" is also the audit action's last word).
_MOVE_REFUSED = {
    "paused": gettext_lazy("This enrolment is %(status)s; it cannot be paused."),
    "resumed": gettext_lazy("This enrolment is %(status)s; it cannot be resumed."),
    "withdrawn": gettext_lazy("This enrolment is %(status)s; it cannot be withdrawn."),
    "completed": gettext_lazy("This enrolment is %(status)s; it cannot be completed."),
}


def _move(enrolment: Enrolment, *, allowed_from: set[str], to: str, verb: str, by: User, reason: str) -> Enrolment:
    reason = _required_reason(reason)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    before = enrolment.status
    if before not in allowed_from:
        raise ValidationError(_MOVE_REFUSED[verb] % {"status": enrolment.get_status_display().lower()})
    enrolment.status = to
    enrolment.status_since = timezone.now()
    enrolment.save(update_fields=["status", "status_since"])
    trail.record(actor=by, action=f"enrolment {verb}", obj=enrolment, enrolment_id=enrolment.pk,
                 before={"status": before}, after={"status": to, "reason": reason})
    return enrolment


@transaction.atomic
def pause(*, enrolment: Enrolment, by: User, reason: str) -> Enrolment:
    """Pause an active enrolment (e.g. a candidate's leave): read-only for everyone until it is resumed."""
    return _move(enrolment, allowed_from={EnrolmentStatus.ACTIVE}, to=EnrolmentStatus.PAUSED, verb="paused",
                 by=by, reason=reason)


@transaction.atomic
def resume(*, enrolment: Enrolment, by: User, reason: str) -> Enrolment:
    """Make a paused enrolment active again."""
    return _move(enrolment, allowed_from={EnrolmentStatus.PAUSED}, to=EnrolmentStatus.ACTIVE, verb="resumed",
                 by=by, reason=reason)


@transaction.atomic
def withdraw(*, enrolment: Enrolment, by: User, reason: str) -> Enrolment:
    """Withdraw an active or paused enrolment: read-only for good, its portfolio still readable and exportable.

    The person may enrol again.
    """
    return _move(
        enrolment, allowed_from={EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED}, to=EnrolmentStatus.WITHDRAWN,
        verb="withdrawn", by=by, reason=reason,
    )


@transaction.atomic
def complete(*, enrolment: Enrolment, by: User, reason: str) -> Enrolment:
    """Mark an active enrolment completed: read-only for good, its portfolio still readable and exportable.

    Whether the achieved units earn the qualification is the assessments app's to say:
    call `assessments.services.enrolment_complete`, which checks that first.
    """
    return _move(enrolment, allowed_from={EnrolmentStatus.ACTIVE}, to=EnrolmentStatus.COMPLETED,
                 verb="completed", by=by, reason=reason)
