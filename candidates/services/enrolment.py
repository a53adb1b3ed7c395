"""Writes on enrolments: enrol one candidate (with the invitation), reassign, pause, resume, withdraw.

Every function is atomic, takes keyword arguments only and raises ``ValidationError``
with a message a centre admin can act on; each appends its record to the audit trail
in its own transaction. Invitation emails leave after commit.
"""

from __future__ import annotations

import datetime
import re

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from audit import trail
from portfolio_site.links import absolute_url
from portfolio_site.mail import send_after_commit
from units.models import Pathway, Qualification

from ..models import (
    Centre,
    Enrolment,
    EnrolmentStatus,
    ReassignedField,
    Reassignment,
    Role,
    RoleKind,
    User,
)

ULN_PATTERN = re.compile(r"^\d{10}$")


def _holds_role(user: User | None, centre: Centre, kind: str) -> bool:
    return user is not None and user.is_active and Role.objects.filter(user=user, centre=centre, kind=kind).exists()


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
) -> dict[str, list[str]]:
    """Everything wrong with an enrolment before it is made, by field name; empty when it may be made."""
    problems = Problems()
    email = email.strip().lower()
    candidate = _candidate_problems(problems, email)
    _qualification_problems(problems, email, candidate, qualification, pathway)
    _staff_problems(problems, centre, email, assessor, iqa)
    _date_problems(problems, start_date, planned_end_date)
    if uln and not ULN_PATTERN.match(uln):
        problems.add("uln", f"The ULN “{uln}” must be exactly 10 digits (leave it blank if not known yet).")
    return dict(problems)


def _candidate_problems(problems: Problems, email: str) -> User | None:
    """The account `email` names, if any; what is wrong with the address or that account."""
    longest = User._meta.get_field("email").max_length
    try:
        validate_email(email)
    except ValidationError:
        problems.add("email", f"“{email}” is not a valid email address.")
        return None
    if longest is not None and len(email) > longest:
        problems.add("email", f"The email address is {len(email)} characters long; at most {longest} can be stored.")
    candidate = User.objects.filter(email__iexact=email).first()
    if candidate is not None and not candidate.is_active:
        problems.add("email", f"The account {email} is deactivated; reactivate it before enrolling.")
    return candidate


def _qualification_problems(problems: Problems, email: str, candidate: User | None,
                            qualification: Qualification | None, pathway: Pathway | None) -> None:
    if qualification is None:
        problems.add("qualification", "Choose the qualification version to enrol on.")
        return
    if qualification.retired:
        problems.add("qualification", _("%(qualification)s is retired: no new enrolments; choose another version.")
                     % {"qualification": qualification})
    if pathway is not None and pathway.qualification_id != qualification.pk:
        problems.add("pathway",
                     f"The pathway “{pathway}” belongs to another qualification; choose one of {qualification}.")
    elif pathway is None and qualification.pathways.exists():
        problems.add("pathway", f"{qualification} has pathways: choose the one the candidate follows.")
    if candidate is not None:
        live = Enrolment.objects.filter(
            candidate=candidate, qualification__code=qualification.code
        ).exclude(status=EnrolmentStatus.WITHDRAWN)
        if live.exists():
            problems.add("email", f"{email} is already enrolled on {qualification.title}; "
                                  "withdraw that enrolment first to enrol again.")


def _staff_problems(problems: Problems, centre: Centre, email: str, assessor: User | None, iqa: User | None) -> None:
    if assessor is None:
        problems.add("assessor", "Name the assessor.")
    elif not _holds_role(assessor, centre, RoleKind.ASSESSOR):
        problems.add("assessor", f"{assessor.email} is not an assessor at {centre}; give them the assessor role first.")
    elif assessor.email.lower() == email:
        problems.add("assessor", "A candidate cannot be their own assessor.")
    if iqa is None:
        return
    if not _holds_role(iqa, centre, RoleKind.IQA):
        problems.add("iqa", f"{iqa.email} is not an IQA at {centre}; give them the IQA role first.")
    elif assessor is not None and iqa.pk == assessor.pk:
        problems.add("iqa", "The IQA samples the assessor's decisions, so they must be a different person.")
    elif iqa.email.lower() == email:
        problems.add("iqa", "A candidate cannot be their own IQA.")


def _date_problems(problems: Problems, start_date: datetime.date | None,
                   planned_end_date: datetime.date | None) -> None:
    if start_date is None:
        problems.add("start_date", "Give the start date.")
    if planned_end_date is None:
        problems.add("planned_end_date", "Give the planned end date.")
    elif start_date is not None and planned_end_date < start_date:
        problems.add("planned_end_date", f"The planned end date {planned_end_date:%d/%m/%Y} is before "
                                         f"the start date {start_date:%d/%m/%Y}.")


def invitation_link(*, user: User) -> str:
    """An absolute link that lets `user` set their password once."""
    return absolute_url("set_password", uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
                        token=default_token_generator.make_token(user))


