"""Every page of a paused enrolment says so, and stays readable: walked from the permission walk's rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from candidates.models import Enrolment, EnrolmentStatus
from tests.test_permission_walk import OK, WALK, world, world_of_the_module  # noqa: F401 - fixtures used below


def _paused_pages(role: str) -> list[str]:
    """The URL names of the walk that `role` reads (GET) on the paused enrolment."""
    return sorted(name for name, row in WALK.items()
                  if row.get is not None and "paused" in row.targets and row.get[role]["paused"] == OK)


@pytest.mark.parametrize("role", ["candidate", "centre_admin"])
def test_every_page_of_a_paused_enrolment_shows_the_banner(client, world, role) -> None:  # noqa: F811
    client.force_login(getattr(world, role))
    pages = 0
    for name in _paused_pages(role):
        # Each row builds its objects while the enrolment is active, then pauses it.
        Enrolment.objects.filter(pk=world.paused_enrolment.pk).update(status=EnrolmentStatus.ACTIVE)
        url = reverse(name, kwargs=WALK[name].targets["paused"](world))
        response = client.get(url)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        if not response.get("Content-Type", "").startswith("text/html") or "<html" not in response.text:
            continue  # a file, or an HTMX fragment of a page that has the banner
        pages += 1
        assert 'data-testid="frozen-banner"' in response.text, f"{name} ({url}) does not say it is paused"
        assert "nothing can be changed until the centre resumes it" in response.text, name
    assert pages >= 15, f"only {pages} pages walked"


def test_an_active_enrolment_shows_no_banner(client, world) -> None:  # noqa: F811
    client.force_login(world.candidate)
    page = client.get(reverse("candidates:enrolment_detail", kwargs={"pk": world.enrolment.pk}))
    assert 'data-testid="frozen-banner"' not in page.text
