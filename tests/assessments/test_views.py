"""The assessments pages through the test client: previews, one action per URL, messages, CSV, history."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import ActionPoint, ItemSignOff
from assessments.services import action_point_reminders, action_point_set
from assessments.tasks import send_action_point_reminders
from tests.assessments.factories import accepted_evidence, items_of, mapping_of, signed_unit, submitted_evidence

pytestmark = pytest.mark.django_db


def test_review_page_previews_the_image_and_offers_one_form_per_action(client, enrolment, assessor) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    client.force_login(assessor)
    response = client.get(reverse("assessments:review", kwargs={"pk": enrolment.pk, "evidence_pk": evidence.pk}))
    page = response.content.decode()
    file = evidence.current_version.files.get()
    assert f'<img src="{reverse("evidence:file_preview", kwargs={"pk": file.pk})}"' in page
    mapping = mapping_of(evidence, item)
    for name in ("mapping_accept", "mapping_refer", "mapping_remove"):
        assert reverse(f"assessments:{name}", kwargs={"pk": enrolment.pk, "mapping_pk": mapping.pk}) in page


def test_the_candidate_reads_the_feedback_but_has_no_decision_buttons(client, enrolment, assessor) -> None:
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    services.mapping_refer(mapping=mapping_of(evidence, item), by=assessor, feedback="Add the customer's reply.")
    client.force_login(enrolment.candidate)
    page = client.get(reverse("assessments:review", kwargs={"pk": enrolment.pk, "evidence_pk": evidence.pk}))
    assert "Add the customer&#x27;s reply." in page.content.decode()
    assert "/accept/" not in page.content.decode()


def test_a_second_sign_off_request_shows_who_signed(client, enrolment, assessor) -> None:
    item = items_of(enrolment, "A1")[0]
    accepted_evidence(enrolment, [item], assessor=assessor)
    client.force_login(assessor)
    url = reverse("assessments:item_sign_off", kwargs={"pk": enrolment.pk, "item_pk": item.pk})
    client.post(url)
    response = client.post(url, follow=True)
    assert "Already signed off by Ash Assessor at" in response.content.decode()
    assert ItemSignOff.objects.count() == 1


def test_the_eqa_reads_the_portfolio_and_its_sign_offs(client, enrolment, assessor, eqa) -> None:
    signed_unit(enrolment, "B3", assessor=assessor)
    client.force_login(eqa)
    page = client.get(reverse("assessments:progress", kwargs={"pk": enrolment.pk})).content.decode()
    assert "Signed off by Ash Assessor" in page and "/sign-off/" not in page
    history = client.get(reverse("assessments:history", kwargs={"pk": enrolment.pk})).content.decode()
    assert "Ash Assessor (assessor) signed off unit B3" in history
    assert "Ash Assessor (assessor) signed off B3: " in history


def test_the_claim_list_csv(client, enrolment, assessor, centre_admin) -> None:
    enrolment.uln, enrolment.registration_number = "1234567890", "REG-1"
    enrolment.save()
    signed_unit(enrolment, "B3", assessor=assessor)
    client.force_login(centre_admin)
    response = client.get(reverse("assessments:claim_csv", kwargs={"centre_pk": enrolment.centre_id}))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [{"uln": "1234567890", "registration_number": "REG-1", "candidate": "Cara Candidate",
                     "qualification_code": "tiny", "qualification_version": "1", "claim": "unit certificates",
                     "units_claimed": "B3"}]


def test_the_claim_list_csv_keeps_a_name_from_becoming_a_formula(client, enrolment, assessor, centre_admin) -> None:
    enrolment.candidate.first_name = '=HYPERLINK("http://evil.example")'
    enrolment.candidate.save()
    signed_unit(enrolment, "B3", assessor=assessor)
    client.force_login(centre_admin)
    response = client.get(reverse("assessments:claim_csv", kwargs={"centre_pk": enrolment.centre_id}))
    (row,) = csv.DictReader(io.StringIO(response.content.decode()))
    assert row["candidate"].startswith("'=HYPERLINK(")


def test_caseload_sorts_on_the_server_and_links_each_candidate(client, enrolment, assessor) -> None:
    client.force_login(assessor)
    response = client.get(reverse("assessments:caseload") + "?sort=candidate")
    assert response.context["sort"] == "candidate"
    assert reverse("assessments:progress", kwargs={"pk": enrolment.pk}) in response.content.decode()


def test_action_point_reminder_is_sent_once(
    enrolment, assessor, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    action_point_set(enrolment=enrolment, by=assessor, text="Write the statement", due=tomorrow)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_action_point_reminders() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert action_point_reminders() == 0
    assert [m.to for m in mailoutbox] == [[enrolment.candidate.email]]
    assert ActionPoint.objects.get().reminder_sent_at is not None


def test_action_point_reminder_links_to_the_site(
    enrolment, assessor, mailoutbox, django_capture_on_commit_callbacks, settings
) -> None:
    settings.SITE_URL = "https://portfolio.example.org"
    action_point_set(enrolment=enrolment, by=assessor, text="Write the statement",
                     due=timezone.localdate() + datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        send_action_point_reminders()
    link = "https://portfolio.example.org" + reverse("assessments:action_points", kwargs={"pk": enrolment.pk})
    assert link in mailoutbox[0].body


def test_done_action_points_get_no_reminder(enrolment, assessor, mailoutbox) -> None:
    from assessments.services import action_point_done

    point = action_point_set(enrolment=enrolment, by=assessor, text="x",
                             due=timezone.localdate() + datetime.timedelta(days=1))
    action_point_done(action_point=point, by=enrolment.candidate)
    assert action_point_reminders() == 0


def test_review_page_embeds_pdfs_and_plays_recordings(client, enrolment, assessor) -> None:
    from evidence.models import EvidenceFile

    evidence = submitted_evidence(enrolment, items_of(enrolment, "A1")[:1])
    version = evidence.current_version
    pdf = EvidenceFile.objects.create(version=version, name="x.pdf", original_name="report.pdf", size=10,
                                      sha256="a" * 64, mime="application/pdf", kind="pdf", uploaded_by=assessor)
    audio = EvidenceFile.objects.create(version=version, name="x.m4a", original_name="discussion.m4a", size=10,
                                        sha256="b" * 64, mime="audio/mp4", kind="audio", uploaded_by=assessor)
    client.force_login(assessor)
    page = client.get(reverse("assessments:review", kwargs={"pk": enrolment.pk, "evidence_pk": evidence.pk}))
    html = page.content.decode()
    assert f'<object data="{reverse("evidence:file_preview", kwargs={"pk": pdf.pk})}" type="application/pdf"' in html
    audio_url = reverse("evidence:file_preview", kwargs={"pk": audio.pk})
    assert f'<audio controls preload="metadata" src="{audio_url}"' in html


def test_the_iqa_puts_a_unit_in_the_sample_from_the_sampling_page(client, enrolment, assessor, iqa) -> None:
    sign_off = signed_unit(enrolment, "B3", assessor=assessor)
    client.force_login(iqa)
    sample_url = reverse("assessments:unit_sample", kwargs={"pk": enrolment.pk, "sign_off_pk": sign_off.pk})
    assert sample_url in client.get(reverse("assessments:sampling")).content.decode()
    page = client.post(sample_url, follow=True).content.decode()
    assert "is in your sample" in page and "awaiting countersignature" in page
    progress = client.get(reverse("assessments:progress", kwargs={"pk": enrolment.pk})).content.decode()
    assert "awaiting countersignature: not achieved yet" in progress
    assert "Not yet eligible" in progress


def test_caseload_states_the_configured_working_week(client, enrolment, assessor, settings) -> None:
    settings.WORKING_DAYS = (0, 1, 2, 3)
    settings.WORKING_HOURS = (8, 16)
    client.force_login(assessor)
    assert "(Monday to Thursday, 08:00–16:00)" in client.get(reverse("assessments:caseload")).content.decode()


def test_a_decision_emails_a_link_on_the_site_url_whatever_host_the_request_named(
    client, enrolment, assessor, mailoutbox, django_capture_on_commit_callbacks, settings
) -> None:
    settings.SITE_URL = "https://portfolio.example.org"
    item = items_of(enrolment, "A1")[0]
    evidence = submitted_evidence(enrolment, [item])
    mailoutbox.clear()
    client.force_login(assessor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:mapping_accept", kwargs={"pk": enrolment.pk,
                                                                  "mapping_pk": mapping_of(evidence, item).pk}),
                    HTTP_HOST="localhost")
    link = "https://portfolio.example.org" + reverse("assessments:review",
                                                     kwargs={"pk": enrolment.pk, "evidence_pk": evidence.pk})
    assert [m.to for m in mailoutbox] == [[enrolment.candidate.email]] and link in mailoutbox[0].body
