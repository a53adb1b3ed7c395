"""The minimum off-the-job hours: a rule (data) applied to a plan, figures worked out by hand here."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from apprenticeships.models import OtjRule, RuleKind
from apprenticeships.services import RuleTerms, minimum_hours

START = datetime.date(2024, 1, 1)
END = datetime.date(2024, 12, 30)  # 364 days: 52 weeks exactly
SIX_HOURS = RuleTerms(kind=RuleKind.HOURS_PER_WEEK, weekly_hours=Decimal(6), percent=None,
                      full_time_hours=Decimal(30), deduct_leave=True, leave_weeks_per_year=Decimal("5.6"))
TWENTY_PERCENT = RuleTerms(kind=RuleKind.PERCENT_OF_CONTRACTED, weekly_hours=None, percent=Decimal(20),
                           full_time_hours=Decimal(30), deduct_leave=True, leave_weeks_per_year=Decimal("5.6"))


def _minimum(terms: RuleTerms, contracted: str, end: datetime.date = END) -> Decimal:
    return minimum_hours(terms, contracted_hours=Decimal(contracted), start=START, end=end)


def test_full_time_at_37_5_hours_is_six_hours_a_week_less_leave() -> None:
    # 52 weeks less 5.6 weeks of statutory leave = 46.4 working weeks; 6 h x 46.4 = 278.4 h.
    assert _minimum(SIX_HOURS, "37.5") == Decimal("278.4")


def test_thirty_hours_is_full_time() -> None:
    assert _minimum(SIX_HOURS, "30") == Decimal("278.4")


def test_twenty_hours_is_pro_rata() -> None:
    # 6 h x 20/30 = 4 h a week; 4 h x 46.4 weeks = 185.6 h.
    assert _minimum(SIX_HOURS, "20") == Decimal("185.6")


def test_without_the_leave_deduction_every_week_counts() -> None:
    no_leave = RuleTerms(**{**SIX_HOURS.__dict__, "deduct_leave": False})
    # 6 h x 52 weeks = 312 h.
    assert _minimum(no_leave, "37.5") == Decimal("312.0")


def test_leave_is_pro_rata_over_a_longer_plan() -> None:
    # 18 months: 2024-01-01 to 2025-07-07 is 553 days = 79 weeks; leave 5.6 x 79/52 = 8.5077 weeks;
    # 6 h x (79 - 8.5077) = 6 x 70.4923 = 422.95 -> 423.0 h.
    assert _minimum(SIX_HOURS, "37.5", datetime.date(2025, 7, 7)) == Decimal("423.0")


def test_the_twenty_percent_rule_counts_contracted_hours_up_to_thirty() -> None:
    # 20% of 30 counted hours = 6 h a week (37.5 is counted as 30); x 46.4 weeks = 278.4 h.
    assert _minimum(TWENTY_PERCENT, "37.5") == Decimal("278.4")
    # 20% of 20 h = 4 h a week; x 46.4 = 185.6 h.
    assert _minimum(TWENTY_PERCENT, "20") == Decimal("185.6")


@pytest.mark.django_db
def test_the_two_english_rules_are_data_each_in_force_for_its_starts() -> None:
    old, new = OtjRule.objects.get(code="esfa-20-percent"), OtjRule.objects.get(code="esfa-6-hours")
    assert OtjRule.objects.in_force_on(datetime.date(2022, 7, 31)) == old
    assert OtjRule.objects.in_force_on(datetime.date(2022, 8, 1)) == new
    assert OtjRule.objects.in_force_on(datetime.date(2026, 3, 1)) == new
    assert "funding rules" in old.description and "funding rules" in new.description
    assert minimum_hours(RuleTerms.of(new), contracted_hours=Decimal(20), start=START, end=END) == Decimal("185.6")
