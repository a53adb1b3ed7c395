"""Shared fixtures: the named people of STYLE.md and a tiny qualification factory.

Keep these names stable; every app's tests use them.

People (each a ``candidates.User``; the shared password is ``PASSWORD``):

- ``centre`` — "Northgate Training" (code ``northgate``), where most people work.
- ``other_centre`` — "Southbank College" (code ``southbank``).
- ``candidate`` — Cara Candidate, candidate at ``centre``; enrolled as ``enrolment``.
- ``enrolment`` — ``candidate`` on ``qualification`` at ``centre``; assessor ``assessor``, IQA ``iqa``.
- ``assessor`` — Ash Assessor, assessor at ``centre``; assesses ``enrolment`` only.
- ``iqa`` — Ivy Quality, IQA at ``centre``; IQA of ``enrolment`` only.
- ``other_assessor`` — Otto Assessor, assessor at ``centre``; assesses ``other_enrolment``.
- ``other_candidate`` — Olga Other, candidate at ``centre``; enrolled as ``other_enrolment``
  (assessor ``other_assessor``, no IQA).
- ``centre_admin`` — Ada Admin, centre admin at ``centre``: sees and manages every enrolment there.
- ``eqa`` — Eve External, EQA at ``centre``: reads every enrolment there, changes nothing.
- ``stranger_assessor`` — Sam Stranger, assessor at ``other_centre``; assesses ``stranger_enrolment``.
- ``stranger_candidate`` / ``stranger_enrolment`` — Stan Elsewhere on ``qualification`` at ``other_centre``.
- ``platform_admin`` — Pat Platform, a superuser; no centre role.

Catalogue:

- ``make_qualification(code="tiny", version="1", ...)`` builds a tiny spec: Group A (two
  mandatory level-3 units of 6 credits, with criteria), Group B (three optional units,
  one at level 2, with elements or nothing below the unit), an assessable item per
  finest level, and rules (at least 18 credits in total; A1 and A2 mandatory; at least
  1 unit from B). Returns the ``Qualification``.
- ``qualification`` — ``make_qualification()`` once, the version everyone is enrolled on.

Storage:

- ``private_storage`` — the default storage on a folder of the test's own (returned as a ``Path``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.utils import timezone

from candidates.models import Centre, Employer, EmployerContact, EmployerContactKind, Enrolment, Role, RoleKind, User
from units.models import (
    AssessableItem,
    Criterion,
    Group,
    Measure,
    Outcome,
    Qualification,
    Rule,
    RuleKind,
    Unit,
)

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Hashing with the site's Argon2id (or PBKDF2) for a dozen people per test would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # The request ceilings count in the cache (memory of this process, see the root conftest.py): each test
    # starts with none used, whatever the tests before it did from the same address. The same for the cached
    # specs and outlines (units.cache), and this process's memory of them.
    from django.core.cache import cache

    from units.cache import clear_local

    cache.clear()
    clear_local()


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    # A request activates its reader's language in the thread and leaves it active after the response: each
    # test starts, and ends, in the site's own language whatever a test before it read in Polish.
    from django.conf import settings as site
    from django.utils import translation

    translation.activate(site.LANGUAGE_CODE)
    yield
    translation.activate(site.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _site_url(settings) -> None:
    # Emails link to settings.SITE_URL: here the test client's host, so a test can follow a link it was sent.
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def private_storage(settings, tmp_path) -> Path:
    """The default storage on a folder of this test alone: parallel test processes share MEDIA_ROOT otherwise."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}},
    }
    return tmp_path / "private"


@pytest.fixture
def make_qualification(db) -> Callable[..., Qualification]:
    """A factory building a tiny, satisfiable spec (see the module docstring)."""
    return build_qualification


