"""The off-the-job log's writes: who may do what, what is refused and why, every write audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apprenticeships import services
from apprenticeships.models import EntryStatus, OtjEntry, OtjPlan, OtjRule
from audit.models import AuditRecord
from candidates.models import Enrolment, EnrolmentStatus
from tests.apprenticeships.factories import make_entry, make_plan
from tests.assessments.factories import items_of

pytestmark = pytest.mark.django_db


def _actions(enrolment: Enrolment) -> list[str]:
    return list(AuditRecord.objects.filter(enrolment_id=enrolment.pk).order_by("sequence")
                .values_list("action", flat=True))


def test_the_candidate_logs_edits_and_deletes_while_not_verified(enrolment) -> None:
    entry = make_entry(enrolment, minutes=90, learned="Watched a complaint call", )
    entry.items.set(items_of(enrolment, "A1")[:1])
    assert entry.status == EntryStatus.RECORDED
    today = timezone.localdate()
    services.entry_edit(entry=entry, by=enrolment.candidate, date=today, minutes=120, activity="mentoring",
                        learned="Mentoring on refunds", items=items_of(enrolment, "A1")[:2])
    entry.refresh_from_db()
    assert (entry.minutes, entry.activity, entry.items.count()) == (120, "mentoring", 2)
    services.entry_delete(entry=entry, by=enrolment.candidate)
    assert not OtjEntry.objects.exists()
    assert _actions(enrolment) == ["off-the-job hours recorded", "off-the-job hours changed",
                                   "off-the-job hours deleted"]


def test_bad_entries_are_refused_with_what_to_fix_and_nothing_saved(enrolment, other_enrolment) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.entry_record(enrolment=enrolment, by=enrolment.candidate, date=today + datetime.timedelta(days=1),
                              minutes=0, activity="taught", learned="  ",
                              items=items_of(other_enrolment, "A1")[:0])
    assert set(refused.value.error_dict) == {"date", "hours", "learned"}
    assert "in the future" in str(refused.value.error_dict["date"])
    with pytest.raises(ValidationError) as before_start:
        services.entry_record(enrolment=enrolment, by=enrolment.candidate,
                              date=enrolment.start_date - datetime.timedelta(days=1), minutes=30,
                              activity="taught", learned="x")
    assert "before the start of the plan" in str(before_start.value.error_dict["date"])
    assert not OtjEntry.objects.exists() and not AuditRecord.objects.filter(enrolment_id=enrolment.pk).exists()


def test_only_the_candidate_logs_and_nobody_verifies_their_own(enrolment) -> None:
    with pytest.raises(ValidationError):
        services.entry_record(enrolment=enrolment, by=enrolment.assessor, date=timezone.localdate(), minutes=30,
                              activity="taught", learned="x")
    entry = make_entry(enrolment)
    with pytest.raises(ValidationError):
        services.entry_verify(entry=entry, by=enrolment.candidate)
    with pytest.raises(ValidationError):
        services.entry_edit(entry=entry, by=enrolment.assessor, date=entry.date, minutes=30, activity="taught",
                            learned="x")


def test_query_then_resubmit_then_verify_and_a_verified_entry_is_final(enrolment) -> None:
    entry = make_entry(enrolment)
    with pytest.raises(ValidationError) as empty:
        services.entry_query(entry=entry, by=enrolment.assessor, comment=" ")
    assert "comment" in empty.value.error_dict
    services.entry_query(entry=entry, by=enrolment.assessor, comment="Which day was this?")
    entry.refresh_from_db()
    assert (entry.status, entry.query) == (EntryStatus.QUERIED, "Which day was this?")
    services.entry_edit(entry=entry, by=enrolment.candidate, date=entry.date, minutes=60, activity="shadowing",
                        learned="Shadowed Sam on the Tuesday")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RECORDED
    services.entry_verify(entry=entry, by=enrolment.assessor)
    entry.refresh_from_db()
    assert (entry.status, entry.decided_by) == (EntryStatus.VERIFIED, enrolment.assessor)
    with pytest.raises(ValidationError):
        services.entry_edit(entry=entry, by=enrolment.candidate, date=entry.date, minutes=5, activity="other",
                            learned="x")
    with pytest.raises(ValidationError):
        services.entry_delete(entry=entry, by=enrolment.candidate)
    assert _actions(enrolment)[-3:] == ["off-the-job hours queried", "off-the-job hours changed",
                                        "off-the-job hours verified"]


def test_a_frozen_enrolment_refuses_every_write(enrolment) -> None:
    entry = make_entry(enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.PAUSED)
    enrolment.refresh_from_db()
    for write in (lambda: make_entry(enrolment), lambda: services.entry_verify(entry=entry, by=enrolment.assessor),
                  lambda: services.entry_delete(entry=entry, by=enrolment.candidate)):
        with pytest.raises(ValidationError):
            write()


def test_the_plan_is_set_audited_and_its_minimum_is_its_rule_applied(enrolment) -> None:
    rule = OtjRule.objects.get(code="esfa-6-hours")
    start = datetime.date(2025, 1, 6)
    plan = services.plan_set(enrolment=enrolment, by=enrolment.assessor, contracted_hours=Decimal(20),
                             planned_start=start, planned_end=start + datetime.timedelta(weeks=52), rule=rule)
    # 4 h a week (6 x 20/30) x (52 - 5.6) weeks = 185.6 h.
    assert services.plan_minimum(plan) == Decimal("185.6")
    services.plan_set(enrolment=enrolment, by=enrolment.assessor, contracted_hours=Decimal("37.5"),
                      planned_start=start, planned_end=start + datetime.timedelta(weeks=52), rule=rule)
    assert OtjPlan.objects.get().contracted_hours == Decimal("37.5")
    record = AuditRecord.objects.filter(action="off-the-job plan set").order_by("-sequence")[0]
    before, after = dict(record.before or {}), dict(record.after or {})
    assert before["minimum_hours"] == "185.6" and after["minimum_hours"] == "278.4"
    with pytest.raises(ValidationError) as refused:
        services.plan_set(enrolment=enrolment, by=enrolment.assessor, contracted_hours=Decimal(20),
                          planned_start=start, planned_end=start, rule=rule)
    assert "planned_end" in refused.value.error_dict
    with pytest.raises(ValidationError):
        services.plan_set(enrolment=enrolment, by=enrolment.candidate, contracted_hours=Decimal(20),
                          planned_start=start, planned_end=start + datetime.timedelta(weeks=52), rule=rule)


def test_behind_when_verified_hours_fall_more_than_two_weeks_short(enrolment) -> None:
    plan = make_plan(enrolment, contracted="37.5")  # started 30 days ago, 365 days in all
    minimum = services.plan_minimum(plan)
    expected = services.expected_by(plan, minimum, timezone.localdate())
    # 365 days = 52.14 weeks, less 5.61 weeks of leave = 46.53 weeks x 6 h = 279.2 h; 30/365 of it = 22.9 h.
    assert (minimum, expected) == (Decimal("279.2"), Decimal("22.9"))
    # The tolerance: two weeks of the plan's weekly minimum, 279.2 / 52.14 x 2 = 10.7 h.
    assert services.behind_tolerance(plan, minimum).quantize(Decimal("0.1")) == Decimal("10.7")
    today = timezone.localdate()
    assert services.is_behind(plan, verified_minutes=0, day=today)  # 22.9 short
    assert services.is_behind(plan, verified_minutes=12 * 60, day=today)  # 10.9 short
    assert not services.is_behind(plan, verified_minutes=13 * 60, day=today)  # 9.9 short
