"""The gateway pack: asked for once the three parties signed, built in this process like a portfolio (the real
worker is in test_worker.py), refused by the worker if the declaration changed meanwhile; its pages."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from apprenticeships.models import Achievement
from exports import services
from exports.models import ExportKind, ExportStatus, PortfolioExport
from tests.apprenticeships.gateway_factories import ready, record, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(enrolment, employer_contact, private_storage):
    apprentice = ready(enrolment)
    sign_all(apprentice, employer_contact)
    return apprentice


def pdf_text(export: PortfolioExport) -> str:
    reader = PdfReader(default_storage.open(export.file_name))
    return " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")


def test_the_pack_is_refused_until_all_three_signed(enrolment, employer_contact, private_storage, sent) -> None:
    apprentice = ready(enrolment)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="each signed the declaration"):
        services.gateway_pack_request(enrolment=apprentice, by=apprentice.assessor)
    assert not PortfolioExport.objects.exists()


def test_a_qualification_that_is_not_a_standard_has_no_pack(enrolment, sent) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="not an apprenticeship standard"):
        services.gateway_pack_request(enrolment=enrolment, by=enrolment.assessor)


def test_a_request_enqueues_after_commit_and_a_second_one_returns_the_first(
    signed, sent, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        pack = services.gateway_pack_request(enrolment=signed, by=signed.candidate)
    assert sent == [(pack.pk,)]
    assert pack.kind == ExportKind.GATEWAY_PACK and len(pack.declaration_hash) == 64
    assert services.gateway_pack_request(enrolment=signed, by=signed.assessor).pk == pack.pk


def test_the_pack_is_built_once_with_everything_the_epao_needs(signed, sent, private_storage) -> None:
    pack = services.gateway_pack_request(enrolment=signed, by=signed.assessor)
    assert services.export_build(export_id=pack.pk) == "done"
    pack.refresh_from_db()
    assert pack.status == ExportStatus.DONE and pack.file_name == f"exports/{signed.pk}/gateway-pack-{pack.pk}.pdf"
    text = pdf_text(pack)
    for expected in ("End-point assessment gateway pack", "Cara Candidate", "At least 12 months on programme.",
                     "Level 2 maths achieved on", "K1", "Reply to a complaint", "signed off", "Verified",
                     "Certificate seen by the assessor", "We declare that the apprentice", "Erin Employer",
                     "Ash Assessor", "Apprentice", "Training provider", "Valid"):
        assert expected in text, expected
    assert pack.declaration_hash in text.replace(" ", "")
    assert services.export_build(export_id=pack.pk) == "finished"  # a second delivery changes nothing
    assert sorted(p.name for p in (private_storage / "exports" / str(signed.pk)).iterdir()) == [
        f"gateway-pack-{pack.pk}.pdf"]


def test_the_worker_refuses_a_pack_whose_declaration_changed(signed, sent) -> None:
    pack = services.gateway_pack_request(enrolment=signed, by=signed.assessor)
    Achievement.objects.filter(enrolment=signed, kind="maths").update(evidenced_by="Another certificate")
    assert services.export_build(export_id=pack.pk) == "failed"
    pack.refresh_from_db()
    assert pack.status == ExportStatus.FAILED and "sign it again" in pack.error


def test_the_pack_page_asks_for_and_shows_the_pack(client, signed, sent) -> None:
    client.force_login(signed.assessor)
    url = reverse("exports:gateway_packs", kwargs={"pk": signed.pk})
    assert "Build the gateway pack" in client.get(url).text
    response = client.post(reverse("exports:gateway_pack_create", kwargs={"pk": signed.pk}), follow=True)
    assert "The gateway pack is being built" in response.text
    pack = PortfolioExport.objects.get()
    assert f'id="export-{pack.pk}"' in response.text
    # Not among the portfolio exports.
    assert f'id="export-{pack.pk}"' not in client.get(reverse("exports:export_list", kwargs={"pk": signed.pk})).text


def test_the_pack_page_says_what_is_missing_before_the_signatures(client, enrolment, private_storage) -> None:
    apprentice = ready(enrolment)
    client.force_login(apprentice.candidate)
    page = client.get(reverse("exports:gateway_packs", kwargs={"pk": apprentice.pk})).text
    assert 'data-testid="gateway-pack-unsigned"' in page and "Build the gateway pack" not in page
    response = client.post(reverse("exports:gateway_pack_create", kwargs={"pk": apprentice.pk}), follow=True)
    assert "each signed the declaration" in response.text and not PortfolioExport.objects.exists()


def test_the_employer_does_not_reach_the_pack(client, signed, employer_contact) -> None:
    client.force_login(employer_contact)
    assert client.get(reverse("exports:gateway_packs", kwargs={"pk": signed.pk})).status_code == 403


def test_the_downloaded_pack_is_a_pdf_named_for_the_apprentice(client, signed, sent) -> None:
    pack = services.gateway_pack_request(enrolment=signed, by=signed.assessor)
    services.export_build(export_id=pack.pk)
    client.force_login(signed.candidate)
    response = client.get(reverse("exports:export_download", kwargs={"pk": pack.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert "gateway-pack-cara-candidate-" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_pack_page_costs_the_same_queries_as_packs_grow(client, signed, sent) -> None:
    client.force_login(signed.assessor)
    url = reverse("exports:gateway_packs", kwargs={"pk": signed.pk})
    services.gateway_pack_request(enrolment=signed, by=signed.assessor)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(3):
        PortfolioExport.objects.create(enrolment=signed, requested_by=signed.assessor, kind=ExportKind.GATEWAY_PACK)
    record(signed, "english", level=3)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(small) == 14  # the person's roles read once a request
