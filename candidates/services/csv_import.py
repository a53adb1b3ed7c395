"""Enrolment from a CSV file: parse and check every row first (a preview), then enrol them all or none.

Both the preview and the confirmation cost a fixed number of queries whatever the number of rows:
every account, qualification, pathway, role and live enrolment the rows name is read up front
(`PrefetchedLookups`), the per-row checks of `enrolment_problems` are answered from those, and the
confirmation writes people, roles, enrolments and audit records in one insert each. Invitations
leave from a Celery task once the enrolments are committed.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit import trail
from units.models import Pathway, Qualification

from ..models import (
    Centre,
    Enrolment,
    EnrolmentInvitation,
    EnrolmentStatus,
    Role,
    RoleKind,
    User,
)
from .enrolment import Lookups, enrolment_problems
from .invitation import invite

logger = logging.getLogger(__name__)

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


@dataclass
class BulkRow:
    """One data row of an uploaded CSV: its line number, raw values and what is wrong with it."""

    line: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)
    resolved: dict[str, Any] = field(default_factory=dict, repr=False)


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
    # Translators: %(label)s is "Start date" or "Planned end date"
    problems.append(_("%(label)s “%(text)s” is not a date: write it as YYYY-MM-DD (e.g. 2026-09-01) or DD/MM/YYYY.")
                    % {"label": label, "text": text})
    return None


class PrefetchedLookups(Lookups):
    """The answers `enrolment_problems` and the CSV checks need for every row, read in six queries."""

    def __init__(self, *, centre: Centre, rows: list[BulkRow]) -> None:
        emails = {row.values.get(name, "").strip().lower() for row in rows
                  for name in ("email", "assessor_email", "iqa_email")} - {""}
        codes = {row.values.get("qualification_code", "").strip() for row in rows} - {""}
        self.accounts = {user.email.lower(): user for user in
                         User.objects.annotate(address=Lower("email")).filter(address__in=emails)}
        self.versions: dict[str, list[Qualification]] = {}
        for qualification in Qualification.objects.filter(code__in=codes).order_by("code", "version_order", "pk"):
            self.versions.setdefault(qualification.code, []).append(qualification)
        self.pathways: dict[int, list[Pathway]] = {}
        for pathway in Pathway.objects.filter(qualification__code__in=codes):
            self.pathways.setdefault(pathway.qualification_id, []).append(pathway)
        ids = [user.pk for user in self.accounts.values()]
        self.centre = centre
        self.roles = set(Role.objects.filter(centre=centre, user_id__in=ids).values_list("user_id", "kind"))
        self.known = {user_id for user_id, _kind in self.roles}
        # (person, centre, qualification code) of every live enrolment of these people, at any centre.
        self.enrolled = set(
            Enrolment.objects.filter(candidate_id__in=ids).exclude(status=EnrolmentStatus.WITHDRAWN)
            .values_list("candidate_id", "centre_id", "qualification__code")
        )
        self.pending = set(
            EnrolmentInvitation.objects.pending().filter(centre=centre, person_id__in=ids)
            .values_list("person_id", "qualification__code")
        )

    def account(self, email: str) -> User | None:
        return self.accounts.get(email.strip().lower())

    def holds_role(self, user: User | None, centre: Centre, kind: str) -> bool:
        return user is not None and user.is_active and (user.pk, kind) in self.roles

    def has_pathways(self, qualification: Qualification) -> bool:
        return bool(self.pathways.get(qualification.pk))

    def known_here(self, person: User, centre: Centre) -> bool:
        return person.pk in self.known

    def is_enrolled_here(self, candidate: User, centre: Centre, qualification: Qualification) -> bool:
        return (candidate.pk, centre.pk, qualification.code) in self.enrolled

    def is_pending_here(self, centre: Centre, email: str, qualification: Qualification) -> bool:
        person = self.account(email)
        return person is not None and (person.pk, qualification.code) in self.pending

    def needs_consent(self, email: str, qualification: Qualification) -> bool:
        """As invitation.needs_consent, from what was read up front: an account known only elsewhere, or one
        on this qualification at another centre."""
        person = self.account(email)
        if person is None:
            return False
        if person.pk not in self.known:
            return True
        return any(candidate == person.pk and centre != self.centre.pk and code == qualification.code
                   for candidate, centre, code in self.enrolled)


def _user_by_email(text: str, label: str, problems: list[str], lookups: PrefetchedLookups) -> User | None:
    text = text.strip().lower()
    if not text:
        return None
    user = lookups.account(text)
    if user is None:
        # Translators: %(label)s is "Assessor" or "IQA", %(email)s their email address
        problems.append(_("%(label)s %(email)s has no account here; add them to the centre first.")
                        % {"label": label, "email": text})
    return user


def _qualification(code: str, version: str, problems: list[str], lookups: PrefetchedLookups) -> Qualification | None:
    code, version = code.strip(), version.strip()
    if not code:
        return None
    versions = lookups.versions.get(code, [])
    # Without a version, the latest: the highest version_order (as Qualification.objects.latest_versions()).
    matching = [found for found in versions if found.version == version] if version else versions[-1:]
    if not matching:
        if versions:
            known = ", ".join(found.version for found in versions)
            problems.append(_("Qualification %(code)s has no version “%(version)s” (known versions: %(known)s).")
                            % {"code": code, "version": version, "known": known})
        else:
            problems.append(_("Unknown qualification code “%(code)s”: use a code from the Qualifications page.")
                            % {"code": code})
        return None
    return matching[0]


def _pathway(qualification: Qualification | None, name: str, problems: list[str],
             lookups: PrefetchedLookups) -> Pathway | None:
    name = name.strip()
    if not name or qualification is None:
        return None
    pathways = lookups.pathways.get(qualification.pk, [])
    found = next((pathway for pathway in pathways if pathway.name.lower() == name.lower()), None)
    if found is None:
        # Translators: no pathways to list
        known = ", ".join(pathway.name for pathway in pathways) or _("none")
        problems.append(_("%(qualification)s has no pathway “%(name)s” (its pathways: %(known)s).")
                        % {"qualification": qualification, "name": name, "known": known})
    return found


def _max_lengths() -> dict[str, int | None]:
    """The longest value each stored column takes (PostgreSQL refuses longer ones; SQLite would keep them)."""
    return {
        "first_name": User._meta.get_field("first_name").max_length,
        "last_name": User._meta.get_field("last_name").max_length,
        "registration_number": Enrolment._meta.get_field("registration_number").max_length,
    }


#: The field `enrolment_problems` names -> the column of the file it comes from.
_FIELD_COLUMNS = {"qualification": "qualification_code", "assessor": "assessor_email", "iqa": "iqa_email"}


def _check_row(centre: Centre, row: BulkRow, lookups: PrefetchedLookups) -> None:
    """Resolve a row's values to the arguments of enrol_candidate (kept on the row), recording every problem.

    Every column is checked, so a row with a bad email, an unknown qualification and a bad date gets three
    problems, in the order of the columns; a column already reported by the file's own checks (empty,
    unknown, not a date) is not reported again by the enrolment's rules.
    """
    values = row.values
    found: dict[str, list[str]] = {name: [] for name in (*CSV_COLUMNS, *CSV_OPTIONAL)}
    for name in CSV_REQUIRED:
        if not values.get(name, "").strip():
            found[name].append(_("The %(column)s column is empty.") % {"column": name})
    for name, longest in _max_lengths().items():
        length = len(values.get(name, "").strip())
        if longest is not None and length > longest:
            found[name].append(ngettext(
                "The %(column)s column is too long: %(length)d character, at most %(longest)d.",
                "The %(column)s column is too long: %(length)d characters, at most %(longest)d.", length)
                % {"column": name, "length": length, "longest": longest})
    qualification = _qualification(
        values.get("qualification_code", ""), values.get("qualification_version", ""), found["qualification_code"],
        lookups,
    )
    resolved = row.resolved = {
        "email": values.get("email", "").strip().lower(),
        "first_name": values.get("first_name", "").strip(),
        "last_name": values.get("last_name", "").strip(),
        "qualification": qualification,
        "pathway": _pathway(qualification, values.get("pathway", ""), found["pathway"], lookups),
        "assessor": _user_by_email(values.get("assessor_email", ""), _("Assessor"), found["assessor_email"], lookups),
        "iqa": _user_by_email(values.get("iqa_email", ""), _("IQA"), found["iqa_email"], lookups),
        "start_date": _parse_date(values.get("start_date", ""), _("Start date"), found["start_date"]),
        "planned_end_date": _parse_date(values.get("planned_end_date", ""), _("Planned end date"),
                                        found["planned_end_date"]),
        "uln": values.get("uln", "").strip(),
        "registration_number": values.get("registration_number", "").strip(),
    }
    reported = {name for name, problems in found.items() if problems}
    rules = enrolment_problems(
        centre=centre, email=resolved["email"], qualification=qualification, pathway=resolved["pathway"],
        assessor=resolved["assessor"], iqa=resolved["iqa"], start_date=resolved["start_date"],
        planned_end_date=resolved["planned_end_date"], uln=resolved["uln"], lookups=lookups,
    )
    for name, messages in rules.items():
        column = _FIELD_COLUMNS.get(name, name)
        if column not in reported:
            found.setdefault(column, []).extend(messages)
    row.problems.extend(problem for problems in found.values() for problem in problems)


def check_rows(*, centre: Centre, rows: Iterable[BulkRow]) -> BulkPreview:
    """Check rows already split into values: each row alone, then duplicates across rows."""
    return _checked(centre, list(rows))[0]


def _checked(centre: Centre, rows: list[BulkRow]) -> tuple[BulkPreview, PrefetchedLookups]:
    preview = BulkPreview(rows=rows)
    lookups = PrefetchedLookups(centre=centre, rows=rows)
    seen: dict[tuple[str, str], int] = {}
    for row in preview.rows:
        _check_row(centre, row, lookups)
        key = (row.values.get("email", "").strip().lower(), row.values.get("qualification_code", "").strip())
        if key in seen:
            row.problems.append(_("Duplicate of line %(line)d: the same person on the same qualification.")
                                % {"line": seen[key]})
        else:
            seen[key] = row.line
    if not preview.rows:
        preview.problems.append(_("The file has a header but no rows to enrol."))
    return preview, lookups


def parse_enrolment_csv(*, centre: Centre, content: bytes) -> BulkPreview:
    """Parse and check an uploaded CSV without saving anything: the preview shown before confirming."""
    if len(content) > CSV_MAX_BYTES:
        return BulkPreview(problems=[_("The file is larger than %(size)d MB; split it.")
                                     % {"size": CSV_MAX_BYTES // 1_000_000}])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return BulkPreview(problems=[_("The file is not UTF-8 text: in your spreadsheet, save it as “CSV UTF-8”.")])
    try:
        return _parse_rows(centre, csv.reader(io.StringIO(text)))
    except csv.Error as error:
        # E.g. a cell longer than the csv module's field limit (128 KB): a message, never a server error.
        return BulkPreview(problems=[_("The file is not a CSV file this page can read (%(error)s): "
                                       "save it from your spreadsheet as “CSV UTF-8” and check it again.")
                                     % {"error": error}])


def _parse_rows(centre: Centre, reader: Iterator[list[str]]) -> BulkPreview:
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in CSV_COLUMNS if name not in header]
    unknown = [name for name in header if name not in CSV_COLUMNS + CSV_OPTIONAL]
    if missing or unknown or len(header) != len(set(header)):
        problems = [_("The first line must be the header: %(columns)s.") % {"columns": ",".join(CSV_COLUMNS)}]
        if missing:
            problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        if unknown:
            problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
        if len(header) != len(set(header)):
            problems.append(_("A column appears twice."))
        return BulkPreview(problems=problems)
    rows: list[BulkRow] = []
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= CSV_MAX_ROWS:
            return BulkPreview(problems=[ngettext("The file has more than %(rows)d row; split it.",
                                                  "The file has more than %(rows)d rows; split it.", CSV_MAX_ROWS)
                                         % {"rows": CSV_MAX_ROWS}])
        row = BulkRow(line=line_number, values=dict(zip(header, (cell.strip() for cell in cells), strict=False)))
        if len(cells) != len(header):
            row.problems.append(ngettext("The line has %(cells)d cell; the header has %(header)d.",
                                         "The line has %(cells)d cells; the header has %(header)d.", len(cells))
                                % {"cells": len(cells), "header": len(header)})
        rows.append(row)
    return check_rows(centre=centre, rows=rows)


@transaction.atomic
def bulk_enrol(*, centre: Centre, by: User, rows: list[BulkRow]) -> list[Enrolment | EnrolmentInvitation]:
    """Enrol every row, all or nothing, in one transaction; invitations leave from a task after commit.

    A person known only elsewhere (or on this qualification at another centre) is invited to accept
    instead, as when enrolling one (invitation.needs_consent); such rows are rare and cost a few queries each.

    The rows are checked again (the data may have changed since the preview). Raises
    ValidationError listing every problem by line; then nothing is saved.
    """
    preview, lookups = _checked(centre, [BulkRow(line=row.line, values=dict(row.values)) for row in rows])
    if not preview.is_valid:
        raise ValidationError(
            preview.problems + [_("Line %(line)d: %(problem)s") % {"line": row.line, "problem": problem}
                                for row in preview.rows for problem in row.problems]
        )
    consent = [lookups.needs_consent(row.resolved["email"], row.resolved["qualification"]) for row in preview.rows]
    invitations = [_invite(centre, by, row, lookups) for row, ask in zip(preview.rows, consent, strict=True) if ask]
    direct = [row for row, ask in zip(preview.rows, consent, strict=True) if not ask]
    people = _people(direct, lookups)
    Role.objects.bulk_create([
        Role(user=person, centre=centre, kind=RoleKind.CANDIDATE) for person in people.values()
        if (person.pk, RoleKind.CANDIDATE) not in lookups.roles
    ])
    enrolments = [
        Enrolment(
            candidate=people[row.resolved["email"]], centre=centre, qualification=row.resolved["qualification"],
            pathway=row.resolved["pathway"], assessor=row.resolved["assessor"], iqa=row.resolved["iqa"],
            start_date=row.resolved["start_date"], planned_end_date=row.resolved["planned_end_date"],
            uln=row.resolved["uln"], registration_number=row.resolved["registration_number"],
        )
        for row in direct
    ]
    try:
        Enrolment.objects.bulk_create(enrolments)
    except IntegrityError as error:
        # Someone enrolled one of these people on the same qualification since the check above.
        raise ValidationError(_("One of these people was enrolled on the same qualification meanwhile: "
                                "check the file again.")) from error
    trail.record_many([
        trail.Entry(actor=by, action="candidate enrolled", obj=enrolment, enrolment_id=enrolment.pk,
                    after={"status": enrolment.status, "assessor": str(enrolment.assessor),
                           "iqa": str(enrolment.iqa) if enrolment.iqa else None})
        for enrolment in enrolments
    ])
    invited = [enrolment.pk for enrolment in enrolments if not enrolment.candidate.has_usable_password()]
    if invited:
        transaction.on_commit(lambda: enqueue_invitations(enrolment_ids=invited))
    return [*enrolments, *invitations]


def _invite(centre: Centre, by: User, row: BulkRow, lookups: PrefetchedLookups) -> EnrolmentInvitation:
    """Invite the person of one row to accept (they are known elsewhere); its problems name the row's line."""
    resolved = row.resolved
    person = lookups.account(resolved["email"])
    assert person is not None  # needs_consent holds only for an existing account
    try:
        return invite(
            centre=centre, by=by, person=person, email=resolved["email"], qualification=resolved["qualification"],
            pathway=resolved["pathway"], assessor=resolved["assessor"], iqa=resolved["iqa"],
            start_date=resolved["start_date"], planned_end_date=resolved["planned_end_date"], uln=resolved["uln"],
            registration_number=resolved["registration_number"],
        )
    except ValidationError as error:
        raise ValidationError([_("Line %(line)d: %(problem)s") % {"line": row.line, "problem": message}
                               for message in error.messages]) from error


