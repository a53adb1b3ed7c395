"""Everything held on one person, for their subject-access export: rows as plain data, and their files.

The sections hold the person's own rows (account, roles, invitations, notifications), every row of
the enrolments where they are the candidate, and what they wrote or decided on anyone else's
(decisions, feedback, questions and replies, action points, off-the-job entries, evidence and files
they uploaded). The audit records are those they made and those of their enrolments. Another
candidate's data appears only where this person wrote it (an assessor's decisions on their caseload).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from apprenticeships.models import OtjEntry, OtjPlan
from assessments.models import (
    ActionPoint,
    Countersignature,
    Decision,
    FeedbackMessage,
    IqaReferral,
    ItemSignOff,
    LearnerDeclaration,
    Question,
    Reply,
    UnitSignOff,
    Visit,
)
from audit.models import AuditRecord
from candidates.models import (
    EmployerContact,
    Enrolment,
    EnrolmentInvitation,
    Role,
    SelfAssessment,
    UnitChoice,
    User,
)
from evidence.models import EvidenceFile, EvidenceItem, EvidenceVersion, Mapping
from inbox.models import Notification, Preferences

#: Account fields a copy shows; the password hash is a secret of the system, not data about the person.
ACCOUNT_FIELDS = ("id", "email", "first_name", "last_name", "is_active", "date_joined", "last_login")


@dataclass(frozen=True)
class PersonFile:
    """One stored file of the person's: where it is stored and what the copy says of it."""

    storage_name: str
    original_name: str
    size: int
    sha256: str
    mime: str
    evidence_id: int


@dataclass(frozen=True)
class PersonData:
    person_id: int
    person: str
    generated_at: datetime.datetime
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: list[PersonFile] = field(default_factory=list)


def _rows(queryset: QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
    return list(queryset.order_by("pk").values(*fields))


def _sections(person: User) -> dict[str, QuerySet[Any]]:
    """Section name -> the rows it copies (every one scoped to this person)."""
    mine = Enrolment.objects.filter(candidate=person)
    evidence = EvidenceItem.objects.filter(Q(enrolment__in=mine) | Q(created_by=person))
    versions = EvidenceVersion.objects.filter(Q(item__in=evidence) | Q(created_by=person) | Q(submitted_by=person))
    questions = Question.objects.filter(Q(enrolment__in=mine) | Q(asked_by=person))
    sign_offs = UnitSignOff.objects.filter(Q(enrolment__in=mine) | Q(by=person))
    return {
        "roles": Role.objects.filter(user=person),
        "enrolments": mine,
        "enrolment_invitations": EnrolmentInvitation.objects.filter(person=person).defer("token"),
        "employer_contacts": EmployerContact.objects.filter(user=person),
        "unit_choices": UnitChoice.objects.filter(enrolment__in=mine),
        "self_assessments": SelfAssessment.objects.filter(enrolment__in=mine),
        "evidence_items": evidence,
        "evidence_versions": versions,
        "evidence_mappings": Mapping.objects.filter(Q(version__in=versions) | Q(mapped_by=person)),
        "decisions": Decision.objects.filter(Q(enrolment__in=mine) | Q(by=person)),
        "feedback_messages": FeedbackMessage.objects.filter(Q(enrolment__in=mine) | Q(author=person)),
        "item_sign_offs": ItemSignOff.objects.filter(Q(enrolment__in=mine) | Q(by=person)),
        "learner_declarations": LearnerDeclaration.objects.filter(Q(enrolment__in=mine) | Q(by=person)),
        "unit_sign_offs": sign_offs,
        "countersignatures": Countersignature.objects.filter(Q(unit_sign_off__in=sign_offs) | Q(by=person)),
        "iqa_referrals": IqaReferral.objects.filter(Q(unit_sign_off__in=sign_offs) | Q(by=person)),
        "questions": questions,
        "replies": Reply.objects.filter(Q(question__in=questions) | Q(author=person)),
        "visits": Visit.objects.filter(Q(enrolment__in=mine) | Q(created_by=person)),
        "action_points": ActionPoint.objects.filter(Q(enrolment__in=mine) | Q(set_by=person)),
        "off_the_job_plans": OtjPlan.objects.filter(Q(enrolment__in=mine) | Q(set_by=person)),
        "off_the_job_entries": OtjEntry.objects.filter(
            Q(enrolment__in=mine) | Q(recorded_by=person) | Q(decided_by=person)),
        "notifications": Notification.objects.filter(recipient=person),
        "preferences": Preferences.objects.filter(user=person).defer("calendar_token"),
        "audit_records": AuditRecord.objects.filter(
            Q(actor_id=person.pk) | Q(enrolment_id__in=mine.values("pk"))
            | Q(object_type="candidates.User", object_id=str(person.pk))),
    }


def _fields(queryset: QuerySet[Any]) -> list[str]:
    deferred = queryset.query.deferred_loading[0]
    return [f.attname for f in queryset.model._meta.concrete_fields if f.name not in deferred]


def gather_person(person_id: int) -> PersonData:
    """Everything held on person `person_id`, and the files they uploaded or that their evidence holds."""
    person = User.objects.get(pk=person_id)
    sections: dict[str, list[dict[str, Any]]] = {"account": _rows(User.objects.filter(pk=person_id),
                                                                  *ACCOUNT_FIELDS)}
    for name, queryset in _sections(person).items():
        sections[name] = _rows(queryset, *_fields(queryset))
    files = EvidenceFile.objects.filter(
        Q(version__item__enrolment__candidate=person) | Q(uploaded_by=person)).select_related("version")
    sections["evidence_files"] = _rows(files, "id", "version_id", "original_name", "size", "sha256", "mime",
                                       "kind", "uploaded_by_id", "uploaded_at")
    seen: dict[str, PersonFile] = {}
    for stored in files.order_by("pk"):
        seen.setdefault(stored.name, PersonFile(
            storage_name=stored.name, original_name=stored.original_name, size=stored.size, sha256=stored.sha256,
            mime=stored.mime, evidence_id=stored.version.item_id))
    return PersonData(person_id=person.pk, person=str(person), generated_at=timezone.now(), sections=sections,
                      files=list(seen.values()))
