"""File fingerprints (SHA-256): shown to those who check files (assessor, IQA, EQA, centre admin), never to the
candidate.

The candidate sees their files by name, size and type on every page of theirs; the PDF export keeps the
fingerprints for everyone (tests/exports).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services
from evidence.models import EvidenceFile
from tests.assessments.factories import items_of, mapping_of, submitted_evidence
from tests.evidence.evidence_factories import make_evidence, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(private_storage, enrolment, assessor):
    """Cara's submitted evidence with a PNG, its claim on A1 accepted (so the review and progress pages list it)."""
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    services.mapping_accept(mapping=mapping_of(evidence, item), by=assessor)
    services.item_sign_off(enrolment=enrolment, assessable_item=item, by=assessor)
    return evidence


def _fingerprint(evidence) -> str:
    return EvidenceFile.objects.get(version=evidence.current_version).sha256[:12]


def _pages(enrolment, evidence) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "library": reverse("evidence:library", kwargs={"pk": enrolment.pk}),
        "evidence detail": reverse("evidence:detail", kwargs={"pk": evidence.pk}),
        "review": reverse("assessments:review", kwargs={"pk": enrolment.pk, "evidence_pk": evidence.pk}),
        "progress": reverse("assessments:progress", kwargs={"pk": enrolment.pk}),
    }


def test_the_candidate_sees_no_fingerprint_on_any_page_of_theirs(client, enrolment, evidence) -> None:
    client.force_login(enrolment.candidate)
    fingerprint = _fingerprint(evidence)
    for name, path in _pages(enrolment, evidence).items():
        html = client.get(path).content.decode()
        assert "Reply to a complaint" in html, f"the {name} page does not list the evidence"
        assert fingerprint not in html and "SHA-256" not in html, f"the {name} page shows the candidate a fingerprint"


def test_a_file_the_candidate_uploads_is_listed_without_its_fingerprint(client, private_storage, enrolment) -> None:
    draft = make_evidence(enrolment, with_file=False)
    client.force_login(enrolment.candidate)
    response = client.post(reverse("evidence:upload", kwargs={"pk": draft.pk}), {"files": [png_upload()]},
                           HTTP_ACCEPT="application/json")
    (result,) = response.json()["results"]
    assert result["ok"] and "screenshot.png" in result["html"]
    assert "SHA-256" not in result["html"]


@pytest.mark.parametrize("viewer", ["assessor", "iqa", "eqa", "centre_admin"])
def test_those_who_check_files_see_the_fingerprints(client, request, viewer, enrolment, evidence) -> None:
    client.force_login(request.getfixturevalue(viewer))
    fingerprint = _fingerprint(evidence)
    pages = _pages(enrolment, evidence)
    for name in ("evidence detail", "review", "progress"):
        html = client.get(pages[name]).content.decode()
        assert fingerprint in html and "SHA-256" in html, f"the {name} page hides the fingerprint from the {viewer}"
