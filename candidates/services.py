"""Writes on centres, people and enrolments: enrol (one or a CSV of many), reassign, pause, resume, withdraw.

Every function is atomic, takes keyword arguments only and raises ``ValidationError``
with a message a centre admin can act on. Invitation emails leave after commit.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from units.models import Pathway, Qualification

from .models import (
    Centre,
    Enrolment,
    EnrolmentStatus,
    ReassignedField,
    Reassignment,
    Role,
    RoleKind,
    User,
)

ULN_PATTERN = re.compile(r"^\d{10}$")

#: Called with each Reassignment inside reassign()'s transaction. Later apps append to it in their
#: AppConfig.ready() (assessments writes its audit record this way), so this app never imports them.
AFTER_REASSIGN: list[Callable[[Reassignment], None]] = []

CSV_COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "qualification_code",
    "qualification_version",
    "assessor_email",
    "iqa_email",
    "start_date",
    "planned_end_date",
    "uln",
    "registration_number",
)
#: Optional: a qualification with pathways needs the pathway's name.
CSV_OPTIONAL = ("pathway",)
CSV_REQUIRED = ("email", "first_name", "last_name", "qualification_code", "assessor_email", "start_date",
                "planned_end_date")
CSV_MAX_BYTES = 1_000_000
CSV_MAX_ROWS = 1000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def _holds_role(user: User | None, centre: Centre, kind: str) -> bool:
    return user is not None and user.is_active and Role.objects.filter(user=user, centre=centre, kind=kind).exists()


def enrolment_problems(
    *,
    centre: Centre,
    email: str,
    qualification: Qualification | None,
    pathway: Pathway | None,
    assessor: User | None,
    iqa: User | None,
    start_date: datetime.date | None,
    planned_end_date: datetime.date | None,
    uln: str = "",
) -> dict[str, list[str]]:
    """Everything wrong with an enrolment before it is made, by field name; empty when it may be made."""
    problems: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    email = email.strip().lower()
    candidate = None
    longest = User._meta.get_field("email").max_length
    try:
        validate_email(email)
    except ValidationError:
        add("email", f"“{email}” is not a valid email address.")
    else:
        if len(email) > longest:
            add("email", f"The email address is {len(email)} characters long; at most {longest} can be stored.")
        candidate = User.objects.filter(email__iexact=email).first()
        if candidate is not None and not candidate.is_active:
            add("email", f"The account {email} is deactivated; reactivate it before enrolling.")
    if qualification is None:
        add("qualification", "Choose the qualification version to enrol on.")
    else:
        has_pathways = qualification.pathways.exists()
        if pathway is not None and pathway.qualification_id != qualification.pk:
            add("pathway", f"The pathway “{pathway}” belongs to another qualification; choose one of {qualification}.")
        elif pathway is None and has_pathways:
            add("pathway", f"{qualification} has pathways: choose the one the candidate follows.")
        if candidate is not None:
            live = Enrolment.objects.filter(
                candidate=candidate, qualification__code=qualification.code
            ).exclude(status=EnrolmentStatus.WITHDRAWN)
            if live.exists():
                add("email", f"{email} is already enrolled on {qualification.title}; "
                             "withdraw that enrolment first to enrol again.")
    if assessor is None:
        add("assessor", "Name the assessor.")
    elif not _holds_role(assessor, centre, RoleKind.ASSESSOR):
        add("assessor", f"{assessor.email} is not an assessor at {centre}; give them the assessor role first.")
    elif assessor.email.lower() == email:
        add("assessor", "A candidate cannot be their own assessor.")
    if iqa is not None:
        if not _holds_role(iqa, centre, RoleKind.IQA):
            add("iqa", f"{iqa.email} is not an IQA at {centre}; give them the IQA role first.")
        elif assessor is not None and iqa.pk == assessor.pk:
            add("iqa", "The IQA samples the assessor's decisions, so they must be a different person.")
        elif iqa.email.lower() == email:
            add("iqa", "A candidate cannot be their own IQA.")
    if start_date is None:
        add("start_date", "Give the start date.")
    if planned_end_date is None:
        add("planned_end_date", "Give the planned end date.")
    elif start_date is not None and planned_end_date < start_date:
        add("planned_end_date", f"The planned end date {planned_end_date:%d/%m/%Y} is before "
                                f"the start date {start_date:%d/%m/%Y}.")
    if uln and not ULN_PATTERN.match(uln):
        add("uln", f"The ULN “{uln}” must be exactly 10 digits (leave it blank if not known yet).")
    return problems


def invitation_link(*, user: User, base_url: str) -> str:
    """An absolute link that lets `user` set their password once."""
    path = reverse("set_password", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    })
    return base_url.rstrip("/") + path


def send_invitation(*, user: User, centre: Centre, base_url: str) -> None:
    """Email `user` a link to set their password and sign in."""
    context = {"user": user, "centre": centre, "link": invitation_link(user=user, base_url=base_url)}
    subject = render_to_string("candidates/email/invitation_subject.txt", context).strip()
    body = render_to_string("candidates/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


@transaction.atomic
def enrol_candidate(
    *,
    centre: Centre,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    qualification: Qualification | None,
    assessor: User | None,
    start_date: datetime.date | None,
    planned_end_date: datetime.date | None,
    pathway: Pathway | None = None,
    iqa: User | None = None,
    uln: str = "",
    registration_number: str = "",
    base_url: str = "",
) -> Enrolment:
    """Enrol a candidate (created if new, with the candidate role at `centre`) on a qualification version.

    A person without a password yet is emailed an invitation to set one, after commit,
    when `base_url` is given. Raises ValidationError (by field) and saves nothing when
    anything is wrong.
    """
    email = email.strip().lower()
    uln = uln.strip()
    problems = enrolment_problems(
        centre=centre, email=email, qualification=qualification, pathway=pathway, assessor=assessor, iqa=iqa,
        start_date=start_date, planned_end_date=planned_end_date, uln=uln,
    )
    if not first_name.strip() and not User.objects.filter(email__iexact=email).exists():
        problems.setdefault("first_name", []).append("Give the candidate's first name.")
    if problems:
        raise ValidationError(problems)
    candidate, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name.strip(), "last_name": last_name.strip()}
    )
    if created:
        candidate.set_unusable_password()
        candidate.save(update_fields=["password"])
    Role.objects.get_or_create(user=candidate, centre=centre, kind=RoleKind.CANDIDATE)
    try:
        # A savepoint, so that a concurrent duplicate leaves the outer transaction usable.
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                candidate=candidate, centre=centre, qualification=qualification, pathway=pathway,
                assessor=assessor, iqa=iqa, start_date=start_date, planned_end_date=planned_end_date,
                uln=uln, registration_number=registration_number.strip(),
            )
    except IntegrityError as error:
        raise ValidationError({"email": [f"{email} is already enrolled on {qualification}."]}) from error
    if base_url and not candidate.has_usable_password():
        transaction.on_commit(lambda: send_invitation(user=candidate, centre=centre, base_url=base_url))
    return enrolment


# --- Bulk enrolment from a CSV file -------------------------------------------------------------


@dataclass
class BulkRow:
    """One data row of an uploaded CSV: its line number, raw values and what is wrong with it."""

    line: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)
    resolved: dict = field(default_factory=dict, repr=False)


@dataclass
class BulkPreview:
    """The parsed file: file-level problems (a wrong header...) and each row with its own problems."""

    rows: list[BulkRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems and bool(self.rows) and not any(row.problems for row in self.rows)

    @property
    def problem_count(self) -> int:
        return len(self.problems) + sum(len(row.problems) for row in self.rows)


def _parse_date(text: str, label: str, problems: list[str]) -> datetime.date | None:
    text = text.strip()
    if not text:
        return None
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    problems.append(f"{label} “{text}” is not a date: write it as YYYY-MM-DD (e.g. 2026-09-01) or DD/MM/YYYY.")
    return None


def _user_by_email(text: str, label: str, problems: list[str]) -> User | None:
    text = text.strip().lower()
    if not text:
        return None
    user = User.objects.filter(email__iexact=text).first()
    if user is None:
        problems.append(f"{label} {text} has no account here; add them to the centre first.")
    return user


def _qualification(code: str, version: str, problems: list[str]) -> Qualification | None:
    code, version = code.strip(), version.strip()
    if not code:
        return None
    versions = Qualification.objects.filter(code=code)
    found = (versions.filter(version=version) if version else versions.latest_versions()).first()
    if found is None:
        if versions.exists():
            known = ", ".join(versions.order_by("version_order").values_list("version", flat=True))
            problems.append(f"Qualification {code} has no version “{version}” (known versions: {known}).")
        else:
            problems.append(f"Unknown qualification code “{code}”: use a code from the Qualifications page.")
    return found


def _pathway(qualification: Qualification | None, name: str, problems: list[str]) -> Pathway | None:
    name = name.strip()
    if not name or qualification is None:
        return None
    found = qualification.pathways.filter(name__iexact=name).first()
    if found is None:
        known = ", ".join(qualification.pathways.values_list("name", flat=True)) or "none"
        problems.append(f"{qualification} has no pathway “{name}” (its pathways: {known}).")
    return found


def _max_lengths() -> dict[str, int]:
    """The longest value each stored column takes (PostgreSQL refuses longer ones; SQLite would keep them)."""
    return {
        "first_name": User._meta.get_field("first_name").max_length,
        "last_name": User._meta.get_field("last_name").max_length,
        "registration_number": Enrolment._meta.get_field("registration_number").max_length,
    }


def _check_row(centre: Centre, row: BulkRow) -> None:
    """Resolve a row's values to the arguments of enrol_candidate (kept on the row), recording every problem."""
    values = row.values
    for name in CSV_REQUIRED:
        if not values.get(name, "").strip():
            row.problems.append(f"The {name} column is empty.")
    for name, longest in _max_lengths().items():
        length = len(values.get(name, "").strip())
        if length > longest:
            row.problems.append(f"The {name} column is too long: {length} characters, at most {longest}.")
    qualification = _qualification(
        values.get("qualification_code", ""), values.get("qualification_version", ""), row.problems
    )
    resolved = row.resolved = {
        "email": values.get("email", "").strip().lower(),
        "first_name": values.get("first_name", "").strip(),
        "last_name": values.get("last_name", "").strip(),
        "qualification": qualification,
        "pathway": _pathway(qualification, values.get("pathway", ""), row.problems),
        "assessor": _user_by_email(values.get("assessor_email", ""), "Assessor", row.problems),
        "iqa": _user_by_email(values.get("iqa_email", ""), "IQA", row.problems),
        "start_date": _parse_date(values.get("start_date", ""), "Start date", row.problems),
        "planned_end_date": _parse_date(values.get("planned_end_date", ""), "Planned end date", row.problems),
        "uln": values.get("uln", "").strip(),
        "registration_number": values.get("registration_number", "").strip(),
    }
    if not row.problems:
        problems = enrolment_problems(
            centre=centre, email=resolved["email"], qualification=qualification, pathway=resolved["pathway"],
            assessor=resolved["assessor"], iqa=resolved["iqa"], start_date=resolved["start_date"],
            planned_end_date=resolved["planned_end_date"], uln=resolved["uln"],
        )
        for messages in problems.values():
            row.problems.extend(messages)


