"""The centre admin's staff pages: the list (with its pinned query count), inviting, roles, deactivation, hand-over."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from candidates.models import Role, RoleKind, StaffMember, User
from candidates.services import staff


@pytest.fixture
def as_admin(client, centre_admin):
    client.force_login(centre_admin)
    return client


def staff_url(name: str, centre, person=None) -> str:
    kwargs = {"centre_pk": centre.pk} | ({"person_pk": person.pk} if person is not None else {})
    return reverse(f"candidates:{name}", kwargs=kwargs)


def test_the_list_shows_roles_status_and_caseload(as_admin, centre, centre_admin, assessor, iqa, enrolment,
                                                  employer_contact) -> None:
    invited = staff.invite_staff_member(centre=centre, by=centre_admin, email="nia.new@example.org",
                                        first_name="Nia", last_name="New", roles=["iqa"]).user
    page = as_admin.get(staff_url("staff_list", centre)).text
    assert "Ash Assessor" in page and "assesses 1" in page and "IQA of 1" in page
    assert "Nia New" in page and "Invited, not signed up yet" in page
    assert "Line manager of Cara Candidate" in page
    assert staff_url("staff_detail", centre, invited) in page


def _add_staff(centre, count: int, start: int) -> None:
    for number in range(start, start + count):
        person = User.objects.create_user(f"staff{number:03d}@example.org", "x", first_name="Staff",
                                          last_name=f"Member{number:03d}")
        Role.objects.create(user=person, centre=centre, kind=RoleKind.ASSESSOR)
        StaffMember.objects.create(centre=centre, user=person)


# session, user, centre, roles (the gate and the navigation: read once), the count of the staff's ids, a page of
# their ids by name, the page's people with their caseloads, their roles, staff rows, employer contacts; the
# layout's unread notifications
STAFF_LIST_QUERIES = 11


def test_the_list_costs_the_same_queries_however_many_staff(
    as_admin, centre, enrolment, employer_contact, django_assert_num_queries
) -> None:
    url = staff_url("staff_list", centre)
    as_admin.get(url)  # the session and the user, loaded once
    _add_staff(centre, 3, 0)
    with django_assert_num_queries(STAFF_LIST_QUERIES):
        small = as_admin.get(url)
    assert 'data-testid="pagination"' not in small.text
    _add_staff(centre, 57, 3)  # 60 and the fixtures' staff: two pages
    with django_assert_num_queries(STAFF_LIST_QUERIES):
        first = as_admin.get(url)
    with django_assert_num_queries(STAFF_LIST_QUERIES):
        last = as_admin.get(url, {"page": "2"})
    assert first.context["page"].paginator.num_pages == 2
    assert len(first.context["rows"]) == 50 and 0 < len(last.context["rows"]) < 50


def test_the_list_is_paged_by_name_and_every_person_is_on_one_page(as_admin, centre, assessor, iqa,
                                                                   centre_admin) -> None:
    _add_staff(centre, 60, 0)
    people = []
    for number in ("1", "2"):
        response = as_admin.get(staff_url("staff_list", centre), {"page": number})
        people += [row.person for row in response.context["rows"]]
    everyone = sorted(access_staff(centre), key=lambda p: (p.last_name, p.first_name, p.email))
    assert people == everyone and len(people) == 63
    first = as_admin.get(staff_url("staff_list", centre)).text
    assert "63 people, page 1 of 2" in first and "?page=2" in first
    # The last page, read backwards from the end of the name index, in name order all the same.
    last = as_admin.get(staff_url("staff_list", centre), {"page": "2"})
    assert [row.person for row in last.context["rows"]] == everyone[50:]


def test_a_page_past_the_end_or_not_a_number_is_answered_not_refused(as_admin, centre) -> None:
    _add_staff(centre, 60, 0)
    past = as_admin.get(staff_url("staff_list", centre), {"page": "99"})
    assert past.status_code == 200 and past.context["page"].number == 2  # the last page
    junk = as_admin.get(staff_url("staff_list", centre), {"page": "two"})
    assert junk.status_code == 200 and junk.context["page"].number == 1


def access_staff(centre) -> list[User]:
    return list(User.objects.filter(pk__in=Role.objects.filter(centre=centre).exclude(kind="candidate")
                                    .values("user_id")))


def test_another_centre_and_its_staff_are_not_found(as_admin, other_centre, stranger_assessor, centre) -> None:
    assert as_admin.get(staff_url("staff_list", other_centre)).status_code == 404
    assert as_admin.get(staff_url("staff_detail", other_centre, stranger_assessor)).status_code == 404
    # Someone of another centre asked for at this one: not on its staff, not found.
    assert as_admin.get(staff_url("staff_detail", centre, stranger_assessor)).status_code == 404


def test_staff_other_than_the_centre_admin_are_refused(client, assessor, centre) -> None:
    client.force_login(assessor)
    assert client.get(staff_url("staff_list", centre)).status_code == 403
    assert client.post(staff_url("staff_deactivate", centre, assessor)).status_code == 403


def test_the_admin_invites_a_person_who_is_emailed(as_admin, centre, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(staff_url("staff_invite", centre), {
            "first_name": "Nia", "last_name": "New", "email": "nia.new@example.org", "roles": ["assessor", "iqa"]})
    assert response.status_code == 302 and response["Location"] == staff_url("staff_list", centre)
    person = User.objects.get(email="nia.new@example.org")
    assert set(person.roles.values_list("kind", flat=True)) == {"assessor", "iqa"}
    assert [message.to for message in mail.outbox] == [["nia.new@example.org"]]


def test_a_refused_invitation_says_why_on_the_field(as_admin, centre, assessor) -> None:
    response = as_admin.post(staff_url("staff_invite", centre), {
        "first_name": "Ash", "email": assessor.email, "roles": ["iqa"]})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "ash.assessor@example.org is already on the staff of Northgate Training: change their roles on their page "
        "instead."]
    response = as_admin.post(staff_url("staff_invite", centre), {"first_name": "X", "email": "nope", "roles": ["iqa"]})
    assert "not a valid email address" in response.context["form"].errors["email"][0]
    response = as_admin.post(staff_url("staff_invite", centre), {"first_name": "X", "email": "x@example.org"})
    assert response.context["form"].errors["roles"] == ["Choose at least one role."]


def test_the_roles_are_changed_from_the_persons_page(as_admin, centre, other_assessor) -> None:
    page = as_admin.get(staff_url("staff_detail", centre, other_assessor)).text
    assert "Roles at the centre" in page and "Hand over the caseload" not in page  # Otto's enrolment is Olga's
    response = as_admin.post(staff_url("staff_roles", centre, other_assessor), {"roles": ["assessor", "eqa"]})
    assert response.status_code == 302
    assert set(other_assessor.roles.values_list("kind", flat=True)) == {"assessor", "eqa"}


def test_a_refused_role_change_says_how_many_enrolments_to_hand_over(as_admin, centre, assessor, enrolment) -> None:
    response = as_admin.post(staff_url("staff_roles", centre, assessor), {"roles": ["iqa"]})
    assert response.status_code == 200
    assert "still assesses 1 active or paused enrolment" in response.context["roles_form"].errors["roles"][0]


def test_the_caseload_is_handed_over_then_the_leaver_deactivated_and_reactivated(
    as_admin, centre, assessor, other_assessor, enrolment
) -> None:
    refused = as_admin.post(staff_url("staff_deactivate", centre, assessor), follow=True)
    assert "still assesses 1 active or paused enrolment" in refused.text
    page = as_admin.get(staff_url("staff_detail", centre, assessor)).text
    assert "Hand over the caseload" in page
    response = as_admin.post(staff_url("staff_handover", centre, assessor),
                             {"to_assessor": other_assessor.pk, "reason": "Ash leaves"})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.assessor == other_assessor
    page = as_admin.post(staff_url("staff_deactivate", centre, assessor), follow=True).text
    assert "Ash Assessor is deactivated at Northgate Training." in page
    assessor.refresh_from_db()
    assert not assessor.is_active
    # Still on the list, by name, marked deactivated.
    assert "Deactivated" in as_admin.get(staff_url("staff_list", centre)).text
    as_admin.post(staff_url("staff_reactivate", centre, assessor))
    assessor.refresh_from_db()
    assert assessor.is_active and assessor.roles.filter(centre=centre, kind=RoleKind.ASSESSOR).exists()


def test_a_refused_hand_over_comes_back_on_its_field(as_admin, centre, assessor, iqa, enrolment) -> None:
    response = as_admin.post(staff_url("staff_handover", centre, assessor), {"reason": "Ash leaves"})
    assert response.status_code == 200
    assert response.context["handover_form"].errors["to_assessor"]