def send_invitation(*, user: User, centre: Centre) -> None:
    """Email `user` a link to set their password and sign in (sent after commit)."""
    send_after_commit(to=user.email, template="candidates/email/invitation",
                      context={"user": user, "centre": centre, "link": invitation_link(user=user)})


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
) -> Enrolment:
    """Enrol a candidate (created if new, with the candidate role at `centre`) on a qualification version.

    A person without a password yet is emailed an invitation to set one, after commit.
    Raises ValidationError (by field) and saves nothing when anything is wrong.
    """
    email = email.strip().lower()
    uln = uln.strip()
    problems = enrolment_problems(
        centre=centre, email=email, qualification=qualification, pathway=pathway, assessor=assessor, iqa=iqa,
        start_date=start_date, planned_end_date=planned_end_date, uln=uln,
    )
    if not first_name.strip() and not User.objects.filter(email__iexact=email).exists():
        problems.setdefault("first_name", []).append("Give the candidate's first name.")
    if problems:
        raise ValidationError(problems)
    # enrolment_problems refused every missing one; this tells the type checker so.
    assert qualification and assessor and start_date and planned_end_date
    candidate, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name.strip(), "last_name": last_name.strip()}
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
        raise ValidationError({"email": [f"{email} is already enrolled on {qualification}."]}) from error
    trail.record(
        actor=by, action="candidate enrolled", obj=enrolment, enrolment_id=enrolment.pk,
        after={"status": enrolment.status, "assessor": str(assessor), "iqa": str(iqa) if iqa else None},
    )
    if not candidate.has_usable_password():
        send_invitation(user=candidate, centre=centre)
    return enrolment


@transaction.atomic
def reassign(*, enrolment: Enrolment, role: str, to_user: User | None, by: User) -> Reassignment:
    """Name a new assessor (role 'assessor') or IQA (role 'iqa', or None for no IQA); records who and when."""
    if role not in ReassignedField.values:
        raise ValidationError(f"Unknown role to reassign: {role}.")
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    kind = RoleKind.ASSESSOR if role == ReassignedField.ASSESSOR else RoleKind.IQA
    current = enrolment.assessor if role == ReassignedField.ASSESSOR else enrolment.iqa
    label = "assessor" if role == ReassignedField.ASSESSOR else "IQA"
    if to_user is None and role == ReassignedField.ASSESSOR:
        raise ValidationError("Choose the new assessor: an enrolment always has one.")
    if to_user is not None and current is not None and to_user.pk == current.pk:
        raise ValidationError(f"{to_user} is already the {label} of this enrolment.")
    if to_user is not None and not _holds_role(to_user, enrolment.centre, kind):
        raise ValidationError(f"{to_user.email} is not an {label} at {enrolment.centre}.")
    if to_user is not None and to_user.pk == enrolment.candidate_id:
        raise ValidationError(f"A candidate cannot be their own {label}.")
    other = enrolment.iqa_id if role == ReassignedField.ASSESSOR else enrolment.assessor_id
    if to_user is not None and to_user.pk == other:
        raise ValidationError("The assessor and the IQA of an enrolment must be different people.")
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
        before={"user": str(current) if current else None}, after={"user": str(to_user) if to_user else None},
    )
    return reassignment


def _move(enrolment: Enrolment, *, allowed_from: set[str], to: str, verb: str, by: User) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    before = enrolment.status
    if before not in allowed_from:
        raise ValidationError(f"This enrolment is {enrolment.get_status_display().lower()}; it cannot be {verb}.")
    enrolment.status = to
    enrolment.save(update_fields=["status"])
    trail.record(actor=by, action=f"enrolment {verb}", obj=enrolment, enrolment_id=enrolment.pk,
                 before={"status": before}, after={"status": to})
    return enrolment


@transaction.atomic
def pause(*, enrolment: Enrolment, by: User) -> Enrolment:
    """Pause an active enrolment (e.g. a candidate's leave); it keeps everything and may resume."""
    return _move(enrolment, allowed_from={EnrolmentStatus.ACTIVE}, to=EnrolmentStatus.PAUSED, verb="paused",
                 by=by)


@transaction.atomic
def resume(*, enrolment: Enrolment, by: User) -> Enrolment:
    """Make a paused enrolment active again."""
    return _move(enrolment, allowed_from={EnrolmentStatus.PAUSED}, to=EnrolmentStatus.ACTIVE, verb="resumed",
                 by=by)


@transaction.atomic
def withdraw(*, enrolment: Enrolment, by: User) -> Enrolment:
    """Withdraw an active or paused enrolment; its portfolio stays readable, and the person may enrol again."""
    return _move(
        enrolment, allowed_from={EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED}, to=EnrolmentStatus.WITHDRAWN,
        verb="withdrawn", by=by,
    )
