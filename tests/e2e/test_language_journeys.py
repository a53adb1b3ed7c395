"""The whole round in Polish and in Turkish, in a real browser: a candidate whose saved language is Polish (on SFIA
CSMG, seed 003's Polish) or Turkish (on the OCR diploma, seed 000's Turkish) chooses units with the live rules
panel, uploads evidence and maps it; her assessor, who reads the same language, accepts it and signs it off; she
asks for the PDF and a REAL worker builds it in her language.

Elements are found by id, name, form action and data attributes, not by their words: the interface text is
translated by the catalogues, and the journey holds whatever they say. Every page is checked for its `lang`,
with axe at 1366 px and at 390 px (no sideways scrolling there), and saved as a screenshot in test-output/.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from candidates.models import Enrolment
from evidence.models import EvidenceItem, Mapping
from exports.models import PortfolioExport
from tests.conftest import PASSWORD
from tests.exports import worker_harness
from tests.exports.portfolio_factory import jpeg_bytes
from tests.exports.worker_harness import Worker, broker, redis_for_test
from units.models import AssessableItem, Qualification

pytestmark = pytest.mark.e2e

start_worker = worker_harness.start_worker

SPECS = Path(settings.BASE_DIR) / "fixtures" / "qualifications"
DONE_TIMEOUT_MS = 60_000
WIDTHS = (1366, 390)


@dataclass(frozen=True)
class Round:
    """One language's round: the spec, the unit chosen and the item mapped, and what must show in that language."""

    language: str
    spec: str
    unit: str  # the unit the candidate ticks ("" when the spec's only unit is mandatory)
    mapped_unit: str
    mapped_item: str
    spec_text: tuple[str, ...]  # seed wording shown on the spec's page (the first on the unit choice too)
    rules_text: str  # a rule on the spec's page, in the seed's words ("" when the seed has none)
    pdf_text: tuple[str, ...]  # seed wording the PDF must carry
    english: str  # the spec's English for the same text: must not show instead
    title: str
    text: str


ROUNDS = {
    "pl": Round(
        language="pl", spec="sfia-csmg", unit="", mapped_unit="CSMG", mapped_item="3",
        spec_text=("Dział obsługi klienta", "Poziom 3 – Stosowanie"),
        rules_text="",
        pdf_text=("Poziom 3 – Stosowanie", "Działa jako rutynowy punkt kontaktowy dla klientów"),
        english="Acts as a routine point of contact for customers",
        title="Obsługa reklamacji klienta",
        text="Przyjęłam zgłoszenie klientki, sprawdziłam zamówienie i zaproponowałam zwrot w ciągu godziny.",
    ),
    "tr": Round(
        language="tr", spec="ocr-l3-customer-service", unit="A3", mapped_unit="A3", mapped_item="A3",
        spec_text=("Müşterilerle etkili bir şekilde iletişim kurun", "Müşteri hizmetlerini anladığınızı gösterin"),
        rules_text="Adayların bu yeterliliği elde etmek için toplam 42 kredi alması gerekir.",
        pdf_text=("Müşterilerle etkili bir şekilde iletişim kurun",),
        english="Communicate effectively with customers",
        title="Bir müşteri şikayetini çözdüm",
        text="Müşteriyi dinledim, siparişini kontrol ettim ve bir saat içinde para iadesi önerdim.",
    ),
}


@pytest.fixture
def export_worker(live_url, start_worker, tmp_path) -> Iterator[Worker]:
    """A real worker on Redis, with the live server sending its tasks to the same Redis."""
    with redis_for_test(tmp_path) as url:
        worker = start_worker(redis_url=url)
        with broker(url, {"visibility_timeout": 7200}):
            yield worker


def _enrol(round_: Round, candidate, assessor, centre) -> Enrolment:
    call_command("loaddata", str(SPECS / f"{round_.spec}.json"), verbosity=0)
    for person in (candidate, assessor):
        person.language = round_.language
        person.save(update_fields=["language"])
    today = timezone.localdate()
    return Enrolment.objects.create(
        candidate=candidate, centre=centre, qualification=Qualification.objects.get(code=round_.spec),
        assessor=assessor, start_date=today - datetime.timedelta(days=30),
        planned_end_date=today + datetime.timedelta(days=335))


