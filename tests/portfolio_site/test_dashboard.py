"""The centre dashboard: what it counts, the stored figures it reads (computed by the task, refreshed by beat and a
button), who may read and refresh it, and a query count that stays fixed as the centre grows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from assessments import services as assessment_services
from candidates.models import Enrolment, EnrolmentStatus, Role, RoleKind, UnitChoice, User
from exports import figures
from exports import services as export_services
from exports.models import AssessorFigures, CentreFigures, ExportStatus, FiguresRefresh, PortfolioExport
from exports.tasks import refresh_centre_figures, refresh_stale_figures
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


def _compute(centre) -> CentreFigures:
    """The centre's figures as the worker computes them: the task, run here."""
    assert refresh_centre_figures(centre.pk) == "done"
    return CentreFigures.objects.filter(centre=centre).latest("computed_at", "pk")


@pytest.fixture
def sent(monkeypatch) -> list[tuple]:
    """The figures' tasks queued, recorded instead of sent to a broker."""
    calls: list[tuple] = []
    monkeypatch.setattr(refresh_centre_figures, "apply_async", lambda args, **kwargs: calls.append(args))
    return calls


def test_the_page_shows_the_figures_exports_figures_computes_live(busy_centre, client, centre, centre_admin,
                                                                    enrolment, other_enrolment, assessor):
    _compute(centre)
    client.force_login(centre_admin)
    response = client.get(_url(centre))
    assert response.status_code == 200
    board = response.context["board"]
    enrolments = Enrolment.objects.visible_to(centre_admin).filter(centre=centre)
    facts = figures.centre_facts(enrolments)
    live_stages = figures.stages(facts)
    live_risk = figures.at_risk(enrolments, facts)
    live_pipe = figures.pipeline(enrolments, live_stages.by_stage)

    def pairs(tallies) -> list[tuple[str, str, int]]:
        return [(t.key, str(t.label), t.count) for t in tallies]

    assert pairs(board.stages.by_stage) == pairs(live_stages.by_stage)
    assert pairs(board.stages.by_status) == pairs(live_stages.by_status)
    assert pairs(board.stages.by_band) == pairs(live_stages.by_band)
    assert board.stages.total == live_stages.total == 2
    assert pairs(board.at_risk.counts) == pairs(live_risk.counts) and board.at_risk.total == live_risk.total
    assert [(e.pk, [str(r) for r in e.risks]) for e in board.at_risk.listed] == \
        [(e.pk, [str(r) for r in e.risks]) for e in live_risk.listed] == \
        [(other_enrolment.pk, ["No evidence or decision for 30 days", "Past the planned end date"])]
    assert pairs(board.pipeline.exports) == pairs(live_pipe.exports)
    assert pairs(board.pipeline.units) == pairs(live_pipe.units) and board.pipeline.eligible == live_pipe.eligible
    live_loads = {load.assessor_id: load for load in figures.caseloads(
        enrolments, User.objects.filter(roles__centre=centre, roles__kind=RoleKind.ASSESSOR))}
    live_coverage = {c.assessor_id: c for c in figures.sampling_coverage(enrolments).assessors}
    rows = list(board.assessors.page)
    assert {row.assessor_id for row in rows} == set(live_loads) | set(live_coverage)
    for row in rows:
        load = live_loads[row.assessor_id]
        assert (row.name, row.active, row.paused, row.awaiting, row.oldest_waiting_hours, row.decided,
                row.median_hours, row.within_target, row.within_target_percent, row.meets_target) == (
            load.name, load.active, load.paused, load.awaiting, load.oldest_waiting_hours, load.decided,
            load.median_hours, load.within_target, load.within_target_percent, load.meets_target)
        coverage = live_coverage.get(row.assessor_id)
        assert (row.signed, row.sampled) == ((coverage.signed, coverage.sampled) if coverage else (0, 0))
        if coverage:
            assert (row.percent, row.needed, row.met) == (coverage.percent, coverage.needed, coverage.met)
    assert [row.name for row in rows] == ["Ash Assessor", "Otto Assessor"]  # by name
    page = response.content.decode()
    for chart in ("stages", "progress", "risk", "response", "caseload", "sampling", "units", "exports"):
        assert f'data-testid="chart-{chart}"' in page
    assert 'data-testid="row-stages-units_signed_off"><th scope="row">Units signed off</th><td class="text-end">1<' \
        in page
    assert "Dashed line: target, 24 working hours" in page
    assert "Olga" in page  # at risk, named
    assert "No report asked for yet." in page
    assert "Refresh the figures" in page


