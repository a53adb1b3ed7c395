"""The tables of a centre's reports (caseload, progress, achievement, sampling) and their CSV and XLSX files.

A table is its headings and its rows of plain values (text, numbers, dates); every text cell is written
through `spreadsheet_text`, as the claim CSV is, so no cell starts a formula in a spreadsheet.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, npgettext, pgettext_lazy

from assessments.reads import achieved_units, eligibility
from assessments.spreadsheet import spreadsheet_text
from candidates.models import EnrolmentQuerySet, EnrolmentStatus, User
from units.cache import cached_spec
from units.rules import Spec

from . import figures
from .models import ReportFormat, ReportKind

Cell = str | int | float | datetime.date | None
#: Called with a percent (0-100) as the rows are read.
Progress = Callable[[int], None]
CHUNK = 2000


#: The column headings of the reports, translated when a report is written. Translators: "report column"
#: headings are names for spreadsheets and scripts: keep them lower case, with underscores between the words.
COLUMNS: dict[str, Promise] = {
    # Translators: a column heading of a CSV or XLSX report ("report column"): a name for spreadsheets and scripts.
    # Keep every heading lower case, with underscores between the words.
    "assessor": pgettext_lazy("report column", "assessor"),
    "email": pgettext_lazy("report column", "email"),
    "active_enrolments": pgettext_lazy("report column", "active_enrolments"),
    "paused_enrolments": pgettext_lazy("report column", "paused_enrolments"),
    "evidence_awaiting_review": pgettext_lazy("report column", "evidence_awaiting_review"),
    "oldest_waiting_working_hours": pgettext_lazy("report column", "oldest_waiting_working_hours"),
    "median_response_working_hours": pgettext_lazy("report column", "median_response_working_hours"),
    "percent_within_target": pgettext_lazy("report column", "percent_within_target"),
    "meets_target": pgettext_lazy("report column", "meets_target"),
    "candidate": pgettext_lazy("report column", "candidate"),
    "uln": pgettext_lazy("report column", "uln"),
    "qualification_code": pgettext_lazy("report column", "qualification_code"),
    "qualification_version": pgettext_lazy("report column", "qualification_version"),
    "iqa": pgettext_lazy("report column", "iqa"),
    "status": pgettext_lazy("report column", "status"),
    "stage": pgettext_lazy("report column", "stage"),
    "start_date": pgettext_lazy("report column", "start_date"),
    "planned_end_date": pgettext_lazy("report column", "planned_end_date"),
    "units_planned": pgettext_lazy("report column", "units_planned"),
    "units_signed_off": pgettext_lazy("report column", "units_signed_off"),
    "units_achieved": pgettext_lazy("report column", "units_achieved"),
    "percent_units_signed_off": pgettext_lazy("report column", "percent_units_signed_off"),
    "at_risk": pgettext_lazy("report column", "at_risk"),
    "registration_number": pgettext_lazy("report column", "registration_number"),
    "claim": pgettext_lazy("report column", "claim"),
    "units_claimed": pgettext_lazy("report column", "units_claimed"),
    "unit": pgettext_lazy("report column", "unit"),
    "sampled": pgettext_lazy("report column", "sampled"),
    "countersigned": pgettext_lazy("report column", "countersigned"),
    "referred_back": pgettext_lazy("report column", "referred_back"),
    "percent_sampled": pgettext_lazy("report column", "percent_sampled"),
}


def _headings(*names: str) -> list[str]:
    """The translated headings of the columns `names` (keys of COLUMNS)."""
    return [str(COLUMNS[name]) for name in names]


@dataclass
class Table:
    headings: list[str]
    rows: Iterator[list[Cell]]


def _progress_of(total: int, progress: Progress) -> Callable[[int], None]:
    def done(count: int) -> None:
        if total and count % CHUNK == 0:
            progress(min(95, 5 + 90 * count // total))
    return done


def caseload_table(enrolments: EnrolmentQuerySet, assessors: QuerySet[User], progress: Progress) -> Table:
    loads = figures.caseloads(enrolments, assessors)
    # Translators: a cell of a CSV or XLSX report: whether an assessor meets the response-time target.
    yes, no = gettext("yes"), gettext("no")
    rows: Iterator[list[Cell]] = (
        [load.name, load.email, load.active, load.paused, load.awaiting, load.oldest_waiting_hours, load.decided,
         load.median_hours, load.within_target_percent, yes if load.meets_target else no] for load in loads)
    decisions = npgettext("report column", "decisions_last_%(days)d_day", "decisions_last_%(days)d_days",
                          figures.RESPONSE_WINDOW_DAYS) % {"days": figures.RESPONSE_WINDOW_DAYS}
    return Table(
        [*_headings("assessor", "email", "active_enrolments", "paused_enrolments", "evidence_awaiting_review",
                    "oldest_waiting_working_hours"),
         decisions, *_headings("median_response_working_hours", "percent_within_target", "meets_target")],
        rows,
    )


def progress_table(enrolments: EnrolmentQuerySet, progress: Progress) -> Table:
    today = timezone.localdate()
    behind = figures.otj_behind(enrolments, today)
    facts = {fact.pk: fact for fact in figures.centre_facts(enrolments, today)}
    listed = (enrolments.select_related("candidate", "qualification", "assessor", "iqa")
              .order_by("candidate__last_name", "candidate__first_name", "pk"))
    tick = _progress_of(len(facts), progress)

    def rows() -> Iterator[list[Cell]]:
        for count, e in enumerate(listed.iterator(chunk_size=CHUNK), start=1):
            tick(count)
            fact = facts[e.pk]
            yield [
                str(e.candidate), e.candidate.email, e.uln, e.qualification.code, e.qualification.version,
                str(e.assessor), str(e.iqa) if e.iqa_id else "", e.get_status_display(),
                str(figures.STAGE_LABELS[fact.stage]), e.start_date, e.planned_end_date, fact.planned, fact.signed,
                fact.achieved, round(100 * fact.signed / fact.planned) if fact.planned else None,
                "; ".join(str(reason) for reason in figures.risks_of(fact, today, behind)),
            ]

    return Table(
        _headings("candidate", "email", "uln", "qualification_code", "qualification_version", "assessor", "iqa",
                  "status", "stage", "start_date", "planned_end_date", "units_planned", "units_signed_off",
                  "units_achieved", "percent_units_signed_off", "at_risk"),
        rows(),
    )


def achievement_table(enrolments: EnrolmentQuerySet, progress: Progress) -> Table:
    listed = list(enrolments.exclude(status=EnrolmentStatus.WITHDRAWN)
                  .select_related("candidate", "qualification", "pathway").order_by("candidate__last_name", "pk"))
    achieved = achieved_units(enrolments.values_list("pk", flat=True))
    specs: dict[int, Spec] = {}
    tick = _progress_of(len(listed), progress)
    # Translators: a cell of the achievement report: what a candidate's achieved units earn.
    full, certificates = gettext("full qualification"), gettext("unit certificates")

    def rows() -> Iterator[list[Cell]]:
        for count, enrolment in enumerate(listed, start=1):
            tick(count)
            units = achieved.get(enrolment.pk, [])
            if not units:
                continue
            if enrolment.qualification_id not in specs:
                specs[enrolment.qualification_id] = cached_spec(enrolment.qualification)
            earned = eligibility(enrolment, units, specs[enrolment.qualification_id])
            yield [
                enrolment.uln, enrolment.registration_number, str(enrolment.candidate), enrolment.qualification.code,
                enrolment.qualification.version, enrolment.get_status_display(),
                full if earned.full else certificates,
                " ".join(earned.combination if earned.full else earned.achieved), len(earned.achieved),
            ]

    return Table(
        _headings("uln", "registration_number", "candidate", "qualification_code", "qualification_version",
                  "status", "claim", "units_claimed", "units_achieved"),
        rows(),
    )


def sampling_table(enrolments: EnrolmentQuerySet, progress: Progress) -> Table:
    coverage = figures.sampling_coverage(enrolments)
    rows: Iterator[list[Cell]] = (
        [cell.assessor, cell.qualification, cell.unit, cell.signed, cell.sampled, cell.countersigned, cell.referred,
         cell.percent] for cell in coverage.cells)
    return Table(
        _headings("assessor", "qualification_code", "unit", "units_signed_off", "sampled", "countersigned",
                  "referred_back", "percent_sampled"),
        rows,
    )


def table_for(kind: str, enrolments: EnrolmentQuerySet, assessors: QuerySet[User], progress: Progress) -> Table:
    """The table of report `kind` over `enrolments` (the centre's, through the gate)."""
    if kind == ReportKind.CASELOAD:
        return caseload_table(enrolments, assessors, progress)
    if kind == ReportKind.PROGRESS:
        return progress_table(enrolments, progress)
    if kind == ReportKind.ACHIEVEMENT:
        return achievement_table(enrolments, progress)
    if kind == ReportKind.SAMPLING:
        return sampling_table(enrolments, progress)
    raise ValueError(f"No report of kind {kind!r}")


def _text(value: Cell) -> Cell:
    return spreadsheet_text(value) if isinstance(value, str) else value


def write(table: Table, format: str, out: IO[bytes]) -> int:
    """Write `table` to `out` as CSV (UTF-8 with a byte-order mark, for spreadsheets) or XLSX; returns the rows."""
    count = 0
    if format == ReportFormat.CSV:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(table.headings)
        for row in table.rows:
            writer.writerow(["" if value is None else _text(value) for value in row])
            count += 1
        text.flush()
        text.detach()
        return count
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    # Translators: the name of the worksheet of an XLSX report (at most 31 characters).
    sheet = book.create_sheet(gettext("Report"))
    sheet.append(table.headings)
    for row in table.rows:
        sheet.append([_text(value) for value in row])
        count += 1
    book.save(out)
    return count
