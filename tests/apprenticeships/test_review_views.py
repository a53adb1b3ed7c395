"""The progress review pages: the list and one review at fixed query counts, the forms, signing by each party,
the void signatures shown, the overdue flags on the caseload, the employer's and the candidate's pages, and the
centre's safeguarding lead page."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import ProgressReview, ReviewSignature
from apprenticeships.reviews import services
from apprenticeships.reviews.services import Target
from apprenticeships.signing import Party
from audit.models import AuditRecord
from candidates.models import Centre, Enrolment, EnrolmentStatus, Role, RoleKind, User
from candidates.services import safeguarding_lead_set
from tests.apprenticeships.factories import make_entry, make_review, review_content
from tests.assessments.factories import items_of

pytestmark = pytest.mark.django_db

#: The reviews list and one review, whatever the number of reviews, targets and signatures (pinned: a change
#: must be a constant one). The list: session, user, roles, unread count, the enrolment (gate), the reviews with
#: their items, targets and signatures, the schedule, the plan, the last review held. The roles are read once a
#: request (the gate's and the navigation's).
LIST_QUERIES = 12
DETAIL_QUERIES = 9


def _list(enrolment: Enrolment) -> str:
    return reverse("apprenticeships:review_list", kwargs={"pk": enrolment.pk})


def _detail(review: ProgressReview) -> str:
    return reverse("apprenticeships:review_detail", kwargs={"pk": review.enrolment_id, "review_pk": review.pk})


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _signed_reviews(enrolment: Enrolment, employer, number: int) -> list[ProgressReview]:
    reviews = []
    for n in range(number):
        review = make_review(enrolment, held_on=timezone.localdate() - datetime.timedelta(days=n),
                             items=items_of(enrolment, "A1")[:2],
                             targets=tuple(Target(text=f"Target {t}", due=timezone.localdate()
                                                  + datetime.timedelta(days=10 + t)) for t in range(3)))
        services.review_sign(review=review, by=enrolment.candidate, party=Party.CANDIDATE)
        services.review_sign(review=review, by=employer, party=Party.EMPLOYER)
        reviews.append(review)
    return reviews


@pytest.mark.parametrize("who", ["candidate", "assessor", "employer_contact"])
def test_the_list_costs_the_same_queries_for_more_reviews(client, request, enrolment, employer_contact, who) -> None:
    client.force_login(enrolment.candidate if who == "candidate" else request.getfixturevalue(who))
    _signed_reviews(enrolment, employer_contact, 1)
    small = _count(client, _list(enrolment))
    _signed_reviews(enrolment, employer_contact, 6)
    assert _count(client, _list(enrolment)) == small
    if who == "candidate":
        assert small == LIST_QUERIES


@pytest.mark.parametrize("who", ["candidate", "assessor", "employer_contact"])
def test_one_review_costs_the_same_queries_for_more_signatures(client, request, enrolment, employer_contact,
                                                              who) -> None:
    client.force_login(enrolment.candidate if who == "candidate" else request.getfixturevalue(who))
    review = make_review(enrolment)
    small = _count(client, _detail(review))
    services.review_sign(review=review, by=employer_contact, party=Party.EMPLOYER)
    services.review_edit(review=review, by=enrolment.assessor, content=review_content(progress="Changed."))
    services.review_sign(review=review, by=employer_contact, party=Party.EMPLOYER)
    services.review_sign(review=review, by=enrolment.assessor, party=Party.PROVIDER)
    assert _count(client, _detail(review)) == small
    if who == "candidate":
        assert small == DETAIL_QUERIES


def test_the_list_says_when_the_next_review_is_due_and_how_many_signed(client, enrolment, employer_contact) -> None:
    _signed_reviews(enrolment, employer_contact, 1)
    client.force_login(enrolment.candidate)
    page = client.get(_list(enrolment)).text
    assert "Reviewed every 12 weeks." in page
    due = timezone.localdate() + datetime.timedelta(weeks=12)
    assert f"The next review is due by {due.day} {due:%b %Y}." in page
    assert "2 of 3 signatures" in page
    assert "Record a progress review" not in page and "Review schedule" not in page


def test_the_assessor_sets_the_schedule_on_the_list(client, enrolment) -> None:
    client.force_login(enrolment.assessor)
    response = client.post(reverse("apprenticeships:review_schedule", kwargs={"pk": enrolment.pk}),
                           {"interval_weeks": "6"}, follow=True)
    assert "Review schedule saved." in response.text and "Reviewed every 6 weeks." in response.text
    response = client.post(reverse("apprenticeships:review_schedule", kwargs={"pk": enrolment.pk}),
                           {"interval_weeks": "99"})
    assert "from 1 to 52" in response.text


def test_the_new_form_shows_the_hours_of_the_log_and_records_the_review(client, enrolment) -> None:
    make_entry(enrolment, minutes=150)
    client.force_login(enrolment.assessor)
    url = reverse("apprenticeships:review_new", kwargs={"pk": enrolment.pk})
    page = client.get(url).text
    assert "2:30 logged, 0:00 verified" in page
    assert "The centre has named no designated safeguarding lead" in page
    today = timezone.localdate()
    response = client.post(url, {
        "held_on": str(today), "progress": "Calls alone", "english_maths": "Level 2 booked", "wellbeing": "Fine",
        "items": [str(items_of(enrolment, "A1")[0].pk)],
        "target_1_text": "Write the statement", "target_1_due": str(today + datetime.timedelta(days=7)),
    }, follow=True)
    review = ProgressReview.objects.get()
    assert response.redirect_chain[-1][0] == _detail(review)
    assert review.otj_recorded_minutes == 150 and review.targets.get().text == "Write the statement"
    assert "2:30 logged, 0:00 verified" in response.text


def test_the_form_puts_each_problem_beside_its_field(client, enrolment) -> None:
    client.force_login(enrolment.assessor)
    response = client.post(reverse("apprenticeships:review_new", kwargs={"pk": enrolment.pk}), {
        "held_on": str(timezone.localdate()), "progress": "", "english_maths": "x", "wellbeing": "x",
        "target_1_text": "A target with no date", "safeguarding_concern": "on"})
    form = response.context["form"]
    assert set(form.errors) == {"progress", "target_1_due", "safeguarding_note"}
    assert not ProgressReview.objects.exists()


def test_each_party_sees_a_sign_button_for_their_own_party_only(client, enrolment, employer_contact,
                                                                centre_admin, iqa) -> None:
    review = make_review(enrolment)
    for person, label in ((enrolment.candidate, "Sign as the apprentice"), (employer_contact, "Sign as the employer"),
                          (enrolment.assessor, "Sign as the training provider"),
                          (centre_admin, "Sign as the training provider")):
        client.force_login(person)
        page = client.get(_detail(review)).text
        assert label in page and page.count('data-testid="sign"') == 1
    client.force_login(iqa)
    assert 'data-testid="sign"' not in client.get(_detail(review)).text


def test_signing_by_the_page_then_the_button_is_gone(client, enrolment, employer_contact) -> None:
    review = make_review(enrolment)
    client.force_login(employer_contact)
    url = reverse("apprenticeships:review_sign", kwargs={"pk": enrolment.pk, "review_pk": review.pk})
    response = client.post(url, {"party": "employer"}, follow=True)
    assert "Signed as the employer." in response.text
    assert 'data-testid="sign"' not in response.text
    signature = ReviewSignature.objects.get()
    assert signature.user == employer_contact and signature.content_hash in response.text


def test_posting_another_party_is_refused_with_the_reason(client, enrolment) -> None:
    review = make_review(enrolment)
    client.force_login(enrolment.candidate)
    url = reverse("apprenticeships:review_sign", kwargs={"pk": enrolment.pk, "review_pk": review.pk})
    response = client.post(url, {"party": "provider"}, follow=True)
    assert "You cannot sign as the training provider: you sign this review as the apprentice." in response.text
    assert not ReviewSignature.objects.exists()


def test_an_edit_shows_the_signatures_void_with_who_changed_it(client, enrolment, employer_contact) -> None:
    (review,) = _signed_reviews(enrolment, employer_contact, 1)
    client.force_login(enrolment.assessor)
    edit = reverse("apprenticeships:review_edit", kwargs={"pk": enrolment.pk, "review_pk": review.pk})
    assert "saving a change voids the signatures already given" in client.get(edit).text
    data = {"held_on": str(review.held_on), "progress": "Changed after signing", "english_maths": "Level 2",
            "wellbeing": "Fine", "target_1_text": "Target 0",
            "target_1_due": str(timezone.localdate() + datetime.timedelta(days=10))}
    page = client.post(edit, data, follow=True).text
    assert page.count('data-testid="void-signature"') == 2
    assert "signature void: the review changed after it was signed" in page
    assert "changed by Ash Assessor" in page
    assert "0 of 3 signatures" in client.get(_list(enrolment)).text


def test_all_three_signatures_make_the_review_complete(client, enrolment, employer_contact) -> None:
    (review,) = _signed_reviews(enrolment, employer_contact, 1)
    services.review_sign(review=review, by=enrolment.assessor, party=Party.PROVIDER)
    client.force_login(employer_contact)
    assert 'data-testid="review-complete"' in client.get(_detail(review)).text
    assert "Complete: signed by all three" in client.get(_list(enrolment)).text


def test_a_frozen_enrolments_review_is_read_only(client, enrolment) -> None:
    review = make_review(enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.PAUSED)
    client.force_login(enrolment.candidate)
    assert 'data-testid="sign"' not in client.get(_detail(review)).text
    url = reverse("apprenticeships:review_sign", kwargs={"pk": enrolment.pk, "review_pk": review.pk})
    assert client.post(url, {"party": "candidate"}).status_code == 403


def test_a_review_of_another_enrolment_is_not_found(client, enrolment, other_enrolment) -> None:
    review = make_review(other_enrolment)
    client.force_login(enrolment.candidate)
    url = reverse("apprenticeships:review_detail", kwargs={"pk": enrolment.pk, "review_pk": review.pk})
    assert client.get(url).status_code == 404


# --------------------------------------------------------------------------- the overdue flags


@pytest.fixture
def make_enrolment(centre, qualification, assessor):
    def make(n: int) -> Enrolment:
        person = User.objects.create_user(f"learner{n}@example.org", None, first_name="Learner", last_name=str(n))
        Role.objects.create(user=person, centre=centre, kind=RoleKind.CANDIDATE)
        today = timezone.localdate()
        return Enrolment.objects.create(candidate=person, centre=centre, qualification=qualification,
                                        assessor=assessor, start_date=today,
                                        planned_end_date=today + datetime.timedelta(days=300))
    return make


def _overdue(enrolment: Enrolment) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(start_date=timezone.localdate() - datetime.timedelta(days=100))


def test_the_caseload_flags_an_overdue_review_at_a_fixed_query_count(client, assessor, enrolment,
                                                                      make_enrolment) -> None:
    client.force_login(assessor)
    before = _count(client, "/caseload/")
    assert 'data-testid="review-overdue"' not in client.get("/caseload/").text
    _overdue(enrolment)
    for n in range(4):
        _overdue(make_enrolment(n + 50))
    page = client.get("/caseload/").text
    assert page.count('data-testid="review-overdue"') == 5 and "Progress review overdue" in page
    assert _count(client, "/caseload/") == before
    make_review(Enrolment.objects.get(pk=enrolment.pk))
    assert client.get("/caseload/").text.count('data-testid="review-overdue"') == 4


def test_the_employer_sees_an_overdue_review_on_their_apprentices_page(client, enrolment, employer_contact) -> None:
    client.force_login(employer_contact)
    assert 'data-testid="review-overdue"' not in client.get(reverse("assessments:apprentices")).text
    _overdue(enrolment)
    page = client.get(reverse("assessments:apprentices")).text
    assert 'data-testid="review-overdue"' in page
    assert _list(enrolment) in page


def test_the_candidate_sees_an_overdue_review_on_their_home_page(client, enrolment) -> None:
    client.force_login(enrolment.candidate)
    assert "Your progress review is overdue" not in client.get(reverse("home")).text
    _overdue(enrolment)
    assert "Your progress review is overdue" in client.get(reverse("home")).text
    assert 'data-testid="review-overdue"' in client.get(_list(enrolment)).text


# --------------------------------------------------------------------------- the safeguarding lead


def test_the_centre_admin_names_the_safeguarding_lead(client, centre, centre_admin) -> None:
    client.force_login(centre_admin)
    url = reverse("candidates:centre_safeguarding", kwargs={"centre_pk": centre.pk})
    assert "No designated safeguarding lead is named" in client.get(url).text
    page = client.post(url, {"person": str(centre_admin.pk)}, follow=True).text
    assert "The designated safeguarding lead is Ada Admin" in page
    assert Centre.objects.get(pk=centre.pk).safeguarding_lead == centre_admin
    assert AuditRecord.objects.get(action="safeguarding lead named").after == {"person": "Ada Admin"}


def test_the_lead_is_chosen_among_the_centres_admins(client, centre, centre_admin, enrolment) -> None:
    client.force_login(centre_admin)
    url = reverse("candidates:centre_safeguarding", kwargs={"centre_pk": centre.pk})
    for person in (enrolment.candidate, enrolment.assessor):
        response = client.post(url, {"person": str(person.pk)})
        assert "Choose one of the centre&#x27;s administrators." in response.text
    assert Centre.objects.get(pk=centre.pk).safeguarding_lead is None


def test_the_review_form_names_the_lead_who_is_alerted(client, centre, centre_admin, enrolment) -> None:
    safeguarding_lead_set(centre=centre, by=centre_admin, person=centre_admin)
    client.force_login(enrolment.assessor)
    page = client.get(reverse("apprenticeships:review_new", kwargs={"pk": enrolment.pk})).text
    assert "designated safeguarding lead, Ada Admin, by inbox and email" in page


def test_the_employer_sees_that_a_concern_was_raised_but_not_what_it_says(client, enrolment, employer_contact) -> None:
    review = make_review(enrolment, safeguarding_concern=True, safeguarding_note="Says the shift manager shouts.")
    client.force_login(employer_contact)
    page = client.get(_detail(review)).text
    assert "A safeguarding concern was raised" in page and "shift manager" not in page
    client.force_login(enrolment.candidate)
    assert "shift manager" in client.get(_detail(review)).text
