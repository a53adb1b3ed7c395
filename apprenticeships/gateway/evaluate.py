"""The end-point assessment gateway, evaluated: a pure function of plain facts, no ORM, no request.

Each of a standard's gateway requirements (units.GatewayRequirement, data) is read by its kind and judged
met or not met against the facts of one enrolment, with the evidence in words. The declaration the three
parties sign is the requirements' statuses, the records they rest on and the declaration's words: its
`content` is what `signing.content_hash` pins, so a requirement that stops being met or a record that
changes voids the signatures given before. The hours and the evidence behind a status are shown but not
signed: logging another hour after the signatures leaves them valid, as long as every status stands.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from units.models import GatewayKind

#: The declaration the three parties sign. Hashed in these English words (the same whatever the reader's
#: language), shown translated.
DECLARATION = gettext_noop(
    "We declare that the apprentice has completed the on-programme learning of this apprenticeship standard, "
    "meets each gateway requirement listed above, and is ready for the end-point assessment.")


@dataclass(frozen=True)
class Requirement:
    """A gateway requirement as the standard gives it."""

    code: str
    kind: str
    value: str
    text: str


@dataclass(frozen=True)
class Record:
    """An English, maths or qualification achievement on record (apprenticeships.models.Achievement)."""

    kind: str  # "english" | "maths" | "qualification"
    level: int | None
    title: str
    achieved_on: datetime.date
    evidenced_by: str


@dataclass(frozen=True)
class EvidenceNote:
    """A piece of accepted evidence of one KSB: its title and date."""

    title: str
    date: datetime.date


@dataclass(frozen=True)
class Ksb:
    """One KSB of the standard with what shows it: accepted evidence, and its sign-off if any."""

    code: str
    group: str  # "K" | "S" | "B"
    text: str
    evidence: tuple[EvidenceNote, ...] = ()
    signed_off_on: datetime.date | None = None
    signed_off_by: str = ""

    @property
    def evidenced(self) -> bool:
        return bool(self.evidence) or self.signed_off_on is not None


@dataclass(frozen=True)
class Facts:
    """What the gateway is judged on, for one enrolment on `today`."""

    today: datetime.date
    programme_start: datetime.date | None  # the off-the-job plan's start; None without a plan
    otj_minimum: Decimal | None  # the plan's minimum hours; None without a plan
    otj_verified: Decimal
    records: tuple[Record, ...] = ()
    ksbs: tuple[Ksb, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """One requirement judged: met or not, the evidence in words, and what is missing (KSB codes)."""

    requirement: Requirement
    met: bool
    evidence: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gateway:
    outcomes: tuple[Outcome, ...] = field(default_factory=tuple)

    @property
    def all_met(self) -> bool:
        return bool(self.outcomes) and all(outcome.met for outcome in self.outcomes)

    @property
    def unmet(self) -> tuple[Outcome, ...]:
        return tuple(outcome for outcome in self.outcomes if not outcome.met)


def whole_months(start: datetime.date, day: datetime.date) -> int:
    """Whole calendar months from `start` to `day` (0 when `day` is before `start`)."""
    months = (day.year - start.year) * 12 + day.month - start.month - (1 if day.day < start.day else 0)
    return max(months, 0)


def add_months(start: datetime.date, months: int) -> datetime.date:
    """`start` moved on `months` calendar months (the last day of a shorter month when the day does not exist)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in range(start.day, 27, -1):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return datetime.date(year, month, min(start.day, 28))


def _number(requirement: Requirement) -> int:
    return int(requirement.value) if requirement.value.strip().isdigit() else 0


def _day(day: datetime.date) -> str:
    """`day` in the reader's short date format ("31/01/2026" in British English)."""
    return date_format(day, "SHORT_DATE_FORMAT")


def _months(requirement: Requirement, facts: Facts) -> Outcome:
    needed = _number(requirement)
    if facts.programme_start is None:
        return Outcome(requirement, False, _("No off-the-job plan is set, so there is no start of the programme "
                                             "to count the months from."))
    months = whole_months(facts.programme_start, facts.today)
    values = {"start": _day(facts.programme_start), "months": months, "needed": needed}
    if months >= needed:
        return Outcome(requirement, True, ngettext(
            "On programme since %(start)s: %(months)d month (%(needed)d needed).",
            "On programme since %(start)s: %(months)d months (%(needed)d needed).", months) % values)
    values["day"] = _day(add_months(facts.programme_start, needed))
    # Translators: the requirement is not met yet; "Met on" gives the day it will be met.
    return Outcome(requirement, False, ngettext(
        "On programme since %(start)s: %(months)d month (%(needed)d needed). Met on %(day)s.",
        "On programme since %(start)s: %(months)d months (%(needed)d needed). Met on %(day)s.", months) % values)


def _subject_sentences(kind: str) -> tuple[str, str, str]:
    """(achieved, none recorded, too low) for English or maths: whole sentences, so each language can
    inflect the subject's name as its grammar needs."""
    if kind == "english":
        return (
            _("Level %(level)d English achieved on %(day)s (level %(needed)d needed); evidenced by: %(how)s"),
            _("No English achievement is recorded (level %(needed)d needed)."),
            _("The highest English on record is level %(level)d (achieved on %(day)s); level %(needed)d is needed."),
        )
    return (
        _("Level %(level)d maths achieved on %(day)s (level %(needed)d needed); evidenced by: %(how)s"),
        _("No maths achievement is recorded (level %(needed)d needed)."),
        _("The highest maths on record is level %(level)d (achieved on %(day)s); level %(needed)d is needed."),
    )


