"""The review page at speed: accept and refer answered in place for htmx (no-JS posts still work), accept all
claims on the evidence with one confirmation, and the PDF preview with its download fallback."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Decision
from audit.models import AuditRecord
from candidates import services as candidate_services
from evidence import services as evidence_services
from evidence.models import EvidenceItem, EvidenceVersion, MappingStatus
from tests.assessments.factories import items_of, mapping_of, submitted_evidence
from tests.assessments.test_form_errors import assert_field_error
from tests.candidates.factories import enrol_staff_member
from tests.evidence import generated

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
#: The review page's queries, whatever the number of claims, files and messages: the session and user, the
#: enrolment through the gate, the evidence, its claims and their decisions, files, older versions, messages,
#: the items still mappable (the chosen units: the qualification's units and their items are kept in units.cache
#: from the first view on). The person's roles are read once (the gate's visible enrolments and relations, the
#: navigation's admin check).
REVIEW_QUERIES = 13  # the page (with what changed since the version before), and one for the inbox badge


def _version(evidence: EvidenceItem) -> EvidenceVersion:
    """The evidence's current version (every item built here has one)."""
    assert evidence.current_version is not None
    return evidence.current_version


def _claims(enrolment, count: int) -> list:
    items = [item for unit in ("A1", "A2", "B1", "B2", "B3") for item in items_of(enrolment, unit)]
    return items[:count]


def _url(name: str, **kwargs: object) -> str:
    return reverse(f"assessments:{name}", kwargs=kwargs)


def _count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries.captured_queries)


@pytest.mark.parametrize("count", [1, 12])
def test_the_review_page_costs_a_fixed_number_of_queries(client, enrolment, assessor, count) -> None:
    evidence = submitted_evidence(enrolment, _claims(enrolment, count))
    client.force_login(assessor)
    url = _url("review", pk=enrolment.pk, evidence_pk=evidence.pk)
    client.get(url)
    assert _count(lambda: client.get(url)) == REVIEW_QUERIES


def test_an_htmx_accept_costs_the_same_queries_whatever_the_number_of_claims(client, enrolment, assessor) -> None:
    client.force_login(assessor)
    small = submitted_evidence(enrolment, _claims(enrolment, 2), title="Small")
    large = submitted_evidence(enrolment, _claims(enrolment, 12)[2:], title="Large")
    costs = []
    for evidence in (small, large):
        mapping = _version(evidence).mappings.order_by("pk")[0]
        url = _url("mapping_accept", pk=enrolment.pk, mapping_pk=mapping.pk)
        costs.append(_count(lambda url=url: client.post(url, **HTMX)))
    assert costs[0] == costs[1]


