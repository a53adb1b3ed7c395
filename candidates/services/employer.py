"""Employer contacts: the centre names an apprentice's line manager or workplace mentor, or removes them.

The contact follows the apprentice (the ``employer`` relation of candidates/access.py: progress and
action points, read-only) and judges nothing. A person is the contact of apprentices of one employer
organisation only. A new person gets the set-password invitation (the link of `invitation_link`); an
existing account is linked and told by email. Each act is audited; removing a contact keeps the row.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from portfolio_site.links import absolute_url
from portfolio_site.mail import send_after_commit

from ..access import judges_of
from ..models import Employer, EmployerContact, EmployerContactKind, Enrolment, EnrolmentStatus, User
from .enrolment import Problems, invitation_link


def _employer_problems(problems: Problems, enrolment: Enrolment, employer: Employer | None,
                       employer_name: str) -> None:
    if employer is None and not employer_name:
        problems.add("employer", _("Choose the employer organisation, or type the name of a new one."))
    if employer is not None and employer.centre_id != enrolment.centre_id:
        problems.add("employer", _("Choose one of this centre's employer organisations."))
    chosen = employer.name if employer is not None else employer_name
    current = enrolment.employer
    if (current is not None and chosen and current.name.lower() != chosen.lower()
            and EmployerContact.objects.current().filter(enrolment=enrolment).exists()):
        problems.add("employer", _(
            "This apprentice's employer is %(employer)s, whose contacts are named below: remove them first "
            "to name a contact at another organisation."
        ) % {"employer": current.name})


def _person_problems(problems: Problems, enrolment: Enrolment, person: User | None, email: str,
                     employer: Employer | None) -> None:
    if person is None:
        return
    if person.pk == enrolment.candidate_id:
        problems.add("email", _("%(email)s is the apprentice: name someone at their employer.") % {"email": email})
        return
    if judges_of(enrolment).filter(pk=person.pk).exists():
        problems.add("email", _(
            "%(email)s assesses or quality-assures this apprentice: an employer contact must be someone else."
        ) % {"email": email})
    current = EmployerContact.objects.current().filter(user=person).select_related("enrolment__employer")
    if current.filter(enrolment=enrolment).exists():
        problems.add("email", _("%(email)s is already an employer contact of this apprentice.") % {"email": email})
        return
    elsewhere = (current.exclude(enrolment__employer=employer) if employer is not None else current).first()
    if elsewhere is not None:
        other = elsewhere.enrolment.employer
        if other is not None and other.centre_id == enrolment.centre_id:
            problems.add("email", _(
                "%(email)s is already the contact of apprentices at %(employer)s: a person is the contact at one "
                "employer organisation only. Choose %(employer)s, or name another person."
            ) % {"email": email, "employer": other.name})
        else:
            problems.add("email", _(
                "%(email)s is already an employer contact at another organisation: a person is the contact at one "
                "employer organisation only. Name another person."
            ) % {"email": email})


def _new_employer(enrolment: Enrolment, name: str, by: User) -> Employer:
    """The centre's new employer organisation `name`; the one added meanwhile by someone else, if they were first."""
    try:
        with transaction.atomic():
            employer = Employer.objects.create(centre_id=enrolment.centre_id, name=name)
    except IntegrityError:
        return Employer.objects.get(centre_id=enrolment.centre_id, name__iexact=name)
    trail.record(actor=by, action="employer organisation added", obj=employer, chain=f"centre:{employer.centre_id}",
                 after={"name": employer.name})
    return employer


def _set_employer(enrolment: Enrolment, employer: Employer, by: User) -> None:
    """Make `employer` the enrolment's employer organisation (audited when it changes)."""
    if enrolment.employer_id == employer.pk:
        return
    before = enrolment.employer.name if enrolment.employer is not None else None
    enrolment.employer = employer
    enrolment.save(update_fields=["employer"])
    trail.record(actor=by, action="employer set", obj=enrolment, enrolment_id=enrolment.pk,
                 before={"employer": before}, after={"employer": employer.name})


