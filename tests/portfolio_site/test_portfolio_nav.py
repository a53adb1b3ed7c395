"""The candidate's one navigation ("Your portfolio"): on every page of theirs, the current page marked."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.services import question_ask
from candidates.models import Enrolment
from tests.evidence.evidence_factories import make_evidence

pytestmark = pytest.mark.django_db

#: Each page of the candidate's, and the link the navigation marks as that page.
PAGES = {
    "home": "Home",
    "candidates:unit_choice": "Your units",
    "evidence:library": "Evidence",
    "assessments:matrix": "Matrix",
    "assessments:progress": "Progress",
    "assessments:questions": "Questions",
    "assessments:visits": "Visits",
    "assessments:action_points": "Action points",
    "apprenticeships:otj_log": "Off-the-job",
    "apprenticeships:review_list": "Reviews",
    "assessments:history": "History",
    "exports:export_list": "Export",
}


def _path(name: str, enrolment: Enrolment) -> str:
    return reverse(name) if name == "home" else reverse(name, kwargs={"pk": enrolment.pk})


def _nav(html: str, label: str = "Your portfolio") -> str:
    match = re.search(rf'<nav class="portfolio-nav[^"]*" aria-label="{re.escape(label)}".*?</nav>', html, re.S)
    assert match, f"no {label!r} navigation"
    return match.group(0)


def _marked(nav: str, current: str = "page") -> list[str]:
    return re.findall(rf'aria-current="{current}">([^<]+)</a>', nav)


@pytest.mark.parametrize(("name", "label"), PAGES.items())
def test_every_page_of_the_candidates_has_the_navigation_with_that_page_marked(
    client, enrolment, name, label
) -> None:
    client.force_login(enrolment.candidate)
    response = client.get(_path(name, enrolment))
    assert response.status_code == 200
    nav = _nav(response.content.decode())
    assert _marked(nav) == [label]
    for other in PAGES:
        assert f'href="{_path(other, enrolment)}"' in nav, f"the navigation lacks {other}"


def test_pages_within_a_part_mark_that_part_but_not_as_the_page(client, private_storage, enrolment) -> None:
    evidence = make_evidence(enrolment)
    question = question_ask(enrolment=enrolment, by=enrolment.candidate, subject="Which unit?", text="?")
    client.force_login(enrolment.candidate)
    within = {
        reverse("evidence:detail", kwargs={"pk": evidence.pk}): "Evidence",
        reverse("candidates:self_assessment", kwargs={"pk": enrolment.pk}): "Your units",
        reverse("assessments:question_detail", kwargs={"pk": enrolment.pk, "question_pk": question.pk}): "Questions",
    }
    for path, label in within.items():
        nav = _nav(client.get(path).content.decode())
        assert _marked(nav, "true") == [label] and _marked(nav) == [], path


@pytest.mark.parametrize("viewer", ["assessor", "iqa", "eqa", "centre_admin"])
def test_staff_keep_each_pages_own_links_and_get_no_candidate_navigation(client, request, viewer, enrolment) -> None:
    client.force_login(request.getfixturevalue(viewer))
    for name in PAGES:
        html = client.get(_path(name, enrolment)).content.decode()
        assert 'data-testid="portfolio-nav"' not in html, name
    progress = client.get(_path("assessments:progress", enrolment)).content.decode()
    assert 'aria-label="This portfolio"' in progress


def test_the_candidate_has_one_portfolio_navigation_not_two(client, enrolment) -> None:
    client.force_login(enrolment.candidate)
    html = client.get(_path("assessments:progress", enrolment)).content.decode()
    assert html.count("<nav class=\"portfolio-nav") == 1 and 'aria-label="This portfolio"' not in html


def test_with_several_enrolments_each_navigation_on_the_home_page_names_its_qualification(
    client, enrolment, make_qualification, centre, assessor, iqa
) -> None:
    today = timezone.localdate()
    retail = make_qualification(code="second", title="Second Certificate in Retail")
    second = Enrolment.objects.create(
        candidate=enrolment.candidate, centre=centre, qualification=retail,
        assessor=assessor, iqa=iqa, start_date=today, planned_end_date=today + datetime.timedelta(days=365),
    )
    client.force_login(enrolment.candidate)
    html = client.get(reverse("home")).content.decode()
    for each in (enrolment, second):
        nav = _nav(html, f"Your portfolio: {each.qualification.title}")
        assert _marked(nav) == ["Home"]
        assert f'href="{_path("evidence:library", each)}"' in nav


def test_the_gateway_is_in_the_navigation_of_a_standard_only(client, enrolment) -> None:
    from tests.apprenticeships.gateway_factories import make_standard, on_standard

    client.force_login(enrolment.candidate)
    gateway = reverse("apprenticeships:gateway", kwargs={"pk": enrolment.pk})
    assert f'href="{gateway}"' not in _nav(client.get(_path("assessments:progress", enrolment)).text)
    on_standard(enrolment, make_standard())
    assert f'href="{gateway}"' in _nav(client.get(_path("assessments:progress", enrolment)).text)
    nav = _nav(client.get(gateway).text)
    assert _marked(nav) == ["Gateway"]
    assert _marked(_nav(client.get(reverse("exports:gateway_packs", kwargs={"pk": enrolment.pk})).text),
                   "true") == ["Gateway"]
