"""Enrolment from a CSV file: parse and check every row first (a preview), then enrol them all or none."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from units.models import Pathway, Qualification

from ..models import (
    Centre,
    Enrolment,
    EnrolmentInvitation,
    User,
)
from .enrolment import enrol_candidate, enrolment_problems

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


def _max_lengths() -> dict[str, int | None]:
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
        if longest is not None and length > longest:
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
def bulk_enrol(*, centre: Centre, by: User, rows: list[BulkRow]) -> list[Enrolment | EnrolmentInvitation]:
    """Enrol every row, all or nothing, in one transaction (people known elsewhere are invited: enrol_candidate).

    The rows are checked again (the data may have changed since the preview). Raises
    ValidationError listing every problem by line; then nothing is saved.
    """
    preview = check_rows(centre=centre, rows=[BulkRow(line=row.line, values=dict(row.values)) for row in rows])
    if not preview.is_valid:
        raise ValidationError(
            preview.problems + [f"Line {row.line}: {problem}" for row in preview.rows for problem in row.problems]
        )
    enrolments: list[Enrolment | EnrolmentInvitation] = []
    for row in preview.rows:
        try:
            enrolments.append(enrol_candidate(centre=centre, by=by, **row.resolved))
        except ValidationError as error:
            raise ValidationError([f"Line {row.line}: {message}" for message in error.messages]) from error
    return enrolments
