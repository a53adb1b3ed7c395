"""The demo data command: every role, two candidates at every stage, and running it twice changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from apprenticeships import services as otj
from apprenticeships.gateway.reads import gateway_of
from apprenticeships.models import EntryStatus, OtjEntry, ProgressReview
from apprenticeships.reviews import services as reviews
from apprenticeships.signing import Party
from assessments.models import (
    ActionPoint,
    Decision,
    DecisionOutcome,
    FeedbackMessage,
    ItemSignOff,
    LearnerDeclaration,
    Question,
    UnitSignOff,
    Visit,
)
from candidates.models import Centre, EmployerContact, Enrolment, PlanStatus, Role, RoleKind, User
from evidence.models import EvidenceItem, EvidenceVersion, Mapping, MappingStatus, VersionStatus
from exports.models import ExportStatus, PortfolioExport
from portfolio_site.demo.evidence import REFERRED_TITLE
from portfolio_site.demo.people import DEMO_PASSWORD, WORKED_EXAMPLE

APPS = ("units", "candidates", "evidence", "assessments", "apprenticeships", "exports")
STANDARDS = ("customer-service-practitioner-st0072", "customer-service-specialist-st0071")
SPECS = Path(settings.BASE_DIR) / "fixtures" / "qualifications"


@pytest.fixture
def demo_specs(db) -> None:
    """The real specs the demo candidates are enrolled on (the OCR one has the worked example) and the two
    customer service standards of the apprentices."""
    for code in ("ocr-l3-customer-service", "cs-standards-l3", *STANDARDS):
        call_command("loaddata", str(SPECS / f"{code}.json"), verbosity=0)


def seed(*, export: bool = False) -> str:
    out = io.StringIO()
    call_command("seed_demo", force=True, no_export=not export, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model of our apps, by model label."""
    return {
        model._meta.label: model._default_manager.count()
        for label in APPS for model in apps.get_app_config(label).get_models()
    }


def dana() -> Enrolment:
    return Enrolment.objects.get(candidate__email="candidate@demo.example.org")


def chris() -> Enrolment:
    return Enrolment.objects.get(candidate__email="candidate2@demo.example.org")


def test_seed_demo_creates_one_person_of_each_role_two_candidates_and_three_apprentices(demo_specs) -> None:
    seed()
    centre = Centre.objects.get(code="demo")
    assert set(Role.objects.filter(centre=centre).values_list("kind", flat=True)) == set(RoleKind.values)
    assert User.objects.filter(is_superuser=True).count() == 1
    assert sorted(Enrolment.objects.values_list("qualification__code", flat=True)) == [
        "cs-standards-l3", "customer-service-practitioner-st0072", "customer-service-practitioner-st0072",
        "customer-service-specialist-st0071", "ocr-l3-customer-service",
    ]
    assert all(user.check_password(DEMO_PASSWORD) for user in User.objects.all())


def test_seed_demo_twice_changes_no_row_of_any_app(demo_specs) -> None:
    seed(export=True)
    before = row_counts()
    hashes = dict(User.objects.values_list("email", "password"))
    seed(export=True)
    assert row_counts() == before
    assert (before["candidates.Centre"], before["candidates.User"], before["candidates.Enrolment"]) == (1, 11, 5)
    assert dict(User.objects.values_list("email", "password")) == hashes
    call_command("verify_audit", stdout=io.StringIO())  # exits 1 (SystemExit) on a broken chain


def test_dana_has_a_self_assessment_and_the_worked_example_as_a_valid_plan(demo_specs) -> None:
    seed()
    enrolment = dana()
    assert enrolment.plan_status == PlanStatus.VALID
    assert set(enrolment.unit_choices.values_list("unit__code", flat=True)) == set(WORKED_EXAMPLE)
    assert enrolment.self_assessments.count() == enrolment.qualification.units.count()


