"""Who may do what in the assessment workflow, on top of the one gate (candidates/access.py).

The enrolment is always obtained first through `access.enrolment_for`, asking for a named
permission (404 when not visible, 403 when visible but not permitted; the table of
permissions and the relations that hold them is in candidates/access.py); objects inside
it are then looked up within that enrolment only, so another enrolment's object is a 404 too.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from candidates import access
from candidates.access import Permission
from candidates.models import Enrolment
from evidence.models import EvidenceItem, Mapping
from units.models import AssessableItem, Unit

from .models import ActionPoint, Question, UnitSignOff, Visit


def enrolment(request: HttpRequest, pk: int, need: Permission = Permission.READ) -> Enrolment:
    """The enrolment through the gate: 404 when not visible, 403 when the user lacks permission `need`."""
    return access.enrolment_for(request.user, pk, need=need)


def evidence_in(enrolment: Enrolment, pk: int) -> EvidenceItem:
    """Evidence item `pk` of `enrolment` that has a version, with its current version loaded (404 otherwise)."""
    item: EvidenceItem = get_object_or_404(
        EvidenceItem.objects.filter(enrolment=enrolment, current_version__isnull=False)
        .select_related("current_version", "current_version__submitted_by"),
        pk=pk,
    )
    item.enrolment = enrolment
    return item


def mapping_in(enrolment: Enrolment, pk: int) -> Mapping:
    """Mapping `pk` of a version of `enrolment`'s evidence, with its item and unit loaded (404 otherwise)."""
    mapping: Mapping = get_object_or_404(
        Mapping.objects.filter(version__item__enrolment=enrolment)
        .select_related("version__item", "assessable_item__unit"),
        pk=pk,
    )
    return mapping


def item_in(enrolment: Enrolment, pk: int) -> AssessableItem:
    """Assessable item `pk` of `enrolment`'s qualification, with its unit loaded (404 otherwise)."""
    item: AssessableItem = get_object_or_404(
        AssessableItem.objects.filter(unit__qualification_id=enrolment.qualification_id).select_related("unit"), pk=pk
    )
    return item


def unit_in(enrolment: Enrolment, pk: int) -> Unit:
    """Unit `pk` of `enrolment`'s qualification (404 otherwise)."""
    unit: Unit = get_object_or_404(Unit.objects.filter(qualification_id=enrolment.qualification_id), pk=pk)
    return unit


def unit_sign_off_in(enrolment: Enrolment, pk: int) -> UnitSignOff:
    """Unit sign-off `pk` of `enrolment`, with its unit and assessor loaded (404 otherwise)."""
    sign_off: UnitSignOff = get_object_or_404(
        UnitSignOff.objects.filter(enrolment=enrolment).select_related("unit", "by"), pk=pk
    )
    sign_off.enrolment = enrolment
    return sign_off


def question_in(enrolment: Enrolment, pk: int) -> Question:
    """Question `pk` of `enrolment`, with who asked it (404 otherwise)."""
    question: Question = get_object_or_404(
        Question.objects.filter(enrolment=enrolment).select_related("asked_by"), pk=pk
    )
    return question


def visit_in(enrolment: Enrolment, pk: int) -> Visit:
    """Visit `pk` of `enrolment` (404 otherwise)."""
    visit: Visit = get_object_or_404(Visit.objects.filter(enrolment=enrolment), pk=pk)
    return visit


def action_point_in(enrolment: Enrolment, pk: int) -> ActionPoint:
    """Action point `pk` of `enrolment` (404 otherwise)."""
    point: ActionPoint = get_object_or_404(ActionPoint.objects.filter(enrolment=enrolment), pk=pk)
    return point


def require_sampling_reader(request: HttpRequest) -> None:
    """The sampling page is for those who may read sampling (IQAs, centre admins, EQAs, superusers); others 403."""
    if not access.holds_anywhere(request.user, Permission.READ_SAMPLING):
        raise PermissionDenied(gettext(
            "The sampling page is for internal and external quality assurers and centre admins."))


def require_assessor(request: HttpRequest) -> None:
    """The caseload and review queue are for those who keep a caseload (an assessor role somewhere); else 403."""
    if not access.holds_anywhere(request.user, Permission.KEEP_CASELOAD):
        raise PermissionDenied(gettext("The caseload is the assessor's page."))