def test_an_htmx_accept_answers_with_the_claims_part_and_its_outcome_for_screen_readers(
    client, enrolment, assessor
) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item, items_of(enrolment, "A1")[1]])
    mapping = mapping_of(evidence, item)
    client.force_login(assessor)
    response = client.post(_url("mapping_accept", pk=enrolment.pk, mapping_pk=mapping.pk), **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and page.lstrip().startswith('<div id="claims"')
    mapping.refresh_from_db()
    assert mapping.status == MappingStatus.ACCEPTED
    # The outcome goes into the page's live region (out of band) and beside the claim, whose heading takes the focus.
    assert re.search(r'<div id="review-outcome" hx-swap-oob="innerHTML">Accepted for A1 1\.1\.</div>', page)
    assert re.search(rf'<h3[^>]*id="claim-{mapping.pk}-heading" tabindex="-1" autofocus>', page)
    assert 'data-testid="outcome"' in page


def test_without_javascript_an_accept_comes_back_to_the_claim_on_the_whole_page(client, enrolment, assessor) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    mapping = mapping_of(evidence, item)
    client.force_login(assessor)
    response = client.post(_url("mapping_accept", pk=enrolment.pk, mapping_pk=mapping.pk))
    assert response.status_code == 302
    assert response["Location"] == _url("review", pk=enrolment.pk, evidence_pk=evidence.pk) + f"#claim-{mapping.pk}"
    assert "Accepted for A1 1.1." in client.get(response["Location"]).content.decode()


def test_an_htmx_refer_without_feedback_shows_the_error_beside_the_field_and_focuses_it(
    client, enrolment, assessor, mailoutbox
) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    mapping = mapping_of(evidence, item)
    mailoutbox.clear()
    client.force_login(assessor)
    response = client.post(_url("mapping_refer", pk=enrolment.pk, mapping_pk=mapping.pk), {"feedback": " "}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200  # htmx swaps 2xx answers only
    field_id = f"refer-{mapping.pk}-feedback"
    assert_field_error(page, field_id, "Say what is missing")
    assert re.search(rf'<textarea[^>]*id="{field_id}"[^>]*autofocus', page) or re.search(
        rf'<textarea[^>]*autofocus[^>]*id="{field_id}"', page)
    assert "Not done: Not referred back: A1 1.1 needs your feedback first." in page
    mapping.refresh_from_db()
    assert mapping.status == MappingStatus.CLAIMED and not Decision.objects.exists() and not mailoutbox


def test_an_htmx_refer_with_feedback_refers_the_claim(client, enrolment, assessor) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    mapping = mapping_of(evidence, item)
    client.force_login(assessor)
    response = client.post(_url("mapping_refer", pk=enrolment.pk, mapping_pk=mapping.pk),
                           {"feedback": "Add the guest's reply."}, **HTMX)
    page = response.content.decode()
    assert "Referred back for A1 1.1; the candidate has your feedback." in page
    # The conversation, further down the page, gets the feedback too (out of band).
    conversation = re.search(r'<ol id="conversation"[^>]*hx-swap-oob="true">(.*?)</ol>', page, re.S)
    assert conversation is not None and "Add the guest&#x27;s reply." in conversation.group(1)
    mapping.refresh_from_db()
    assert mapping.status == MappingStatus.REFERRED


def test_a_refused_htmx_decision_says_why_beside_the_claim(client, enrolment, assessor) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    mapping = mapping_of(evidence, item)
    services.mapping_accept(mapping=mapping, by=assessor)
    client.force_login(assessor)
    response = client.post(_url("mapping_accept", pk=enrolment.pk, mapping_pk=mapping.pk), **HTMX)
    page = response.content.decode()
    assert "Not done:</strong> This mapping is already accepted." in page
    assert '<div id="review-outcome" hx-swap-oob="innerHTML">Not done: This mapping is already accepted.</div>' in page


# --- accept all claims on this evidence -----------------------------------------------------------------------


def test_the_review_page_offers_accept_all_only_with_two_claims_or_more(client, enrolment, assessor) -> None:
    client.force_login(assessor)
    one = submitted_evidence(enrolment, _claims(enrolment, 1), title="One")
    three = submitted_evidence(enrolment, _claims(enrolment, 4)[1:], title="Three")
    accept_all = _url("mapping_accept_all", pk=enrolment.pk, evidence_pk=three.pk)
    page = client.get(_url("review", pk=enrolment.pk, evidence_pk=three.pk)).content.decode()
    assert f'action="{accept_all}"' in page and "Accept all 3 claims on this evidence" in page
    assert '<dialog id="accept-all-dialog"' in page
    page = client.get(_url("review", pk=enrolment.pk, evidence_pk=one.pk)).content.decode()
    assert "accept-all/" not in page


def test_without_javascript_accept_all_asks_on_a_page_of_its_own(client, enrolment, assessor) -> None:
    evidence = submitted_evidence(enrolment, _claims(enrolment, 3))
    client.force_login(assessor)
    page = client.get(_url("mapping_accept_all", pk=enrolment.pk, evidence_pk=evidence.pk)).content.decode()
    assert "Accept all 3 claims on this evidence?" in page
    assert "A1 1.1: Criterion 1.1 of A1" in page and "A1 2.1: Criterion 2.1 of A1" in page
    assert "Yes, accept all 3" in page and "Cancel, back to the review" in page
    assert not Decision.objects.exists()  # asking decides nothing


def test_accept_all_accepts_every_claim_each_recorded_and_audited_with_one_email(
    client, enrolment, assessor, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    evidence = submitted_evidence(enrolment, _claims(enrolment, 3))
    mailoutbox.clear()
    client.force_login(assessor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("mapping_accept_all", pk=enrolment.pk, evidence_pk=evidence.pk))
    assert response.status_code == 302
    mappings = list(_version(evidence).mappings.all())
    assert {m.status for m in mappings} == {MappingStatus.ACCEPTED}
    decisions = Decision.objects.filter(version=_version(evidence))
    assert decisions.count() == 3 and {d.by_id for d in decisions} == {assessor.pk}
    assert AuditRecord.objects.filter(action="mapping accepted", object_type="assessments.Decision").count() == 3
    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    assert "Ash Assessor accepted “Reply to a complaint” for all 3 claims:" in mailoutbox[0].body
    assert "- A1 2.1: Criterion 2.1 of A1\n" in mailoutbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert "Accepted all 3 claims: A1 1.1, A1 1.2, A1 2.1." in page


def test_an_htmx_accept_all_answers_with_the_claims_part_focused_on_its_heading(client, enrolment, assessor) -> None:
    evidence = submitted_evidence(enrolment, _claims(enrolment, 2))
    client.force_login(assessor)
    page = client.post(_url("mapping_accept_all", pk=enrolment.pk, evidence_pk=evidence.pk), **HTMX).content.decode()
    assert '<h2 id="claims-heading" class="h4" tabindex="-1" autofocus>' in page
    assert "Accepted all 2 claims: A1 1.1, A1 1.2." in page
    assert "accept-all-dialog" not in page  # nothing left to accept


def test_accept_all_leaves_decided_claims_and_signed_off_items_as_they_are(enrolment, assessor) -> None:
    a, b, c = _claims(enrolment, 3)
    signed = submitted_evidence(enrolment, [c], title="Earlier")
    services.mapping_accept(mapping=mapping_of(signed, c), by=assessor)
    services.item_sign_off(enrolment=enrolment, assessable_item=c, by=assessor)
    evidence = submitted_evidence(enrolment, [a, b, c])
    services.mapping_refer(mapping=mapping_of(evidence, a), by=assessor, feedback="Say more.")
    decisions = services.mapping_accept_all(version=_version(evidence), by=assessor)
    assert [d.assessable_item for d in decisions] == [b]
    statuses = {m.assessable_item_id: m.status for m in _version(evidence).mappings.all()}
    assert statuses == {a.pk: MappingStatus.REFERRED, b.pk: MappingStatus.ACCEPTED, c.pk: MappingStatus.CLAIMED}


def test_the_review_page_counts_and_offers_only_claims_still_open_to_a_decision(client, enrolment, assessor) -> None:
    a, b, c = _claims(enrolment, 3)
    signed = submitted_evidence(enrolment, [c], title="Earlier")
    services.mapping_accept(mapping=mapping_of(signed, c), by=assessor)
    services.item_sign_off(enrolment=enrolment, assessable_item=c, by=assessor)
    evidence = submitted_evidence(enrolment, [a, b, c])
    client.force_login(assessor)
    page = client.get(_url("review", pk=enrolment.pk, evidence_pk=evidence.pk)).content.decode()
    assert "Accept all 2 claims on this evidence" in page and "Accept all 3" not in page
    assert f"{c.unit.code} {c.code} is already signed off on other evidence, so this claim needs no decision." in page
    accept_c = _url("mapping_accept", pk=enrolment.pk, mapping_pk=mapping_of(evidence, c).pk)
    accept_b = _url("mapping_accept", pk=enrolment.pk, mapping_pk=mapping_of(evidence, b).pk)
    assert f'action="{accept_b}"' in page and f'action="{accept_c}"' not in page


def test_accept_all_with_nothing_claimed_says_so(enrolment, assessor) -> None:
    evidence = submitted_evidence(enrolment, _claims(enrolment, 1))
    services.mapping_accept_all(version=_version(evidence), by=assessor)
    with pytest.raises(ValidationError, match="Nothing on this evidence is waiting for a decision"):
        services.mapping_accept_all(version=_version(evidence), by=assessor)


def test_accept_all_refuses_ones_own_work_and_accepts_nothing(centre, qualification, assessor, iqa,
                                                             centre_admin) -> None:
    own = enrol_staff_member(centre_admin, centre=centre, qualification=qualification, assessor=assessor, iqa=iqa,
                             by=centre_admin)
    evidence = submitted_evidence(own, _claims(own, 2))
    with pytest.raises(ValidationError, match="This is your own portfolio") as refused:
        services.mapping_accept_all(version=_version(evidence), by=centre_admin)
    assert refused.value.code == "own_enrolment"
    assert not Decision.objects.exists()


def test_accept_all_refuses_a_frozen_enrolment(enrolment, assessor, centre_admin) -> None:
    evidence = submitted_evidence(enrolment, _claims(enrolment, 2))
    candidate_services.pause(enrolment=enrolment, by=centre_admin, reason="Parental leave")
    enrolment.refresh_from_db()
    evidence = EvidenceItem.objects.select_related("current_version__item__enrolment").get(pk=evidence.pk)
    with pytest.raises(ValidationError) as refused:
        services.mapping_accept_all(version=_version(evidence), by=assessor)
    assert refused.value.code == "frozen" and "paused" in refused.value.messages[0]
    assert not Decision.objects.exists()


def test_accept_all_is_all_or_nothing(enrolment, assessor, monkeypatch) -> None:
    evidence = submitted_evidence(enrolment, _claims(enrolment, 3))
    from assessments import notify

    def fail(**kwargs: object) -> None:
        raise RuntimeError("mail server down")

    monkeypatch.setattr(notify, "decisions_accepted", fail)
    with pytest.raises(RuntimeError):
        services.mapping_accept_all(version=_version(evidence), by=assessor)
    assert not Decision.objects.exists()
    assert set(_version(evidence).mappings.values_list("status", flat=True)) == {MappingStatus.CLAIMED}


def test_a_paused_enrolment_offers_no_accept_all(client, enrolment, assessor, centre_admin) -> None:
    evidence = submitted_evidence(enrolment, _claims(enrolment, 2))
    candidate_services.pause(enrolment=enrolment, by=centre_admin, reason="Parental leave")
    client.force_login(assessor)
    page = client.get(_url("review", pk=enrolment.pk, evidence_pk=evidence.pk)).content.decode()
    assert "accept-all" not in page
    assert client.post(_url("mapping_accept_all", pk=enrolment.pk, evidence_pk=evidence.pk)).status_code == 403


# --- the PDF preview ------------------------------------------------------------------------------------------


def test_the_review_page_embeds_a_pdf_as_an_object_with_a_download_link_beside_it(client, enrolment, assessor,
                                                                                  private_storage) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    evidence_item = evidence_services.evidence_create(enrolment=enrolment, kind="work_product", by=enrolment.candidate,
                                                      title="Monthly report", date=datetime.date(2026, 3, 2), text="")
    file = evidence_services.file_add(version=_version(evidence_item), by=enrolment.candidate,
                                      uploaded=SimpleUploadedFile("report.pdf", generated.pdf()))
    client.force_login(assessor)
    response = client.get(_url("review", pk=enrolment.pk, evidence_pk=evidence_item.pk))
    page = response.content.decode()
    preview = reverse("evidence:file_preview", kwargs={"pk": file.pk})
    download = reverse("evidence:file_download", kwargs={"pk": file.pk})
    assert f'<object data="{preview}" type="application/pdf"' in page
    assert f'<a href="{download}" download data-testid="pdf-download">Download the PDF “report.pdf”' in page
    # This page alone may embed our own files; the site's policy forbids objects everywhere else.
    assert "object-src 'self'" in response["Content-Security-Policy"]
    other = client.get(_url("progress", pk=enrolment.pk))
    assert "object-src 'none'" in other["Content-Security-Policy"]


def test_the_pdf_preview_is_the_pdf_inline_and_framable_by_our_pages_only(client, enrolment, assessor,
                                                                          private_storage) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    evidence_item = evidence_services.evidence_create(enrolment=enrolment, kind="work_product", by=enrolment.candidate,
                                                      title="Monthly report", date=datetime.date(2026, 3, 2), text="")
    data = generated.pdf()
    file = evidence_services.file_add(version=_version(evidence_item), by=enrolment.candidate,
                                      uploaded=SimpleUploadedFile("report.pdf", data))
    client.force_login(assessor)
    response = client.get(reverse("evidence:file_preview", kwargs={"pk": file.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="report.pdf"')
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == data
