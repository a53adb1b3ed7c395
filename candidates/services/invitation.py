"""Enrolling a person who already has an account elsewhere: the invitation, and their answer to it.

A centre may not enrol someone it does not know on its own say-so: the person has an
account (and perhaps a portfolio) at another centre. The centre's enrolment becomes an
`EnrolmentInvitation`, emailed to the person after commit; the centre sees only the
address it typed until the person, signed in as themselves, accepts (the enrolment is
made, with the candidate role at the centre) or declines. Each step is audited.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from portfolio_site.links import absolute_url
from portfolio_site.mail import send_after_commit
from units.models import Pathway, Qualification

from ..models import (
    Centre,
    Enrolment,
    EnrolmentInvitation,
    EnrolmentQuerySet,
    EnrolmentStatus,
    InvitationStatus,
    Role,
    RoleKind,
    User,
)


def needs_consent(*, person: User, centre: Centre, qualification: Qualification) -> bool:
    """Whether enrolling `person` at `centre` must wait for their acceptance.

    When they hold no role at `centre` (known only elsewhere), and when they are on this
    qualification at another centre: only the person may be told about that enrolment.
    """
    if not Role.objects.filter(user=person, centre=centre).exists():
        return True
    return live_enrolments(person=person, qualification=qualification).exclude(centre=centre).exists()


def live_enrolments(*, person: User, qualification: Qualification) -> EnrolmentQuerySet:
    """The person's enrolments on any version of `qualification` that are not withdrawn, at any centre."""
    return Enrolment.objects.filter(candidate=person, qualification__code=qualification.code).exclude(
        status=EnrolmentStatus.WITHDRAWN
    )


def pending_at(*, centre: Centre, email: str, qualification: Qualification) -> bool:
    """Whether `centre` already invited `email` to some version of `qualification` and awaits the answer."""
    return EnrolmentInvitation.objects.pending().filter(
        centre=centre, person__email__iexact=email, qualification__code=qualification.code
    ).exists()


def invite(
    *,
    centre: Centre,
    by: User,
    person: User,
    email: str,
    qualification: Qualification,
    assessor: User,
    start_date: datetime.date,
    planned_end_date: datetime.date,
    pathway: Pathway | None = None,
    iqa: User | None = None,
    uln: str = "",
    registration_number: str = "",
) -> EnrolmentInvitation:
    """Propose the enrolment to `person` (checked by the caller) and email them a link to answer, after commit."""
    try:
        with transaction.atomic():
            invitation = EnrolmentInvitation.objects.create(
                email=email, person=person, centre=centre, qualification=qualification, pathway=pathway,
                assessor=assessor, iqa=iqa, start_date=start_date, planned_end_date=planned_end_date,
                uln=uln, registration_number=registration_number, invited_by=by,
            )
    except IntegrityError as error:
        raise ValidationError({"email": [awaiting_message(email, qualification)]}) from error
    trail.record(
        actor=by, action="candidate invited to enrol", obj=invitation, chain=f"centre:{centre.pk}",
        after={"email": email, "assessor": str(assessor), "iqa": str(iqa) if iqa else None},
    )
    # A deactivated account cannot sign in to answer; the centre is not told it apart.
    if person.is_active:
        send_after_commit(to=person.email, template="candidates/email/enrolment_invitation", context={
            "invitation": invitation, "centre": centre, "qualification": qualification,
            "link": absolute_url("candidates:invitation_detail", token=invitation.token),
        })
    return invitation


def awaiting_message(email: str, qualification: Qualification) -> str:
    """What a centre is told when it enrols again someone whose acceptance it awaits (its own invitation)."""
    return _("%(email)s was already invited to %(title)s and has not answered yet.") % {
        "email": email, "title": qualification.title,
    }


def _answerable(invitation: EnrolmentInvitation, by: User) -> EnrolmentInvitation:
    """The invitation, locked, if `by` is the person it is addressed to and has not answered yet."""
    # Lock the invitation row alone: PostgreSQL refuses FOR UPDATE on the outer join to the optional IQA.
    locked = EnrolmentInvitation.objects.select_for_update(of=("self",)).select_related(
        "centre", "qualification", "assessor", "iqa"
    ).get(pk=invitation.pk)
    if locked.person_id != by.pk or not by.is_active:
        raise ValidationError(_("This invitation is addressed to someone else."))
    if locked.status != InvitationStatus.PENDING:
        raise ValidationError(_("You already answered this invitation (%(answer)s).") % {
            "answer": locked.get_status_display().lower(),
        })
    return locked


def _acceptance_problems(invitation: EnrolmentInvitation, by: User) -> list[str]:
    """What stops the proposed enrolment now, told to the person (it is about them and the inviting centre)."""
    problems = []
    live = live_enrolments(person=by, qualification=invitation.qualification).select_related("centre").first()
    if live is not None:
        problems.append(_(
            "You are already enrolled on %(title)s at %(centre)s: that enrolment must be withdrawn first, "
            "or decline this invitation."
        ) % {"title": invitation.qualification.title, "centre": live.centre})
    staff = [(invitation.assessor, RoleKind.ASSESSOR)] + ([(invitation.iqa, RoleKind.IQA)] if invitation.iqa else [])
    for person, kind in staff:
        if not person.is_active or not Role.objects.filter(user=person, centre=invitation.centre, kind=kind).exists():
            problems.append(_(
                "%(centre)s has changed who would assess or quality-assure you since it invited you: "
                "ask them to invite you again."
            ) % {"centre": invitation.centre})
            break
    return problems


@transaction.atomic
def accept_invitation(*, invitation: EnrolmentInvitation, by: User) -> Enrolment:
    """The person `by` accepts: the enrolment is made (active), with the candidate role at the centre."""
    invitation = _answerable(invitation, by)
    problems = _acceptance_problems(invitation, by)
    if problems:
        raise ValidationError(problems)
    Role.objects.get_or_create(user=by, centre=invitation.centre, kind=RoleKind.CANDIDATE)
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                candidate=by, centre=invitation.centre, qualification=invitation.qualification,
                pathway=invitation.pathway, assessor=invitation.assessor, iqa=invitation.iqa,
                start_date=invitation.start_date, planned_end_date=invitation.planned_end_date,
                uln=invitation.uln, registration_number=invitation.registration_number,
            )
    except IntegrityError as error:
        raise ValidationError(_("You are already enrolled on %(qualification)s.") % {
            "qualification": invitation.qualification}) from error
    invitation.status = InvitationStatus.ACCEPTED
    invitation.answered_at = timezone.now()
    invitation.enrolment = enrolment
    invitation.save(update_fields=["status", "answered_at", "enrolment"])
    trail.record(
        actor=by, action="enrolment invitation accepted", obj=enrolment, enrolment_id=enrolment.pk,
        before={"invitation": invitation.pk},
        after={"status": enrolment.status, "assessor": str(enrolment.assessor),
               "iqa": str(enrolment.iqa) if enrolment.iqa else None},
    )
    return enrolment


@transaction.atomic
def decline_invitation(*, invitation: EnrolmentInvitation, by: User) -> EnrolmentInvitation:
    """The person `by` declines: no enrolment is made, and the centre no longer awaits them."""
    invitation = _answerable(invitation, by)
    invitation.status = InvitationStatus.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    trail.record(actor=by, action="enrolment invitation declined", obj=invitation,
                 before={"status": InvitationStatus.PENDING}, after={"status": InvitationStatus.DECLINED})
    return invitation