def build_qualification(
    code: str = "tiny",
    version: str = "1",
    *,
    title: str = "Tiny Diploma in Customer Service",
    version_order: int = 1,
    total_minimum: int = 18,
) -> Qualification:
    """The tiny, satisfiable spec of the module docstring (``make_qualification`` hands this out)."""
    qualification = Qualification.objects.create(
        code=code, version=version, version_order=version_order, title=title,
        awarding_body="Test Awarding Body", level=3,
    )
    group_a = Group.objects.create(qualification=qualification, code="A", title="Mandatory units", order=1)
    group_b = Group.objects.create(qualification=qualification, code="B", title="Optional units", order=2)
    specs = [
        (group_a, "A1", "Understand customer service", 3, 6, "criteria"),
        (group_a, "A2", "Follow the rules of customer service", 3, 6, "criteria"),
        (group_b, "B1", "Communicate with customers", 2, 5, "elements"),
        (group_b, "B2", "Improve the customer relationship", 3, 7, "elements"),
        (group_b, "B3", "Develop your own skills", 2, 6, "unit"),
    ]
    units: dict[str, Unit] = {}
    for order, (group, unit_code, unit_title, level, value, depth) in enumerate(specs, start=1):
        unit = Unit.objects.create(
            qualification=qualification, group=group, code=unit_code, title=unit_title,
            level=level, value=value, order=order,
        )
        units[unit_code] = unit
        if depth == "unit":
            AssessableItem.objects.create(unit=unit, code=unit_code, text=unit_title, order=1)
            continue
        for outcome_order in (1, 2):
            outcome = Outcome.objects.create(
                unit=unit, code=f"{outcome_order}", title=f"{unit_title}: part {outcome_order}",
                order=outcome_order,
            )
            if depth == "elements":
                AssessableItem.objects.create(
                    unit=unit, outcome=outcome, code=outcome.code, text=outcome.title, order=outcome_order
                )
                continue
            for criterion_order in (1, 2):
                criterion = Criterion.objects.create(
                    outcome=outcome, code=f"{outcome_order}.{criterion_order}",
                    text=f"Criterion {outcome_order}.{criterion_order} of {unit_code}",
                    order=criterion_order,
                )
                AssessableItem.objects.create(
                    unit=unit, outcome=outcome, criterion=criterion, code=criterion.code,
                    text=criterion.text, order=outcome_order * 10 + criterion_order,
                )
    Rule.objects.create(
        qualification=qualification, identifier="total", kind=RuleKind.TOTAL, measure=Measure.VALUE,
        minimum=total_minimum, message=f"At least {total_minimum} credits in total.", order=1,
    )
    mandatory = Rule.objects.create(
        qualification=qualification, identifier="mandatory", kind=RuleKind.MANDATORY,
        message="Units A1 and A2 are mandatory.", order=2,
    )
    mandatory.units.set([units["A1"], units["A2"]])
    optional = Rule.objects.create(
        qualification=qualification, identifier="optional", kind=RuleKind.TOTAL, measure=Measure.COUNT,
        minimum=1, message="At least 1 unit from Group B.", order=3,
    )
    optional.groups.set([group_b])
    return qualification



def _person(email: str, first_name: str, last_name: str, **extra: object) -> User:
    return User.objects.create_user(email, PASSWORD, first_name=first_name, last_name=last_name, **extra)


def _role(user: User, centre: Centre, kind: str) -> User:
    Role.objects.create(user=user, centre=centre, kind=kind)
    return user


def _enrol(
    candidate: User, centre: Centre, qualification: Qualification, assessor: User, iqa: User | None
) -> Enrolment:
    today = timezone.localdate()
    return Enrolment.objects.create(
        candidate=candidate, centre=centre, qualification=qualification, assessor=assessor, iqa=iqa,
        start_date=today - datetime.timedelta(days=30), planned_end_date=today + datetime.timedelta(days=335),
    )


# The named people, one builder each: the fixtures below use them, and so does a world built once for a
# whole module (tests/test_permission_walk.py).
def new_centre() -> Centre:
    return Centre.objects.create(name="Northgate Training", code="northgate")


def new_other_centre() -> Centre:
    return Centre.objects.create(name="Southbank College", code="southbank")


def new_assessor(centre: Centre) -> User:
    return _role(_person("ash.assessor@example.org", "Ash", "Assessor"), centre, RoleKind.ASSESSOR)


def new_other_assessor(centre: Centre) -> User:
    return _role(_person("otto.assessor@example.org", "Otto", "Assessor"), centre, RoleKind.ASSESSOR)


def new_iqa(centre: Centre) -> User:
    return _role(_person("ivy.quality@example.org", "Ivy", "Quality"), centre, RoleKind.IQA)


def new_centre_admin(centre: Centre) -> User:
    return _role(_person("ada.admin@example.org", "Ada", "Admin"), centre, RoleKind.CENTRE_ADMIN)


