"""The employer contact's pages: their apprentices, the progress and action points they follow (read-only), the
witness testimony they confirm signed in; and what they never reach (evidence, judging)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apprenticeships.services import entry_verify
from assessments.services import action_point_set
from audit.models import AuditRecord
from candidates.models import Employer, EmployerContact, EmployerContactKind, Enrolment, User
from evidence import services as evidence_services
from evidence.models import EvidenceKind, EvidenceVersion
from tests.apprenticeships.factories import make_entry, make_plan
from tests.assessments.factories import items_of, submitted_evidence
from tests.conftest import PASSWORD


@pytest.fixture
def as_employer(client, employer_contact):
    client.force_login(employer_contact)
    return client


def _apprentice(number: int, employer: Employer, contact: User, template: Enrolment) -> Enrolment:
    person = User.objects.create_user(f"apprentice{number}@example.org", None, first_name="Apprentice",
                                      last_name=f"Number {number}")
    enrolment = Enrolment.objects.create(
        candidate=person, centre=template.centre, qualification=template.qualification, assessor=template.assessor,
        start_date=template.start_date, planned_end_date=template.planned_end_date, employer=employer)
    EmployerContact.objects.create(enrolment=enrolment, user=contact, kind=EmployerContactKind.MENTOR,
                                   invited_by=template.assessor)
    action_point_set(enrolment=enrolment, by=template.assessor, text="Read the returns policy",
                     due=timezone.localdate())
    return enrolment


def test_the_apprentices_page_lists_theirs_with_progress_and_open_action_points(
    as_employer, enrolment, other_employer_contact, assessor
) -> None:
    point = action_point_set(enrolment=enrolment, by=assessor, text="Write the statement", due=timezone.localdate())
    type(point).objects.filter(pk=point.pk).update(due=timezone.localdate() - datetime.timedelta(days=2))
    page = as_employer.get(reverse("assessments:apprentices")).text
    assert "Cara Candidate" in page and "Olga Other" not in page
    assert "Progress: 0% (0 of" in page
    assert "1 open action point" in page and "1 overdue" in page
    assert reverse("assessments:progress", kwargs={"pk": enrolment.pk}) in page


@pytest.mark.parametrize("extra", [0, 12])
def test_the_apprentices_page_costs_the_same_queries_however_many(
    as_employer, enrolment, employer_contact, django_assert_num_queries, extra
) -> None:
    for number in range(extra):
        apprentice = _apprentice(number, enrolment.employer, employer_contact, enrolment)
        make_plan(apprentice)
        make_entry(apprentice, minutes=30 + number)
    # session, user, roles and unread count (nav), the apprentices, chosen units' items, whole qualifications'
    # items, item sign-offs, achieved units, action points, testimonies awaiting confirmation, off-the-job plans
    # and off-the-job minutes (the chart of each apprentice), and the progress reviews overdue (apprenticeships'
    # review_flags tag: one query for every row).
    with django_assert_num_queries(14):
        response = as_employer.get(reverse("assessments:apprentices"))
    assert response.text.count('data-testid="apprentice"') == 1 + extra


def test_each_apprentice_shows_a_chart_of_planned_expected_and_actual_hours(as_employer, enrolment,
                                                                          other_enrolment) -> None:
    make_plan(enrolment, contracted="37.5")
    entry_verify(entry=make_entry(enrolment, minutes=150), by=enrolment.assessor)
    make_entry(enrolment, minutes=45)
    make_entry(other_enrolment, minutes=600)  # another employer's apprentice: not on this page
    page = as_employer.get(reverse("assessments:apprentices")).text
    assert page.count('data-testid="apprentice-otj-chart"') == 1
    # The bars with their hours (see tests/apprenticeships/test_views.py for the figures), and the same in text.
    assert "Minimum over the plan: 279.2 hours; Expected by today: 22.9 hours; Recorded: 3.2 hours; " \
           "Verified: 2.5 hours." in page
    assert "Off-the-job: 2.5 hours verified and 3.2 recorded; 22.9 expected by today of the plan's 279.2." \
           in page
    assert 'data-testid="apprentice-otj-behind"' in page
    assert reverse("apprenticeships:otj_log", kwargs={"pk": enrolment.pk}) in page
    assert "10.0 h" not in page


def test_an_apprentice_without_a_plan_says_so(as_employer, enrolment) -> None:
    make_entry(enrolment, minutes=90)
    page = as_employer.get(reverse("assessments:apprentices")).text
    assert "Off-the-job: 0.0 hours verified and 1.5 recorded; no plan is set yet." in page


def test_someone_who_follows_nobody_is_told_so(client, assessor) -> None:
    client.force_login(assessor)
    assert "You follow no apprentices" in client.get(reverse("assessments:apprentices")).text


def test_the_home_page_leads_the_contact_to_their_apprentices(as_employer, enrolment) -> None:
    page = as_employer.get(reverse("home")).text
    assert "You follow one apprentice as their employer contact." in page
    assert "You have no enrolments to follow yet" not in page
    assert reverse("assessments:apprentices") in page


def test_the_contact_follows_progress_and_action_points_read_only(as_employer, enrolment, assessor) -> None:
    action_point_set(enrolment=enrolment, by=assessor, text="Write the statement", due=timezone.localdate())
    progress = as_employer.get(reverse("assessments:progress", kwargs={"pk": enrolment.pk}))
    assert progress.status_code == 200
    assert reverse("evidence:library", kwargs={"pk": enrolment.pk}) not in progress.text
    assert 'href="{}"'.format(reverse("candidates:enrolment_detail", kwargs={"pk": enrolment.pk})) not in progress.text
    points = as_employer.get(reverse("assessments:action_points", kwargs={"pk": enrolment.pk}))
    assert "Write the statement" in points.text
    assert reverse("assessments:action_point_set", kwargs={"pk": enrolment.pk}) not in points.text
    assert "/done/" not in points.text


@pytest.mark.parametrize("name", ["evidence:library", "assessments:matrix", "assessments:history",
                                  "assessments:questions", "exports:export_list", "candidates:enrolment_detail"])
def test_the_contact_reads_no_other_page_of_the_portfolio(as_employer, enrolment, name) -> None:
    assert as_employer.get(reverse(name, kwargs={"pk": enrolment.pk})).status_code == 403


def test_the_contact_changes_no_assessment_decision(as_employer, enrolment) -> None:
    for name, kwargs in [("assessments:action_point_set", {}), ("assessments:unit_sign_off", {"unit_pk": 1}),
                         ("assessments:question_put", {})]:
        response = as_employer.post(reverse(name, kwargs={"pk": enrolment.pk, **kwargs}), {"text": "x"})
        assert response.status_code in (403, 404), name


# --------------------------------------------------------------------------- witness testimony, signed in


def _testimony(enrolment: Enrolment, witness_email: str) -> EvidenceVersion:
    item = submitted_evidence(enrolment, items_of(enrolment, "A1")[:1], kind=EvidenceKind.WITNESS_TESTIMONY,
                              with_file=False, witness_email=witness_email)
    assert item.current_version is not None
    return item.current_version


def test_the_contact_named_as_witness_confirms_in_their_account(as_employer, enrolment, employer_contact) -> None:
    version = _testimony(enrolment, "Erin.Employer@example.org")
    page = as_employer.get(reverse("assessments:apprentices")).text
    url = reverse("evidence:witness_confirm_signed_in", kwargs={"pk": version.pk})
    assert "Testimonies awaiting your confirmation" in page and url in page
    assert "I confirm this testimony is true" in as_employer.get(url).text
    response = as_employer.post(url)
    assert "Your confirmation is recorded" in response.text
    version.refresh_from_db()
    assert version.witness_confirmed
    assert AuditRecord.objects.filter(action="witness testimony confirmed", actor_id=employer_contact.pk).exists()
    assert url not in as_employer.get(reverse("assessments:apprentices")).text
    again = as_employer.post(url)
    assert again.status_code == 400 and "You already confirmed this testimony" in again.text


def test_a_testimony_naming_someone_else_is_not_theirs(as_employer, enrolment) -> None:
    version = _testimony(enrolment, "wendy.witness@example.org")
    url = reverse("evidence:witness_confirm_signed_in", kwargs={"pk": version.pk})
    assert as_employer.get(url).status_code == 404


def test_the_independence_rules_still_apply(enrolment, employer_contact, assessor) -> None:
    version = _testimony(enrolment, employer_contact.email)
    # The contact has since become a judge of the portfolio (an assessor named on it): they may not witness it.
    from candidates.models import Role, RoleKind

    Role.objects.create(user=employer_contact, centre=enrolment.centre, kind=RoleKind.CENTRE_ADMIN)
    version.item.enrolment = enrolment
    with pytest.raises(ValidationError, match="judges this portfolio"):
        evidence_services.witness_confirm_signed_in(version=version, by=employer_contact)
    version.refresh_from_db()
    assert not version.witness_confirmed


def test_a_removed_contact_no_longer_confirms(client, enrolment, employer_contact, centre_admin) -> None:
    from candidates import services

    version = _testimony(enrolment, employer_contact.email)
    services.remove_employer_contact(contact=EmployerContact.objects.get(user=employer_contact), by=centre_admin)
    assert client.login(email=employer_contact.email, password=PASSWORD)
    url = reverse("evidence:witness_confirm_signed_in", kwargs={"pk": version.pk})
    assert client.get(url).status_code == 404