class Journey:
    """The checks every page gets: its language, axe at both widths, no sideways scrolling on a phone, a shot."""

    def __init__(self, page: Page, live_url: Callable[[str], str], axe: Callable, shot: Callable,
                 language: str) -> None:
        self.page, self.live_url, self.axe, self.shot, self.language = page, live_url, axe, shot, language

    def go(self, path: str) -> None:
        self.page.goto(self.live_url(path))

    def check(self, name: str) -> None:
        page = self.page
        expect(page.locator("html")).to_have_attribute("lang", self.language)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            self.axe(page, f"{name} at {width} px in {self.language}")
            if width == 390:
                scroll = page.evaluate("() => document.documentElement.scrollWidth")
                assert scroll <= 390, f"{name} scrolls sideways at 390 px in {self.language}: {scroll}"
            self.shot(page, f"{self.language}-{name}-{width}")
        page.set_viewport_size({"width": 1366, "height": 900})

    def sign_in(self, email: str) -> None:
        self.go(reverse("login"))
        self.page.locator("#id_username").fill(email)
        self.page.locator("#id_password").fill(PASSWORD)
        self.submit(reverse("login"))
        expect(self.page.get_by_test_id("signed-in-as")).to_be_visible()

    def sign_out(self) -> None:
        self.submit(reverse("logout"))
        expect(self.page.locator("#id_username")).to_be_visible()

    def submit(self, action: str) -> None:
        """Press the submit button of the form posting to `action` (whatever its words)."""
        self.page.locator(f'form[action="{action}"] button[type="submit"]').first.click()