def new_eqa(centre: Centre) -> User:
    return _role(_person("eve.external@example.org", "Eve", "External"), centre, RoleKind.EQA)


def new_candidate(centre: Centre) -> User:
    return _role(_person("cara.candidate@example.org", "Cara", "Candidate"), centre, RoleKind.CANDIDATE)


def new_other_candidate(centre: Centre) -> User:
    return _role(_person("olga.other@example.org", "Olga", "Other"), centre, RoleKind.CANDIDATE)


def new_stranger_assessor(other_centre: Centre) -> User:
    return _role(_person("sam.stranger@example.org", "Sam", "Stranger"), other_centre, RoleKind.ASSESSOR)


def new_stranger_candidate(other_centre: Centre) -> User:
    return _role(_person("stan.elsewhere@example.org", "Stan", "Elsewhere"), other_centre, RoleKind.CANDIDATE)


def new_platform_admin() -> User:
    return User.objects.create_superuser("pat.platform@example.org", PASSWORD, first_name="Pat", last_name="Platform")


def new_employer_contact(enrolment: Enrolment) -> User:
    return _follow(_person("erin.employer@example.org", "Erin", "Employer"), enrolment, "Brightside Retail")


def new_other_employer_contact(other_enrolment: Enrolment) -> User:
    return _follow(_person("gus.grocer@example.org", "Gus", "Grocer"), other_enrolment, "Greenway Grocers")


def enrol(
    candidate: User, centre: Centre, qualification: Qualification, assessor: User, iqa: User | None
) -> Enrolment:
    """`candidate` on `qualification` at `centre`, started 30 days ago."""
    return _enrol(candidate, centre, qualification, assessor, iqa)


@pytest.fixture
def qualification(make_qualification) -> Qualification:
    return make_qualification()


@pytest.fixture
def centre(db) -> Centre:
    return new_centre()


@pytest.fixture
def other_centre(db) -> Centre:
    return new_other_centre()


@pytest.fixture
def assessor(centre) -> User:
    return new_assessor(centre)


@pytest.fixture
def other_assessor(centre) -> User:
    return new_other_assessor(centre)


@pytest.fixture
def iqa(centre) -> User:
    return new_iqa(centre)


@pytest.fixture
def centre_admin(centre) -> User:
    return new_centre_admin(centre)


@pytest.fixture
def eqa(centre) -> User:
    return new_eqa(centre)


@pytest.fixture
def candidate(centre) -> User:
    return new_candidate(centre)


@pytest.fixture
def enrolment(candidate, centre, qualification, assessor, iqa) -> Enrolment:
    return _enrol(candidate, centre, qualification, assessor, iqa)


@pytest.fixture
def other_candidate(centre) -> User:
    return new_other_candidate(centre)


@pytest.fixture
def other_enrolment(other_candidate, centre, qualification, other_assessor) -> Enrolment:
    return _enrol(other_candidate, centre, qualification, other_assessor, None)


@pytest.fixture
def stranger_assessor(other_centre) -> User:
    return new_stranger_assessor(other_centre)


@pytest.fixture
def stranger_candidate(other_centre) -> User:
    return new_stranger_candidate(other_centre)


@pytest.fixture
def stranger_enrolment(stranger_candidate, other_centre, qualification, stranger_assessor) -> Enrolment:
    return _enrol(stranger_candidate, other_centre, qualification, stranger_assessor, None)


@pytest.fixture
def platform_admin(db) -> User:
    return new_platform_admin()


def _follow(person: User, enrolment: Enrolment, employer_name: str) -> User:
    """Name `person` the line manager of `enrolment` at the employer `employer_name` of its centre."""
    employer, _created = Employer.objects.get_or_create(centre=enrolment.centre, name=employer_name)
    Enrolment.objects.filter(pk=enrolment.pk).update(employer=employer)
    EmployerContact.objects.create(enrolment=enrolment, user=person, kind=EmployerContactKind.LINE_MANAGER,
                                   invited_by=person)
    return person


@pytest.fixture
def employer_contact(enrolment) -> User:
    """Cara's line manager at Brightside Retail: an employer contact, with no role at any centre."""
    return new_employer_contact(enrolment)


@pytest.fixture
def other_employer_contact(other_enrolment) -> User:
    """Olga's line manager at another employer of the same centre."""
    return new_other_employer_contact(other_enrolment)
