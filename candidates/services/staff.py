"""A centre's staff: invite a person with roles, change their roles, deactivate and reactivate them, and hand
a leaver's caseload over to colleagues in one step.

The staff's roles are `Role` rows at the centre; `StaffMember` remembers who invited them and a
deactivation (which ends their roles here, kept to be given back). Nothing that points at the person
changes: every past decision, sign-off and audit record stays theirs, by name. A person who holds no
role anywhere after a deactivation can no longer sign in (``is_active`` False) until a role is given back.

Every function is atomic, takes keyword arguments only and raises ``ValidationError`` (by field where a
field is at fault) with a message the centre admin can act on; each change is audited, emails leave after commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit import trail
from portfolio_site.links import absolute_url
from portfolio_site.mail import send_after_commit

from ..models import (
    STAFF_KINDS,
    Centre,
    EmployerContact,
    Enrolment,
    EnrolmentStatus,
    ReassignedField,
    Reassignment,
    Role,
    RoleKind,
    StaffMember,
    User,
)
from .enrolment import Problems, invitation_link

#: The enrolments that make a caseload: a withdrawn or completed one keeps its people for good.
CASELOAD_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED)


def role_words(kinds: Iterable[str]) -> str:
    """The role kinds as a reader names them, in the staff order: "Assessor, Internal quality assurer (IQA)"."""
    labels = dict(RoleKind.choices)
    return ", ".join(str(labels[kind]) for kind in STAFF_KINDS if kind in set(kinds))


def _ordered(kinds: Iterable[str]) -> list[str]:
    chosen = set(kinds)
    return [str(kind) for kind in STAFF_KINDS if kind in chosen]


def caseload(*, centre: Centre, person: User) -> dict[str, int]:
    """How many active or paused enrolments at `centre` `person` assesses and quality-assures (one query)."""
    counts = Enrolment.objects.filter(centre=centre, status__in=CASELOAD_STATUSES).aggregate(
        assessor=Count("pk", filter=Q(assessor=person)), iqa=Count("pk", filter=Q(iqa=person)))
    return {"assessor": counts["assessor"] or 0, "iqa": counts["iqa"] or 0}


def _staff_roles(centre: Centre, person: User) -> set[str]:
    return set(Role.objects.filter(centre=centre, user=person, kind__in=STAFF_KINDS).values_list("kind", flat=True))


def _admins_besides(centre: Centre, person: User) -> bool:
    """Whether someone other than `person`, with an active account, administers `centre`."""
    return Role.objects.filter(centre=centre, kind=RoleKind.CENTRE_ADMIN, user__is_active=True).exclude(
        user=person).exists()


def _caseload_problem(kind: str, count: int, person: User) -> str:
    if kind == RoleKind.ASSESSOR:
        return ngettext(
            "%(person)s still assesses %(count)d active or paused enrolment: hand it over to another assessor first "
            "(Hand over the caseload, on their page).",
            "%(person)s still assesses %(count)d active or paused enrolments: hand them over to another assessor "
            "first (Hand over the caseload, on their page).", count) % {"person": person, "count": count}
    return ngettext(
        "%(person)s is still the IQA of %(count)d active or paused enrolment: hand it over to another IQA first "
        "(Hand over the caseload, on their page).",
        "%(person)s is still the IQA of %(count)d active or paused enrolments: hand them over to another IQA "
        "first (Hand over the caseload, on their page).", count) % {"person": person, "count": count}


def _valid_kinds(problems: Problems, roles: Iterable[str]) -> list[str]:
    kinds = _ordered(roles)
    if len(kinds) != len(set(roles)):
        problems.add("roles", _("Choose among the staff roles listed."))
    elif not kinds:
        problems.add("roles", _("Choose at least one role."))
    return kinds


def _tell_new_roles(person: User, centre: Centre, kinds: list[str], *, new: bool) -> None:
    """Email `person` after commit: the set-password invitation while they have no password, else a notice."""
    # The role words put into words when the email is rendered, in its recipient's language.
    context = {"user": person, "centre": centre, "roles": lazy(role_words, str)(kinds)}
    if new or not person.has_usable_password():
        send_after_commit(to=person.email, template="candidates/email/staff_invitation",
                          context={**context, "link": invitation_link(user=person)})
    else:
        send_after_commit(to=person.email, template="candidates/email/staff_role_given",
                          context={**context, "link": absolute_url("home")})


@transaction.atomic
def invite_staff_member(
    *, centre: Centre, by: User, email: str, first_name: str, last_name: str, roles: Iterable[str],
) -> StaffMember:
    """Give the person of `email` `roles` at `centre`: someone new is created without a password and emailed
    the set-password invitation; an existing account gets the roles and is told by email (after commit).

    Refuses a bad address, no role, and someone already on the centre's staff or deactivated here (by field).
    """
    email = email.strip().lower()
    problems = Problems()
    try:
        validate_email(email)
    except ValidationError:
        problems.add("email", _("“%(email)s” is not a valid email address: enter it as name@example.org.")
                     % {"email": email})
    kinds = _valid_kinds(problems, roles)
    person = User.objects.select_for_update().filter(email__iexact=email).first() if "email" not in problems else None
    if person is None and not first_name.strip():
        problems.add("first_name", _("Give the person's first name."))
    if person is not None:
        _existing_person_problems(problems, centre, person, email)
    if problems:
        raise ValidationError(dict(problems))
    new = person is None
    if person is None:
        person = User.objects.create_user(email, None, first_name=first_name.strip(), last_name=last_name.strip())
    elif not person.is_active:
        # Deactivated when their last role ended (`deactivate_staff_member`): a role lets them sign in again.
        person.is_active = True
        person.save(update_fields=["is_active"])
    Role.objects.bulk_create([Role(user=person, centre=centre, kind=kind) for kind in kinds])
    member, _created = StaffMember.objects.update_or_create(
        centre=centre, user=person, defaults={"invited_by": by, "invited_at": timezone.now()})
    trail.record(actor=by, action="staff member invited", obj=member, chain=f"centre:{centre.pk}",
                 after={"person": str(person), "email": email, "roles": kinds, "new": new})
    _tell_new_roles(person, centre, kinds, new=new)
    return member


def _existing_person_problems(problems: Problems, centre: Centre, person: User, email: str) -> None:
    member = StaffMember.objects.filter(centre=centre, user=person).first()
    if member is not None and member.is_deactivated:
        problems.add("email", _("%(email)s was deactivated at %(centre)s: reactivate them from the staff list "
                                "instead.") % {"email": email, "centre": centre})
    elif _staff_roles(centre, person):
        problems.add("email", _("%(email)s is already on the staff of %(centre)s: change their roles on their "
                                "page instead.") % {"email": email, "centre": centre})
    elif not person.is_active and not StaffMember.objects.filter(user=person, deactivated_at__isnull=False).exists():
        problems.add("email", _("The account of %(email)s cannot be given a role here: ask the platform "
                                "administrator.") % {"email": email})


def _member(centre: Centre, person: User) -> StaffMember:
    """The person's staff row at `centre`, locked; made for someone given their roles before rows were kept."""
    member, _created = StaffMember.objects.select_for_update().get_or_create(centre=centre, user=person)
    return member


