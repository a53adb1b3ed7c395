"""Every write to evidence: create, edit a draft, add and remove files, map, submit, revise, witness confirmation.

Each function is atomic, takes keyword arguments only, and raises ValidationError
with a message a person can act on. Who may call them is decided by the views
through the gate (candidates/access.py and evidence/access.py); the services check
the rules of the evidence itself: nothing submitted is edited in place.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import trail
from candidates import access
from candidates.languages import writing_language
from candidates.models import EmployerContact, Enrolment, User
from candidates.services import ensure_open
from evidence.models import (
    ASSESSOR_KINDS,
    EvidenceFile,
    EvidenceItem,
    EvidenceKind,
    EvidenceVersion,
    Mapping,
    MappingStatus,
    VersionStatus,
)
from evidence.reads import mappable_items
from evidence.signals import version_submitted
from evidence.uploads import StoredUpload, check_quota, discard_on_error, store_upload
from portfolio_site.links import absolute_url
from portfolio_site.mail import send_after_commit

WITNESS_SALT = "evidence.witness-confirmation"
#: How long a witness's confirmation link works, in seconds (settings.EVIDENCE_WITNESS_LINK_MAX_AGE overrides).
WITNESS_LINK_MAX_AGE = 14 * 24 * 3600

NOT_A_DRAFT = gettext_lazy(
    "This version was submitted and can no longer be changed. Start a new version to revise it; "
    "the submitted one stays as it is."
)


def _require_draft(version: EvidenceVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(NOT_A_DRAFT, code="not_draft")


def _locked_version(version: EvidenceVersion) -> EvidenceVersion:
    """The version re-read under a row lock, so two requests cannot both change or submit it.

    Its enrolment is locked and read with it, and a paused, withdrawn or completed one refused.
    """
    locked = EvidenceVersion.objects.select_for_update().select_related("item__enrolment").get(pk=version.pk)
    ensure_open(locked.item.enrolment)
    return locked


def _check_fields(*, kind: str, title: str, text: str, witness_name: str, witness_email: str) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the evidence a short title, e.g. 'Complaint from a hotel guest, March'.")
    if kind in ASSESSOR_KINDS and not text.strip():
        errors["text"] = _("Write your record: what you observed, discussed or asked, and what the candidate did or "
                           "answered.")
    elif kind in (EvidenceKind.PERSONAL_STATEMENT, EvidenceKind.KNOWLEDGE_ANSWER) and not text.strip():
        errors["text"] = _("Write the text of this evidence: it is what the assessor reads.")
    if kind == EvidenceKind.WITNESS_TESTIMONY:
        if not text.strip():
            errors["text"] = _("Write the testimony: what the witness saw you do.")
        if not witness_name.strip():
            errors["witness_name"] = _("Give the witness's name.")
        if not witness_email.strip():
            errors["witness_email"] = _("Give the witness's email address: they confirm the testimony by email.")
    if errors:
        raise ValidationError(errors)


def evidence_create(
    *,
    enrolment: Enrolment,
    kind: str,
    by: User,
    title: str,
    date: datetime.date,
    text: str = "",
    witness_name: str = "",
    witness_role: str = "",
    witness_email: str = "",
) -> EvidenceItem:
    """A new item with its first version, a draft. Observation records are the assessor's to write."""
    ensure_open(enrolment)
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("Choose what kind of evidence this is.")})
    if kind in ASSESSOR_KINDS and by.pk == enrolment.candidate_id:
        raise ValidationError({"kind": _("Observation, professional discussion and questioning records are written by "
                                         "your assessor.")})
    _check_fields(kind=kind, title=title, text=text, witness_name=witness_name, witness_email=witness_email)
    with transaction.atomic():
        item = EvidenceItem.objects.create(enrolment=enrolment, kind=kind, created_by=by)
        version = EvidenceVersion.objects.create(
            item=item, number=1, title=title.strip(), date=date, text=text, witness_name=witness_name.strip(),
            witness_role=witness_role.strip(), witness_email=witness_email.strip(), created_by=by,
            language=writing_language(by),
        )
        item.current_version = version
        item.save(update_fields=["current_version"])
    return item


