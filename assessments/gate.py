"""Who may do what in the assessment workflow, on top of the one gate (candidates/access.py).

The enrolment is always obtained first through `access.enrolment_for` (404 when not
visible, 403 when visible but not for this role); objects inside it are then looked
up within that enrolment only, so another enrolment's object is a 404 too.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from candidates import access
from candidates.models import Enrolment, Role
from evidence.models import EvidenceItem, Mapping
from units.models import AssessableItem, Unit

from .models import ActionPoint, Question, UnitSignOff, Visit

#: Judge evidence, sign items and units off, plan visits, set action points.
JUDGES = frozenset({access.ASSESSOR, access.CENTRE_ADMIN, access.PLATFORM_ADMIN})
#: Write observation records and recorded discussions (the evidence app's rule for assessor-authored kinds).
OBSERVERS = frozenset({access.ASSESSOR, access.PLATFORM_ADMIN})
#: Countersign or refer a unit sign-off.
QUALITY = frozenset({access.IQA, access.PLATFORM_ADMIN})
#: Take part in a conversation (feedback, question threads): everyone but the EQA, who only reads.
TALKERS = frozenset({access.CANDIDATE, access.ASSESSOR, access.IQA, access.CENTRE_ADMIN, access.PLATFORM_ADMIN})
#: The candidate's own acts: ask a question, declare a unit their own work, tick an action point done.
CANDIDATE = frozenset({access.CANDIDATE})
#: Readers of the IQA sampling page.
SAMPLING_ROLES = (access.IQA, access.CENTRE_ADMIN, access.EQA)


def enrolment(request: HttpRequest, pk: int, roles: frozenset[str] | None = None) -> Enrolment:
    """The enrolment through the gate: readable by whoever sees it, or acted on by `roles` (else 403)."""
    return access.enrolment_for(request.user, pk, roles=roles)


def evidence_in(enrolment: Enrolment, pk: int) -> EvidenceItem:
    item = (
        EvidenceItem.objects.filter(enrolment=enrolment, pk=pk)
        .select_related("current_version", "current_version__submitted_by").first()
    )
    if item is None or item.current_version_id is None:
        raise Http404("No such evidence.")
    item.enrolment = enrolment
    return item


def mapping_in(enrolment: Enrolment, pk: int) -> Mapping:
    mapping = (
        Mapping.objects.filter(version__item__enrolment=enrolment, pk=pk)
        .select_related("version__item", "assessable_item__unit").first()
    )
    if mapping is None:
        raise Http404("No such mapping.")
    return mapping


def item_in(enrolment: Enrolment, pk: int) -> AssessableItem:
    item = AssessableItem.objects.filter(unit__qualification_id=enrolment.qualification_id, pk=pk).select_related(
        "unit").first()
    if item is None:
        raise Http404("No such assessable item.")
    return item


def unit_in(enrolment: Enrolment, pk: int) -> Unit:
    unit = Unit.objects.filter(qualification_id=enrolment.qualification_id, pk=pk).first()
    if unit is None:
        raise Http404("No such unit.")
    return unit


def unit_sign_off_in(enrolment: Enrolment, pk: int) -> UnitSignOff:
    sign_off = UnitSignOff.objects.filter(enrolment=enrolment, pk=pk).select_related("unit", "by").first()
    if sign_off is None:
        raise Http404("No such sign-off.")
    sign_off.enrolment = enrolment
    return sign_off


def question_in(enrolment: Enrolment, pk: int) -> Question:
    question = Question.objects.filter(enrolment=enrolment, pk=pk).select_related("asked_by").first()
    if question is None:
        raise Http404("No such question.")
    return question


def visit_in(enrolment: Enrolment, pk: int) -> Visit:
    visit = Visit.objects.filter(enrolment=enrolment, pk=pk).first()
    if visit is None:
        raise Http404("No such visit.")
    return visit


def action_point_in(enrolment: Enrolment, pk: int) -> ActionPoint:
    point = ActionPoint.objects.filter(enrolment=enrolment, pk=pk).first()
    if point is None:
        raise Http404("No such action point.")
    return point


def require_sampling_reader(request: HttpRequest) -> None:
    """The sampling page is for IQAs, centre admins, EQAs and superusers; others get 403."""
    user = request.user
    if user.is_superuser or Role.objects.filter(user=user, kind__in=SAMPLING_ROLES).exists():
        return
    raise PermissionDenied("The sampling page is for internal and external quality assurers and centre admins.")


def require_assessor(request: HttpRequest) -> None:
    """The caseload and review queue are for people holding the assessor role somewhere (else 403)."""
    if not Role.objects.filter(user=request.user, kind=access.ASSESSOR).exists():
        raise PermissionDenied("The caseload is the assessor's page.")