def _subject_level(requirement: Requirement, facts: Facts, kind: str) -> Outcome:
    needed = _number(requirement)
    achieved, none, too_low = _subject_sentences(kind)
    records = [record for record in facts.records if record.kind == kind and record.level is not None]
    best = max(records, key=lambda record: (record.level or 0, record.achieved_on), default=None)
    if best is not None and (best.level or 0) >= needed:
        return Outcome(requirement, True, achieved % {
            "level": best.level, "day": _day(best.achieved_on), "needed": needed, "how": best.evidenced_by})
    if best is None:
        return Outcome(requirement, False, none % {"needed": needed})
    return Outcome(requirement, False, too_low % {
        "level": best.level, "day": _day(best.achieved_on), "needed": needed})


def _otj(requirement: Requirement, facts: Facts) -> Outcome:
    if facts.otj_minimum is None:
        # Translators: hours are decimal numbers ("12.5"), so the sentences about hours have no plural forms.
        return Outcome(requirement, False, _("No off-the-job plan is set, so there is no minimum to meet; "
                                             "%(verified)s hours are verified.") % {"verified": facts.otj_verified})
    values = {"verified": facts.otj_verified, "minimum": facts.otj_minimum}
    if facts.otj_verified >= facts.otj_minimum:
        return Outcome(requirement, True, _("%(verified)s verified off-the-job hours; the plan's minimum is "
                                            "%(minimum)s hours.") % values)
    return Outcome(requirement, False, _("%(verified)s verified off-the-job hours of the plan's minimum of "
                                         "%(minimum)s: %(short)s hours more to verify.") % {
        **values, "short": facts.otj_minimum - facts.otj_verified})


def _ksbs(requirement: Requirement, facts: Facts) -> Outcome:
    total = len(facts.ksbs)
    if not total:
        return Outcome(requirement, False, _("The standard lists no KSBs to evidence."))
    missing = tuple(ksb.code for ksb in facts.ksbs if not ksb.evidenced)
    signed = sum(1 for ksb in facts.ksbs if ksb.signed_off_on is not None)
    if not missing:
        return Outcome(requirement, True, ngettext(
            "The %(total)d KSB has accepted evidence or is signed off (%(signed)d signed off).",
            "All %(total)d KSBs have accepted evidence or are signed off (%(signed)d signed off).", total) % {
            "total": total, "signed": signed})
    return Outcome(requirement, False, ngettext(
        "%(missing)d of %(total)d KSBs has no accepted evidence and is not signed off: %(codes)s.",
        "%(missing)d of %(total)d KSBs have no accepted evidence and are not signed off: %(codes)s.",
        len(missing)) % {"missing": len(missing), "total": total, "codes": ", ".join(missing)}, missing)


def _qualification(requirement: Requirement, facts: Facts) -> Outcome:
    wanted = requirement.value.strip().casefold()
    found = next((record for record in facts.records if record.kind == "qualification"
                  and record.title.strip().casefold() == wanted), None)
    if found is None:
        return Outcome(requirement, False, _("%(name)s is not recorded as achieved.") % {"name": requirement.value})
    return Outcome(requirement, True, _("%(name)s achieved on %(day)s; evidenced by: %(how)s") % {
        "name": found.title, "day": _day(found.achieved_on), "how": found.evidenced_by})


def judge(requirement: Requirement, facts: Facts) -> Outcome:
    """One requirement met or not, with the evidence in words."""
    if requirement.kind == GatewayKind.MIN_MONTHS_ON_PROGRAMME:
        return _months(requirement, facts)
    if requirement.kind == GatewayKind.ENGLISH_LEVEL:
        return _subject_level(requirement, facts, "english")
    if requirement.kind == GatewayKind.MATHS_LEVEL:
        return _subject_level(requirement, facts, "maths")
    if requirement.kind == GatewayKind.OTJ_HOURS_PLANNED_MET:
        return _otj(requirement, facts)
    if requirement.kind == GatewayKind.ALL_ITEMS_EVIDENCED:
        return _ksbs(requirement, facts)
    if requirement.kind == GatewayKind.QUALIFICATION_ACHIEVED:
        return _qualification(requirement, facts)
    return Outcome(requirement, False, _("This requirement's kind (%(kind)s) is not known to the system; "
                                         "ask an administrator.") % {"kind": requirement.kind})


def evaluate(requirements: Sequence[Requirement], facts: Facts) -> Gateway:
    """Every requirement judged, in the standard's order."""
    return Gateway(outcomes=tuple(judge(requirement, facts) for requirement in requirements))


def declaration_content(*, enrolment_id: int, qualification: str, gateway: Gateway,
                        records: Sequence[Record]) -> dict[str, Any]:
    """What a signature of the gateway declaration pins: the statuses, the records and the declaration's words."""
    return {
        "enrolment": enrolment_id,
        "standard": qualification,
        "declaration": DECLARATION,
        "requirements": [{"code": o.requirement.code, "kind": o.requirement.kind, "value": o.requirement.value,
                          "text": o.requirement.text, "met": o.met} for o in gateway.outcomes],
        "records": sorted(([r.kind, r.level, r.title, r.achieved_on.isoformat(), r.evidenced_by] for r in records),
                          key=lambda row: [str(part) for part in row]),
    }
