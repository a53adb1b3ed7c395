"""Erasure under the retention policy: the personal data of withdrawn and completed enrolments, once expired.

An enrolment *expires* when it is withdrawn or completed and its status has not changed for
``settings.RETENTION_DAYS``. Erasing it, in one transaction per enrolment:

- free text written on it is replaced by ``[erased]``: evidence titles and statements, witness
  names, roles and emails, questions and replies, the candidate's messages in the feedback
  conversation, action points, visits' place, purpose and notes, off-the-job entries;
- its evidence files and portfolio exports are deleted, rows now and stored bytes after commit
  (bytes another, unerased file row still holds are kept);
- its ULN and registration number (and its invitation's) are blanked;
- the candidate's account is erased when they hold nothing live any more (no staff role at any centre, no
  current employer contact, no other enrolment still within its retention period): names become
  "Erased person" "#<id>", the email an unusable placeholder, the password unusable, the account
  inactive, their notifications, preferences and subject-access exports deleted.

What stays, and why. The assessment record is kept for the audit of assessment decisions, the
legal basis of an awarding body's and a centre's records: the audit trail, and the append-only
decision rows (decisions with the assessor's feedback, item and unit sign-offs, the candidate's
declarations, IQA samples, countersignatures and referrals, and the titles, file names and SHA-256
of the evidence a sign-off relied on). Audit records are never rewritten: each one's content,
names included (``actor_label``, ``object_label`` are the labels of the moment), is hashed into
the chain and sealed, and the database refuses to change them (audit/triggers.py); rewriting one
would break `verify_audit` for every record after it. The decision rows carry the same trigger.
They point at people by id, so once the account is erased they read as "Erased person #<id>".
Instead, the erasure itself is appended to the chain: "personal data erased" on the enrolment,
with what was erased counted and no personal data in it; `verify_audit` passes afterwards.

Whether an enrolment was erased is read from that record, so an erasure runs once per enrolment.
A withdrawn or completed enrolment is otherwise read-only for good (candidates.models.FROZEN_STATUSES);
the erasure is the one change made to it, by the policy rather than by a person's act on the portfolio.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import ngettext

from apprenticeships.models import OtjEntry
from assessments.models import ActionPoint, FeedbackMessage, Question, Reply, Visit
from audit import trail
from audit.models import AuditRecord
from candidates.models import (
    Centre,
    EmployerContact,
    Enrolment,
    EnrolmentInvitation,
    EnrolmentStatus,
    Role,
    RoleKind,
    User,
)
from evidence.models import EvidenceFile, EvidenceVersion, ResumableUpload
from exports.models import PortfolioExport
from inbox.models import Notification, Preferences

from ..models import SubjectAccessExport

ERASED = "[erased]"
ERASED_FIRST_NAME = "Erased person"
#: The audit action of an erasure (written out where it is recorded, so the sentences test finds it).
ACTION = "personal data erased"
#: The statuses after which an enrolment never changes again, so its data can expire.
FINAL_STATUSES = (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED)


def cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment before which a final status has expired."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.RETENTION_DAYS)


def erased_enrolment_ids() -> QuerySet[AuditRecord, Any]:
    """The ids of the enrolments already erased (as a subquery): the trail records each erasure."""
    return AuditRecord.objects.filter(action=ACTION, enrolment_id__isnull=False).values("enrolment_id")


def _expired_q(before: datetime.datetime) -> Q:
    return Q(status__in=FINAL_STATUSES, status_since__lt=before)


def expired_enrolments(*, centre: Centre | None = None, now: datetime.datetime | None = None
                       ) -> QuerySet[Enrolment]:
    """Enrolments withdrawn or completed longer ago than RETENTION_DAYS and not erased yet (of `centre`)."""
    enrolments = Enrolment.objects.filter(_expired_q(cutoff(now))).exclude(pk__in=erased_enrolment_ids())
    if centre is not None:
        enrolments = enrolments.filter(centre=centre)
    return enrolments.order_by("status_since", "pk")


def _count(queryset: QuerySet[Any], path: str) -> Coalesce:
    """A subquery counting the rows of `queryset` whose `path` is the outer enrolment."""
    counted = queryset.filter(**{path: OuterRef("pk")}).order_by().values(path).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def _holds_something_live(before: datetime.datetime) -> Q:
    """The outer enrolment's candidate holds a role, a current employer contact or another live enrolment."""
    person = OuterRef("candidate_id")
    other_live = Enrolment.objects.filter(candidate=person).exclude(pk=OuterRef("pk")).exclude(_expired_q(before))
    return (Q(Exists(Role.objects.filter(user=person).exclude(kind=RoleKind.CANDIDATE)))
            | Q(Exists(EmployerContact.objects.current().filter(user=person)))
            | Q(Exists(other_live)))


