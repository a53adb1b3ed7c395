"""Spec content in several languages: the seeds' own wording shown to readers of their language, English
where a translation is missing, and a loader that takes translations, refuses languages not offered and
compares the spec's own (English) wording whatever language is active."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from units.models import AssessableItem, Criterion, Group, Outcome, Qualification, Rule, Unit
from units.services.specs import check_spec, publish_spec
from units.specformat import EXAMPLE

from .conftest import FIXTURES_DIR
from .test_fixtures import snapshot
from .test_views import text_of

pytestmark = pytest.mark.django_db

OCR, SFIA, ADMIN = "ocr-l3-customer-service", "sfia-csmg", "nvq-business-admin-internal-customer-service"

#: Seed 000's Turkish titles of the seven units it names.
OCR_UNITS_TR = {
    "F3": "Müşteri hizmetlerini anladığınızı gösterin",
    "F4": "Müşteri hizmetlerinde iyileştirmeleri etkileyen kuralları anladığınızı gösterin",
    "A3": "Müşterilerle etkili bir şekilde iletişim kurun",
    "A13": "Müşteriyle yazılı veya elektronik olarak görüşün",
    "B11": "Müşteri ilişkisini iyileştirin",
    "C5": "Müşteri hizmetleri sorunlarını izleyin ve çözün",
    "D6": "Kendi kendine çalışma yoluyla kendi müşteri hizmetleri becerilerinizi geliştirin",
}
#: Seed 003's Polish for SFIA CSMG's level 3: its name, skill-specific description and essence.
SFIA_LEVEL_3_PL = (
    "Poziom 3 – Stosowanie",
    "Działa jako rutynowy punkt kontaktowy dla klientów, obsługując szeroki zakres zapytań i zgłoszeń serwisowych.",
    "Wykonuje zróżnicowane zadania, czasami złożone i nierutynowe, przy użyciu standardowych metod i procedur.",
)
SFIA_LEVEL_3_EN = "Acts as a routine point of contact for customers"


def path_of(code: str):
    return FIXTURES_DIR / f"{code}.json"


def objects_of(code: str) -> list[dict[str, Any]]:
    return json.loads(path_of(code).read_text(encoding="utf-8"))


def load(*codes: str) -> None:
    for code in codes:
        call_command("loaddata", str(path_of(code)), verbosity=0)


def page(client, code: str, language: str) -> str:
    url = reverse("units:qualification_detail", args=[code, "1"])
    return text_of(client.get(url, HTTP_ACCEPT_LANGUAGE=language))


# --- what a reader sees ------------------------------------------------------------------------


def test_a_polish_reader_sees_seed_003s_sfia_level_text(reader, client) -> None:
    load(SFIA)
    reader.language = "pl"  # the saved choice, whatever the browser says
    reader.save(update_fields=["language"])
    client.force_login(reader)
    text = page(client, SFIA, "en-gb")
    for phrase in (*SFIA_LEVEL_3_PL, "Dział obsługi klienta", "SFIA 9: Dział obsługi klienta (CSMG)"):
        assert phrase in text, phrase
    assert SFIA_LEVEL_3_EN not in text


def test_an_english_reader_sees_the_specs_own_wording(reader_client) -> None:
    load(SFIA)
    text = page(reader_client, SFIA, "en-gb")
    assert SFIA_LEVEL_3_EN in text and SFIA_LEVEL_3_PL[1] not in text


def test_a_turkish_reader_sees_seed_000s_unit_titles_and_rules(reader_client) -> None:
    load(OCR)
    text = page(reader_client, OCR, "tr")
    for code, title in OCR_UNITS_TR.items():
        assert f"{code} {title}" in text
    assert "Müşteri Hizmetlerinde OCR NVQ Seviye 3 Diploması" in text
    assert "Adayların bu yeterliliği elde etmek için toplam 42 kredi alması gerekir." in text
    assert "F3 Demonstrate understanding of customer service" not in text


def test_a_missing_translation_falls_back_to_english(reader_client) -> None:
    load(OCR, ADMIN)
    # No Polish for the OCR Diploma, no Welsh for anything: the reader sees the English.
    for language in ("pl", "cy"):
        text = page(reader_client, OCR, language)
        assert "F3 Demonstrate understanding of customer service" in text
        assert "At least 42 credits in total." in text
    # Seed 004 has Polish for the criteria but not for the learning outcomes' titles: each as it can.
    text = page(reader_client, ADMIN, "pl")
    assert "4.1 Określ standardy jakości dla własnej organizacji i pracy" in text
    assert "Understand how to deal with internal customer service problems" in text
    assert "Identify the quality standards for own organisation and work" not in text


def test_each_reader_reads_the_same_rows_in_their_own_language() -> None:
    load(ADMIN)
    criterion = Criterion.objects.get(outcome__unit__qualification__code=ADMIN, code="6.3")
    with translation.override("pl"):
        assert criterion.text == "Wyjaśnij korzyści płynące z ciągłego doskonalenia"
    with translation.override("tr"):
        assert criterion.text == "Explain the benefits of continuous improvement"
    with translation.override("en-gb"):
        assert criterion.text == "Explain the benefits of continuous improvement"


# --- the loader ----------------------------------------------------------------------------------


def refused(objects: list[dict[str, Any]]) -> list[str]:
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        publish_spec(content=json.dumps(objects).encode(), name="spec.json")
    assert snapshot() == before
    return caught.value.messages


def with_unit_field(name: str, value: str) -> list[dict[str, Any]]:
    objects = json.loads(json.dumps(EXAMPLE))
    unit = next(o for o in objects if o["model"] == "units.unit" and o["fields"]["code"] == "O1")
    unit["fields"][name] = value
    return objects


def test_the_loader_refuses_a_translation_into_a_language_not_offered() -> None:
    (message,) = refused(with_unit_field("title_de", "Beschwerden bearbeiten"))
    assert message == (
        "spec.json: unit O1: 'title_de' is a translation into a language the site does not offer: the translations "
        "of title are title_cy (cy), title_pl (pl), title_tr (tr) (its en-gb wording goes in title itself); rename "
        "or remove it"
    )


def test_the_loader_refuses_the_english_column_the_english_is_the_field_itself() -> None:
    (message,) = refused(with_unit_field("title_en_gb", "Handle complaints"))
    assert message.startswith("spec.json: unit O1: remove 'title_en_gb': the spec's own language (en-gb) is written "
                              "in title")


def test_a_translation_on_a_field_that_has_none_is_an_unknown_field() -> None:
    (message,) = refused(with_unit_field("barring_code_pl", "CMP"))
    assert message.startswith("spec.json: unit O1: unknown field 'barring_code_pl'; its fields are ")


def test_a_translation_too_long_for_its_column_is_refused() -> None:
    (message,) = refused(with_unit_field("title_pl", "x" * 256))
    assert message.startswith("spec.json: unit O1: title_pl ")


def test_loading_twice_in_another_language_changes_nothing(reader_client) -> None:
    content = path_of(OCR).read_bytes()
    with translation.override("pl"):  # an editor reading the site in Polish uploads it, twice
        publish_spec(content=content, name="ocr.json")
        rows = snapshot()
        again = check_spec(content=content, name="ocr.json")
        publish_spec(content=content, name="ocr.json")
    assert again.unchanged and again.changes == ()
    assert snapshot() == rows
    unit = Unit.objects.get(qualification__code=OCR, code="F3")
    # The English went to the English column, the Turkish to the Turkish; nothing was filled from the active language.
    assert (unit.title_en_gb, unit.title_tr, unit.title_pl) == (  # type: ignore[attr-defined]
        "Demonstrate understanding of customer service", OCR_UNITS_TR["F3"], None)


def test_a_changed_translation_is_a_change_and_an_unchanged_one_is_not() -> None:
    load(SFIA)
    objects = objects_of(SFIA)
    level = next(o for o in objects if o["model"] == "units.outcome" and o["fields"]["code"] == "2")
    level["fields"]["title_pl"] = "Poziom 2 – Pomaganie"
    check = check_spec(content=json.dumps(objects).encode(), name="sfia.json")
    assert check.changes == ("changed outcome 2 of unit CSMG: title_pl",)


def test_the_loaders_comparison_reads_the_english_whatever_language_is_active() -> None:
    load(SFIA)
    objects = objects_of(SFIA)
    item = next(o for o in objects if o["model"] == "units.assessableitem" and o["fields"]["code"] == "3")
    item["fields"]["text"] = item["fields"]["text"].replace("routine point", "first point")
    with translation.override("pl"):  # the Polish reads the same; the English changed
        check = check_spec(content=json.dumps(objects).encode(), name="sfia.json")
    # One change, item 3's text, in the Polish reader's words.
    assert len(check.changes) == 1 and check.changes[0].endswith(" 3 jednostki CSMG: text"), check.changes


def test_every_translated_column_of_the_seeds_holds_the_seeds_language_only() -> None:
    load(OCR, SFIA, ADMIN)
    tr = Unit.objects.filter(qualification__code=OCR).exclude(title_tr=None).count()
    pl_levels = Outcome.objects.filter(unit__qualification__code=SFIA).exclude(title_pl=None).count()
    pl_items = AssessableItem.objects.filter(unit__qualification__code=ADMIN).exclude(text_pl=None).count()
    rules_tr = Rule.objects.filter(qualification__code=OCR).exclude(message_tr=None).count()
    assert (tr, pl_levels, pl_items, rules_tr) == (7, 6, 9, 6)
    welsh = Qualification.objects.exclude(title_cy=None).count() + Unit.objects.exclude(title_cy=None).count()
    assert welsh == 0  # no seed is in Welsh: Welsh readers see the English
    for code in (OCR, SFIA, ADMIN):
        source = Qualification.objects.get(code=code).source
        assert ("Turkish (the *_tr fields)" in source) == (code == OCR)
        assert ("Polish (the *_pl fields)" in source) == (code != OCR)


def test_the_admin_edits_the_specs_own_wording_whatever_the_editors_language(client, superuser) -> None:
    load(OCR)
    superuser.language = "tr"
    superuser.save(update_fields=["language"])
    client.force_login(superuser)
    group = Group.objects.get(qualification__code=OCR, code="A")
    url = reverse("admin:units_group_change", args=[group.pk])
    assert 'value="Mandatory units"' in client.get(url).content.decode()  # the English, not "Zorunlu birimler"
    response = client.post(url, {"qualification": group.qualification_id, "code": "A", "title": "Core units",
                                 "parent": "", "description": "", "order": group.order})
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.title_en_gb, group.title_tr) == ("Core units", "Zorunlu birimler")  # type: ignore[attr-defined]