@transaction.atomic
def change_staff_roles(*, centre: Centre, person: User, roles: Iterable[str], by: User) -> StaffMember:
    """Make `roles` the person's staff roles at `centre` (adding and removing), told to them by email when added.

    Refuses removing the last centre admin, and removing the assessor or IQA role while the person still
    holds a caseload in it (to be handed over first); a deactivated person is reactivated instead.
    """
    member = _member(centre, person)
    problems = Problems()
    if member.is_deactivated:
        raise ValidationError(_("%(person)s is deactivated here: reactivate them first.") % {"person": person})
    kinds = _valid_kinds(problems, roles)
    if problems:
        raise ValidationError(dict(problems))
    held = _staff_roles(centre, person)
    added, removed = set(kinds) - held, held - set(kinds)
    if not added and not removed:
        raise ValidationError({"roles": [_("These are the roles %(person)s holds already.") % {"person": person}]})
    _removal_problems(problems, centre, person, removed)
    if problems:
        raise ValidationError(dict(problems))
    Role.objects.filter(centre=centre, user=person, kind__in=removed).delete()
    Role.objects.bulk_create([Role(user=person, centre=centre, kind=kind) for kind in _ordered(added)])
    trail.record(actor=by, action="staff roles changed", obj=member, chain=f"centre:{centre.pk}",
                 before={"person": str(person), "roles": _ordered(held)}, after={"person": str(person), "roles": kinds})
    if added:
        _tell_new_roles(person, centre, _ordered(added), new=False)
    return member


def _removal_problems(problems: Problems, centre: Centre, person: User, removed: set[str]) -> None:
    if RoleKind.CENTRE_ADMIN in removed and not _admins_besides(centre, person):
        problems.add("roles", _("%(person)s is the only centre admin of %(centre)s: make someone else centre admin "
                                "first.") % {"person": person, "centre": centre})
    load = caseload(centre=centre, person=person)
    for kind in (RoleKind.ASSESSOR, RoleKind.IQA):
        if kind in removed and load[kind]:
            problems.add("roles", _caseload_problem(kind, load[kind], person))