@dataclass(frozen=True)
class Planned:
    """What erasing one enrolment removes: the dry run's row."""

    enrolment: Enrolment
    evidence_versions: int
    files: int
    questions: int
    action_points: int
    otj_entries: int
    exports: int
    account_closed: bool


def erasure_plan(*, centre: Centre | None = None, now: datetime.datetime | None = None) -> list[Planned]:
    """The dry run: each expired enrolment (of `centre`) and what erasing it would remove. Changes nothing.

    One query, however many enrolments.
    """
    before = cutoff(now)
    enrolments = expired_enrolments(centre=centre, now=now).select_related("candidate", "qualification").annotate(
        n_versions=_count(EvidenceVersion.objects.all(), "item__enrolment"),
        n_files=_count(EvidenceFile.objects.all(), "version__item__enrolment"),
        n_questions=_count(Question.objects.all(), "enrolment"),
        n_action_points=_count(ActionPoint.objects.all(), "enrolment"),
        n_otj=_count(OtjEntry.objects.all(), "enrolment"),
        n_exports=_count(PortfolioExport.objects.all(), "enrolment"),
        keeps_account=ExpressionWrapper(_holds_something_live(before), output_field=BooleanField()),
    )
    return [
        Planned(enrolment=e, evidence_versions=e.n_versions, files=e.n_files, questions=e.n_questions,
                action_points=e.n_action_points, otj_entries=e.n_otj, exports=e.n_exports,
                account_closed=not e.keeps_account)
        for e in enrolments
    ]


def _delete_stored(names: set[str]) -> None:
    """Delete stored files after commit, keeping those an evidence file row still holds."""
    names.discard("")
    if not names:
        return
    kept = set(EvidenceFile.objects.filter(name__in=names).values_list("name", flat=True))
    kept |= set(EvidenceFile.objects.filter(preview_name__in=names).values_list("preview_name", flat=True))
    for name in sorted(names - kept):
        default_storage.delete(name)


def _erase_free_text(enrolment: Enrolment) -> dict[str, int]:
    versions = EvidenceVersion.objects.filter(item__enrolment=enrolment)
    counts = {"evidence_versions": versions.update(title=ERASED)}
    for field in ("text", "witness_name", "witness_role"):
        versions.exclude(**{field: ""}).update(**{field: ERASED})
    versions.exclude(witness_email="").update(witness_email="")
    questions = Question.objects.filter(enrolment=enrolment)
    counts["questions"] = questions.update(subject=ERASED, text=ERASED)
    counts["replies"] = Reply.objects.filter(question__enrolment=enrolment).update(text=ERASED)
    # The conversation on evidence is append-only in the application (no database trigger): the candidate's
    # own words go, the assessor's feedback stays with the decisions it belongs to.
    counts["feedback_messages"] = FeedbackMessage.objects.filter(
        enrolment=enrolment, author=enrolment.candidate_id).update(text=ERASED)
    counts["action_points"] = ActionPoint.objects.filter(enrolment=enrolment).update(text=ERASED)
    visits = Visit.objects.filter(enrolment=enrolment)
    counts["visits"] = visits.update(place=ERASED, purpose=ERASED)
    visits.exclude(notes="").update(notes=ERASED)
    entries = OtjEntry.objects.filter(enrolment=enrolment)
    counts["otj_entries"] = entries.update(learned=ERASED)
    entries.exclude(query="").update(query=ERASED)
    return counts


