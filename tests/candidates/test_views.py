"""The centre admin's enrolment pages and the enrolment detail page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates import services
from candidates.models import Enrolment, EnrolmentStatus, Reassignment, User


def url(name: str, **kwargs: int) -> str:
    return reverse(f"candidates:{name}", kwargs=kwargs)


@pytest.fixture
def as_admin(client, centre_admin):
    client.force_login(centre_admin)
    return client


# --- Enrolment detail -----------------------------------------------------------------------------


def test_candidate_reads_their_own_enrolment(client, candidate, enrolment) -> None:
    client.force_login(candidate)
    response = client.get(url("enrolment_detail", pk=enrolment.pk))
    assert response.status_code == 200
    assert "Ash Assessor" in response.text
    assert "Reassign the assessor" not in response.text


def test_candidate_cannot_see_another_candidates_enrolment(client, candidate, other_enrolment) -> None:
    client.force_login(candidate)
    assert client.get(url("enrolment_detail", pk=other_enrolment.pk)).status_code == 404


def test_stranger_gets_404_for_the_enrolment(client, stranger_assessor, enrolment) -> None:
    client.force_login(stranger_assessor)
    assert client.get(url("enrolment_detail", pk=enrolment.pk)).status_code == 404


def test_detail_shows_the_reassignment_history(as_admin, enrolment, other_assessor, centre_admin) -> None:
    services.reassign(enrolment=enrolment, role="assessor", to_user=other_assessor, by=centre_admin, reason="Caseload")
    response = as_admin.get(url("enrolment_detail", pk=enrolment.pk))
    history = response.text.split("<h2 class=\"h4\">Reassignments</h2>")[1]
    assert "Ash Assessor" in history and "Otto Assessor" in history and "Ada Admin" in history


def test_detail_flags_an_enrolment_past_its_planned_end(as_admin, enrolment) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(
        start_date=datetime.date(2020, 1, 1), planned_end_date=datetime.date(2021, 1, 1)
    )
    assert "Past planned end" in as_admin.get(url("enrolment_detail", pk=enrolment.pk)).text


# --- Enrolment list ------------------------------------------------------------------------------


def test_list_shows_the_centres_enrolments_only(
    as_admin, centre, enrolment, other_enrolment, stranger_enrolment
) -> None:
    response = as_admin.get(url("enrolment_list", centre_pk=centre.pk))
    assert response.status_code == 200
    assert "Cara Candidate" in response.text and "Olga Other" in response.text
    assert "Stan Elsewhere" not in response.text


def test_list_filters_by_assessor_and_status(as_admin, centre, enrolment, other_enrolment, assessor) -> None:
    Enrolment.objects.filter(pk=other_enrolment.pk).update(status=EnrolmentStatus.PAUSED)
    by_assessor = as_admin.get(url("enrolment_list", centre_pk=centre.pk), {"assessor": assessor.pk}).text
    assert "Cara Candidate" in by_assessor and "Olga Other" not in by_assessor
    paused = as_admin.get(url("enrolment_list", centre_pk=centre.pk), {"status": "paused"}).text
    assert "Olga Other" in paused and "Cara Candidate" not in paused


@pytest.mark.parametrize("junk", ["99999999999999999999999999999", "²", "abc", "-1"])
def test_list_ignores_an_assessor_that_is_no_id(as_admin, centre, enrolment, other_enrolment, junk) -> None:
    response = as_admin.get(url("enrolment_list", centre_pk=centre.pk), {"assessor": junk})
    assert response.status_code == 200
    assert "Cara Candidate" in response.text and "Olga Other" in response.text


def test_list_flags_past_planned_end_in_words(as_admin, centre, enrolment, other_enrolment) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(
        start_date=datetime.date(2020, 1, 1), planned_end_date=datetime.date(2021, 1, 1)
    )
    response = as_admin.get(url("enrolment_list", centre_pk=centre.pk))
    assert response.text.count('data-testid="overdue"') == 1
    only = as_admin.get(url("enrolment_list", centre_pk=centre.pk), {"behind": "1"}).text
    assert "Cara Candidate" in only and "Olga Other" not in only


def test_list_costs_the_same_queries_whatever_the_number_of_enrolments(
    as_admin, centre, enrolment, other_enrolment, qualification, assessor, django_assert_max_num_queries
) -> None:
    for number in range(30):
        person = User.objects.create_user(f"extra{number}@example.org", None, last_name=f"Extra {number}")
        Enrolment.objects.create(candidate=person, centre=centre, qualification=qualification, assessor=assessor,
                                 start_date=enrolment.start_date, planned_end_date=enrolment.planned_end_date)
    # session, user, roles (nav), unread count (nav), roles (gate), centre, qualifications, assessors,
    # invitations awaiting acceptance, count, the page's keys, its rows.
    with django_assert_max_num_queries(12):
        response = as_admin.get(url("enrolment_list", centre_pk=centre.pk))
    assert response.text.count("Extra ") == 30


def test_assessor_gets_403_on_their_centres_list_and_stranger_404(client, centre, assessor, stranger_assessor) -> None:
    client.force_login(assessor)
    assert client.get(url("enrolment_list", centre_pk=centre.pk)).status_code == 403
    client.force_login(stranger_assessor)
    assert client.get(url("enrolment_list", centre_pk=centre.pk)).status_code == 404


def test_eqa_gets_403_on_the_enrolment_form(client, centre, eqa) -> None:
    client.force_login(eqa)
    assert client.get(url("enrolment_create", centre_pk=centre.pk)).status_code == 403


def test_centre_list_sends_a_single_centre_admin_to_their_enrolments(as_admin, centre) -> None:
    response = as_admin.get(url("centre_list"))
    assert response.status_code == 302
    assert response.url == url("enrolment_list", centre_pk=centre.pk)


def test_the_navigation_shows_enrolments_to_centre_admins_only(client, centre_admin, assessor, centre) -> None:
    client.force_login(centre_admin)
    assert f'href="{url("centre_list")}"' in client.get(reverse("units:qualification_list")).text
    client.force_login(assessor)
    assert f'href="{url("centre_list")}"' not in client.get(reverse("units:qualification_list")).text


# --- Enrol one ---------------------------------------------------------------------------------


def enrol_form(qualification, assessor, iqa, **change: object) -> dict:
    return {
        "email": "new.person@example.org", "first_name": "New", "last_name": "Person",
        "qualification": qualification.pk, "assessor": assessor.pk, "iqa": iqa.pk,
        "start_date": "2026-09-01", "planned_end_date": "2027-08-31", "uln": "", "registration_number": "",
        **change,
    }


def test_enrol_a_new_person_and_invite_them(
    as_admin, centre, qualification, assessor, iqa, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(url("enrolment_create", centre_pk=centre.pk), enrol_form(qualification, assessor, iqa))
    enrolment = Enrolment.objects.get(candidate__email="new.person@example.org")
    assert response.status_code == 302
    assert response.url == url("enrolment_detail", pk=enrolment.pk)
    assert len(mail.outbox) == 1
    assert "http://testserver/accounts/welcome/" in mail.outbox[0].body


def test_enrol_shows_the_services_message_on_the_field(as_admin, centre, qualification, assessor, iqa) -> None:
    response = as_admin.post(url("enrolment_create", centre_pk=centre.pk),
                             enrol_form(qualification, assessor, iqa, uln="123"))
    assert response.status_code == 200
    assert "must be exactly 10 digits" in response.text
    assert not Enrolment.objects.exists()


def test_enrol_offers_only_the_centres_assessors(
    as_admin, centre, qualification, assessor, iqa, stranger_assessor
) -> None:
    response = as_admin.post(url("enrolment_create", centre_pk=centre.pk),
                             enrol_form(qualification, stranger_assessor, iqa))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


# --- Enrol from a CSV ----------------------------------------------------------------------------

HEADER = ",".join(services.CSV_COLUMNS)
GOOD = "anna@example.org,Anna,Able,tiny,1,ash.assessor@example.org,ivy.quality@example.org,2026-09-01,2027-08-31,,"
GOOD2 = "ben@example.org,Ben,Best,tiny,1,ash.assessor@example.org,,2026-09-01,2027-08-31,1234567890,REG-2"
BAD = "cat@example.org,Cat,Cole,tiny,1,nobody@example.org,,2026-31-01,2027-08-31,,"


def upload(client, centre, *lines: str):
    content = ("\n".join(lines) + "\n").encode()
    return client.post(url("enrolment_upload", centre_pk=centre.pk),
                       {"file": SimpleUploadedFile("enrol.csv", content, content_type="text/csv")})


def test_upload_previews_without_saving(as_admin, centre, qualification, assessor, iqa) -> None:
    response = upload(as_admin, centre, HEADER, GOOD, GOOD2)
    assert response.status_code == 200
    assert "Enrol these 2 candidates" in response.text
    assert not Enrolment.objects.exists()


def test_upload_preview_shows_each_rows_problems_and_offers_no_confirm(as_admin, centre, qualification, assessor,
                                                                      iqa) -> None:
    response = upload(as_admin, centre, HEADER, GOOD, BAD)
    assert "Assessor nobody@example.org has no account here" in response.text
    assert "Start date “2026-31-01” is not a date" in response.text
    assert "Enrol these" not in response.text


def test_upload_preview_lists_every_problem_of_one_row(as_admin, centre, qualification, assessor, iqa) -> None:
    worst = "not-an-email,Cat,Cole,nope,,ash.assessor@example.org,,2026-31-01,2027-08-31,,"
    page = upload(as_admin, centre, HEADER, GOOD, worst).text
    cell = page.split("<th scope=\"row\">3</th>", 1)[1].split("</tr>", 1)[0]
    problems = re.findall(r"<li>(.*?)</li>", cell)
    assert len(problems) == 3, problems
    assert "is not a valid email address" in problems[0]
    assert "Unknown qualification code" in problems[1]
    assert "is not a date" in problems[2]
    assert "1 row; " not in page and "3 problems" in page


def test_upload_of_a_file_too_large_is_refused_before_reading(as_admin, centre, qualification) -> None:
    response = upload(as_admin, centre, HEADER, *[GOOD] * 12_000)
    assert "The file is larger than 1 MB; split it." in response.text


def test_upload_with_a_wrong_header_says_so(as_admin, centre, qualification) -> None:
    response = upload(as_admin, centre, "email,name", "a@example.org,A")
    assert "The first line must be the header" in response.text


def confirm(client, centre, preview, **extra: object):
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', preview.text).group(1)
    return client.post(url("enrolment_upload_confirm", centre_pk=centre.pk), {"digest": digest}, **extra)


def test_confirm_enrols_every_previewed_row(as_admin, centre, qualification, assessor, iqa) -> None:
    preview = upload(as_admin, centre, HEADER, GOOD, GOOD2)
    response = confirm(as_admin, centre, preview)
    assert response.status_code == 302
    assert Enrolment.objects.count() == 2


def test_confirm_of_a_stale_preview_saves_nothing(as_admin, centre, qualification, assessor, iqa) -> None:
    first = upload(as_admin, centre, HEADER, GOOD)
    upload(as_admin, centre, HEADER, GOOD2)  # checked in another tab
    response = confirm(as_admin, centre, first, follow=True)
    assert "Another file was checked since this preview" in response.text
    assert not Enrolment.objects.exists()


def test_confirm_saves_nothing_when_a_row_went_bad_after_the_preview(as_admin, centre, qualification, assessor,
                                                                    iqa) -> None:
    preview = upload(as_admin, centre, HEADER, GOOD, GOOD2)
    # Ben gets enrolled elsewhere meanwhile: his row now fails, so Anna's must not be saved either.
    services.enrol_candidate(centre=centre, by=assessor, email="ben@example.org", first_name="Ben", last_name="Best",
                             qualification=qualification, assessor=assessor, start_date=datetime.date(2026, 1, 1),
                             planned_end_date=datetime.date(2027, 1, 1))
    response = confirm(as_admin, centre, preview, follow=True)
    assert "Nothing was saved: some rows changed since you checked the file." in response.text
    # The problem is beside Ben's row (line 3), not in a banner far from it; Anna's row is ready.
    ben = response.text.split('<th scope="row">3</th>', 1)[1].split("</tr>", 1)[0]
    assert "ben@example.org is already enrolled on" in ben
    anna = response.text.split('<th scope="row">2</th>', 1)[1].split("</tr>", 1)[0]
    assert "Ready" in anna
    assert "Enrol these" not in response.text
    assert not User.objects.filter(email="anna@example.org").exists()
    assert Enrolment.objects.count() == 1


def test_confirm_without_a_checked_file_asks_to_upload_again(as_admin, centre) -> None:
    response = as_admin.post(url("enrolment_upload_confirm", centre_pk=centre.pk), follow=True)
    assert "upload it again" in response.text


def test_confirm_of_an_invalid_file_is_not_possible(as_admin, centre, qualification, assessor, iqa) -> None:
    upload(as_admin, centre, HEADER, GOOD, BAD)
    as_admin.post(url("enrolment_upload_confirm", centre_pk=centre.pk))
    assert not Enrolment.objects.exists()


def test_eqa_gets_403_on_upload_and_stranger_404(client, centre, eqa, stranger_assessor) -> None:
    client.force_login(eqa)
    assert client.post(url("enrolment_upload_confirm", centre_pk=centre.pk)).status_code == 403
    client.force_login(stranger_assessor)
    assert client.post(url("enrolment_upload_confirm", centre_pk=centre.pk)).status_code == 404


# --- Reassign, pause, resume, withdraw -------------------------------------------------------------


def test_reassign_assessor(as_admin, enrolment, other_assessor) -> None:
    response = as_admin.post(url("enrolment_reassign_assessor", pk=enrolment.pk),
                             {"to_user": other_assessor.pk, "reason": "Caseload"})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.assessor == other_assessor
    assert Reassignment.objects.get().by.email == "ada.admin@example.org"


def test_reassign_iqa_refuses_someone_who_is_not_an_iqa_here(as_admin, enrolment, other_assessor, iqa) -> None:
    response = as_admin.post(url("enrolment_reassign_iqa", pk=enrolment.pk),
                             {"to_user": other_assessor.pk, "reason": "Caseload"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    enrolment.refresh_from_db()
    assert enrolment.iqa == iqa


@pytest.mark.parametrize("action", ["enrolment_pause", "enrolment_withdraw", "enrolment_reassign_assessor"])
def test_eqa_gets_403_on_managing_an_enrolment(client, eqa, enrolment, action) -> None:
    client.force_login(eqa)
    assert client.post(url(action, pk=enrolment.pk)).status_code == 403


@pytest.mark.parametrize("action", ["enrolment_pause", "enrolment_resume", "enrolment_withdraw"])
def test_stranger_gets_404_on_managing_an_enrolment(client, stranger_assessor, enrolment, action) -> None:
    client.force_login(stranger_assessor)
    assert client.post(url(action, pk=enrolment.pk)).status_code == 404


def test_the_candidate_cannot_withdraw_their_own_enrolment(client, candidate, enrolment) -> None:
    client.force_login(candidate)
    assert client.post(url("enrolment_withdraw", pk=enrolment.pk)).status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_pause_then_resume(as_admin, enrolment) -> None:
    as_admin.post(url("enrolment_pause", pk=enrolment.pk), {"reason": "Parental leave"})
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.PAUSED
    page = as_admin.get(url("enrolment_detail", pk=enrolment.pk)).text
    assert url("enrolment_resume", pk=enrolment.pk) in page and url("enrolment_pause", pk=enrolment.pk) not in page
    as_admin.post(url("enrolment_resume", pk=enrolment.pk), {"reason": "Back at work"})
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_withdrawing_twice_says_why_not(as_admin, enrolment) -> None:
    as_admin.post(url("enrolment_withdraw", pk=enrolment.pk), {"reason": "Left the employer"})
    response = as_admin.post(url("enrolment_withdraw", pk=enrolment.pk), {"reason": "Again"})
    assert response.status_code == 403
    assert "This enrolment is withdrawn" in response.text


def test_actions_are_post_only(as_admin, enrolment) -> None:
    assert as_admin.get(url("enrolment_pause", pk=enrolment.pk)).status_code == 405


def test_detail_costs_the_same_queries_whatever_the_history(
    as_admin, enrolment, assessor, other_assessor, centre_admin, django_assert_max_num_queries
) -> None:
    for _ in range(10):
        services.reassign(enrolment=enrolment, role="assessor", to_user=other_assessor, by=centre_admin,
            reason="Caseload")
        services.reassign(enrolment=enrolment, role="assessor", to_user=assessor, by=centre_admin, reason="Caseload")
    # session, user, roles and unread count (nav), the gate's enrolment and roles, the reassignment history, two
    # people lists, the employer contacts and the centre's employer organisations.
    with django_assert_max_num_queries(11):
        response = as_admin.get(url("enrolment_detail", pk=enrolment.pk))
    assert response.text.count("<td>Assessor</td>") == 20


def test_detail_costs_the_same_queries_whatever_the_employer_contacts(
    as_admin, enrolment, centre_admin, django_assert_max_num_queries
) -> None:
    for number in range(6):
        contact = services.name_employer_contact(
            enrolment=enrolment, by=centre_admin, email=f"mentor{number}@brightside.example", first_name="Mo",
            last_name=f"Mentor {number}", kind="mentor", employer_name="Brightside Retail")
        if number % 2:
            services.remove_employer_contact(contact=contact, by=centre_admin)
    with django_assert_max_num_queries(11):
        response = as_admin.get(url("enrolment_detail", pk=enrolment.pk))
    assert response.text.count('data-testid="employer-contact"') == 6