def _witness_fingerprint(version: EvidenceVersion) -> str:
    """What the witness confirms: the testimony and who they are. A change makes old links and confirmations void."""
    parts = "\x1f".join([version.text, version.witness_name, version.witness_role, version.witness_email.lower()])
    return hashlib.sha256(parts.encode()).hexdigest()[:32]


def draft_update(
    *,
    version: EvidenceVersion,
    by: User,
    title: str,
    date: datetime.date,
    text: str = "",
    witness_name: str = "",
    witness_role: str = "",
    witness_email: str = "",
) -> EvidenceVersion:
    """Change a draft's words. A changed testimony needs its witness's confirmation again."""
    with transaction.atomic():
        version = _locked_version(version)
        _require_draft(version)
        _check_fields(
            kind=version.item.kind, title=title, text=text, witness_name=witness_name, witness_email=witness_email
        )
        before = _witness_fingerprint(version)
        version.title, version.date, version.text = title.strip(), date, text
        version.language = writing_language(by)
        version.witness_name, version.witness_role = witness_name.strip(), witness_role.strip()
        version.witness_email = witness_email.strip()
        if _witness_fingerprint(version) != before:
            version.witness_confirmed_at = None
            version.witness_requested_at = None
        version.save()
    return version


def bytes_used_by(candidate_id: int) -> int:
    """The bytes of evidence files a candidate stores, over all their enrolments (each stored blob once)."""
    used = (
        EvidenceFile.objects.originals()
        .filter(version__item__enrolment__candidate_id=candidate_id)
        .aggregate(total=Sum("size"))["total"]
    )
    return used or 0


def file_add(*, version: EvidenceVersion, uploaded: UploadedFile[bytes], by: User) -> EvidenceFile:
    """Check, store and attach one uploaded file to a draft; raise UploadRefused (a ValidationError) if refused.

    A refusal, or a failure after the bytes were written, leaves nothing behind:
    no row and no stored file. The same bytes already in this enrolment are kept
    and flagged (`duplicate_of`).
    """
    _require_draft(version)
    enrolment = Enrolment.objects.only("candidate_id", "status").get(pk=version.item.enrolment_id)
    ensure_open(enrolment)  # before the bytes are stored; checked again under the lock when attached
    stored = store_upload(uploaded, storage=default_storage, used_bytes=bytes_used_by(enrolment.candidate_id))
    return _attach(version=version, stored=stored, by=by)


def _lock_candidate(version: EvidenceVersion) -> int:
    """Lock the candidate's user row until commit, so their uploads are counted against the quota one at a time."""
    candidate_id: int = Enrolment.objects.values_list("candidate_id", flat=True).get(pk=version.item.enrolment_id)
    User.objects.select_for_update().filter(pk=candidate_id).values_list("pk", flat=True).get()
    return candidate_id


def _attach(*, version: EvidenceVersion, stored: StoredUpload, by: User) -> EvidenceFile:
    # discard_on_error outside atomic(): a refusal, a failed insert or a failed COMMIT all remove the stored bytes.
    with discard_on_error(stored), transaction.atomic():
        candidate_id = _lock_candidate(version)
        # Counted again under the lock: the check before storing saw only the files committed by then.
        check_quota(stored, used_bytes=bytes_used_by(candidate_id))
        version = _locked_version(version)
        _require_draft(version)
        earlier = (
            EvidenceFile.objects.originals()
            .filter(version__item__enrolment_id=version.item.enrolment_id, sha256=stored.sha256)
            .order_by("pk")
            .first()
        )
        return EvidenceFile.objects.create(
            version=version, name=stored.name, original_name=stored.original_name, size=stored.size,
            sha256=stored.sha256, mime=stored.mime, kind=stored.kind, preview_name=stored.preview_name or "",
            location_removed=stored.location_removed, uploaded_by=by, duplicate_of=earlier,
        )