def _ends_sign_in(person: User) -> bool:
    """Whether `person` can no longer sign in once their roles here ended: no role, nor apprentice, anywhere."""
    if person.is_superuser:
        return False
    return not (Role.objects.filter(user=person).exists() or EmployerContact.objects.current().filter(
        user=person).exists())


@transaction.atomic
def deactivate_staff_member(*, centre: Centre, person: User, by: User) -> StaffMember:
    """End the person's staff roles at `centre` (kept to be given back); with no role left anywhere, they can no
    longer sign in. Their past work stays attributed to them. Refused while they hold a caseload here."""
    member = _member(centre, person)
    if member.is_deactivated:
        raise ValidationError(_("%(person)s is deactivated already.") % {"person": person})
    if person.pk == by.pk:
        raise ValidationError(_("You cannot deactivate yourself: ask another centre admin."))
    held = _staff_roles(centre, person)
    if not held:
        raise ValidationError(_("%(person)s holds no staff role here to end.") % {"person": person})
    problems = Problems()
    _removal_problems(problems, centre, person, held)
    if problems:
        raise ValidationError(problems["roles"])
    Role.objects.filter(centre=centre, user=person, kind__in=held).delete()
    member.former_roles = _ordered(held)
    member.deactivated_at = timezone.now()
    member.deactivated_by = by
    member.save(update_fields=["former_roles", "deactivated_at", "deactivated_by"])
    signs_in = not _ends_sign_in(person)
    if not signs_in:
        person.is_active = False
        person.save(update_fields=["is_active"])
    trail.record(actor=by, action="staff member deactivated", obj=member, chain=f"centre:{centre.pk}",
                 before={"person": str(person), "roles": member.former_roles},
                 after={"person": str(person), "roles": [], "signs_in": signs_in})
    return member


@transaction.atomic
def reactivate_staff_member(*, centre: Centre, person: User, by: User) -> StaffMember:
    """Give the deactivated person back the roles they held at `centre`; they can sign in again."""
    member = _member(centre, person)
    if not member.is_deactivated:
        raise ValidationError(_("%(person)s is not deactivated.") % {"person": person})
    kinds = _ordered(member.former_roles)
    Role.objects.bulk_create([Role(user=person, centre=centre, kind=kind) for kind in kinds], ignore_conflicts=True)
    member.deactivated_at = None
    member.deactivated_by = None
    member.former_roles = []
    member.save(update_fields=["deactivated_at", "deactivated_by", "former_roles"])
    if not person.is_active:
        person.is_active = True
        person.save(update_fields=["is_active"])
    trail.record(actor=by, action="staff member reactivated", obj=member, chain=f"centre:{centre.pk}",
                 before={"person": str(person), "roles": []}, after={"person": str(person), "roles": kinds})
    _tell_new_roles(person, centre, kinds, new=False)
    return member


def _successor_problems(problems: Problems, field: str, centre: Centre, person: User, successor: User | None,
                        kind: str, enrolments: list[Enrolment]) -> None:
    """What is wrong with handing `enrolments` (where `person` is the `kind`) to `successor`, under `field`."""
    if successor is None:
        if enrolments:
            problems.add(field, _("Choose who takes them over.") if kind == RoleKind.ASSESSOR
                         else _("Choose the IQA who takes them over."))
        return
    label = _("assessor") if kind == RoleKind.ASSESSOR else _("IQA")
    if not enrolments:
        problems.add(field, _("%(person)s has no active or paused enrolment here as %(role)s.")
                     % {"person": person, "role": label})
        return
    if successor.pk == person.pk:
        problems.add(field, _("Choose someone else than %(person)s.") % {"person": person})
        return
    if not successor.is_active or not Role.objects.filter(user=successor, centre=centre, kind=kind).exists():
        problems.add(field, _("%(email)s is not an %(role)s at %(centre)s.")
                     % {"email": successor.email, "role": label, "centre": centre})
        return
    own = sum(enrolment.candidate_id == successor.pk for enrolment in enrolments)
    if own:
        problems.add(field, ngettext(
            "%(person)s is the candidate of %(count)d of these enrolments: nobody judges their own. "
            "Reassign it from the enrolment's page to someone else, then hand over the rest.",
            "%(person)s is the candidate of %(count)d of these enrolments: nobody judges their own. "
            "Reassign them from the enrolments' pages to someone else, then hand over the rest.", own)
            % {"person": successor, "count": own})
    other = "iqa_id" if kind == RoleKind.ASSESSOR else "assessor_id"
    both = sum(getattr(enrolment, other) == successor.pk for enrolment in enrolments)
    if both:
        problems.add(field, ngettext(
            "%(person)s is the other of assessor and IQA on %(count)d of these enrolments: the assessor and the IQA "
            "of an enrolment must be different people.",
            "%(person)s is the other of assessor and IQA on %(count)d of these enrolments: the assessor and the "
            "IQA of an enrolment must be different people.", both) % {"person": successor, "count": both})


