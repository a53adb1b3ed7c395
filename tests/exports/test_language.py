"""The PDF's language: the person asking chooses theirs, the candidate's or any offered language; the worker
renders in it, the spec's wording in that language where the spec carries a translation."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from candidates.models import Enrolment, UnitChoice
from exports import services
from exports.models import ExportStatus, PortfolioExport
from units.models import Qualification, Unit

from ..conftest import PASSWORD
from .worker_harness import own_redis

SFIA_SPEC = Path(settings.BASE_DIR) / "fixtures" / "qualifications" / "sfia-csmg.json"
#: Seed 003's Polish for SFIA CSMG's level 3 (its name and the start of its description), and the English.
SFIA_LEVEL_3_PL = ("Poziom 3 – Stosowanie", "Działa jako rutynowy punkt kontaktowy dla klientów")
SFIA_LEVEL_3_EN = "Acts as a routine point of contact for customers"


def _post(client, user, enrolment, **data):
    client.login(username=user.email, password=PASSWORD)
    return client.post(reverse("exports:export_create", args=[enrolment.pk]), {"format": "pdf", **data})


@pytest.mark.django_db
@pytest.mark.parametrize(("choice", "expected"), [("mine", "cy"), ("candidate", "pl"), ("tr", "tr"), ("", "cy")])
def test_the_asker_chooses_the_pdfs_language(client, assessor, candidate, enrolment, sent, choice, expected):
    assessor.language, candidate.language = "cy", "pl"
    assessor.save(update_fields=["language"])
    candidate.save(update_fields=["language"])
    response = _post(client, assessor, enrolment, language=choice)
    assert response.status_code == 302
    assert PortfolioExport.objects.get().language == expected


@pytest.mark.django_db
def test_a_candidate_without_a_saved_language_has_the_sites(client, assessor, enrolment, sent):
    assessor.language = "tr"
    assessor.save(update_fields=["language"])
    assert _post(client, assessor, enrolment, language="candidate").status_code == 302
    assert PortfolioExport.objects.get().language == "en-gb"


@pytest.mark.django_db
def test_the_page_names_the_choices_and_refuses_a_language_not_offered(client, assessor, candidate, enrolment, sent):
    candidate.language = "pl"
    candidate.save(update_fields=["language"])
    client.login(username=assessor.email, password=PASSWORD)
    page = client.get(reverse("exports:export_list", args=[enrolment.pk]), HTTP_ACCEPT_LANGUAGE="en-gb")
    html = page.content.decode()
    assert 'name="language"' in html
    assert "(English)" in html and "(Polski)" in html  # mine, the candidate's
    assert '<option value="tr" lang="tr">Türkçe</option>' in html
    response = _post(client, assessor, enrolment, language="de")
    assert response.status_code == 400
    assert 'id="language-error"' in response.content.decode()
    assert not PortfolioExport.objects.exists() and sent == []


@pytest.mark.django_db
def test_the_service_refuses_a_language_not_offered(enrolment, candidate, sent):
    with pytest.raises(ValidationError):
        services.export_request(enrolment=enrolment, by=candidate, language="de")
    assert not PortfolioExport.objects.exists()
    assert services.export_request(enrolment=enrolment, by=candidate).language == "en-gb"


@pytest.mark.django_db
def test_the_pdfs_html_is_in_the_exports_language(enrolment, candidate):
    from django.utils import translation

    from exports.gather import gather_portfolio
    from exports.render import part_html

    with translation.override("pl"):
        html = part_html(gather_portfolio(enrolment.pk), [])
    assert '<html lang="pl" dir="ltr">' in html


# --- through a real worker -------------------------------------------------------------------------


@pytest.fixture
def polish_sfia_enrolment(candidate, centre, assessor, iqa) -> Enrolment:
    """The candidate (Polish) on SFIA CSMG, the seed 003 spec, with its one unit chosen."""
    call_command("loaddata", str(SFIA_SPEC), verbosity=0)
    candidate.language = "pl"
    candidate.save(update_fields=["language"])
    today = timezone.localdate()
    enrolment = Enrolment.objects.create(
        candidate=candidate, centre=centre, qualification=Qualification.objects.get(code="sfia-csmg"),
        assessor=assessor, iqa=iqa, start_date=today - datetime.timedelta(days=30),
        planned_end_date=today + datetime.timedelta(days=335))
    UnitChoice.objects.create(enrolment=enrolment, unit=Unit.objects.get(qualification=enrolment.qualification))
    return enrolment


def _pdf_text(export: PortfolioExport) -> str:
    reader = PdfReader(default_storage.open(export.file_name))
    return " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")


@pytest.mark.django_db(transaction=True)
def test_a_polish_candidates_pdf_carries_seed_003s_polish_sfia_levels(
        polish_sfia_enrolment, assessor, start_worker, private_storage, tmp_path):
    import time

    from .worker_harness import broker

    with own_redis(tmp_path) if not os.environ.get("REDIS_URL") else _nothing() as server:
        url = server.url if server else os.environ["REDIS_URL"]
        worker = start_worker(redis_url=url)
        with broker(url, {"visibility_timeout": 7200}):
            polish = services.export_request(enrolment=polish_sfia_enrolment, by=assessor, language="pl")
            english = services.export_request(enrolment=polish_sfia_enrolment, by=assessor, language="en-gb")
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and PortfolioExport.objects.filter(
                    pk__in=[polish.pk, english.pk], status=ExportStatus.DONE).count() < 2:
                assert not PortfolioExport.objects.filter(status=ExportStatus.FAILED).exists(), \
                    worker.log.read_text(errors="replace")[-4000:]
                time.sleep(0.3)
    polish.refresh_from_db()
    english.refresh_from_db()
    assert (polish.status, english.status) == (ExportStatus.DONE, ExportStatus.DONE), \
        worker.log.read_text(errors="replace")[-4000:]
    text = _pdf_text(polish)
    for phrase in (*SFIA_LEVEL_3_PL, "Dział obsługi klienta"):
        assert phrase in text, phrase
    assert SFIA_LEVEL_3_EN not in text
    english_text = _pdf_text(english)
    assert SFIA_LEVEL_3_EN in english_text and SFIA_LEVEL_3_PL[1] not in english_text


def _nothing():
    from contextlib import nullcontext

    return nullcontext(None)