def check_rows(*, centre: Centre, rows: Iterable[BulkRow]) -> BulkPreview:
    """Check rows already split into values: each row alone, then duplicates across rows."""
    preview = BulkPreview(rows=list(rows))
    seen: dict[tuple[str, str], int] = {}
    for row in preview.rows:
        _check_row(centre, row)
        key = (row.values.get("email", "").strip().lower(), row.values.get("qualification_code", "").strip())
        if key in seen:
            row.problems.append(f"Duplicate of line {seen[key]}: the same person on the same qualification.")
        else:
            seen[key] = row.line
    if not preview.rows:
        preview.problems.append("The file has a header but no rows to enrol.")
    return preview


def parse_enrolment_csv(*, centre: Centre, content: bytes) -> BulkPreview:
    """Parse and check an uploaded CSV without saving anything: the preview shown before confirming."""
    if len(content) > CSV_MAX_BYTES:
        return BulkPreview(problems=[f"The file is larger than {CSV_MAX_BYTES // 1_000_000} MB; split it."])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return BulkPreview(problems=["The file is not UTF-8 text: in your spreadsheet, save it as “CSV UTF-8”."])
    try:
        return _parse_rows(centre, csv.reader(io.StringIO(text)))
    except csv.Error as error:
        # E.g. a cell longer than the csv module's field limit (128 KB): a message, never a server error.
        return BulkPreview(problems=[f"The file is not a CSV file this page can read ({error}): "
                                     "save it from your spreadsheet as “CSV UTF-8” and check it again."])