@pytest.mark.parametrize("language", ["pl", "tr"])
def test_the_whole_round_in_the_candidates_language(
    page: Page, live_url: Callable[[str], str], language: str, candidate, assessor, centre, private_storage,
    export_worker: Worker, axe: Callable, shot: Callable, console_errors: list, tmp_path: Path,
) -> None:
    round_ = ROUNDS[language]
    enrolment = _enrol(round_, candidate, assessor, centre)
    journey = Journey(page, live_url, axe, shot, language)
    item = AssessableItem.objects.get(unit__qualification=enrolment.qualification, unit__code=round_.mapped_unit,
                                      code=round_.mapped_item)

    # The candidate signs in (her browser asks for English; her saved choice wins) and chooses her units.
    page.context.set_extra_http_headers({"Accept-Language": "en-GB,en;q=0.9"})
    journey.sign_in(candidate.email)
    journey.check("home")
    # The spec as she reads it: the seed's wording of its units and rules.
    journey.go(reverse("units:qualification_detail", args=[round_.spec, "1"]))
    for words in round_.spec_text:
        expect(page.locator("main")).to_contain_text(words)
    if round_.rules_text:
        expect(page.locator("main")).to_contain_text(round_.rules_text)
    journey.check("spec")
    journey.go(reverse("candidates:unit_choice", kwargs={"pk": enrolment.pk}))
    panel = page.get_by_test_id("rules-panel")
    expect(panel).to_be_visible()
    for words in round_.spec_text[:1]:
        expect(page.locator("#unit-choice-form")).to_contain_text(words)
    expect(page.locator("#unit-choice-form")).not_to_contain_text(round_.english)
    if round_.unit:
        before = panel.inner_html()
        with page.expect_response(lambda r: r.url.endswith(reverse("candidates:unit_choice_check",
                                                                   kwargs={"pk": enrolment.pk}))):
            page.locator(f'input[name="units"][value="{round_.unit}"]').check()
        expect(panel).not_to_have_text(before)  # the live panel answered the tick
    journey.check("unit-choice")
    page.locator('#unit-choice-form button[type="submit"]:not([formaction])').click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert round_.mapped_unit in set(enrolment.unit_choices.values_list("unit__code", flat=True))

    # She writes a statement in her language and uploads a photo with it.
    journey.go(reverse("evidence:create", kwargs={"pk": enrolment.pk}))
    page.locator('input[name="kind"][value="work_product"]').check()
    page.locator("#id_title").fill(round_.title)
    page.locator("#id_text").fill(round_.text)
    journey.check("new-evidence")
    page.locator('form:has(#id_title) button[type="submit"]').click()
    expect(page.locator("h1")).to_have_text(round_.title)
    evidence = EvidenceItem.objects.get(enrolment=enrolment)
    assert evidence.current_version is not None and evidence.current_version.language == language
    expect(page.locator("h1")).to_have_attribute("lang", language)
    photo = tmp_path / "kasa.jpg"
    photo.write_bytes(jpeg_bytes())
    expect(page.locator("#id_files")).to_be_visible()
    page.wait_for_load_state("load")
    page.locator("#id_files").set_input_files(str(photo))
    expect(page.locator("[data-upload-results] .upload-ok")).to_have_count(1, timeout=20_000)
    page.reload()
    journey.check("evidence-with-photo")

    # She maps it to the criterion, reading the criterion in her language, and submits it.
    journey.go(reverse("evidence:mapping", kwargs={"pk": evidence.pk}))
    seed_wording = getattr(item, f"text_{language}")
    assert seed_wording  # the seed gives the criterion in this language
    expect(page.locator(f'label[for="item-{item.pk}"]')).to_contain_text(seed_wording)
    page.locator(f"#item-{item.pk}").check()
    journey.check("mapping")
    page.locator('form:has(input[name="items"]) button[type="submit"]').click()
    expect(page.locator(f'form[action="{reverse("evidence:submit", kwargs={"pk": evidence.pk})}"]')).to_be_visible()
    journey.submit(reverse("evidence:submit", kwargs={"pk": evidence.pk}))
    expect(page.locator(f'form[action="{reverse("evidence:submit", kwargs={"pk": evidence.pk})}"]')).to_have_count(0)
    journey.check("evidence-submitted")
    journey.sign_out()

    # Her assessor, who reads the same language, accepts the claim and signs the criterion off.
    journey.sign_in(assessor.email)
    journey.check("assessor-home")
    journey.go(reverse("assessments:review", kwargs={"pk": enrolment.pk, "evidence_pk": evidence.pk}))
    expect(page.locator("h1")).to_have_attribute("lang", language)
    mapping = Mapping.objects.get(version=evidence.current_version, assessable_item=item)
    journey.check("review")
    journey.submit(reverse("assessments:mapping_accept", kwargs={"pk": enrolment.pk, "mapping_pk": mapping.pk}))
    expect(page.locator(f'form[action="{reverse("assessments:mapping_accept", kwargs={"pk": enrolment.pk, "mapping_pk": mapping.pk})}"]')).to_have_count(0)  # noqa: E501
    journey.check("review-accepted")
    journey.go(reverse("assessments:progress", kwargs={"pk": enrolment.pk}))
    sign_off = reverse("assessments:item_sign_off", kwargs={"pk": enrolment.pk, "item_pk": item.pk})
    journey.submit(sign_off)
    expect(page.locator(f'form[action="{sign_off}"]')).to_have_count(0)
    assert enrolment.item_sign_offs.filter(assessable_item=item).exists()
    journey.check("progress-signed-off")
    journey.sign_out()

    # She asks for the PDF in her language; the worker builds it; she downloads it.
    journey.sign_in(candidate.email)
    journey.go(reverse("exports:export_list", kwargs={"pk": enrolment.pk}))
    page.locator("#id_language").select_option("candidate")
    journey.check("export-page")
    journey.submit(reverse("exports:export_create", kwargs={"pk": enrolment.pk}))
    download = page.locator('a[href$="/download/"]').first
    try:
        expect(download).to_be_visible(timeout=DONE_TIMEOUT_MS)
    except AssertionError as error:
        states = list(PortfolioExport.objects.values_list("pk", "status", "stage", "error"))
        pytest.fail(f"{error}\nExports: {states}\nWorker log:\n{export_worker.tail()}", pytrace=False)
    assert PortfolioExport.objects.get().language == language
    journey.check("export-ready")
    with page.expect_download() as info:
        download.click()
    reader = PdfReader(info.value.path())
    text = " ".join(p.extract_text() for p in reader.pages)
    text = re.sub(r"\s+", " ", text)
    for words in round_.pdf_text:
        assert words in text, (words, text[:3000])
    assert round_.english not in text
    assert round_.title in text and round_.text[:40] in text  # her words as she wrote them
    assert console_errors == []