def _tell(contact: EmployerContact, employer: Employer, *, created: bool) -> None:
    """Email the contact after commit: the set-password invitation while they have no password, else a notice."""
    person, enrolment = contact.user, contact.enrolment
    context = {"user": person, "enrolment": enrolment, "centre": enrolment.centre, "employer": employer,
               "kind": EmployerContactKind(contact.kind).label}  # lazy: in the recipient's language
    if created or (person.is_active and not person.has_usable_password()):
        send_after_commit(to=person.email, template="candidates/email/employer_invitation",
                          context={**context, "link": invitation_link(user=person)})
    elif person.is_active:
        send_after_commit(to=person.email, template="candidates/email/employer_contact_named",
                          context={**context, "link": absolute_url("assessments:apprentices")})


@transaction.atomic
def name_employer_contact(
    *,
    enrolment: Enrolment,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    kind: str,
    employer: Employer | None = None,
    employer_name: str = "",
) -> EmployerContact:
    """Name the person of `email` an employer contact of `enrolment`, at `employer` (or a new one, `employer_name`).

    A new person is created without a password and emailed the set-password invitation; an existing
    account is linked and told by email (after commit). The enrolment's employer becomes the one chosen.
    Raises ValidationError (by field) and saves nothing when anything is wrong.
    """
    email = email.strip().lower()
    employer_name = " ".join(employer_name.split())
    # Locked: two contacts named at once cannot set two employers; the status is read afresh.
    enrolment = Enrolment.objects.select_for_update(of=("self",)).select_related(
        "candidate", "centre", "qualification", "employer").get(pk=enrolment.pk)
    if enrolment.status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED):
        raise ValidationError(enrolment.frozen_message)
    problems = Problems()
    try:
        validate_email(email)
    except ValidationError:
        problems.add("email", _("Enter the contact's email address, e.g. name@employer.example."))
    if kind not in EmployerContactKind.values:
        problems.add("kind", _("Choose whether the contact is the line manager or the workplace mentor."))
    _employer_problems(problems, enrolment, employer, employer_name)
    if employer is None and employer_name:
        # A name typed again is the organisation the centre already has (names are unique per centre).
        employer = Employer.objects.filter(centre_id=enrolment.centre_id, name__iexact=employer_name).first()
    # The person's row locked too: two enrolments cannot link them to two employers at once.
    person = (User.objects.select_for_update().filter(email__iexact=email).first()
              if "email" not in problems else None)
    if person is None and not first_name.strip():
        problems.add("first_name", _("Give the contact's first name."))
    _person_problems(problems, enrolment, person, email, employer)
    if problems:
        raise ValidationError(dict(problems))
    if employer is None:
        employer = _new_employer(enrolment, employer_name, by)
    created = person is None
    if person is None:
        person = User.objects.create_user(email, None, first_name=first_name.strip(), last_name=last_name.strip())
    _set_employer(enrolment, employer, by)
    try:
        with transaction.atomic():
            contact = EmployerContact.objects.create(enrolment=enrolment, user=person, kind=kind, invited_by=by)
    except IntegrityError as error:
        raise ValidationError({"email": [
            _("%(email)s is already an employer contact of this apprentice.") % {"email": email}]}) from error
    trail.record(actor=by, action="employer contact named", obj=contact, enrolment_id=enrolment.pk,
                 after={"person": email, "kind": kind, "employer": employer.name})
    _tell(contact, employer, created=created)
    return contact


@transaction.atomic
def remove_employer_contact(*, contact: EmployerContact, by: User) -> EmployerContact:
    """End `contact`: the person no longer sees the apprentice. The row stays, with who removed it and when."""
    contact = EmployerContact.objects.select_for_update().get(pk=contact.pk)
    if contact.removed_at is not None:
        raise ValidationError(_("%(person)s was already removed as an employer contact.") % {"person": contact.user})
    contact.removed_at = timezone.now()
    contact.removed_by = by
    contact.save(update_fields=["removed_at", "removed_by"])
    trail.record(actor=by, action="employer contact removed", obj=contact, enrolment_id=contact.enrolment_id,
                 before={"person": contact.user.email, "kind": contact.kind}, after={"removed": True})
    return contact


@receiver(user_logged_in, dispatch_uid="employer_contact_accepted")
def _accepted_on_first_sign_in(sender: object, user: User, **kwargs: object) -> None:
    """A contact named for an apprentice has accepted once they sign in: the centre sees since when."""
    EmployerContact.objects.current().filter(user=user, accepted_at__isnull=True).update(accepted_at=timezone.now())