def file_remove(*, evidence_file: EvidenceFile, by: User) -> None:
    """Remove a file from a draft; its stored bytes go once no other version holds them (after commit)."""
    with transaction.atomic():
        version = _locked_version(evidence_file.version)
        _require_draft(version)
        name, preview_name = evidence_file.name, evidence_file.preview_name
        evidence_file.delete()
        if not EvidenceFile.objects.filter(name=name).exists():
            transaction.on_commit(lambda: _delete_blobs(name, preview_name))


def _delete_blobs(*names: str) -> None:
    for name in filter(None, names):
        default_storage.delete(name)


def mappings_set(*, version: EvidenceVersion, assessable_item_ids: Iterable[int], by: User) -> list[Mapping]:
    """Make exactly these assessable items the version's claims.

    On a draft anything may change. On a submitted version (the assessor mapping
    on the candidate's behalf) claims may be added, and removed only while no
    decision was made on them; the evidence itself stays as submitted.
    """
    wanted = set(assessable_item_ids)
    with transaction.atomic():
        version = EvidenceVersion.objects.select_for_update().select_related("item__enrolment").get(pk=version.pk)
        ensure_open(version.item.enrolment)
        allowed = {item.pk for item in mappable_items(version.item.enrolment)}
        if wanted - allowed:
            raise ValidationError(
                _("Some of the chosen items are not in this candidate's units. Reload the page and choose again.")
            )
        current = {mapping.assessable_item_id: mapping for mapping in version.mappings.all()}
        removed = [mapping for item_id, mapping in current.items() if item_id not in wanted]
        if version.status != VersionStatus.DRAFT:
            if by.pk == version.item.enrolment.candidate_id:
                raise ValidationError(NOT_A_DRAFT, code="not_draft")
            decided = [mapping for mapping in removed if mapping.status != MappingStatus.CLAIMED]
            if decided:
                raise ValidationError(
                    _("A mapping the assessor has already accepted or referred cannot be removed from a submitted "
                      "version. Start a new version to change it.")
                )
        Mapping.objects.filter(pk__in=[mapping.pk for mapping in removed]).delete()
        Mapping.objects.bulk_create(
            Mapping(version=version, assessable_item_id=item_id, mapped_by=by) for item_id in wanted - current.keys()
        )
    return list(version.mappings.select_related("assessable_item__unit"))


def version_submit(*, version: EvidenceVersion, by: User) -> EvidenceVersion:
    """Submit a draft for assessment: from now on it is never edited in place.

    A witness testimony not yet confirmed emails its witness a confirmation link (after commit).
    """
    with transaction.atomic():
        version = _locked_version(version)
        _require_draft(version)
        item = version.item
        if item.kind in (EvidenceKind.WORK_PRODUCT, EvidenceKind.PRIOR_LEARNING) and not version.files.exists():
            raise ValidationError(_("Add at least one file before submitting: this kind of evidence is a file."))
        if item.kind == EvidenceKind.RECORDED_DISCUSSION and not version.files.filter(kind__in=("audio", "video")):
            raise ValidationError(_("Add the recording (an audio or video file) before submitting."))
        version.status = VersionStatus.SUBMITTED
        version.submitted_at = timezone.now()
        version.submitted_by = by
        version.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        if item.kind == EvidenceKind.WITNESS_TESTIMONY and not version.witness_confirmed:
            witness_request(version=version)
        trail.record(
            actor=by, action="evidence version submitted", obj=version, enrolment_id=item.enrolment_id,
            object_label=f"{version.title} v{version.number}",
            after={"status": version.status, "files": [{"name": f.original_name, "sha256": f.sha256}
                                                       for f in version.files.all()]},
        )
        # Inside the transaction: a receiver's writes and after-commit emails go with the submission or not at all.
        version_submitted.send(sender=EvidenceVersion, version=version)
    return version


