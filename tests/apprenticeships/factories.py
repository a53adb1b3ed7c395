"""Off-the-job plans and entries for tests."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal

from django.apps import apps as django_apps
from django.utils import timezone

from apprenticeships import services
from apprenticeships.models import OtjEntry, OtjPlan, OtjRule, ProgressReview
from apprenticeships.reviews import services as review_services
from apprenticeships.reviews.services import ReviewContent, Target
from candidates.models import Enrolment


def six_hour_rule() -> OtjRule:
    ensure_rules()
    return OtjRule.objects.get(code="esfa-6-hours")


def make_plan(enrolment: Enrolment, *, contracted: str = "37.5", rule: OtjRule | None = None) -> OtjPlan:
    """A plan over the enrolment's own dates, set by its assessor (written straight, without the service)."""
    return OtjPlan.objects.create(
        enrolment=enrolment, contracted_hours=Decimal(contracted), planned_start=enrolment.start_date,
        planned_end=enrolment.planned_end_date, rule=rule or six_hour_rule(), set_by=enrolment.assessor,
        set_at=timezone.now(),
    )


def make_entry(enrolment: Enrolment, *, minutes: int = 90, days_ago: int = 1, learned: str = "Handling a refund",
               activity: str = "shadowing") -> OtjEntry:
    """An entry the candidate logged through the service."""
    return services.entry_record(
        enrolment=enrolment, by=enrolment.candidate, date=timezone.localdate() - datetime.timedelta(days=days_ago),
        minutes=minutes, activity=activity, learned=learned,
    )


def ensure_rules() -> None:
    """The funding rules of the data migration, again: a transactional test (the browser's) empties the tables."""
    migration = importlib.import_module("apprenticeships.migrations.0001_off_the_job")
    migration.load_rules(django_apps, None)


def review_content(**overrides: object) -> ReviewContent:
    """A filled review form: today, three answers and one target a month on."""
    today = timezone.localdate()
    values: dict[str, object] = {
        "held_on": today, "progress": "Handled complaints on the phone with less help.",
        "english_maths": "Functional skills English level 2 booked.", "wellbeing": "Settled; no support needed.",
        "targets": (Target(text="Write a statement on the refund call", due=today + datetime.timedelta(days=28)),),
    }
    values.update(overrides)
    return ReviewContent(**values)  # type: ignore[arg-type]


def make_review(enrolment: Enrolment, **overrides: object) -> ProgressReview:
    """A progress review its assessor recorded through the service."""
    return review_services.review_create(enrolment=enrolment, by=enrolment.assessor,
                                         content=review_content(**overrides))