def test_the_page_says_when_the_figures_were_computed(busy_centre, client, centre, centre_admin, sent):
    snapshot = _compute(centre)
    computed = timezone.now() - datetime.timedelta(minutes=3)
    CentreFigures.objects.filter(pk=snapshot.pk).update(computed_at=computed)
    client.force_login(centre_admin)
    page = client.get(_url(centre)).content.decode()
    when = formats.date_format(timezone.localtime(computed), "TIME_FORMAT")
    assert f"Figures as of {when}, 3\xa0minutes ago." in page
    assert "being refreshed" not in page and not FiguresRefresh.objects.exists() and not sent


def test_with_no_figures_yet_the_page_says_they_are_being_prepared_and_asks_once(
        busy_centre, client, centre, centre_admin, sent, django_capture_on_commit_callbacks):
    client.force_login(centre_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_url(centre))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The figures are being prepared" in page
    assert f'href="{_url(centre)}">Reload this page in a minute to see them' in page
    assert 'data-testid="chart-stages"' not in page and "Refresh the figures" not in page
    assert sent == [(centre.pk,)]
    assert FiguresRefresh.objects.get(centre=centre).requested_by == centre_admin
    with django_capture_on_commit_callbacks(execute=True):
        assert "The figures are being prepared" in client.get(_url(centre)).content.decode()
    assert sent == [(centre.pk,)]  # asked once
    refresh_centre_figures(centre.pk)  # the worker
    page = client.get(_url(centre)).content.decode()
    assert "Figures as of" in page and "2 enrolments" in page and not FiguresRefresh.objects.exists()


def test_stale_figures_are_shown_while_a_refresh_is_asked_for(busy_centre, client, centre, centre_admin, sent,
                                                              settings, django_capture_on_commit_callbacks):
    snapshot = _compute(centre)
    CentreFigures.objects.filter(pk=snapshot.pk).update(
        computed_at=timezone.now() - datetime.timedelta(seconds=settings.FIGURES_MAX_AGE_SECONDS + 60))
    client.force_login(centre_admin)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(_url(centre)).content.decode()
    assert "11\xa0minutes ago" in page and "2 enrolments" in page
    assert "They are being refreshed" in page and "Refresh the figures" not in page
    assert sent == [(centre.pk,)]
    with django_capture_on_commit_callbacks(execute=True):
        assert "They are being refreshed" in client.get(_url(centre)).content.decode()
    assert sent == [(centre.pk,)]


