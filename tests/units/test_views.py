"""The catalogue pages, rendered with the real specs loaded."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from units.models import Qualification
from units.outline import outline_for

from .conftest import FIXTURE_PATHS, REQUEST_QUERIES

pytestmark = pytest.mark.django_db

# One query for the qualification, eight for its outline (units.outline.outline_for).
DETAIL_QUERIES = REQUEST_QUERIES + 1 + 8
# A standard's page reads its duties, their KSBs and its gateway requirements (units.reads.standard_parts).
STANDARD_QUERIES = 3
# The annotated list and the set of latest versions.
LIST_QUERIES = REQUEST_QUERIES + 2


def detail_url(code: str, version: str = "1") -> str:
    return reverse("units:qualification_detail", args=[code, version])


def text_of(response) -> str:
    """The page's text with tags dropped and whitespace collapsed, for phrase checks."""
    html = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def headings(response) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", response.content.decode())]


def assert_accessible_structure(response) -> None:
    levels = headings(response)
    assert levels.count(1) == 1, "one h1"
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"heading level jumps from h{before} to h{after}"
    html = response.content.decode()
    for th in re.findall(r"<th\b[^>]*>", html):
        assert "scope=" in th, th


# --- who may see the pages ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        reverse("units:qualification_list"),
        reverse("units:qualification_detail", args=["ocr-l3-customer-service", "1"]),
        reverse("units:qualification_latest", args=["ocr-l3-customer-service"]),
    ],
)
def test_anonymous_people_are_sent_to_sign_in(client, all_specs, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_an_unknown_spec_is_not_found(reader_client, all_specs) -> None:
    assert reader_client.get(detail_url("no-such-spec")).status_code == 404
    assert reader_client.get(detail_url("ocr-l3-customer-service", "99")).status_code == 404
    assert reader_client.get(reverse("units:qualification_latest", args=["no-such-spec"])).status_code == 404


# --- the list --------------------------------------------------------------------


def test_the_list_shows_qualifications_and_frameworks_apart(reader_client, all_specs, django_assert_num_queries):
    with django_assert_num_queries(LIST_QUERIES):
        response = reader_client.get(reverse("units:qualification_list"))
    assert response.status_code == 200
    qualifications = {q.code: q for q in response.context["qualifications"]}
    frameworks = {q.code: q for q in response.context["frameworks"]}
    standards = {q.code for q in response.context["standards"]}
    assert set(frameworks) == {"sfia-csmg"}
    assert standards == {spec.code for spec in all_specs if spec.kind == "standard"}
    assert set(qualifications) == {path.stem for path in FIXTURE_PATHS} - {"sfia-csmg"} - standards
    assert qualifications["ocr-l3-customer-service"].unit_count == 7
    assert qualifications["cs-standards-l4"].unit_count == 15
    assert frameworks["sfia-csmg"].unit_count == 1

    text = text_of(response)
    assert "OCR Level 3 NVQ Diploma in Customer Service ocr-l3-customer-service 1 OCR 3 7" in text
    assert "Customer Service National Standards, Level 4 cs-standards-l4 1 Not given 4 15" in text
    qualifications_at, frameworks_at = text.index("Qualifications in the catalogue"), text.index(
        "Skills frameworks in the catalogue"
    )
    assert qualifications_at < text.index("NVQ in Contact Centre Operations") < frameworks_at
    assert text.index("SFIA 9: Customer service support (CSMG)") > frameworks_at
    for spec in all_specs:
        assert detail_url(spec.code, spec.version) in response.content.decode()
    assert_accessible_structure(response)


def test_the_list_marks_the_latest_of_several_versions(reader_client, make_spec) -> None:
    make_spec("versioned", size=1, version="1")
    newer = make_spec("versioned", size=1, version="2")
    Qualification.objects.filter(pk=newer.pk).update(version_order=2)
    text = text_of(reader_client.get(reverse("units:qualification_list")))
    assert "versioned 1 (older)" in text
    assert "versioned 2 (latest)" in text
    response = reader_client.get(reverse("units:qualification_latest", args=["versioned"]))
    assert response.status_code == 302
    assert response["Location"] == detail_url("versioned", "2")


# --- the spec pages ---------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=lambda p: p.stem)
def test_every_spec_page_renders_in_a_fixed_number_of_queries(
    reader_client, all_specs, django_assert_num_queries, path
) -> None:
    spec = Qualification.objects.get(code=path.stem)
    with django_assert_num_queries(DETAIL_QUERIES + (STANDARD_QUERIES if spec.kind == "standard" else 0)):
        response = reader_client.get(detail_url(path.stem))
    assert response.status_code == 200
    text = text_of(response)
    assert spec.title in text
    for rule in spec.rules.all():
        assert rule.message in text
    for unit in spec.units.all():
        assert f"{unit.code} {unit.title}" in text
    assert_accessible_structure(response)


@pytest.mark.parametrize("size", [1, 4, 12])
def test_the_outline_takes_eight_queries_whatever_the_size(make_spec, django_assert_num_queries, size):
    spec = make_spec(f"outline-{size}", size=size)
    with django_assert_num_queries(8):
        outline = outline_for(spec)
    assert len(outline.units) == size
    assert sum(len(unit.outcome_list) for unit in outline.units) == 2 * size


@pytest.mark.parametrize("size", [1, 4, 12])
def test_the_query_count_does_not_grow_with_the_spec(reader_client, make_spec, django_assert_num_queries, size):
    spec = make_spec(f"size-{size}", size=size)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = reader_client.get(detail_url(spec.code))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="unit-content"') == size
    # Again: the outline comes from the cache (units.cache), its eight queries saved, whatever the size.
    with django_assert_num_queries(DETAIL_QUERIES - 8):
        again = reader_client.get(detail_url(spec.code))
    assert again.content.decode().count('data-testid="unit-content"') == size


def test_ocr_page_shows_the_worked_example(reader_client, all_specs) -> None:
    response = reader_client.get(detail_url("ocr-l3-customer-service"))
    text = text_of(response)
    for row in [
        "F3 Demonstrate understanding of customer service 3 6 credits Mandatory",
        "F4 Demonstrate understanding of the rules that impact on customer service improvements 3 6 credits Mandatory",
        "A3 Communicate effectively with customers 2 5 credits Optional",
        "A13 Communicate with customers in writing or electronically 3 6 credits Optional",
        "B11 Improve the customer relationship 3 7 credits Optional",
        "C5 Monitor and solve customer service problems 3 6 credits Optional",
        "D6 Develop your own customer service skills through self-study 2 6 credits Optional",
    ]:
        assert row in text
    for heading in ["Group A: Mandatory units", "Group B: Optional units", "Group E: Optional units"]:
        assert heading in text
    assert "At least 42 credits in total." in text
    assert "Of the optional credits, at least 10 must come from level 3 units (groups B to E)." in text
    assert "F3 Demonstrate understanding of customer service (assessed as a whole)" in text
    assert "59 units" in text


def test_contact_centre_page_uses_unit_values(reader_client, all_specs) -> None:
    text = text_of(reader_client.get(detail_url("contact-centre-operations")))
    assert "AA Develop personal and organisational effectiveness – not given 20 unit values Mandatory" in text
    assert "BB Health and Safety in ICT and Contact Centres – not given 5 unit values Mandatory" in text
    assert "G Internets and Intranets – not given 15 unit values Optional" in text
    assert "Group restricted: Restricted units" in text
    assert "At most 2 units from the restricted units (G, I, J, K, N, P, Q, S and T)." in text


def test_standards_page_shows_elements(reader_client, all_specs) -> None:
    response = reader_client.get(detail_url("cs-standards-l3"))
    text = text_of(response)
    assert "Measured in number of units (the spec gives no values)" in text
    assert "credits" not in text.split("Rules of combination")[1]
    assert "1 Organise, deliver and maintain reliable customer service (3 elements)" in text
    assert "1.1 Plan and organise the delivery of reliable customer service" in text
    assert "8.3 Review performance of team members and individuals" in text
    assert "Exactly 1 of the optional Units 6 to 8." in text
    assert "6 Develop your own and others' customer service skills – not given Optional" in text
    assert "5 Promote continuous improvement – not given Mandatory" in text


def test_knowledge_criteria_are_marked_in_words(reader_client, all_specs) -> None:
    response = reader_client.get(detail_url("nvq-business-admin-internal-customer-service"))
    text = text_of(response)
    assert "(3 learning outcomes, 9 criteria)" in text
    assert "4.2 Explain the value of agreeing quality standards and timescales Knowledge" in text
    assert "6.3 Explain the benefits of continuous improvement Knowledge" in text
    assert response.content.decode().count(">Knowledge</span>") == 9


def test_framework_page_shows_levels(reader_client, all_specs) -> None:
    text = text_of(reader_client.get(detail_url("sfia-csmg")))
    assert "Skills" in text
    assert "CSMG Customer service support (6 levels)" in text
    assert "1 Level 1 — Follow" in text
    assert "6 Level 6 — Initiate, influence" in text
    assert "Acts as a routine point of contact for customers" in text
    assert "Essence of the level: Performs routine tasks under close supervision" in text


def test_sub_groups_pathways_and_hours(reader_client, make_spec) -> None:
    spec = make_spec("full", size=4)
    response = reader_client.get(detail_url(spec.code))
    text = text_of(response)
    # Sub-group A1 under group A, one heading level down.
    html = response.content.decode()
    assert re.search(r"<h3 [^>]*>Group A: Mandatory units</h3>", html)
    assert re.search(r"<h4 [^>]*>Group A1: Core sub-group</h4>", html)
    assert "U1 Synthetic unit 1 3 5 credits 10 20 Mandatory" in text  # in A1, mandatory through group A
    assert "U2 Synthetic unit 2 2 5 credits 20 40 Optional" in text
    assert "U4 Synthetic unit 4 2 5 credits 40 80 Mandatory in pathway Contact centre; otherwise optional" in text
    # Rules: the general ones, then each pathway's under its own heading.
    rules_section = text.split("Rules of combination")[1].split("Units")[0]
    assert rules_section.index("At least 5 credits in total.") < rules_section.index("Pathway: Retail")
    assert rules_section.index("Pathway: Retail") < rules_section.index(
        "Retail pathway: at least one unit from group B."
    ) < rules_section.index("Pathway: Contact centre") < rules_section.index(
        "Contact centre pathway: unit U4 is mandatory."
    )
    # GLH 10+20+30+40, TQT twice that; mandatory units U1 and U3.
    assert "Guided learning hours (GLH) 100 in all the units listed (given for 4); 40 in the mandatory units" in text
    assert "Total qualification time (TQT) 200 hours in all the units listed (given for 4); 80 in the mandatory" in text
    assert "U1 Synthetic unit 1 (2 learning outcomes, 4 criteria)" in text
    assert_accessible_structure(response)


def test_spec_pages_extend_the_site_layout(reader_client, all_specs, reader) -> None:
    response = reader_client.get(detail_url("cs-standards-l4"))
    html = response.content.decode()
    assert 'id="main"' in html and "Signed in as Rita Reader" in html
    assert "<title>Customer Service National Standards, Level 4 · Portfolio</title>" in html
