"""The centre dashboard: what it counts, who may read it, and a query count that stays fixed as the centre grows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from candidates.models import Enrolment, EnrolmentStatus, Role, RoleKind, UnitChoice, User
from exports import figures
from exports.models import ExportStatus, PortfolioExport
from portfolio_site.charts import bar_chart
from tests.apprenticeships.factories import make_plan
from tests.assessments.factories import items_of, signed_unit, submitted_evidence, unit_of

pytestmark = pytest.mark.django_db


def _url(centre) -> str:
    return reverse("centre_dashboard", kwargs={"centre_pk": centre.pk})


def _choose(enrolment: Enrolment, *codes: str) -> None:
    UnitChoice.objects.bulk_create([UnitChoice(enrolment=enrolment, unit=unit_of(enrolment, code)) for code in codes])


@pytest.fixture
def busy_centre(enrolment, other_enrolment, assessor, iqa) -> dict:
    """Cara: A1 and A2 planned, A1 signed off and in the IQA's sample. Olga: started 60 days ago, nothing since,
    past her planned end."""
    _choose(enrolment, "A1", "A2")
    sign_off = signed_unit(enrolment, "A1", assessor=assessor)
    assessment_services.unit_sample(unit_sign_off=sign_off, by=iqa)
    today = timezone.localdate()
    Enrolment.objects.filter(pk=other_enrolment.pk).update(
        start_date=today - datetime.timedelta(days=400), planned_end_date=today - datetime.timedelta(days=5))
    PortfolioExport.objects.create(enrolment=enrolment, status=ExportStatus.FAILED)
    return {"sign_off": sign_off}


def test_the_figures_count_stages_risks_sampling_and_the_pipeline(busy_centre, centre, centre_admin, enrolment,
                                                                   other_enrolment, assessor):
    enrolments = Enrolment.objects.visible_to(centre_admin).filter(centre=centre)
    facts = figures.centre_facts(enrolments)
    stages = {t.key: t.count for t in figures.stages(facts).by_stage}
    assert stages[figures.Stage.UNITS_SIGNED_OFF] == 1  # Cara
    assert stages[figures.Stage.NOT_STARTED] == 1  # Olga
    bands = {t.key: t.count for t in figures.stages(facts).by_band}
    assert bands["50"] == 1 and bands["no_plan"] == 1
    risk = figures.at_risk(enrolments, facts)
    assert {t.key: t.count for t in risk.counts} == {"quiet": 1, "overdue": 1, "otj_behind": 0}
    assert [e.pk for e in risk.listed] == [other_enrolment.pk]
    coverage = figures.sampling_coverage(enrolments)
    assert [(c.assessor_id, c.unit, c.signed, c.sampled) for c in coverage.cells] == [(assessor.pk, "A1", 1, 1)]
    pipe = figures.pipeline(enrolments, figures.stages(facts).by_stage)
    assert {t.key: t.count for t in pipe.units}["in_sample"] == 1
    assert {t.key: t.count for t in pipe.exports}["failed"] == 1


def test_an_apprentice_behind_on_off_the_job_hours_is_at_risk(enrolment, centre, centre_admin):
    make_plan(enrolment)  # started 30 days ago, nothing verified: 22.9 hours short
    enrolments = Enrolment.objects.visible_to(centre_admin).filter(centre=centre)
    risk = figures.at_risk(enrolments, figures.centre_facts(enrolments))
    assert {t.key: t.count for t in risk.counts}["otj_behind"] == 1
    assert [str(reason) for reason in risk.listed[0].risks] == ["Off-the-job hours behind"]


def test_a_unit_countersigned_on_every_planned_unit_makes_the_candidate_eligible(enrolment, centre, centre_admin,
                                                                                 assessor, iqa):
    _choose(enrolment, "A1")
    sign_off = signed_unit(enrolment, "A1", assessor=assessor)
    enrolments = Enrolment.objects.visible_to(centre_admin).filter(centre=centre)
    assert {t.key: t.count for t in figures.stages(figures.centre_facts(enrolments)).by_stage}["eligible"] == 1
    assessment_services.unit_sample(unit_sign_off=sign_off, by=iqa)  # in the sample: not achieved until countersigned
    assert {t.key: t.count for t in figures.stages(figures.centre_facts(enrolments)).by_stage}["eligible"] == 0


def test_response_time_runs_in_working_hours_from_submission_to_the_first_decision(enrolment, centre, centre_admin,
                                                                                    assessor, monkeypatch):
    evidence = submitted_evidence(enrolment, items_of(enrolment, "A1")[:1])
    monday_nine = timezone.make_aware(datetime.datetime(2026, 11, 23, 9, 0))
    evidence.current_version.__class__.objects.filter(pk=evidence.current_version_id).update(submitted_at=monday_nine)
    from assessments.models import Decision
    from tests.assessments.factories import mapping_of

    # Decided on Tuesday at 12:00 (8 + 3 working hours); decisions are append-only, so the clock is set, not the row.
    decided = monday_nine + datetime.timedelta(days=1, hours=3)
    monkeypatch.setattr(timezone, "now", lambda: decided)
    assessment_services.mapping_accept(mapping=mapping_of(evidence, items_of(enrolment, "A1")[0]), by=assessor)
    monkeypatch.undo()
    assert Decision.objects.get(version_id=evidence.current_version_id).at == decided
    enrolments = Enrolment.objects.visible_to(centre_admin).filter(centre=centre)
    loads = {load.assessor_id: load for load in figures.caseloads(
        enrolments, User.objects.filter(roles__centre=centre, roles__kind=RoleKind.ASSESSOR),
        now=monday_nine + datetime.timedelta(days=2))}
    assert loads[assessor.pk].response_hours == [11.0]
    assert loads[assessor.pk].meets_target and loads[assessor.pk].active == 1


def test_the_centre_admin_reads_charts_and_their_tables(busy_centre, client, centre, centre_admin):
    client.force_login(centre_admin)
    response = client.get(_url(centre))
    assert response.status_code == 200
    page = response.content.decode()
    for chart in ("stages", "progress", "risk", "response", "sampling", "units", "exports"):
        assert f'data-testid="chart-{chart}"' in page
    assert 'data-testid="row-stages-units_signed_off"><th scope="row">Units signed off</th><td class="text-end">1<' \
        in page
    assert "Dashed line: target, 24 working hours" in page
    assert "Olga" in page  # at risk, named
    assert "No report asked for yet." in page


def test_another_role_at_the_centre_is_refused_and_a_stranger_sees_nothing(client, centre, assessor,
                                                                           stranger_assessor):
    client.force_login(assessor)
    assert client.get(_url(centre)).status_code == 403
    client.force_login(stranger_assessor)
    assert client.get(_url(centre)).status_code == 404


def test_a_platform_admin_chooses_a_centre(client, platform_admin, centre, other_centre):
    client.force_login(platform_admin)
    response = client.get(reverse("dashboard_choose"))
    assert response.status_code == 200
    assert _url(centre) in response.content.decode() and _url(other_centre) in response.content.decode()


def test_a_centre_admin_of_one_centre_goes_straight_to_its_dashboard(client, centre_admin, centre):
    client.force_login(centre_admin)
    assert client.get(reverse("dashboard_choose")).url == _url(centre)


def _grow(centre, qualification, assessor, iqa, n: int) -> None:
    """`n` more candidates at the centre, each with a plan, an evidence item and an export."""
    today = timezone.localdate()
    people = User.objects.bulk_create([User(email=f"grown-{n}-{i}@example.org", first_name="Grown", last_name=str(i))
                                       for i in range(n)])
    Role.objects.bulk_create([Role(user=p, centre=centre, kind=RoleKind.CANDIDATE) for p in people])
    enrolments = Enrolment.objects.bulk_create([
        Enrolment(candidate=p, centre=centre, qualification=qualification, assessor=assessor, iqa=iqa,
                  start_date=today - datetime.timedelta(days=100 + i),
                  planned_end_date=today + datetime.timedelta(days=i - 5),
                  status=EnrolmentStatus.ACTIVE if i % 4 else EnrolmentStatus.PAUSED)
        for i, p in enumerate(people)])
    unit = qualification.units.get(code="A1")
    UnitChoice.objects.bulk_create([UnitChoice(enrolment=e, unit=unit) for e in enrolments])
    for e in enrolments[:3]:
        make_plan(e)
    PortfolioExport.objects.bulk_create([PortfolioExport(enrolment=e) for e in enrolments])


#: The dashboard's queries: session and user, the gate (centre, roles: read once, for the navigation too), the
#: enrolments' facts (four), risks (two for off-the-job, the listed enrolments), caseloads (assessors, enrolments,
#: waiting work, decisions), sampling, the pipeline (two), reports, and the layout's unread notifications.
DASHBOARD_QUERIES = 20


def test_the_dashboard_costs_the_same_queries_for_a_small_and_a_larger_centre(
        busy_centre, client, centre, centre_admin, qualification, assessor, iqa, django_assert_num_queries):
    client.force_login(centre_admin)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(_url(centre)).status_code == 200
    _grow(centre, qualification, assessor, iqa, 60)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(_url(centre))
    assert response.status_code == 200 and "62 enrolments" in response.content.decode()


@pytest.mark.parametrize(("planned", "signed", "band"), [
    (0, 0, "no_plan"), (4, 0, "0"), (4, 1, "25"), (3, 1, "25"), (4, 2, "50"), (4, 3, "75"), (5, 4, "75"),
    (4, 4, "100"), (4, 5, "100"),
])
def test_progress_bands_by_the_share_of_planned_units_signed_off(planned, signed, band):
    assert figures.band_of(planned, signed) == band


def test_a_bar_chart_scales_to_its_longest_bar_or_marker():
    chart = bar_chart("c", "Title", [("a", "A", 10), ("b", "B", 5)], unit=" h", marker=("target", 20))
    assert [(bar.width, bar.text) for bar in chart.bars] == [(50, "10 h"), (25, "5 h")]
    assert chart.marker.x == 100
    assert [bar.pattern for bar in chart.bars] == ["solid", "stripes"]
    assert chart.description == "A: 10 h; B: 5 h"
