"""The gateway page and its actions: who sees and does what, the words on the page, and its fixed query count."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import Achievement, GatewaySignature
from apprenticeships.signing import Party
from tests.apprenticeships.gateway_factories import ksbs_of, ready, sign_all
from tests.assessments.factories import accepted_evidence

pytestmark = pytest.mark.django_db

#: The gateway page's queries whatever the number of KSBs, evidence, records and signatures: session, user,
#: enrolment, roles (the gate, and the navigation bar's: read once a request); requirements, plan, verified
#: minutes, achievements, KSBs, accepted evidence, sign-offs, signatures (the gateway); unread count.
GATEWAY_QUERIES = 13


@pytest.fixture
def apprentice(enrolment, employer_contact, private_storage):
    return ready(enrolment)


def _url(enrolment, name: str = "apprenticeships:gateway", **kwargs) -> str:
    return reverse(name, kwargs={"pk": enrolment.pk, **kwargs})


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_shows_each_requirement_with_its_evidence(client, apprentice) -> None:
    client.force_login(apprentice.assessor)
    page = client.get(_url(apprentice)).text
    assert page.count('data-testid="gateway-requirement"') == 6
    assert page.count('<span class="status-met" data-testid="requirement-status">Met</span>') == 6
    assert "Level 2 maths achieved on" in page and "Certificate seen by the assessor" in page
    assert "All 6 KSBs have accepted evidence or are signed off (3 signed off)." in page
    assert "Reply to a complaint" in page  # the accepted evidence of K1
    assert 'data-testid="sign-form"' in page and "Sign the declaration as the Training provider" in page


def test_an_unmet_requirement_says_what_is_missing_and_signing_is_not_offered(client, enrolment, employer_contact,
                                                           private_storage) -> None:
    apprentice = ready(enrolment)
    Achievement.objects.filter(enrolment=apprentice, kind="english").delete()
    client.force_login(employer_contact)
    page = client.get(_url(apprentice)).text
    assert "No English achievement is recorded (level 1 needed)." in page
    assert "1 requirement is not met yet" in page
    assert 'data-testid="sign-refused"' in page and 'data-testid="sign-form"' not in page


def test_the_employer_follows_and_signs_but_records_nothing(client, apprentice, employer_contact) -> None:
    client.force_login(employer_contact)
    page = client.get(_url(apprentice)).text
    assert "Sign the declaration as the Employer" in page
    assert 'data-testid="achievement-form"' not in page
    response = client.post(_url(apprentice, "apprenticeships:gateway_sign"))
    assert response.status_code == 302
    assert GatewaySignature.objects.get().party == Party.EMPLOYER
    assert client.post(_url(apprentice, "apprenticeships:gateway_achievement_add"), {}).status_code == 403


def test_a_refused_signature_says_why(client, enrolment, employer_contact, private_storage) -> None:
    apprentice = ready(enrolment)
    Achievement.objects.filter(enrolment=apprentice, kind="qualification").delete()
    client.force_login(apprentice.candidate)
    page = client.post(_url(apprentice, "apprenticeships:gateway_sign"), follow=True).text
    assert "The gateway cannot be signed until every requirement is met" in page
    assert not GatewaySignature.objects.exists()


def test_void_signatures_are_shown_void(client, apprentice, employer_contact) -> None:
    sign_all(apprentice, employer_contact)
    client.force_login(apprentice.candidate)
    assert "All three parties have signed" in client.get(_url(apprentice)).text
    client.force_login(apprentice.assessor)
    client.post(_url(apprentice, "apprenticeships:gateway_achievement_add"), {
        "kind": "english", "level": "2", "title": "GCSE English", "achieved_on": "2026-01-10",
        "evidenced_by": "Certificate 77"})
    page = client.get(_url(apprentice)).text
    assert page.count('data-testid="signature-void"') == 3 and "All three parties have signed" not in page


def test_the_assessor_records_and_removes_an_achievement(client, enrolment) -> None:
    client.force_login(enrolment.assessor)
    response = client.post(_url(enrolment, "apprenticeships:gateway_achievement_add"), {
        "kind": "maths", "level": "2", "title": "GCSE maths", "achieved_on": "2026-01-10",
        "evidenced_by": "Certificate 88"})
    assert response.status_code == 302
    achievement = Achievement.objects.get()
    assert achievement.level == 2
    client.post(_url(enrolment, "apprenticeships:gateway_achievement_delete", achievement_pk=achievement.pk))
    assert not Achievement.objects.exists()


def test_a_bad_achievement_is_shown_again_with_its_errors(client, enrolment, private_storage) -> None:
    apprentice = ready(enrolment)
    client.force_login(apprentice.assessor)
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(_url(apprentice, "apprenticeships:gateway_achievement_add"), {
        "kind": "english", "level": "", "achieved_on": str(future), "evidenced_by": "x"})
    assert response.status_code == 400
    assert "Choose the level achieved" in response.text and "The date is in the future" in response.text


def test_a_qualification_says_it_has_no_gateway(client, enrolment) -> None:
    client.force_login(enrolment.candidate)
    page = client.get(_url(enrolment)).text
    assert 'data-testid="gateway-none"' in page and 'data-testid="gateway-requirements"' not in page


def test_a_stranger_gets_404(client, apprentice, stranger_assessor) -> None:
    client.force_login(stranger_assessor)
    assert client.get(_url(apprentice)).status_code == 404
    assert client.post(_url(apprentice, "apprenticeships:gateway_sign")).status_code == 404


def test_the_eqa_reads_but_does_not_sign(client, apprentice, eqa) -> None:
    client.force_login(eqa)
    page = client.get(_url(apprentice)).text
    assert 'data-testid="sign-form"' not in page
    assert client.post(_url(apprentice, "apprenticeships:gateway_sign")).status_code == 403


@pytest.mark.parametrize("who", ["assessor", "employer"])
def test_the_page_costs_the_same_queries_as_ksbs_and_evidence_grow(client, enrolment, employer_contact,
                                                                   private_storage, who) -> None:
    from tests.apprenticeships.gateway_factories import make_standard, on_standard, record

    apprentice = ready(enrolment, ksbs=1)
    client.force_login(employer_contact if who == "employer" else apprentice.assessor)
    small = _count(client, _url(apprentice))
    # A bigger standard: more KSBs, more accepted evidence, more records and signatures.
    bigger = on_standard(apprentice, make_standard(ksbs=6, code="bigger-standard"))
    accepted_evidence(bigger, ksbs_of(bigger)[:8], assessor=bigger.assessor)
    accepted_evidence(bigger, ksbs_of(bigger)[:4], assessor=bigger.assessor)
    record(bigger, "english", level=2)
    GatewaySignature.objects.create(enrolment=bigger, party=Party.CANDIDATE, signed_by=bigger.candidate,
                                    signed_at=timezone.now(), content_hash="0" * 64)
    assert _count(client, _url(bigger)) == small
    if who == "assessor":
        assert small == GATEWAY_QUERIES


def test_a_paused_enrolment_shows_its_gateway_read_only(client, apprentice) -> None:
    from candidates.models import EnrolmentStatus

    type(apprentice).objects.filter(pk=apprentice.pk).update(status=EnrolmentStatus.PAUSED)
    client.force_login(apprentice.assessor)
    page = client.get(_url(apprentice)).text
    assert 'data-testid="gateway-requirements"' in page
    assert 'data-testid="sign-form"' not in page and 'data-testid="achievement-form"' not in page
    assert client.post(_url(apprentice, "apprenticeships:gateway_sign")).status_code == 403
    assert client.post(_url(apprentice, "apprenticeships:gateway_achievement_add"), {}).status_code == 403
    assert not GatewaySignature.objects.exists()