def _parse_rows(centre: Centre, reader: Iterator[list[str]]) -> BulkPreview:
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in CSV_COLUMNS if name not in header]
    unknown = [name for name in header if name not in CSV_COLUMNS + CSV_OPTIONAL]
    if missing or unknown or len(header) != len(set(header)):
        problems = ["The first line must be the header: " + ",".join(CSV_COLUMNS) + "."]
        if missing:
            problems.append("Missing columns: " + ", ".join(missing) + ".")
        if unknown:
            problems.append("Unknown columns: " + ", ".join(unknown) + ".")
        if len(header) != len(set(header)):
            problems.append("A column appears twice.")
        return BulkPreview(problems=problems)
    rows: list[BulkRow] = []
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= CSV_MAX_ROWS:
            return BulkPreview(problems=[f"The file has more than {CSV_MAX_ROWS} rows; split it."])
        row = BulkRow(line=line_number, values=dict(zip(header, (cell.strip() for cell in cells), strict=False)))
        if len(cells) != len(header):
            row.problems.append(f"The line has {len(cells)} cells; the header has {len(header)}.")
        rows.append(row)
    return check_rows(centre=centre, rows=rows)


@transaction.atomic
def bulk_enrol(*, centre: Centre, by: User, rows: list[BulkRow], base_url: str = "") -> list[Enrolment]:
    """Enrol every row, all or nothing, in one transaction.

    The rows are checked again (the data may have changed since the preview). Raises
    ValidationError listing every problem by line; then nothing is saved.
    """
    preview = check_rows(centre=centre, rows=[BulkRow(line=row.line, values=dict(row.values)) for row in rows])
    if not preview.is_valid:
        raise ValidationError(
            preview.problems + [f"Line {row.line}: {problem}" for row in preview.rows for problem in row.problems]
        )
    enrolments = []
    for row in preview.rows:
        try:
            enrolments.append(enrol_candidate(centre=centre, by=by, base_url=base_url, **row.resolved))
        except ValidationError as error:
            raise ValidationError([f"Line {row.line}: {message}" for message in error.messages]) from error
    return enrolments