def _people(rows: list[BulkRow], lookups: PrefetchedLookups) -> dict[str, User]:
    """The account of every row's email: those that exist, and the new ones (created in one insert)."""
    people: dict[str, User] = {}
    new: list[User] = []
    for row in rows:
        email = row.resolved["email"]
        if email in people:
            continue
        person = lookups.account(email)
        if person is None:
            person = User(email=email, first_name=row.resolved["first_name"], last_name=row.resolved["last_name"])
            person.set_unusable_password()
            new.append(person)
        people[email] = person
    try:
        User.objects.bulk_create(new)
    except IntegrityError as error:
        raise ValidationError(_("An account for one of these email addresses was created meanwhile: "
                                "check the file again.")) from error
    return people


def enqueue_invitations(*, enrolment_ids: list[int]) -> bool:
    """Send the invitations task to the broker; False (and a log line) when the broker cannot be reached.

    The enrolments are saved either way; a person whose invitation never left can still ask for a
    password reset link from the sign-in page, which reaches invited people.
    """
    from ..tasks import send_invitations

    try:
        send_invitations.apply_async((enrolment_ids,), retry=True, retry_policy={
            "max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 1,
        })
    except Exception:  # kombu raises OperationalError, redis ConnectionError, OSError...: all mean "not sent"
        logger.warning("Could not enqueue the invitations of enrolments %s.", enrolment_ids, exc_info=True)
        return False
    return True