def test_the_refresh_button_queues_one_refresh(busy_centre, client, centre, centre_admin, sent,
                                               django_capture_on_commit_callbacks):
    _compute(centre)
    client.force_login(centre_admin)
    refresh = reverse("centre_dashboard_refresh", kwargs={"centre_pk": centre.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(refresh, follow=True)
    assert response.redirect_chain == [(_url(centre), 302)]
    page = response.content.decode()
    assert "The figures are being computed again" in page and "They are being refreshed" in page
    assert sent == [(centre.pk,)] and FiguresRefresh.objects.filter(centre=centre).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(refresh, follow=True)
    assert "The figures are already being computed" in response.content.decode()
    assert sent == [(centre.pk,)]
    assert client.get(refresh).status_code == 405


def test_only_the_centre_admin_may_refresh(busy_centre, client, centre, assessor, stranger_assessor, sent,
                                           django_capture_on_commit_callbacks):
    refresh = reverse("centre_dashboard_refresh", kwargs={"centre_pk": centre.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(assessor)
        assert client.post(refresh).status_code == 403
        client.force_login(stranger_assessor)
        assert client.post(refresh).status_code == 404
    assert not sent and not FiguresRefresh.objects.exists()


def test_a_refresh_the_broker_refused_is_forgotten_so_the_next_asks_again(centre, centre_admin, monkeypatch,
                                                                           django_capture_on_commit_callbacks):
    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(refresh_centre_figures, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        assert export_services.figures_request(centre=centre, by=centre_admin)
    assert not FiguresRefresh.objects.exists()


def test_a_refresh_lost_long_ago_is_asked_for_again(centre, sent, settings, django_capture_on_commit_callbacks):
    FiguresRefresh.objects.create(centre=centre, requested_at=timezone.now() - datetime.timedelta(
        seconds=settings.FIGURES_REFRESH_LOST_AFTER_SECONDS + 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert export_services.figures_request(centre=centre)
        assert not export_services.figures_request(centre=centre)
    assert sent == [(centre.pk,)]


def test_the_task_replaces_the_old_snapshot(busy_centre, client, centre, centre_admin, enrolment):
    first = _compute(centre)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.WITHDRAWN)
    second = _compute(centre)
    third = _compute(centre)
    assert third.pk != second.pk and not CentreFigures.objects.filter(pk=first.pk).exists()
    assert not AssessorFigures.objects.filter(figures_id=first.pk).exists()
    # The one before the newest stays until the next, whole: a page that read it a moment ago finds its rows.
    assert set(CentreFigures.objects.filter(centre=centre).values_list("pk", flat=True)) == {second.pk, third.pk}
    assert AssessorFigures.objects.filter(figures=second).count() == AssessorFigures.objects.filter(
        figures=third).count() == 2
    assert first.tallies["status"]["withdrawn"] == 0 and third.tallies["status"]["withdrawn"] == 1
    client.force_login(centre_admin)
    board = client.get(_url(centre)).context["board"]
    assert board.snapshot.pk == third.pk
    assert {t.key: t.count for t in board.stages.by_status}["withdrawn"] == 1


def test_the_figures_of_another_centre_are_its_own(busy_centre, centre, other_centre, stranger_candidate,
                                                   qualification, stranger_assessor):
    from tests.conftest import enrol

    enrol(stranger_candidate, other_centre, qualification, stranger_assessor, None)
    ours, theirs = _compute(centre), _compute(other_centre)
    assert (ours.total, theirs.total) == (2, 1)
    assert set(AssessorFigures.objects.filter(figures=theirs).values_list("assessor_id", flat=True)) == {
        stranger_assessor.pk}


def test_beat_asks_for_the_centres_whose_figures_are_missing_or_stale(centre, other_centre, sent, settings,
                                                                      django_capture_on_commit_callbacks):
    fresh = _compute(centre)
    with django_capture_on_commit_callbacks(execute=True):
        assert refresh_stale_figures() == [other_centre.pk]
        assert refresh_stale_figures() == []  # already asked
    CentreFigures.objects.filter(pk=fresh.pk).update(
        computed_at=timezone.now() - datetime.timedelta(seconds=settings.FIGURES_MAX_AGE_SECONDS + 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert refresh_stale_figures() == [centre.pk]
    assert sent == [(other_centre.pk,), (centre.pk,)]
    assert settings.CELERY_BEAT_SCHEDULE["exports-refresh-stale-figures"]["task"] == \
        "exports.tasks.refresh_stale_figures"


def test_another_role_at_the_centre_is_refused_and_a_stranger_sees_nothing(client, centre, assessor,
                                                                           stranger_assessor):
    client.force_login(assessor)
    assert client.get(_url(centre)).status_code == 403
    client.force_login(stranger_assessor)
    assert client.get(_url(centre)).status_code == 404
    assert not FiguresRefresh.objects.exists()


def test_a_platform_admin_chooses_a_centre(client, platform_admin, centre, other_centre):
    client.force_login(platform_admin)
    response = client.get(reverse("dashboard_choose"))
    assert response.status_code == 200
    assert _url(centre) in response.content.decode() and _url(other_centre) in response.content.decode()


def test_a_centre_admin_of_one_centre_goes_straight_to_its_dashboard(client, centre_admin, centre):
    client.force_login(centre_admin)
    assert client.get(reverse("dashboard_choose")).url == _url(centre)


def _grow(centre, qualification, assessor, iqa, n: int, assessors: int = 0) -> None:
    """`n` more candidates at the centre, each with a plan, an evidence item and an export; `assessors` more
    assessors, the candidates dealt out to them in turn (to `assessor` when there are none)."""
    today = timezone.localdate()
    people = User.objects.bulk_create([User(email=f"grown-{n}-{i}@example.org", first_name="Grown", last_name=str(i))
                                       for i in range(n)])
    Role.objects.bulk_create([Role(user=p, centre=centre, kind=RoleKind.CANDIDATE) for p in people])
    staff = User.objects.bulk_create([User(email=f"assessor-{n}-{i}@example.org", first_name="Assessor",
                                           last_name=f"{i:03d}") for i in range(assessors)]) or [assessor]
    Role.objects.bulk_create([Role(user=p, centre=centre, kind=RoleKind.ASSESSOR) for p in staff if p != assessor])
    enrolments = Enrolment.objects.bulk_create([
        Enrolment(candidate=p, centre=centre, qualification=qualification, assessor=staff[i % len(staff)], iqa=iqa,
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
#: newest figures (with whether a refresh waits, and how many assessors), the page of assessors, the top of each of
#: the three per-assessor charts, the listed at-risk enrolments, reports, and the layout's unread notifications.
DASHBOARD_QUERIES = 12


def test_the_dashboard_costs_the_same_queries_for_a_small_and_a_larger_centre(
        busy_centre, client, centre, centre_admin, qualification, assessor, iqa, django_assert_num_queries):
    _compute(centre)
    client.force_login(centre_admin)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(_url(centre)).status_code == 200
    _grow(centre, qualification, assessor, iqa, 120, assessors=70)
    _compute(centre)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(_url(centre))
    assert response.status_code == 200 and "122 enrolments" in response.content.decode()
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(_url(centre), {"page": "2"}).status_code == 200


def test_the_assessors_come_50_a_page_and_each_chart_draws_at_most_15(busy_centre, client, centre, centre_admin,
                                                                      qualification, assessor, iqa):
    _grow(centre, qualification, assessor, iqa, 120, assessors=70)
    _compute(centre)
    client.force_login(centre_admin)
    board = client.get(_url(centre)).context["board"]
    assert board.assessors.page.paginator.count == 72  # Ash, Otto and the 70
    assert len(board.assessors.page.object_list) == 50
    names = [row.name for row in board.assessors.page]
    assert names == sorted(names, key=str.lower) and names[0] == "Ash Assessor"
    second = client.get(_url(centre), {"page": "2"}).context["board"]
    assert [row.name for row in second.assessors.page][-1] == "Otto Assessor"
    assert len(second.assessors.page.object_list) == 22
    caseload = board.charts["caseload"]
    assert len(caseload.bars) == 15 and str(caseload.title) == "Active candidates: the 15 assessors with the most"
    actives = [bar.value for bar in caseload.bars]
    assert actives == sorted(actives, reverse=True) and actives[0] == max(
        row.active for row in AssessorFigures.objects.filter(figures=board.snapshot))
    sampling = board.charts["sampling"]
    assert len(sampling.bars) == 1  # only Ash signed a unit off
    assert str(sampling.title) == "Share of unit sign-offs the IQA sampled: the assessor with the lowest"
    page = client.get(_url(centre)).content.decode()
    assert 'data-testid="pagination"' in page and "Each of the 72 assessors" in page
    assert ("Active candidates: the 15 assessors with the most. Each bar is labelled with its figure; the table "
            "below lists every assessor.") in page  # what the chart shows, under it


def test_a_centre_with_no_decision_yet_draws_an_empty_response_chart_under_its_usual_title(client, centre,
                                                                                            centre_admin, assessor):
    _compute(centre)
    client.force_login(centre_admin)
    board = client.get(_url(centre)).context["board"]
    assert board.charts["response"].bars == () and board.charts["sampling"].bars == ()
    assert str(board.charts["response"].title) == "Median response time per assessor, in working hours"
    assert [bar.label for bar in board.charts["caseload"].bars] == ["Ash Assessor"]


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
