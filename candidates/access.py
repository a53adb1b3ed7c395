"""The one gate: who may see and change which enrolments and centres.

Every view and task of every app obtains enrolments through these functions; no
view filters by hand. The discipline, everywhere:

- not visible to the user: ``Http404`` (never confirm that another centre's or
  another candidate's object exists);
- visible but read-only for this action: ``PermissionDenied`` (403).

A person's *relations* to an enrolment are the roles through which they see it:
``candidate`` (it is their own), ``assessor`` / ``iqa`` (they are named on it and
hold that role in its centre), ``centre_admin`` / ``eqa`` (they hold that role in
its centre) and ``platform_admin`` (a superuser). The EQA reads and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import Centre, Enrolment, Role, RoleKind, User

CANDIDATE = RoleKind.CANDIDATE.value
ASSESSOR = RoleKind.ASSESSOR.value
IQA = RoleKind.IQA.value
CENTRE_ADMIN = RoleKind.CENTRE_ADMIN.value
EQA = RoleKind.EQA.value
PLATFORM_ADMIN = "platform_admin"

#: Relations that may change an enrolment's portfolio when a view asks for `write=True` without naming roles.
WRITERS = frozenset({CANDIDATE, ASSESSOR, IQA, CENTRE_ADMIN, PLATFORM_ADMIN})
#: Relations that may manage an enrolment itself: reassign, pause, resume, withdraw.
MANAGERS = frozenset({CENTRE_ADMIN, PLATFORM_ADMIN})

AnyUser = User | AnonymousUser


def enrolments_visible_to(user: AnyUser) -> QuerySet[Enrolment]:
    """Every enrolment `user` may see (the union over all their roles); chain `.with_related()` for lists."""
    return Enrolment.objects.visible_to(user)


def _roles_by_centre(user: User) -> dict[int, set[str]]:
    """The kinds of role `user` holds, per centre id; read once per user object (i.e. once per request)."""
    cached = getattr(user, "_roles_by_centre", None)
    if cached is None:
        cached = {}
        for centre_id, kind in Role.objects.filter(user=user).values_list("centre_id", "kind"):
            cached.setdefault(centre_id, set()).add(kind)
        user._roles_by_centre = cached  # type: ignore[union-attr]
    return cached


def relations_to(user: AnyUser, enrolment: Enrolment) -> frozenset[str]:
    """The relations through which `user` sees `enrolment`; empty when they may not see it."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    held = _roles_by_centre(user).get(enrolment.centre_id, set())
    relations: set[str] = set()
    if user.is_superuser:
        relations.add(PLATFORM_ADMIN)
    if enrolment.candidate_id == user.pk:
        relations.add(CANDIDATE)
    if enrolment.assessor_id == user.pk and ASSESSOR in held:
        relations.add(ASSESSOR)
    if enrolment.iqa_id is not None and enrolment.iqa_id == user.pk and IQA in held:
        relations.add(IQA)
    relations.update(held & {CENTRE_ADMIN, EQA})
    return frozenset(relations)


def enrolment_for(
    user: AnyUser, pk: int, *, write: bool = False, roles: Iterable[str] | None = None
) -> Enrolment:
    """The enrolment `pk` if `user` may see it (404 otherwise), with its related rows loaded.

    With `roles`, the user must hold one of those relations to it (e.g. ``{ASSESSOR}`` to sign
    off), else 403. With `write=True` and no `roles`, any relation but the EQA's may write.
    The relations found are kept on ``enrolment.viewer_relations`` for the template.
    """
    enrolment = enrolments_visible_to(user).with_related().filter(pk=pk).first()
    if enrolment is None:
        raise Http404("No such enrolment.")
    relations = relations_to(user, enrolment)
    if roles is not None:
        if not relations & frozenset(roles):
            raise PermissionDenied("Your role does not allow this action on this enrolment.")
    elif write and not relations & WRITERS:
        raise PermissionDenied("You may read this enrolment but not change it.")
    enrolment.viewer_relations = relations  # type: ignore[attr-defined]
    return enrolment


def may_manage(user: AnyUser, enrolment: Enrolment) -> bool:
    """Whether `user` may reassign, pause, resume or withdraw `enrolment` (its centre's admin, or a superuser)."""
    return bool(relations_to(user, enrolment) & MANAGERS)


def centres_administered_by(user: AnyUser) -> QuerySet[Centre]:
    """The centres whose enrolments `user` may manage: where they are centre admin; all for a superuser."""
    if not user.is_authenticated or not user.is_active:
        return Centre.objects.none()
    if user.is_superuser:
        return Centre.objects.all()
    return Centre.objects.filter(roles__user=user, roles__kind=CENTRE_ADMIN)


def is_centre_admin(user: AnyUser) -> bool:
    """Whether `user` administers at least one centre (shows the Enrolments navigation)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(CENTRE_ADMIN in kinds for kinds in _roles_by_centre(user).values())


def centre_for_admin(user: AnyUser, pk: int) -> Centre:
    """The centre `pk` if `user` administers it.

    404 when they hold no role there (the centre is not theirs to know about); 403 when they
    hold another role there (assessor, IQA, EQA, candidate) but not centre admin.
    """
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such centre.")
    centre = Centre.objects.filter(pk=pk).first()
    if centre is None:
        raise Http404("No such centre.")
    if user.is_superuser:
        return centre
    held = _roles_by_centre(user).get(centre.pk)
    if not held:
        raise Http404("No such centre.")
    if CENTRE_ADMIN not in held:
        raise PermissionDenied("Only the centre's administrators manage its enrolments.")
    return centre


def people_with_role(centre: Centre, kind: str) -> QuerySet[User]:
    """The active people holding role `kind` in `centre`, e.g. the assessors an enrolment may name."""
    return User.objects.filter(is_active=True, roles__centre=centre, roles__kind=kind).distinct()
