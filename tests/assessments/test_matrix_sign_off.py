"""The tracking matrix shows sign-off: signed-off items, and countersigned units, beyond the evidence counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services
from tests.assessments.factories import items_of, signed_unit

pytestmark = pytest.mark.django_db


def _states(client, enrolment) -> dict[str, str]:
    response = client.get(reverse("assessments:matrix", kwargs={"pk": enrolment.pk}))
    return {f"{row.unit.code} {cell.item.code}": cell.state for row in response.context["rows"] for cell in row.cells}


def test_matrix_shows_signed_off_and_countersigned_items(client, enrolment, assessor, iqa) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    client.force_login(assessor)
    assert _states(client, enrolment)["B3 B3"] == "signed_off"
    services.countersign(unit_sign_off=sign_off, by=iqa)
    states = _states(client, enrolment)
    assert states["B3 B3"] == "countersigned"
    assert {states[f"A1 {item.code}"] for item in items_of(enrolment, "A1")} == {"none"}
