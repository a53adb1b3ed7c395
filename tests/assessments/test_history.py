"""The history page: the audit trail in words, in local time, the raw record one click away, fixed queries."""

from __future__ import annotations

import datetime
import html
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from audit.models import AuditRecord
from candidates import services as candidate_services
from tests.assessments.factories import items_of, mapping_of, signed_unit, submitted_evidence

pytestmark = pytest.mark.django_db


def _page(client, user, enrolment) -> str:
    client.force_login(user)
    return html.unescape(client.get(reverse("assessments:history", kwargs={"pk": enrolment.pk})).text)


def _sentences(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", text).strip()
            for text in re.findall(r'data-testid="history-sentence">(.*?)</p>', page, re.S)]


def test_decisions_read_as_sentences_naming_the_person_role_and_item(client, enrolment, assessor, eqa) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item], title="Call log")
    services.mapping_refer(mapping=mapping_of(evidence, item), by=assessor, feedback="Add the customer's reply.")
    sentences = _sentences(_page(client, eqa, enrolment))
    assert sentences[0] == (f"Ash Assessor (assessor) referred the claim on A1 {item.code}: {item.text} "
                            "(evidence “Call log” (version 1)): Add the customer's reply.")
    assert sentences[1] == "Cara Candidate (candidate) submitted the evidence “Call log” (version 1) for assessment."


def test_the_pause_names_the_centre_admin_and_the_reason(client, enrolment, centre_admin) -> None:
    candidate_services.pause(enrolment=enrolment, by=centre_admin, reason="Parental leave until May")
    assert _sentences(_page(client, centre_admin, enrolment))[0] == (
        "Ada Admin (centre admin) paused the enrolment: Parental leave until May")


def test_sign_offs_and_quality_assurance_name_the_unit(client, enrolment, assessor, iqa) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    services.unit_sample(unit_sign_off=sign_off, by=iqa)
    services.iqa_refer(unit_sign_off=sign_off, by=iqa, comments="Check the dates.")
    sentences = _sentences(_page(client, iqa, enrolment))
    title = sign_off.unit.title
    assert sentences[0] == f"Ivy Quality (IQA) referred unit B3: {title} back to the assessor: Check the dates."
    assert sentences[1] == f"Ivy Quality (IQA) took unit B3: {title} into the IQA sample."
    assert sentences[2] == f"Ash Assessor (assessor) signed off unit B3: {title}."
    assert sentences[3] == (f"Cara Candidate (candidate) declared that the evidence for unit B3: {title} "
                            "is their own work.")
    assert sentences[4] == f"Ash Assessor (assessor) signed off B3: {items_of(enrolment, 'B3')[0].text}."


def test_times_are_local_with_their_zone_and_the_raw_record_keeps_utc_and_hashes(
        client, enrolment, centre_admin, settings) -> None:
    settings.TIME_ZONE = "Europe/London"
    summer = datetime.datetime(2026, 7, 1, 8, 30, tzinfo=datetime.UTC)
    # The record is written at that time (records are append-only: no changing its time afterwards).
    with mock.patch("django.utils.timezone.now", return_value=summer):
        candidate_services.pause(enrolment=enrolment, by=centre_admin, reason="Leave")
    record = AuditRecord.objects.get(action="enrolment paused")
    assert record.at == summer
    page = _page(client, centre_admin, enrolment)
    assert "1 Jul 2026, 09:30 BST" in page and "Europe/London" in page
    raw = page.split("<details", 1)[1].split("</details>", 1)[0]
    assert "2026-07-01T08:30:00.000000Z" in raw
    assert record.hash in raw and record.hmac in raw and record.prev_hash in raw
    assert '"reason": "Leave"' in raw and "enrolment paused" in raw


def test_the_history_costs_the_same_queries_whatever_its_length(client, enrolment, assessor, iqa, eqa) -> None:
    def count() -> int:
        client.force_login(eqa)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("assessments:history", kwargs={"pk": enrolment.pk}))
        return len(queries)

    item = items_of(enrolment, "A1")[0]
    services.mapping_accept(mapping=mapping_of(submitted_evidence(enrolment, [item]), item), by=assessor)
    few = count()
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    services.unit_sample(unit_sign_off=sign_off, by=iqa)
    signed_unit(enrolment, "A2", assessor=assessor)
    assert AuditRecord.objects.filter(enrolment_id=enrolment.pk).count() > 10
    assert count() == few
