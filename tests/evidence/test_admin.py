"""The evidence admin is for reading: even a superuser cannot change, add or delete evidence there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evidence import services
from evidence.models import EvidenceItem, EvidenceVersion
from tests.evidence.evidence_factories import make_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(enrolment) -> EvidenceVersion:
    item = make_evidence(enrolment)
    return services.version_submit(version=item.current_version, by=enrolment.candidate)


def test_a_superuser_reads_a_submitted_version_in_the_admin(client, platform_admin, submitted):
    client.force_login(platform_admin)
    response = client.get(reverse("admin:evidence_evidenceversion_change", args=[submitted.pk]))
    assert response.status_code == 200 and "Reply to a complaint" in response.content.decode()


def test_a_superuser_cannot_edit_a_submitted_version_in_the_admin(client, platform_admin, submitted):
    client.force_login(platform_admin)
    url = reverse("admin:evidence_evidenceversion_change", args=[submitted.pk])
    response = client.post(url, {"title": "Rewritten after submission", "number": 1, "date": "2026-03-02",
                                 "status": "draft", "item": submitted.item_id})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert (submitted.title, submitted.status) == ("Reply to a complaint", "submitted")


@pytest.mark.parametrize("model", [EvidenceItem, EvidenceVersion])
def test_a_superuser_cannot_delete_evidence_in_the_admin(client, platform_admin, submitted, model):
    client.force_login(platform_admin)
    target = submitted.item if model is EvidenceItem else submitted
    url = reverse(f"admin:evidence_{model._meta.model_name}_delete", args=[target.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=target.pk).exists()
