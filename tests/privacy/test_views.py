"""The centre admin's pages of people's data: erasure dry run and confirm, a person's subject-access copies."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditRecord
from candidates.models import EnrolmentStatus
from evidence.models import EvidenceVersion
from privacy.models import SubjectAccessExport
from privacy.services import subject_access
from tests.conftest import PASSWORD

from .conftest import SECRET_STATEMENT, expire, fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, centre_admin):
    client.login(email=centre_admin.email, password=PASSWORD)
    return client


@pytest.fixture
def sent(monkeypatch) -> list[tuple]:
    from privacy.tasks import build_subject_access_export

    calls: list[tuple] = []
    monkeypatch.setattr(build_subject_access_export, "apply_async", lambda args, **kwargs: calls.append(args))
    return calls


def test_the_dry_run_page_lists_what_would_go_and_changes_nothing(admin_client, expired, centre) -> None:
    enrolment = expired()
    response = admin_client.get(reverse("privacy:erasure_plan", kwargs={"centre_pk": centre.pk}))
    assert response.status_code == 200
    assert f"#{enrolment.pk} Cara Candidate" in response.content.decode()
    assert "1 enrolment is past the retention period." in response.content.decode()
    assert EvidenceVersion.objects.get(item__enrolment=enrolment).text == SECRET_STATEMENT


def test_the_dry_run_page_says_when_nothing_is_due(admin_client, full_enrolment, centre) -> None:
    response = admin_client.get(reverse("privacy:erasure_plan", kwargs={"centre_pk": centre.pk}))
    assert "nothing would be erased" in response.content.decode()
    assert "Erase 1 enrolment" not in response.content.decode()


def test_erasing_needs_the_confirmation(admin_client, expired, centre) -> None:
    enrolment = expired()
    response = admin_client.post(reverse("privacy:erasure_run", kwargs={"centre_pk": centre.pk}))
    assert response.status_code == 400
    assert "Tick the box to confirm the erasure." in response.content.decode()
    assert EvidenceVersion.objects.get(item__enrolment=enrolment).text == SECRET_STATEMENT


def test_the_confirmed_erasure_erases_and_says_so(admin_client, expired, centre, centre_admin, tmp_path,
                                                  settings) -> None:
    settings.AUDIT_HEAD_PATH = tmp_path / "head.json"
    enrolment = expired()
    response = admin_client.post(reverse("privacy:erasure_run", kwargs={"centre_pk": centre.pk}),
                                 {"confirm": "on"}, follow=True)
    assert "The personal data of 1 enrolment was erased" in response.content.decode()
    assert EvidenceVersion.objects.get(item__enrolment=enrolment).text == "[erased]"
    assert AuditRecord.objects.get(action="personal data erased").actor_id == centre_admin.pk


def test_the_erasure_reaches_only_the_admins_centre(admin_client, centre, stranger_enrolment, stranger_assessor,
                                                    private_storage) -> None:
    fill(stranger_enrolment, assessor=stranger_assessor, statement="Southbank statement")
    expire(stranger_enrolment)
    admin_client.post(reverse("privacy:erasure_run", kwargs={"centre_pk": centre.pk}), {"confirm": "on"})
    assert EvidenceVersion.objects.get(item__enrolment=stranger_enrolment).text == "Southbank statement"
    response = admin_client.get(reverse("privacy:erasure_plan", kwargs={"centre_pk": stranger_enrolment.centre_id}))
    assert response.status_code == 404


def test_the_dry_run_page_costs_a_fixed_number_of_queries(admin_client, expired, centre, other_enrolment,
                                                          other_assessor, django_assert_num_queries) -> None:
    expired()
    url = reverse("privacy:erasure_plan", kwargs={"centre_pk": centre.pk})
    admin_client.get(url)
    with django_assert_num_queries(6) as one:  # the person's roles read once a request
        admin_client.get(url)
    fill(other_enrolment, assessor=other_assessor, statement="Olga's statement")
    expire(other_enrolment, status=EnrolmentStatus.COMPLETED)
    with django_assert_num_queries(len(one.captured_queries)):
        response = admin_client.get(url)
    assert "2 enrolments are past the retention period." in response.content.decode()


def test_the_person_page_asks_for_a_copy(admin_client, candidate, centre, sent,
                                         django_capture_on_commit_callbacks) -> None:
    url = reverse("privacy:person_data", kwargs={"centre_pk": centre.pk, "person_pk": candidate.pk})
    assert "Personal data of Cara Candidate" in admin_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("privacy:person_data_export",
                                             kwargs={"centre_pk": centre.pk, "person_pk": candidate.pk}))
    assert response.status_code == 302
    export = SubjectAccessExport.objects.get()
    assert (export.person, export.centre) == (candidate, centre) and sent == [(export.pk,)]


def test_a_person_of_another_centre_is_not_found(admin_client, centre, stranger_candidate, other_centre) -> None:
    for centre_pk in (centre.pk, other_centre.pk):
        url = reverse("privacy:person_data", kwargs={"centre_pk": centre_pk, "person_pk": stranger_candidate.pk})
        assert admin_client.get(url).status_code == 404
        url = reverse("privacy:person_data_export", kwargs={"centre_pk": centre_pk,
                                                            "person_pk": stranger_candidate.pk})
        assert admin_client.post(url).status_code == 404
    assert not SubjectAccessExport.objects.exists()


def test_the_copy_is_downloaded_by_the_centre_admin_only(admin_client, client, full_enrolment, candidate, centre,
                                                         centre_admin, stranger_assessor) -> None:
    export = subject_access.subject_access_request(person=candidate, centre=centre, by=centre_admin)
    subject_access.subject_access_build(export_id=export.pk)
    url = reverse("privacy:export_download", kwargs={"pk": export.pk})
    response = admin_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert f"personal-data-{candidate.pk}-" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK"
    for person in (candidate, stranger_assessor):
        client.logout()
        client.login(email=person.email, password=PASSWORD)
        assert client.get(url).status_code == 404
        assert client.get(reverse("privacy:export_status", kwargs={"pk": export.pk})).status_code == 404


def test_the_status_fragment_polls_until_done(admin_client, candidate, centre, centre_admin) -> None:
    export = subject_access.subject_access_request(person=candidate, centre=centre, by=centre_admin)
    url = reverse("privacy:export_status", kwargs={"pk": export.pk})
    assert 'hx-trigger="every 1s"' in admin_client.get(url).content.decode()
    subject_access.subject_access_build(export_id=export.pk)
    body = admin_client.get(url).content.decode()
    assert "hx-trigger" not in body and "Download ZIP" in body


def test_the_person_page_costs_a_fixed_number_of_queries(admin_client, candidate, centre, centre_admin,
                                                         django_assert_num_queries) -> None:
    url = reverse("privacy:person_data", kwargs={"centre_pk": centre.pk, "person_pk": candidate.pk})
    subject_access.subject_access_request(person=candidate, centre=centre, by=centre_admin)
    admin_client.get(url)
    with django_assert_num_queries(7) as one:  # the person's roles read once a request
        admin_client.get(url)
    for _ in range(3):
        subject_access.subject_access_request(person=candidate, centre=centre, by=centre_admin)
    with django_assert_num_queries(len(one.captured_queries)):
        admin_client.get(url)


def test_the_enrolment_page_links_the_manager_to_the_persons_data(admin_client, enrolment, candidate, centre) -> None:
    body = admin_client.get(reverse("candidates:enrolment_detail", kwargs={"pk": enrolment.pk})).content.decode()
    assert reverse("privacy:person_data", kwargs={"centre_pk": centre.pk, "person_pk": candidate.pk}) in body