def test_dana_has_accepted_evidence_and_a_referral_answered_by_a_draft_version(demo_specs) -> None:
    seed()
    enrolment = dana()
    assert Decision.objects.filter(enrolment=enrolment, outcome=DecisionOutcome.ACCEPTED).count() >= 6
    referral = Decision.objects.get(enrolment=enrolment, outcome=DecisionOutcome.REFERRED)
    assert referral.version.title == REFERRED_TITLE
    assert referral.messages.get().text == referral.feedback != ""
    item = EvidenceItem.objects.with_current().get(pk=referral.version.item_id)
    assert (item.current_version.number, item.current_version.status) == (2, VersionStatus.DRAFT)
    assert item.current_version.text != referral.version.text
    assert FeedbackMessage.objects.filter(enrolment=enrolment, decision=None, author=enrolment.candidate).exists()
    assert EvidenceVersion.objects.filter(item__enrolment=enrolment, status=VersionStatus.SUBMITTED).count() >= 8


def test_dana_has_a_unit_countersigned_one_awaiting_the_iqa_and_one_awaiting_her_declaration(demo_specs) -> None:
    seed()
    enrolment = dana()
    sign_offs = {sign_off.unit.code: sign_off for sign_off in UnitSignOff.objects.current().filter(enrolment=enrolment)}
    assert set(sign_offs) == {"F3", "F4"}
    assert sign_offs["F3"].countersignature.by == enrolment.iqa
    assert not hasattr(sign_offs["F4"], "countersignature")
    assert set(LearnerDeclaration.objects.filter(enrolment=enrolment).values_list("unit__code", flat=True)) == {
        "F3", "F4",
    }
    assert ItemSignOff.objects.filter(enrolment=enrolment, assessable_item__unit__code="A3").exists()


def test_the_certification_page_shows_dana_eligible_for_unit_certificates(demo_specs, client) -> None:
    seed()
    enrolment = dana()
    client.force_login(User.objects.get(email="admin@demo.example.org"))
    response = client.get(reverse("assessments:certification", kwargs={"centre_pk": enrolment.centre_id}))
    assert "Eligible for unit certificates: F3, F4." in response.content.decode()


def test_the_dashboard_shows_the_demo_centre_s_figures_straight_away(demo_specs, client) -> None:
    assert "Demo dashboard figures for" in seed()
    centre = Centre.objects.get(code="demo")
    client.force_login(User.objects.get(email="admin@demo.example.org"))
    page = client.get(reverse("centre_dashboard", kwargs={"centre_pk": centre.pk})).content.decode()
    assert "Figures as of" in page and f"{Enrolment.objects.filter(centre=centre).count()} enrolments." in page
    assert "being prepared" not in page


def test_dana_has_questions_visits_and_action_points_at_every_stage(demo_specs) -> None:
    seed()
    enrolment = dana()
    now, today = timezone.now(), timezone.localdate()
    questions = Question.objects.filter(enrolment=enrolment)
    assert questions.filter(answered_at__isnull=False).exists() and questions.filter(answered_at=None).exists()
    visits = Visit.objects.filter(enrolment=enrolment)
    assert visits.filter(planned_for__lt=now).exclude(notes="").exists()
    assert visits.filter(planned_for__gt=now, notes="").exists()
    points = ActionPoint.objects.filter(enrolment=enrolment)
    assert points.filter(done_at__isnull=False).exists()
    assert points.overdue(today).exists()
    assert points.open().filter(due__gt=today).exists()


def test_chris_has_a_self_assessment_a_draft_plan_and_a_little_draft_evidence(demo_specs) -> None:
    seed()
    enrolment = chris()
    assert enrolment.self_assessments.exists()
    assert enrolment.plan_status == PlanStatus.DRAFT
    statuses = set(EvidenceVersion.objects.filter(item__enrolment=enrolment).values_list("status", flat=True))
    assert statuses == {VersionStatus.DRAFT}


