"""Fixtures for the catalogue tests: people built generically, the real specs, and a spec of any size."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models

from units.models import (
    AssessableItem,
    Criterion,
    CriterionKind,
    Group,
    Measure,
    Outcome,
    Pathway,
    Qualification,
    Rule,
    RuleKind,
    Unit,
)

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures" / "qualifications"
FIXTURE_PATHS = sorted(FIXTURES_DIR.glob("*.json"))
TEST_PASSWORD = "a-long-test-password-9f8e7d"

# Queries every signed-in page makes besides its view's own: the session, the user,
# base.html's navigation asking whether the user is a centre admin anywhere, and its inbox's unread count.
REQUEST_QUERIES = 4


def user_kwargs(email: str, **extra: object) -> dict[str, object]:
    """Keyword arguments for `create_user` whatever the user model's USERNAME_FIELD is.

    Always passes `email=`; when the username field is something else, it gets a
    value derived from the address; other required fields get a placeholder.
    """
    model = get_user_model()
    kwargs: dict[str, object] = {"email": email, "password": TEST_PASSWORD}
    username_field = model.USERNAME_FIELD
    if username_field != "email":
        kwargs[username_field] = email.split("@")[0]
    for name in getattr(model, "REQUIRED_FIELDS", []):
        if name in kwargs or name in extra:
            continue
        field = model._meta.get_field(name)
        kwargs[name] = email if isinstance(field, models.EmailField) else f"Test {name}"
    kwargs.update(extra)
    return kwargs


@pytest.fixture
def make_user(db) -> Callable[..., models.Model]:
    def build(email: str, **extra: object) -> models.Model:
        return get_user_model().objects.create_user(**user_kwargs(email, **extra))

    return build


@pytest.fixture
def reader(make_user):
    """A signed-in person with no staff rights."""
    return make_user("reader@example.org", first_name="Rita", last_name="Reader")


@pytest.fixture
def staff_viewer(make_user):
    """A centre admin: staff, not a superuser. Views the catalogue, edits nothing."""
    return make_user("centre.staff@example.org", first_name="Cass", last_name="Staff", is_staff=True)


@pytest.fixture
def superuser(make_user):
    """A platform admin: edits the catalogue."""
    return make_user(
        "platform.root@example.org", first_name="Paula", last_name="Root", is_staff=True, is_superuser=True
    )


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


@pytest.fixture
def all_specs(db) -> list[Qualification]:
    """Every real spec, loaded from its fixture."""
    for path in FIXTURE_PATHS:
        call_command("loaddata", str(path), verbosity=0)
    return list(Qualification.objects.all())


@pytest.fixture
def make_spec(db) -> Callable[..., Qualification]:
    """A synthetic spec of any size with everything a page can show.

    Group A (mandatory) with a sub-group A1, group B (optional); `size` units
    alternating between A1 and B, each with two learning outcomes of two criteria
    (the second of each knowledge), GLH and TQT; two pathways with a rule each (the
    second makes the last unit mandatory in that pathway).
    """

    def build(code: str = "synthetic", size: int = 3, version: str = "1") -> Qualification:
        qualification = Qualification.objects.create(
            code=code, version=version, title=f"Synthetic Diploma {code}", awarding_body="Test Body", level=3
        )
        group_a = Group.objects.create(qualification=qualification, code="A", title="Mandatory units", order=1)
        group_a1 = Group.objects.create(
            qualification=qualification, code="A1", title="Core sub-group", parent=group_a, order=2
        )
        group_b = Group.objects.create(qualification=qualification, code="B", title="Optional units", order=3)
        units = []
        for n in range(1, size + 1):
            unit = Unit.objects.create(
                qualification=qualification, group=group_a1 if n % 2 else group_b, code=f"U{n}",
                title=f"Synthetic unit {n}", level=2 + n % 2, value=5, glh=10 * n, tqt=20 * n, order=n,
            )
            units.append(unit)
            item_order = 0
            for o in (1, 2):
                outcome = Outcome.objects.create(unit=unit, code=str(o), title=f"Outcome {o} of U{n}", order=o)
                for c in (1, 2):
                    criterion = Criterion.objects.create(
                        outcome=outcome, code=f"{o}.{c}", text=f"Criterion {o}.{c} of U{n}", order=c,
                        kind=CriterionKind.KNOWLEDGE if c == 2 else CriterionKind.PERFORMANCE,
                    )
                    item_order += 1
                    AssessableItem.objects.create(
                        unit=unit, outcome=outcome, criterion=criterion, code=criterion.code, text=criterion.text,
                        order=item_order,
                    )
        Rule.objects.create(
            qualification=qualification, identifier="total", kind=RuleKind.TOTAL, measure=Measure.VALUE,
            minimum=5, message="At least 5 credits in total.", order=1,
        )
        mandatory = Rule.objects.create(
            qualification=qualification, identifier="mandatory", kind=RuleKind.MANDATORY,
            message="Every unit of group A is mandatory.", order=2,
        )
        mandatory.groups.set([group_a])
        retail = Pathway.objects.create(qualification=qualification, name="Retail", order=1)
        contact = Pathway.objects.create(qualification=qualification, name="Contact centre", order=2)
        retail_rule = Rule.objects.create(
            qualification=qualification, pathway=retail, identifier="retail-optional", kind=RuleKind.TOTAL,
            measure=Measure.COUNT, minimum=1, message="Retail pathway: at least one unit from group B.", order=11,
        )
        retail_rule.groups.set([group_b])
        contact_rule = Rule.objects.create(
            qualification=qualification, pathway=contact, identifier="contact-mandatory", kind=RuleKind.MANDATORY,
            message=f"Contact centre pathway: unit U{size} is mandatory.", order=12,
        )
        contact_rule.units.set([units[-1]])
        return qualification

    return build
