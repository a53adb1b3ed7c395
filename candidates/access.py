"""The one gate: who may see and change which enrolments and centres, in one vocabulary.

Every view and task of every app obtains enrolments through these functions; no
view filters by hand. The discipline, everywhere:

- not visible to the user: ``Http404`` (never confirm that another centre's or
  another candidate's object exists);
- visible but not permitted for this action: ``PermissionDenied`` (403).

A person's *relations* to an enrolment are the roles through which they see it:
``candidate`` (it is their own), ``assessor`` / ``iqa`` (they are named on it and
hold that role in its centre), ``centre_admin`` / ``eqa`` (they hold that role in
its centre), ``employer`` (they are a current employer contact of it: the apprentice's line
manager or workplace mentor, named by the centre) and ``platform_admin`` (a superuser). The EQA
reads and changes nothing.

The employer *follows* the apprentice and judges nothing: they hold ``follow`` alone, which
opens the pages that show how the apprentice is doing (progress and sign-off, action points;
the off-the-job log, reviews and gateway as they come), all read-only. They do not hold ``read``:
the evidence library, evidence files and versions, the review page, the tracking matrix,
questions, visits, history and exports stay with the candidate and the centre's staff, because
evidence may hold customers' and colleagues' personal data and the assessor's judging
conversation is between candidate and centre. Every judging, sign-off, sampling, managing and
writing permission excludes ``employer``. A contact sees only the enrolments they are named on
(one employer organisation, one centre); a removed contact sees nothing more. ``employer``
is looked for only when a person holds no other relation to the enrolment (every other one
holds ``follow`` already), so staff pages cost no query more. The enrolments a person follows
are found by ``enrolment_for`` (``enrolments_followed_by``), never by ``enrolments_visible_to``:
evidence, files, exports and lists read through the latter never reach an employer (404).

Independence: centre staff may be enrolled at their own centre (a centre trains its
own people), but on an enrolment where a person is the candidate they hold *only*
the ``candidate`` relation, whatever roles they hold there (centre admin, EQA,
assessor, IQA) and even as a superuser: they never judge, sign off, sample,
countersign, manage or read as staff their own enrolment; another assessor and IQA
do the judging. The assessment and evidence services refuse the same acts again
(defence in depth), and ``judges_of`` names who may not witness its evidence.

An assessor's own record (observation, professional discussion, questioning: the evidence kinds only
``observe`` may write) is their judgement of the candidate's work, first hand, not work of their own:
submitted by an author who holds ``judge`` on the enrolment, its claims are accepted in their name at once
(assessments.services.decisions.own_record_accept), so the record's items count as assessed by its author.
The candidate can never write one, so nobody accepts their own work this way; the author's sign-off of the
unit is still sampled by an IQA, who may not countersign a sign-off they made.

Views ask for a named *permission*, never for relations:
``enrolment_for(user, pk, need=Permission.JUDGE)`` at the gate, ``viewer_may(enrolment,
Permission.TALK)`` for what a page offers, ``enrolment.viewer_may.<permission>`` in
templates. ``GRANTS`` below is the only place that says which relations hold which
permission:

=================  ====================================================  ==========================================
permission         allows                                                relations that hold it
=================  ====================================================  ==========================================
read               see the enrolment's pages, export its portfolio       candidate, assessor, iqa, centre_admin,
                                                                         eqa, platform_admin
follow             see the apprentice's progress, off-the-job log,       candidate, assessor, iqa, centre_admin,
                   reviews and action points (read-only)                 eqa, platform_admin, employer
write              change the portfolio (no narrower permission asked)   candidate, assessor, iqa, centre_admin,
                                                                         platform_admin
act_as_candidate   the candidate's own acts: self-assessment, ask a      candidate
                   question, declare a unit their own work, tick an
                   action point done
plan               change the unit plan                                  candidate, assessor
write_evidence     create, edit, upload, map, submit, revise evidence    candidate, assessor, platform_admin
observe            write observation records; map submitted evidence     assessor, platform_admin
                   on the candidate's behalf
judge              accept or refer mappings, sign items and units off,   assessor, centre_admin, platform_admin
                   plan and record visits, set action points
quality_assure     sample, countersign or refer back a unit sign-off     iqa, platform_admin
talk               post feedback on evidence, reply to questions         candidate, assessor, iqa, centre_admin,
                                                                         platform_admin
manage             reassign, pause, resume, withdraw, complete; a        centre_admin, platform_admin
                   centre's enrolments
read_fingerprints  see the SHA-256 fingerprints of evidence files (the   assessor, iqa, centre_admin, eqa,
                   candidate sees their files without them)              platform_admin
read_sampling      the IQA sampling page (a role held in any centre)     iqa, centre_admin, eqa, platform_admin
keep_caseload      the caseload and review queue (a role held in any     assessor
                   centre)
sign               sign a progress review or a gateway declaration as    candidate, assessor, centre_admin,
                   one's own party (candidate, employer, provider)       employer
=================  ====================================================  ==========================================

The last two span enrolments, so they are asked of the roles a person holds in any
centre (`holds_anywhere`), each role standing for the relation of the same name and
a superuser for ``platform_admin``.

A centre's *staff list* (`staff_of`) is its admin's to read and change, through `centre_for_admin`:
a person on it is found by `staff_member_for` (404 for anyone not on that centre's list, whoever they are
elsewhere).

A *frozen* enrolment (paused, withdrawn or completed) is read-only for everyone: every
permission but the reading ones (``READ_ONLY_PERMISSIONS``; asking for an export is a read)
is refused with 403 and a message saying why (`open_for`), and ``viewer_may`` says False
for them. Managing stays open on a paused enrolment, so that the centre can resume or
withdraw it; a withdrawn or completed one is read-only for good.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from portfolio_site.prepared import prepared

from .models import (
    STAFF_KINDS,
    Centre,
    EmployerContact,
    Enrolment,
    EnrolmentInvitation,
    EnrolmentQuerySet,
    EnrolmentStatus,
    Role,
    RoleKind,
    StaffMember,
    User,
    centres_by_arm,
    visible_arms,
)


class Relation(StrEnum):
    """How a person stands to an enrolment; the first five share their value with the role kind (RoleKind)."""

    CANDIDATE = "candidate"
    ASSESSOR = "assessor"
    IQA = "iqa"
    CENTRE_ADMIN = "centre_admin"
    EQA = "eqa"
    PLATFORM_ADMIN = "platform_admin"
    EMPLOYER = "employer"


class Permission(StrEnum):
    """What a person may do; asked for by name at the gate and in views (the table above)."""

    READ = "read"
    FOLLOW = "follow"
    WRITE = "write"
    ACT_AS_CANDIDATE = "act_as_candidate"
    PLAN = "plan"
    WRITE_EVIDENCE = "write_evidence"
    OBSERVE = "observe"
    JUDGE = "judge"
    QUALITY_ASSURE = "quality_assure"
    TALK = "talk"
    MANAGE = "manage"
    READ_FINGERPRINTS = "read_fingerprints"
    READ_SAMPLING = "read_sampling"
    KEEP_CASELOAD = "keep_caseload"
    SIGN = "sign"


#: The one table of who may do what (documented in this module's docstring; tests keep the two in step).
GRANTS: Mapping[Permission, frozenset[Relation]] = MappingProxyType({
    Permission.READ: frozenset({
        Relation.CANDIDATE, Relation.ASSESSOR, Relation.IQA, Relation.CENTRE_ADMIN, Relation.EQA,
        Relation.PLATFORM_ADMIN,
    }),
    Permission.FOLLOW: frozenset({
        Relation.CANDIDATE, Relation.ASSESSOR, Relation.IQA, Relation.CENTRE_ADMIN, Relation.EQA,
        Relation.PLATFORM_ADMIN, Relation.EMPLOYER,
    }),
    Permission.WRITE: frozenset({
        Relation.CANDIDATE, Relation.ASSESSOR, Relation.IQA, Relation.CENTRE_ADMIN, Relation.PLATFORM_ADMIN,
    }),
    Permission.ACT_AS_CANDIDATE: frozenset({Relation.CANDIDATE}),
    Permission.PLAN: frozenset({Relation.CANDIDATE, Relation.ASSESSOR}),
    Permission.WRITE_EVIDENCE: frozenset({Relation.CANDIDATE, Relation.ASSESSOR, Relation.PLATFORM_ADMIN}),
    Permission.OBSERVE: frozenset({Relation.ASSESSOR, Relation.PLATFORM_ADMIN}),
    Permission.JUDGE: frozenset({Relation.ASSESSOR, Relation.CENTRE_ADMIN, Relation.PLATFORM_ADMIN}),
    Permission.QUALITY_ASSURE: frozenset({Relation.IQA, Relation.PLATFORM_ADMIN}),
    Permission.TALK: frozenset({
        Relation.CANDIDATE, Relation.ASSESSOR, Relation.IQA, Relation.CENTRE_ADMIN, Relation.PLATFORM_ADMIN,
    }),
    Permission.MANAGE: frozenset({Relation.CENTRE_ADMIN, Relation.PLATFORM_ADMIN}),
    Permission.READ_FINGERPRINTS: frozenset({
        Relation.ASSESSOR, Relation.IQA, Relation.CENTRE_ADMIN, Relation.EQA, Relation.PLATFORM_ADMIN,
    }),
    Permission.READ_SAMPLING: frozenset({Relation.IQA, Relation.CENTRE_ADMIN, Relation.EQA, Relation.PLATFORM_ADMIN}),
    Permission.KEEP_CASELOAD: frozenset({Relation.ASSESSOR}),
    Permission.SIGN: frozenset({Relation.CANDIDATE, Relation.ASSESSOR, Relation.CENTRE_ADMIN, Relation.EMPLOYER}),
})

#: The permissions that only read: held on a frozen enrolment as on an active one.
READ_ONLY_PERMISSIONS = frozenset({
    Permission.READ, Permission.FOLLOW, Permission.READ_FINGERPRINTS, Permission.READ_SAMPLING,
    Permission.KEEP_CASELOAD,
})

AnyUser = User | AnonymousUser


def may(relations: AbstractSet[str], need: Permission) -> bool:
    """Whether someone standing to an enrolment through `relations` holds permission `need`."""
    return not GRANTS[need].isdisjoint(relations)


def open_for(enrolment: Enrolment, need: Permission) -> bool:
    """Whether the status of `enrolment` lets anyone exercise `need`: reading always, managing while it is
    active or paused (to resume or withdraw it), every other permission only while it is active."""
    if need in READ_ONLY_PERMISSIONS or not enrolment.is_frozen:
        return True
    return need is Permission.MANAGE and enrolment.status == EnrolmentStatus.PAUSED


def viewer_may(enrolment: Enrolment, need: Permission) -> bool:
    """Whether the person who obtained `enrolment` through `enrolment_for` holds `need` on it."""
    return enrolment.viewer_may[need]


def held_relations(kinds: Iterable[str], *, superuser: bool) -> frozenset[Relation]:
    """The relations that role kinds held in any centre stand for, with ``platform_admin`` for a superuser."""
    relations = {Relation(kind) for kind in kinds}
    if superuser:
        relations.add(Relation.PLATFORM_ADMIN)
    return frozenset(relations)


def _role_kinds(need: Permission) -> list[str]:
    """The role kinds whose holders have `need` (every granted relation held through a role: not the superuser's,
    nor the employer contact's), for a query."""
    return sorted(relation.value for relation in GRANTS[need] if relation.value in RoleKind.values)


def holds_anywhere(user: AnyUser, need: Permission) -> bool:
    """Whether `user` holds `need` through a role in any centre, or as a superuser: for pages across enrolments.

    One query, none for a superuser when the permission is granted to platform admins.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser and Relation.PLATFORM_ADMIN in GRANTS[need]:
        return True
    wanted = _role_kinds(need)
    return any(not kinds.isdisjoint(wanted) for kinds in _roles_by_centre(user).values())


def enrolments_visible_to(user: AnyUser) -> EnrolmentQuerySet:
    """Every enrolment `user` may see (the union over all their roles); chain `.with_related()` for lists.

    Not those they only follow as an employer contact (`enrolments_followed_by`): lists and rows read through
    this (evidence, files, exports, the home page) never reach an employer; `enrolment_for` finds both."""
    return Enrolment.objects.visible_to(user)


def enrolments_of_centre(user: AnyUser, centre: Centre) -> EnrolmentQuerySet:
    """What `enrolments_visible_to(user)` holds of `centre`: for its administrators (and EQAs, and superusers)
    every enrolment of the centre, asked as that alone, so that the database counts and pages a centre of
    100,000 through the centre's indexes rather than testing each row against the person's other roles."""
    if not (user.is_authenticated and user.is_active):
        return Enrolment.objects.none()
    held = _roles_by_centre(user).get(centre.pk, set())
    # The same centre-wide arm as `visible_condition`: a centre admin or EQA there sees all of it.
    if user.is_superuser or RoleKind.CENTRE_ADMIN in held or RoleKind.EQA in held:
        return Enrolment.objects.filter(centre=centre)
    return enrolments_visible_to(user).filter(centre=centre)


_rows_by_key = prepared(lambda centre, keys: Enrolment.objects.filter(centre_id=centre, pk__in=keys).select_related(
    "candidate", "qualification", "assessor", "iqa"))


def enrolments_by_key(centre: Centre, keys: list[int]) -> list[Enrolment]:
    """The enrolments `keys` of `centre`, with what a list's rows show (candidate, qualification, assessor, IQA),
    for a page whose keys were chosen among `enrolments_of_centre`: one query, compiled once a process; what the
    rows show and no more, since 50 rows of seven related objects cost more than the SQL."""
    return _rows_by_key(centre=centre.pk, keys=keys)


def _roles_by_centre(user: User) -> dict[int, set[str]]:
    """The kinds of role `user` holds, per centre id; read once per user object (i.e. once per request)."""
    return user.roles_by_centre()


def _followed(user: User) -> frozenset[int]:
    """The enrolments `user` is a current employer contact of; read once per user object (i.e. once per request)."""
    cached: frozenset[int] | None = getattr(user, "_followed_enrolments", None)
    if cached is None:
        cached = frozenset(EmployerContact.objects.current().filter(user=user).values_list("enrolment_id", flat=True))
        user._followed_enrolments = cached
    return cached


def enrolments_followed_by(user: AnyUser) -> EnrolmentQuerySet:
    """The enrolments `user` follows as a current employer contact (never their own), for the employer's home page."""
    if not user.is_authenticated or not user.is_active:
        return Enrolment.objects.none()
    return Enrolment.objects.followed_by(user).exclude(candidate=user)


def relations_to(user: AnyUser, enrolment: Enrolment) -> frozenset[Relation]:
    """The relations through which `user` sees `enrolment`; empty when they may not see it.

    On their own enrolment a person is its candidate only, whatever roles they hold (see Independence above).
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    held = _roles_by_centre(user).get(enrolment.centre_id, set())
    relations: set[Relation] = set()
    if enrolment.candidate_id == user.pk:
        # Nobody judges their own enrolment: here staff, and a superuser, are the candidate and nothing more.
        relations.add(Relation.CANDIDATE)
        return frozenset(relations)
    if user.is_superuser:
        relations.add(Relation.PLATFORM_ADMIN)
    if enrolment.assessor_id == user.pk and Relation.ASSESSOR in held:
        relations.add(Relation.ASSESSOR)
    if enrolment.iqa_id is not None and enrolment.iqa_id == user.pk and Relation.IQA in held:
        relations.add(Relation.IQA)
    if Relation.CENTRE_ADMIN in held:
        relations.add(Relation.CENTRE_ADMIN)
    if Relation.EQA in held:
        relations.add(Relation.EQA)
    # Employer contacts are looked for only when nothing else is held: every other relation holds what
    # ``employer`` does (``follow``), and staff pages cost no query more.
    if not relations and enrolment.pk in _followed(user):
        relations.add(Relation.EMPLOYER)
    return frozenset(relations)


def _holders(relation: Relation, enrolment: Enrolment) -> Q:
    """Who stands to `enrolment` through `relation`; its named assessor and IQA count even if their role lapsed."""
    if relation is Relation.PLATFORM_ADMIN:
        return Q(is_superuser=True)
    if relation is Relation.CANDIDATE:
        return Q(pk=enrolment.candidate_id)
    if relation is Relation.ASSESSOR:
        return Q(pk=enrolment.assessor_id)
    if relation is Relation.IQA:
        return Q(pk=enrolment.iqa_id) if enrolment.iqa_id is not None else Q(pk__in=[])
    if relation is Relation.EMPLOYER:
        return Q(pk__in=EmployerContact.objects.current().filter(enrolment=enrolment).values("user_id"))
    return Q(pk__in=Role.objects.filter(centre_id=enrolment.centre_id, kind=relation.value).values("user_id"))


def judges_of(enrolment: Enrolment) -> QuerySet[User]:
    """Everyone who may judge or quality-assure `enrolment` (never its candidate): they may not witness its evidence.

    Its assessor and IQA, whoever holds a judging role in its centre (centre admin), and superusers: the
    holders of ``judge`` and ``quality_assure`` in GRANTS. One query when evaluated.
    """
    judging = Q(pk__in=[])
    for relation in GRANTS[Permission.JUDGE] | GRANTS[Permission.QUALITY_ASSURE]:
        judging |= _holders(relation, enrolment)
    return User.objects.filter(judging).exclude(pk=enrolment.candidate_id)


def arms_of(user: AnyUser) -> dict[str, Any] | None:
    """The values of `visible_arms` for `user` (`person`, and the centres of each arm: `assessing`, `assuring`,
    `whole`), for a prepared read of what they see (portfolio_site.prepared); None for whom the ORM reads it (a
    superuser sees everything, nobody signed out or deactivated sees anything)."""
    if not user.is_authenticated or not user.is_active or user.is_superuser:
        return None
    assessing, assuring, whole = centres_by_arm(user)
    return {"person": user.pk, "assessing": assessing, "assuring": assuring, "whole": whole}


# The gate's read of one enrolment (every page of a portfolio asks it first): what `visible_to` and `followed_by`
# find, the same SQL for each person with the same shape of roles, so compiled once a process.
_in_sight = prepared(lambda pk, person, assessing, assuring, whole: Enrolment.objects.filter(
    visible_arms(person, assessing, assuring, whole)
    | Q(pk__in=EmployerContact.objects.current().filter(user_id=person).values("enrolment_id")),
    pk=pk,
).with_related())


def enrolment_for(user: AnyUser, pk: int, *, need: Permission = Permission.READ) -> Enrolment:
    """The enrolment `pk` if `user` may see it (404 otherwise), with its related rows loaded; 403 without `need`.

    The relations found are kept on ``enrolment.viewer_relations``, and what they permit on
    ``enrolment.viewer_may`` (permission name -> bool) for the views and templates. On a frozen
    enrolment every permission that writes is refused (403 saying why) and False in ``viewer_may``.
    """
    # Those it follows as an employer contact are in sight too: refused (403) where ``follow`` is not enough.
    arms = arms_of(user)
    if arms is not None:
        found = _in_sight(pk=pk, **arms)
        if not found:
            raise Http404
        enrolment: Enrolment = found[0]
    else:
        within_sight = enrolments_visible_to(user) | Enrolment.objects.followed_by(user)
        enrolment = get_object_or_404(within_sight.with_related(), pk=pk)
    relations = relations_to(user, enrolment)
    if not may(relations, need):
        if need is Permission.WRITE:
            raise PermissionDenied(_("You may read this enrolment but not change it."))
        raise PermissionDenied(_("Your role does not allow this action on this enrolment."))
    if not open_for(enrolment, need):
        raise PermissionDenied(enrolment.frozen_message)
    permitted = {
        permission.value: may(relations, permission) and open_for(enrolment, permission) for permission in Permission
    }
    enrolment.viewer_relations = relations
    enrolment.viewer_may = permitted
    return enrolment


def may_manage(user: AnyUser, enrolment: Enrolment) -> bool:
    """Whether `user` is who manages `enrolment` (its centre's admin, or a superuser), whatever its status."""
    return may(relations_to(user, enrolment), Permission.MANAGE)


def centres_administered_by(user: AnyUser) -> QuerySet[Centre]:
    """The centres whose enrolments `user` may manage: where they are centre admin; all for a superuser."""
    if not user.is_authenticated or not user.is_active:
        return Centre.objects.none()
    if user.is_superuser:
        return Centre.objects.all()
    return Centre.objects.filter(roles__user=user, roles__kind__in=_role_kinds(Permission.MANAGE))


def is_centre_admin(user: AnyUser) -> bool:
    """Whether `user` administers at least one centre (shows the Enrolments navigation)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(may(kinds, Permission.MANAGE) for kinds in _roles_by_centre(user).values())


def centre_for_admin(user: AnyUser, pk: int) -> Centre:
    """The centre `pk` if `user` administers it.

    404 when they hold no role there (the centre is not theirs to know about); 403 when they
    hold another role there (assessor, IQA, EQA, candidate) but not centre admin.
    """
    if not user.is_authenticated or not user.is_active:
        raise Http404(_("No such centre."))
    centre: Centre = get_object_or_404(Centre, pk=pk)
    if user.is_superuser:
        return centre
    held = _roles_by_centre(user).get(centre.pk)
    if not held:
        raise Http404(_("No such centre."))
    if not may(held, Permission.MANAGE):
        raise PermissionDenied(_("Only the centre's administrators manage its enrolments."))
    return centre


def people_with_role(centre: Centre, kind: str) -> QuerySet[User]:
    """The active people holding role `kind` in `centre`, e.g. the assessors an enrolment may name."""
    # A subquery rather than a join: no DISTINCT to sort away, and a page of them is found by the name index.
    return User.objects.filter(is_active=True, pk__in=Role.objects.filter(centre=centre, kind=kind).values("user_id"))


def invitation_for(user: AnyUser, token: str) -> EnrolmentInvitation:
    """The enrolment invitation `token` if it is addressed to `user` (404 otherwise, whoever else asks).

    Only the person invited answers it: not the centre that sent it, nor a superuser.
    """
    if not user.is_authenticated or not user.is_active:
        raise Http404(_("No such invitation."))
    invitation: EnrolmentInvitation = get_object_or_404(
        EnrolmentInvitation.objects.select_related("centre", "qualification", "pathway", "assessor", "iqa"),
        token=token, person=user,
    )
    return invitation


def invitations_awaiting(centre: Centre) -> QuerySet[EnrolmentInvitation]:
    """The invitations `centre` (obtained through `centre_for_admin`) sent that await the person's answer."""
    return EnrolmentInvitation.objects.pending().filter(centre=centre).select_related("qualification", "assessor")


def people_at(centre: Centre) -> QuerySet[User]:
    """Everyone `centre` holds data on: its candidates, its staff (a role there) and its employer contacts."""
    return User.objects.filter(
        Q(enrolments__centre=centre) | Q(roles__centre=centre) | Q(employer_contacts__enrolment__centre=centre)
    ).distinct()


def person_for_admin(user: AnyUser, centre_pk: int, person_pk: int) -> tuple[Centre, User]:
    """The centre `centre_pk` if `user` administers it (as `centre_for_admin`) and person `person_pk` of it.

    404 when the person has no enrolment, role or employer contact at that centre: a centre asks
    for the data of its own people only (a superuser, through any centre that holds them).
    """
    centre = centre_for_admin(user, centre_pk)
    person: User = get_object_or_404(people_at(centre), pk=person_pk)
    return centre, person


def _staff_lists(centre: Centre) -> tuple[QuerySet[Any], QuerySet[Any], QuerySet[Any]]:
    """The user ids of the three lists that make `centre`'s staff: its staff roles, its staff rows (a deactivated
    person keeps theirs), the current employer contacts of its enrolments; each read through its centre index."""
    return (Role.objects.filter(centre=centre, kind__in=STAFF_KINDS).order_by().values("user_id"),
            StaffMember.objects.filter(centre=centre).order_by().values("user_id"),
            EmployerContact.objects.current().filter(enrolment__centre=centre).order_by().values("user_id"))


def staff_ids(centre: Centre) -> QuerySet[Any]:
    """The ids of everyone on `centre`'s staff list (see `staff_of`), each once: the union of the three lists,
    which counting reads from their indexes alone, never a person's row (an OR of three would read every
    person of the deployment)."""
    roles, members, contacts = _staff_lists(centre)
    return roles.union(members, contacts)


def staff_by_name(centre: Centre) -> QuerySet[User]:
    """`centre`'s staff in name order, for a page of them: the people's name index walked in order, each person
    tested against the three lists (each read once into a hash), so that a page of 50 reads about 50 people's
    index entries over the centre's share of the deployment, not every one of its staff sorted."""
    roles, members, contacts = _staff_lists(centre)
    return User.objects.filter(Q(pk__in=roles) | Q(pk__in=members) | Q(pk__in=contacts)).order_by(*NAME_ORDER)


#: People in name order: the people's name index (last name, first name, email; the email makes it unique).
NAME_ORDER = ("last_name", "first_name", "email")


def with_caseload(people: QuerySet[User], centre: Centre) -> QuerySet[User]:
    """`people` with the size of their caseload at `centre`: ``assessing`` and ``assuring`` count the active or
    paused enrolments at the centre they assess and quality-assure (a probe of the assessor's, the IQA's index)."""
    caseload_statuses = (EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED)

    def count_of(field: str) -> Coalesce:
        counted = (Enrolment.objects.filter(centre=centre, status__in=caseload_statuses, **{field: OuterRef("pk")})
                   .order_by().values(field).annotate(n=Count("pk")).values("n"))
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    return people.annotate(assessing=count_of("assessor"), assuring=count_of("iqa"))


def staff_of(centre: Centre) -> QuerySet[User]:
    """Everyone on `centre`'s staff list: who holds a staff role there, was deactivated there, or is a current
    employer contact of one of its enrolments; each with the size of their caseload there (`with_caseload`), in
    one query."""
    return with_caseload(User.objects.filter(pk__in=staff_ids(centre)), centre)


def staff_member_for(user: AnyUser, centre_pk: int, person_pk: int) -> tuple[Centre, User]:
    """The centre `centre_pk` if `user` administers it (as `centre_for_admin`), and the person `person_pk` on its
    staff list (404 for anyone else: another centre's staff are not this centre's to know about)."""
    centre = centre_for_admin(user, centre_pk)
    person: User = get_object_or_404(staff_of(centre), pk=person_pk)
    return centre, person
