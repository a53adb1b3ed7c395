"""The demo data command: one person of each role, two enrolments, and running it twice changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from candidates.management.commands.seed_demo import DEMO_PASSWORD
from candidates.models import Centre, Enrolment, Role, RoleKind, User


@pytest.fixture
def seed_specs(make_qualification) -> None:
    make_qualification(code="ocr-l3-customer-service", title="OCR Level 3 NVQ Diploma in Customer Service")
    make_qualification(code="cs-standards-l3", title="Customer Service National Standards Level 3")


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Centre, User, Role, Enrolment))


def test_seed_demo_creates_one_person_of_each_role_and_two_enrolments(seed_specs) -> None:
    seed()
    centre = Centre.objects.get(code="demo")
    assert set(Role.objects.filter(centre=centre).values_list("kind", flat=True)) == set(RoleKind.values)
    assert User.objects.filter(is_superuser=True).count() == 1
    assert sorted(Enrolment.objects.values_list("qualification__code", flat=True)) == [
        "cs-standards-l3", "ocr-l3-customer-service",
    ]
    assert all(user.check_password(DEMO_PASSWORD) for user in User.objects.all())


def test_seed_demo_twice_changes_nothing(seed_specs) -> None:
    seed()
    before = counts()
    hashes = dict(User.objects.values_list("email", "password"))
    seed()
    assert counts() == before == (1, 7, 6, 2)
    assert dict(User.objects.values_list("email", "password")) == hashes


def test_seed_demo_prints_the_sign_in_details(seed_specs) -> None:
    output = seed()
    assert DEMO_PASSWORD in output
    assert "admin@demo.example.org" in output
    assert "platform@demo.example.org" in output


def test_seed_demo_without_the_specs_still_creates_the_people(db) -> None:
    seed()
    assert Enrolment.objects.count() == 0
    assert User.objects.count() == 7


def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(db, settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()