def version_revise(*, item: EvidenceItem, by: User) -> EvidenceVersion:
    """Start a new draft version from the current submitted one: same words, same files, its mappings as claims.

    The files are the same stored bytes (same name, same SHA-256); the earlier
    version, its mappings and the decisions on them stay as they were.
    """
    with transaction.atomic():
        item = EvidenceItem.objects.select_for_update().select_related("enrolment").get(pk=item.pk)
        ensure_open(item.enrolment)
        if item.current_version_id is None:
            raise ValidationError(_("This evidence has no version to revise yet."))
        previous = EvidenceVersion.objects.get(pk=item.current_version_id)
        if previous.status == VersionStatus.DRAFT:
            raise ValidationError(_("This evidence already has a draft version: edit that one."))
        version = EvidenceVersion.objects.create(
            item=item, number=previous.number + 1, title=previous.title, date=previous.date, text=previous.text,
            witness_name=previous.witness_name, witness_role=previous.witness_role,
            witness_email=previous.witness_email, witness_requested_at=previous.witness_requested_at,
            witness_confirmed_at=previous.witness_confirmed_at, created_by=by, language=previous.language,
        )
        EvidenceFile.objects.bulk_create(
            EvidenceFile(
                version=version, name=old.name, original_name=old.original_name, size=old.size, sha256=old.sha256,
                mime=old.mime, kind=old.kind, preview_name=old.preview_name, location_removed=old.location_removed,
                uploaded_by_id=old.uploaded_by_id, copied_from_id=old.copied_from_id or old.pk,
                duplicate_of_id=old.duplicate_of_id,
            )
            for old in previous.files.all()
        )
        Mapping.objects.bulk_create(
            Mapping(version=version, assessable_item_id=old.assessable_item_id, mapped_by_id=old.mapped_by_id)
            for old in previous.mappings.all()
        )
        item.current_version = version
        item.save(update_fields=["current_version"])
        trail.record(
            actor=by, action="evidence version started", obj=version, enrolment_id=item.enrolment_id,
            object_label=f"{version.title} v{version.number}",
            after={"number": version.number, "status": version.status},
        )
    return version


# ---------------------------------------------------------------- witness confirmation


def witness_link_max_age() -> int:
    return getattr(settings, "EVIDENCE_WITNESS_LINK_MAX_AGE", WITNESS_LINK_MAX_AGE)


def witness_token(version: EvidenceVersion) -> str:
    """A signed, expiring token naming this version and the exact testimony it confirms."""
    signer = signing.TimestampSigner(salt=WITNESS_SALT)
    return signer.sign(f"{version.pk}.{_witness_fingerprint(version)}")


def _who_may_witness() -> str:
    return _(
        "A witness is someone who saw the candidate at work and does not judge this portfolio, e.g. a supervisor or "
        "colleague: not the candidate, nor their assessor, their IQA or an administrator of their centre."
    )


def witness_independence_problem(version: EvidenceVersion) -> str | None:
    """Why the testimony's witness may not confirm it (they are the candidate or judge the enrolment), or None.

    One query when the address is nobody's account, two when it is.
    """
    enrolment = version.item.enrolment
    person = User.objects.filter(email__iexact=version.witness_email.strip()).values_list("pk", flat=True).first()
    if person is None:
        return None
    if person == enrolment.candidate_id:
        return _("The candidate cannot be their own witness. %(who)s") % {"who": _who_may_witness()}
    if access.judges_of(enrolment).filter(pk=person).exists():
        return _("%(email)s judges this portfolio and cannot also witness it. %(who)s") % {
            "email": version.witness_email.strip(), "who": _who_may_witness()}
    return None


