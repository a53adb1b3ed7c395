"""The gateway's pure evaluation: each kind of requirement met and not met, with its evidence in words; the
declaration's content and what changes its hash. No database."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from apprenticeships.gateway.evaluate import (
    DECLARATION,
    EvidenceNote,
    Facts,
    Ksb,
    Record,
    Requirement,
    add_months,
    declaration_content,
    evaluate,
    judge,
    whole_months,
)
from apprenticeships.signing import content_hash

TODAY = datetime.date(2026, 11, 30)
MONTHS = Requirement("months", "min_months_on_programme", "12", "At least 12 months on programme.")
ENGLISH = Requirement("english", "english_level", "1", "Level 1 English.")
MATHS = Requirement("maths", "maths_level", "2", "Level 2 maths.")
OTJ = Requirement("otj", "otj_hours_planned_met", "", "Off-the-job hours met.")
KSBS = Requirement("ksbs", "all_items_evidenced", "", "Every KSB evidenced.")
CERTIFICATE = Requirement("certificate", "qualification_achieved", "Level 2 Certificate in Customer Service",
                          "The certificate.")


def facts(**changes: Any) -> Facts:
    base = Facts(today=TODAY, programme_start=datetime.date(2025, 11, 1), otj_minimum=Decimal("300.0"),
                 otj_verified=Decimal("310.5"), records=(), ksbs=())
    return replace(base, **changes)


def english(level: int) -> Record:
    return Record("english", level, "Functional Skills English", datetime.date(2026, 3, 2), "Certificate FS-1")


# --------------------------------------------------------------------------- months on programme


@pytest.mark.parametrize(("start", "day", "months"), [
    (datetime.date(2025, 11, 30), datetime.date(2026, 11, 30), 12),
    (datetime.date(2025, 12, 1), datetime.date(2026, 11, 30), 11),
    (datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), 0),
    (datetime.date(2027, 1, 1), datetime.date(2026, 11, 30), 0),
])
def test_whole_months_count_calendar_months(start, day, months) -> None:
    assert whole_months(start, day) == months


def test_add_months_keeps_the_day_or_the_end_of_a_short_month() -> None:
    assert add_months(datetime.date(2025, 11, 15), 12) == datetime.date(2026, 11, 15)
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)


def test_months_on_programme_met_from_the_plans_start() -> None:
    outcome = judge(MONTHS, facts(programme_start=datetime.date(2025, 11, 1)))
    assert outcome.met
    assert outcome.evidence == "On programme since 01/11/2025: 12 months (12 needed)."


def test_months_on_programme_not_met_says_when_it_will_be() -> None:
    outcome = judge(MONTHS, facts(programme_start=datetime.date(2026, 3, 15)))
    assert not outcome.met
    assert "8 months (12 needed)" in outcome.evidence and "Met on 15/03/2027." in outcome.evidence


def test_months_without_a_plan_are_not_met() -> None:
    outcome = judge(MONTHS, facts(programme_start=None))
    assert not outcome.met and "No off-the-job plan" in outcome.evidence


# --------------------------------------------------------------------------- English and maths


def test_english_met_by_a_record_at_the_level_or_above() -> None:
    outcome = judge(ENGLISH, facts(records=(english(2),)))
    assert outcome.met
    assert outcome.evidence.startswith("Level 2 English achieved on 02/03/2026 (level 1 needed)")
    assert "Certificate FS-1" in outcome.evidence


def test_maths_below_the_level_is_not_met_and_says_the_highest() -> None:
    record = Record("maths", 1, "", datetime.date(2026, 1, 5), "Certificate M-1")
    outcome = judge(MATHS, facts(records=(record, english(2))))
    assert not outcome.met
    assert outcome.evidence == "The highest maths on record is level 1 (achieved on 05/01/2026); level 2 is needed."


def test_an_english_record_does_not_count_for_maths() -> None:
    outcome = judge(MATHS, facts(records=(english(3),)))
    assert not outcome.met and outcome.evidence == "No maths achievement is recorded (level 2 needed)."


# --------------------------------------------------------------------------- off-the-job hours


def test_off_the_job_met_when_verified_reach_the_minimum() -> None:
    outcome = judge(OTJ, facts(otj_minimum=Decimal("300.0"), otj_verified=Decimal("300.0")))
    assert outcome.met and "300.0 verified off-the-job hours; the plan's minimum is 300.0 hours." == outcome.evidence


def test_off_the_job_short_says_how_many_hours_more() -> None:
    outcome = judge(OTJ, facts(otj_minimum=Decimal("300.0"), otj_verified=Decimal("120.5")))
    assert not outcome.met and "179.5 hours more to verify" in outcome.evidence


def test_off_the_job_without_a_plan_is_not_met() -> None:
    outcome = judge(OTJ, facts(otj_minimum=None, otj_verified=Decimal("12.0")))
    assert not outcome.met and "no minimum" in outcome.evidence


# --------------------------------------------------------------------------- KSBs


def _ksb(code: str, *, evidence: bool = False, signed: bool = False) -> Ksb:
    return Ksb(code=code, group=code[0], text=f"{code} text",
               evidence=(EvidenceNote("Reply to a complaint", datetime.date(2026, 5, 1)),) if evidence else (),
               signed_off_on=datetime.date(2026, 6, 1) if signed else None,
               signed_off_by="Ash Assessor" if signed else "")


def test_every_ksb_with_accepted_evidence_or_signed_off_is_met() -> None:
    outcome = judge(KSBS, facts(ksbs=(_ksb("K1", evidence=True), _ksb("S1", signed=True))))
    assert outcome.met and outcome.evidence == (
        "All 2 KSBs have accepted evidence or are signed off (1 signed off).")


def test_ksbs_missing_are_listed() -> None:
    outcome = judge(KSBS, facts(ksbs=(_ksb("K1", evidence=True), _ksb("S1"), _ksb("B2"))))
    assert not outcome.met and outcome.missing == ("S1", "B2")
    assert outcome.evidence == "2 of 3 KSBs have no accepted evidence and are not signed off: S1, B2."


def test_a_standard_without_ksbs_is_not_met() -> None:
    assert not judge(KSBS, facts(ksbs=())).met


# --------------------------------------------------------------------------- mandatory qualification


def test_a_mandatory_qualification_is_met_by_a_record_of_its_name() -> None:
    record = Record("qualification", None, "level 2 certificate in customer service ", datetime.date(2026, 4, 1),
                    "Certificate C-9")
    outcome = judge(CERTIFICATE, facts(records=(record,)))
    assert outcome.met and "Certificate C-9" in outcome.evidence


def test_a_mandatory_qualification_not_recorded_is_not_met() -> None:
    record = Record("qualification", None, "Level 3 Diploma", datetime.date(2026, 4, 1), "Certificate D")
    outcome = judge(CERTIFICATE, facts(records=(record,)))
    assert not outcome.met
    assert outcome.evidence == "Level 2 Certificate in Customer Service is not recorded as achieved."


def test_an_unknown_kind_is_not_met() -> None:
    assert not judge(Requirement("typing", "typing_speed", "40", "Types fast."), facts()).met


# --------------------------------------------------------------------------- the whole gateway and its content


def test_the_gateway_is_met_only_when_every_requirement_is() -> None:
    good = facts(records=(english(1), Record("maths", 2, "", TODAY, "M")), ksbs=(_ksb("K1", signed=True),))
    gateway = evaluate([MONTHS, ENGLISH, MATHS, OTJ, KSBS], good)
    assert gateway.all_met and not gateway.unmet
    short = evaluate([MONTHS, ENGLISH, MATHS, OTJ, KSBS], replace(good, otj_verified=Decimal("1.0")))
    assert not short.all_met and [o.requirement.code for o in short.unmet] == ["otj"]
    assert not evaluate([], good).all_met


def _content(facts_now: Facts) -> dict:
    gateway = evaluate([MONTHS, ENGLISH, OTJ], facts_now)
    return declaration_content(enrolment_id=7, qualification="st 1", gateway=gateway, records=facts_now.records)


def test_the_content_holds_statuses_records_and_the_declaration() -> None:
    content = _content(facts(records=(english(1),)))
    assert content["declaration"] == DECLARATION
    assert [(r["code"], r["met"]) for r in content["requirements"]] == [("months", True), ("english", True),
                                                                         ("otj", True)]
    assert content["records"] == [["english", 1, "Functional Skills English", "2026-03-02", "Certificate FS-1"]]


def test_more_hours_keep_the_hash_but_a_status_or_a_record_changes_it() -> None:
    base = facts(records=(english(1),))
    digest = content_hash(_content(base))
    assert content_hash(_content(replace(base, otj_verified=Decimal("400.0")))) == digest
    assert content_hash(_content(replace(base, otj_verified=Decimal("10.0")))) != digest
    changed = Record("english", 1, "Functional Skills English", datetime.date(2026, 3, 2), "Certificate FS-2")
    assert content_hash(_content(replace(base, records=(changed,)))) != digest