def test_seed_demo_renders_dana_one_portfolio_export(demo_specs) -> None:
    output = seed(export=True)
    export = PortfolioExport.objects.get()
    assert (export.enrolment, export.status) == (dana(), ExportStatus.DONE)
    assert export.pages and export.file_name
    assert "export" in output


def test_seed_demo_prints_the_sign_in_details(demo_specs) -> None:
    output = seed()
    assert DEMO_PASSWORD in output
    assert "admin@demo.example.org" in output
    assert "platform@demo.example.org" in output


def test_seed_demo_without_the_specs_still_creates_the_people(db) -> None:
    seed()
    assert Enrolment.objects.count() == 0
    assert User.objects.count() == 10  # the employer contact comes with the apprentices' enrolments


def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(db, settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()


def apprentice(local: str) -> Enrolment:
    return Enrolment.objects.select_related("otj_plan", "employer").get(candidate__email=f"{local}@demo.example.org")


def verified_minutes(enrolment: Enrolment) -> int:
    return sum(OtjEntry.objects.filter(enrolment=enrolment, status=EntryStatus.VERIFIED)
               .values_list("minutes", flat=True))


def test_the_three_apprentices_share_one_employer_contact_who_signs_in_with_the_demo_password(demo_specs) -> None:
    seed()
    eve = User.objects.get(email="employer@demo.example.org")
    assert eve.check_password(DEMO_PASSWORD)
    followed = EmployerContact.objects.filter(user=eve, removed_at__isnull=True)
    assert sorted(followed.values_list("enrolment__candidate__email", flat=True)) == [
        "apprentice2@demo.example.org", "apprentice3@demo.example.org", "apprentice@demo.example.org"]
    assert {str(contact.enrolment.employer) for contact in followed} == {"Harbour Retail Ltd"}


def test_sam_is_behind_on_off_the_job_hours_with_entries_awaiting_verification(demo_specs) -> None:
    seed()
    sam = apprentice("apprentice")
    assert otj.is_behind(sam.otj_plan, verified_minutes=verified_minutes(sam), day=timezone.localdate())
    assert OtjEntry.objects.filter(enrolment=sam, status=EntryStatus.RECORDED).count() == 2


def test_riley_is_on_track(demo_specs) -> None:
    seed()
    riley = apprentice("apprentice2")
    assert riley.qualification.code == "customer-service-specialist-st0071"
    assert not otj.is_behind(riley.otj_plan, verified_minutes=verified_minutes(riley), day=timezone.localdate())


def test_jo_has_every_ksb_accepted_and_the_off_the_job_minimum_met(demo_specs) -> None:
    seed()
    jo = apprentice("apprentice3")
    ksbs = set(jo.qualification.units.values_list("items", flat=True))
    accepted = set(Mapping.objects.filter(version__item__enrolment=jo, status=MappingStatus.ACCEPTED)
                   .values_list("assessable_item", flat=True))
    assert len(ksbs) == 18 and accepted == ksbs
    assert verified_minutes(jo) / 60 >= otj.plan_minimum(jo.otj_plan)


def test_riley_has_a_review_signed_by_her_and_the_assessor_awaiting_the_employer(demo_specs) -> None:
    seed()
    riley = apprentice("apprentice2")
    [review] = ProgressReview.objects.filter(enrolment=riley)
    valid = {signature.party for signature in review.signatures.all() if signature.void_at is None}
    assert valid == {Party.CANDIDATE, Party.PROVIDER}
    assert not reviews.is_complete(review)
    assert review.targets.get().action_point is not None  # the first signature made it an action point


def test_jo_meets_every_gateway_requirement_and_nobody_has_signed_yet(demo_specs) -> None:
    seed()
    jo = apprentice("apprentice3")
    view = gateway_of(jo, timezone.localdate())
    assert [outcome.met for outcome in view.gateway.outcomes] == [True] * 5
    assert view.signatures == []