@transaction.atomic
def hand_over_caseload(
    *, centre: Centre, person: User, by: User, to_assessor: User | None = None, to_iqa: User | None = None,
    reason: str,
) -> list[Reassignment]:
    """Move every active or paused enrolment at `centre` that `person` assesses to `to_assessor`, and that they
    quality-assure to `to_iqa`, in one transaction: each move recorded and audited, the new people told by email.

    All or nothing: refused (by field) for someone who is not an assessor/IQA here, or who is the candidate of
    one of the enrolments, or already its other judge.
    """
    reason = reason.strip()
    problems = Problems()
    if not reason:
        problems.add("reason", _("Give the reason: it is kept in each enrolment's history."))
    if to_assessor is None and to_iqa is None:
        problems.add("to_assessor", _("Choose who takes over the enrolments this person assesses, or those they "
                                      "quality-assure."))
    # Locked: an enrolment reassigned meanwhile from its own page is read afresh.
    enrolments = list(Enrolment.objects.select_for_update(of=("self",)).filter(
        Q(assessor=person) | Q(iqa=person), centre=centre, status__in=CASELOAD_STATUSES,
    ).select_related("candidate", "qualification").order_by("pk"))
    assessed = [enrolment for enrolment in enrolments if enrolment.assessor_id == person.pk]
    assured = [enrolment for enrolment in enrolments if enrolment.iqa_id == person.pk]
    if to_assessor is not None:
        _successor_problems(problems, "to_assessor", centre, person, to_assessor, RoleKind.ASSESSOR, assessed)
    if to_iqa is not None:
        _successor_problems(problems, "to_iqa", centre, person, to_iqa, RoleKind.IQA, assured)
    if problems:
        raise ValidationError(dict(problems))
    now = timezone.now()
    moves = ([(enrolment, ReassignedField.ASSESSOR, to_assessor) for enrolment in assessed] if to_assessor else []) + (
        [(enrolment, ReassignedField.IQA, to_iqa) for enrolment in assured] if to_iqa else [])
    if to_assessor is not None:
        Enrolment.objects.filter(pk__in=[enrolment.pk for enrolment in assessed]).update(assessor=to_assessor)
    if to_iqa is not None:
        Enrolment.objects.filter(pk__in=[enrolment.pk for enrolment in assured]).update(iqa=to_iqa)
    reassignments = Reassignment.objects.bulk_create([
        Reassignment(enrolment=enrolment, field=field, from_user=person, to_user=successor, by=by, at=now)
        for enrolment, field, successor in moves
    ])
    member = _member(centre, person)
    trail.record_many([
        trail.Entry(
            actor=by, action="assessor reassigned" if field == ReassignedField.ASSESSOR else "iqa reassigned",
            obj=enrolment, object_label=f"{'Assessor' if field == ReassignedField.ASSESSOR else 'IQA'} of {enrolment}",
            enrolment_id=enrolment.pk, before={"user": str(person)},
            after={"user": str(successor), "reason": reason},
        )
        for enrolment, field, successor in moves
    ] + [trail.Entry(
        actor=by, action="staff caseload handed over", obj=member, chain=f"centre:{centre.pk}",
        before={"person": str(person)},
        after={"person": str(person), "assessor": str(to_assessor) if to_assessor else None,
               "iqa": str(to_iqa) if to_iqa else None, "count": len(moves), "reason": reason},
    )])
    for successor, field in ((to_assessor, ReassignedField.ASSESSOR), (to_iqa, ReassignedField.IQA)):
        taken = [enrolment for enrolment, moved, _successor in moves if moved == field]
        if successor is not None and taken:
            send_after_commit(to=successor.email, template="candidates/email/caseload_handed_over", context={
                "user": successor, "centre": centre, "enrolments": taken, "leaver": person,
                "role": gettext_lazy("assessor") if field == ReassignedField.ASSESSOR else gettext_lazy("IQA"),
                "link": absolute_url("assessments:caseload" if field == ReassignedField.ASSESSOR else "home"),
            })
    return reassignments