def witness_request(*, version: EvidenceVersion) -> None:
    """Email the witness a link to confirm the testimony (sent after commit); refused when the witness is not
    independent of the enrolment (witness_independence_problem)."""
    ensure_open(version.item.enrolment)
    if not version.witness_email:
        raise ValidationError(_("This testimony has no witness email address."))
    problem = witness_independence_problem(version)
    if problem is not None:
        raise ValidationError(problem, code="witness_not_independent")
    if version.witness_confirmed:
        raise ValidationError(_("The witness has already confirmed this testimony."))
    EvidenceVersion.objects.filter(pk=version.pk).update(witness_requested_at=timezone.now())
    # A witness who follows the apprentice as their employer contact may confirm signed in instead.
    follows = EmployerContact.objects.current().filter(
        enrolment_id=version.item.enrolment_id, user__email__iexact=version.witness_email.strip(),
        user__is_active=True).exists()
    send_after_commit(to=version.witness_email, template="evidence/email/witness", context={
        "version": version, "candidate": version.item.enrolment.candidate,
        "link": absolute_url("evidence:witness_confirm", token=witness_token(version)),
        "days": witness_link_max_age() // (24 * 3600),
        "signed_in_link": (absolute_url("evidence:witness_confirm_signed_in", pk=version.pk)
                           if follows else ""),
    })


def witness_version(token: str) -> EvidenceVersion:
    """The version a witness link names, if the link is genuine, unexpired and the testimony unchanged."""
    signer = signing.TimestampSigner(salt=WITNESS_SALT)
    try:
        value = signer.unsign(token, max_age=witness_link_max_age())
    except signing.SignatureExpired:
        raise ValidationError(
            _("This confirmation link has expired. Ask the candidate to send you a new one."), code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            _("This confirmation link is not valid. Check that you copied the whole link from the email."),
            code="invalid",
        ) from None
    pk, _dot, fingerprint = value.partition(".")
    version = (
        EvidenceVersion.objects.select_related("item__enrolment__candidate").filter(pk=int(pk)).first()
        if pk.isdigit() else None
    )
    if version is None or _witness_fingerprint(version) != fingerprint:
        raise ValidationError(
            _("The testimony has changed since this link was sent, or was removed. "
              "The candidate will send a new link."),
            code="changed",
        )
    # Checked again here: the witness may have become the candidate's assessor or IQA since the link was sent.
    problem = witness_independence_problem(version)
    if problem is not None:
        raise ValidationError(problem, code="witness_not_independent")
    return version


def witness_confirm_signed_in(*, version: EvidenceVersion, by: User) -> EvidenceVersion:
    """The witness, signed in as themselves (an employer contact named as witness, obtained through
    `access.testimony_for_witness`), confirms the testimony: the same rules as the emailed link
    (independence, an open enrolment, once), with who confirmed kept in the audit trail."""
    with transaction.atomic():
        enrolment = version.item.enrolment
        ensure_open(enrolment)
        version = EvidenceVersion.objects.select_for_update().select_related("item__enrolment").get(pk=version.pk)
        if version.witness_email.strip().lower() != by.email.lower():
            raise ValidationError(_("This testimony names another witness."), code="not_the_witness")
        problem = witness_independence_problem(version)
        if problem is not None:
            raise ValidationError(problem, code="witness_not_independent")
        if version.witness_confirmed:
            raise ValidationError(
                _("You already confirmed this testimony on %(date)s. Nothing more is needed.") % {
                    "date": date_format(timezone.localtime(version.witness_confirmed_at), "d F Y")},
                code="already_confirmed",
            )
        version.witness_confirmed_at = timezone.now()
        version.save(update_fields=["witness_confirmed_at"])
        trail.record(
            actor=by, action="witness testimony confirmed", obj=version, enrolment_id=enrolment.pk,
            object_label=f"{version.title} v{version.number}", after={"witness": by.email, "signed_in": True},
        )
    return version


def witness_confirm(*, token: str) -> EvidenceVersion:
    """Record the witness's confirmation; a link confirms once."""
    with transaction.atomic():
        version = witness_version(token)
        ensure_open(version.item.enrolment)
        version = EvidenceVersion.objects.select_for_update().get(pk=version.pk)
        if version.witness_confirmed:
            raise ValidationError(
                _("You already confirmed this testimony on %(date)s. Nothing more is needed.") % {
                    "date": date_format(timezone.localtime(version.witness_confirmed_at), "d F Y")},
                code="already_confirmed",
            )
        version.witness_confirmed_at = timezone.now()
        version.save(update_fields=["witness_confirmed_at"])
    return version