def _erase_files(enrolment: Enrolment) -> tuple[int, set[str]]:
    """Delete the enrolment's evidence files, unfinished uploads and exports; the stored names to delete."""
    files = EvidenceFile.objects.filter(version__item__enrolment=enrolment)
    names: set[str] = set()
    for name, preview in files.values_list("name", "preview_name"):
        names |= {name, preview}
    count = len(files.values_list("pk", flat=True))
    files.delete()
    uploads = ResumableUpload.objects.filter(version__item__enrolment=enrolment)
    names |= set(uploads.values_list("partial_name", flat=True))
    uploads.delete()
    exports = PortfolioExport.objects.filter(enrolment=enrolment)
    names |= set(exports.values_list("file_name", flat=True))
    exports.delete()
    return count, names


def _account_is_live(person_id: int, *, enrolment: Enrolment, before: datetime.datetime) -> bool:
    return (Role.objects.filter(user_id=person_id).exclude(kind=RoleKind.CANDIDATE).exists()
            or EmployerContact.objects.current().filter(user_id=person_id).exists()
            or Enrolment.objects.filter(candidate_id=person_id).exclude(pk=enrolment.pk)
            .exclude(_expired_q(before)).exists())


def _erase_account(person: User) -> set[str]:
    """Erase the person's account; the stored names of their subject-access exports, to delete."""
    person.first_name, person.last_name = ERASED_FIRST_NAME, f"#{person.pk}"
    person.email = f"erased-{person.pk}@erased.invalid"
    person.is_active = False
    person.set_unusable_password()
    person.save(update_fields=["first_name", "last_name", "email", "is_active", "password"])
    Notification.objects.filter(recipient=person).delete()
    Preferences.objects.filter(user=person).delete()
    EnrolmentInvitation.objects.filter(person=person).update(email=person.email, uln="", registration_number="")
    exports = SubjectAccessExport.objects.filter(person=person)
    names = set(exports.values_list("file_name", flat=True))
    exports.delete()
    return names


def erase_enrolment(*, enrolment: Enrolment, by: User | None, now: datetime.datetime | None = None
                    ) -> dict[str, Any]:
    """Erase the personal data of one expired enrolment in one transaction, and record it in the audit trail.

    Refuses (ValidationError) an enrolment that has not expired or was erased already. Returns the counts.
    """
    before = cutoff(now)
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        if locked is None or not expired_enrolments(now=now).filter(pk=enrolment.pk).exists():
            raise ValidationError(ngettext(
                "Enrolment #%(pk)d is not due for erasure: it is not withdrawn or completed for longer "
                "than %(days)d day, or it was erased already.",
                "Enrolment #%(pk)d is not due for erasure: it is not withdrawn or completed for longer "
                "than %(days)d days, or it was erased already.", settings.RETENTION_DAYS)
                % {"pk": enrolment.pk, "days": settings.RETENTION_DAYS})
        counts = _erase_free_text(locked)
        counts["files"], names = _erase_files(locked)
        Enrolment.objects.filter(pk=locked.pk).update(uln="", registration_number="")
        EnrolmentInvitation.objects.filter(enrolment=locked).update(uln="", registration_number="")
        account_closed = not _account_is_live(locked.candidate_id, enrolment=locked, before=before)
        if account_closed:
            names |= _erase_account(User.objects.select_for_update().get(pk=locked.candidate_id))
        # A label of ids only: the record holds no personal data, so it never needs erasing itself.
        summary = {"retention_days": settings.RETENTION_DAYS, "status": locked.status,
                   "status_since": locked.status_since.isoformat() if locked.status_since else None,
                   "account_closed": account_closed, "counts": counts}
        trail.record(actor=by, action="personal data erased", object_type="candidates.Enrolment", object_id=locked.pk,
                     object_label=f"enrolment #{locked.pk}", enrolment_id=locked.pk, after=summary)
        transaction.on_commit(lambda: _delete_stored(names))
    return summary


def erase_expired(*, centre: Centre | None = None, by: User | None,
                  now: datetime.datetime | None = None) -> list[int]:
    """Erase every expired enrolment (of `centre`), each in its own transaction; the ids erased, in order.

    An enrolment that fails stops the run; those erased before it stay erased.
    """
    erased = []
    for enrolment in list(expired_enrolments(centre=centre, now=now)):
        erase_enrolment(enrolment=enrolment, by=by, now=now)
        erased.append(enrolment.pk)
    return erased