# --- Managing an enrolment ------------------------------------------------------------------------


@transaction.atomic
def reassign(*, enrolment: Enrolment, role: str, to_user: User | None, by: User) -> Reassignment:
    """Name a new assessor (role 'assessor') or IQA (role 'iqa', or None for no IQA); records who and when."""
    if role not in ReassignedField.values:
        raise ValidationError(f"Unknown role to reassign: {role}.")
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    kind = RoleKind.ASSESSOR if role == ReassignedField.ASSESSOR else RoleKind.IQA
    current = enrolment.assessor if role == ReassignedField.ASSESSOR else enrolment.iqa
    label = "assessor" if role == ReassignedField.ASSESSOR else "IQA"
    if to_user is None and role == ReassignedField.ASSESSOR:
        raise ValidationError("Choose the new assessor: an enrolment always has one.")
    if to_user is not None and current is not None and to_user.pk == current.pk:
        raise ValidationError(f"{to_user} is already the {label} of this enrolment.")
    if to_user is not None and not _holds_role(to_user, enrolment.centre, kind):
        raise ValidationError(f"{to_user.email} is not an {label} at {enrolment.centre}.")
    if to_user is not None and to_user.pk == enrolment.candidate_id:
        raise ValidationError(f"A candidate cannot be their own {label}.")
    other = enrolment.iqa_id if role == ReassignedField.ASSESSOR else enrolment.assessor_id
    if to_user is not None and to_user.pk == other:
        raise ValidationError("The assessor and the IQA of an enrolment must be different people.")
    if role == ReassignedField.ASSESSOR:
        enrolment.assessor = to_user
    else:
        enrolment.iqa = to_user
    enrolment.save(update_fields=[role])
    reassignment = Reassignment.objects.create(
        enrolment=enrolment, field=role, from_user=current, to_user=to_user, by=by, at=timezone.now()
    )
    for callback in AFTER_REASSIGN:
        callback(reassignment)
    return reassignment


def _move(enrolment: Enrolment, *, allowed_from: set[str], to: str, verb: str) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status not in allowed_from:
        raise ValidationError(f"This enrolment is {enrolment.get_status_display().lower()}; it cannot be {verb}.")
    enrolment.status = to
    enrolment.save(update_fields=["status"])
    return enrolment


@transaction.atomic
def pause(*, enrolment: Enrolment, by: User) -> Enrolment:
    """Pause an active enrolment (e.g. a candidate's leave); it keeps everything and may resume."""
    return _move(enrolment, allowed_from={EnrolmentStatus.ACTIVE}, to=EnrolmentStatus.PAUSED, verb="paused")


@transaction.atomic
def resume(*, enrolment: Enrolment, by: User) -> Enrolment:
    """Make a paused enrolment active again."""
    return _move(enrolment, allowed_from={EnrolmentStatus.PAUSED}, to=EnrolmentStatus.ACTIVE, verb="resumed")


@transaction.atomic
def withdraw(*, enrolment: Enrolment, by: User) -> Enrolment:
    """Withdraw an active or paused enrolment; its portfolio stays readable, and the person may enrol again."""
    return _move(
        enrolment, allowed_from={EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED}, to=EnrolmentStatus.WITHDRAWN,
        verb="withdrawn",
    )
