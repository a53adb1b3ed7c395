"""Centre dashboard benchmark: the dashboard page and a report build at 10,000 enrolments.

Runs against a throwaway database (a temporary SQLite file unless DATABASE_URL names a server, where
Django's test database is used; PostgreSQL is what production runs), loads the specs, generates a
centre of 10,000 candidates and 50 assessors with `generate_centre`, then adds the assessment work the
dashboard counts (submitted evidence, decisions, unit sign-offs, samples, countersignatures, exports)
in bulk inserts, and ANALYZEs.

Prints how long the task takes to compute the centre's dashboard figures, the dashboard's median server time
reading them and its query count (which must equal the count pinned in tests/portfolio_site/test_dashboard.py),
and the time to build the progress report (every enrolment)
as CSV and XLSX. Targets: dashboard median under 1,500 ms; progress report under 60 s.
"""

from __future__ import annotations

import datetime
import os
import random
import time

from tests.bench import support

ENROLMENTS = 10_000
ASSESSORS = 50
DASHBOARD_TARGET_MS = 1500
REPORT_TARGET_S = 60
ROUNDS = 5


def _assessment_work(centre_code: str, seed: int = 14) -> dict[str, int]:
    """Evidence, decisions, sign-offs, samples and exports for the generated centre, in bulk. Returns counts."""
    from django.utils import timezone

    from assessments.models import Countersignature, Decision, LearnerDeclaration, UnitSample, UnitSignOff
    from candidates.models import Enrolment, Role, RoleKind, UnitChoice
    from evidence.models import EvidenceItem, EvidenceKind, EvidenceVersion, Mapping, MappingStatus
    from exports.models import ExportStatus, PortfolioExport
    from units.models import AssessableItem

    rng = random.Random(seed)
    now = timezone.now()
    enrolments = list(Enrolment.objects.filter(centre__code=centre_code).order_by("pk"))
    first_unit: dict[int, int] = {}
    for enrolment_id, unit_id in UnitChoice.objects.filter(enrolment__in=enrolments).order_by("pk").values_list(
            "enrolment_id", "unit_id"):
        first_unit.setdefault(enrolment_id, unit_id)
    first_item: dict[int, int] = {}
    for unit_id, item_id in AssessableItem.objects.filter(unit_id__in=set(first_unit.values())).order_by(
            "order", "pk").values_list("unit_id", "pk"):
        first_item.setdefault(unit_id, item_id)
    iqa_ids = list(Role.objects.filter(centre__code=centre_code, kind=RoleKind.IQA).values_list("user_id", flat=True))
    working = [e for e in enrolments if e.pk in first_unit and rng.random() < 0.6]
    items = EvidenceItem.objects.bulk_create(
        [EvidenceItem(enrolment=e, kind=EvidenceKind.PERSONAL_STATEMENT, created_by_id=e.candidate_id)
         for e in working], batch_size=2000)
    submitted = {e.pk: now - datetime.timedelta(hours=rng.randint(1, 24 * 60)) for e in working}
    versions = EvidenceVersion.objects.bulk_create(
        [EvidenceVersion(item=item, number=1, title="Handling a complaint", date=submitted[e.pk].date(),
                         text="What I did.", status="submitted", created_by_id=e.candidate_id,
                         submitted_at=submitted[e.pk], submitted_by_id=e.candidate_id)
         for item, e in zip(items, working, strict=True)], batch_size=2000)
    for item, version in zip(items, versions, strict=True):
        item.current_version = version
    EvidenceItem.objects.bulk_update(items, ["current_version"], batch_size=2000)
    decided = [rng.random() < 0.5 for _ in working]
    mappings = Mapping.objects.bulk_create(
        [Mapping(version=version, assessable_item_id=first_item[first_unit[e.pk]], mapped_by_id=e.candidate_id,
                 status=MappingStatus.ACCEPTED if judged else MappingStatus.CLAIMED)
         for version, e, judged in zip(versions, working, decided, strict=True)], batch_size=2000)
    decisions = Decision.objects.bulk_create(
        [Decision(enrolment=e, mapping=mapping, version=version, assessable_item_id=mapping.assessable_item_id,
                  outcome="accepted", by_id=e.assessor_id,
                  at=min(now, submitted[e.pk] + datetime.timedelta(hours=rng.choice((2, 6, 20, 30, 70)))))
         for version, mapping, e, judged in zip(versions, mappings, working, decided, strict=True) if judged],
        batch_size=2000)
    signing = [e for e, judged in zip(working, decided, strict=True) if judged and rng.random() < 0.5]
    declarations = LearnerDeclaration.objects.bulk_create(
        [LearnerDeclaration(enrolment=e, unit_id=first_unit[e.pk], by_id=e.candidate_id, at=now) for e in signing],
        batch_size=2000)
    sign_offs = UnitSignOff.objects.bulk_create(
        [UnitSignOff(enrolment=e, unit_id=first_unit[e.pk], learner_declaration=declaration, by_id=e.assessor_id,
                     at=now) for e, declaration in zip(signing, declarations, strict=True)], batch_size=2000)
    sampled = [s for s in sign_offs if rng.random() < 0.3]
    UnitSample.objects.bulk_create([UnitSample(unit_sign_off=s, by_id=rng.choice(iqa_ids), at=now) for s in sampled],
                                   batch_size=2000)
    Countersignature.objects.bulk_create(
        [Countersignature(unit_sign_off=s, by_id=rng.choice(iqa_ids), at=now) for s in sampled[::2]], batch_size=2000)
    PortfolioExport.objects.bulk_create(
        [PortfolioExport(enrolment=e, status=rng.choice(ExportStatus.values)) for e in enrolments[::20]],
        batch_size=2000)
    return {"evidence": len(items), "decisions": len(decisions), "unit sign-offs": len(sign_offs),
            "sampled": len(sampled)}


def run() -> None:
    support.setup_django("dashboard")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from candidates.models import Centre, Enrolment, Role, RoleKind
    from exports import services
    from exports.models import CentreReport, ReportFormat, ReportKind
    from exports.tasks import refresh_centre_figures
    from tests.portfolio_site.test_dashboard import DASHBOARD_QUERIES

    quiet = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the run
    call_command("load_specs", verbosity=0, stdout=quiet)
    started = time.perf_counter()
    call_command("generate_centre", candidates=ENROLMENTS, assessors=ASSESSORS, seed=14, stdout=quiet)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    work = _assessment_work("generated-14")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{connection.vendor}: generate_centre {ENROLMENTS} enrolments, {ASSESSORS} assessors in {generated:.1f} s; "
          f"assessment work ({', '.join(f'{n} {what}' for what, n in work.items())}) and ANALYZE in "
          f"{time.perf_counter() - started:.1f} s")

    centre = Centre.objects.get(code="generated-14")
    assert Enrolment.objects.filter(centre=centre).count() == ENROLMENTS
    admin = Role.objects.select_related("user").get(centre=centre, kind=RoleKind.CENTRE_ADMIN).user
    started = time.perf_counter()
    assert refresh_centre_figures(centre.pk) == "done"  # the worker's task, run here
    print(f"dashboard figures computed by the task in {time.perf_counter() - started:.1f} s")
    client = Client()
    client.force_login(admin)
    url = reverse("centre_dashboard", kwargs={"centre_pk": centre.pk})

    def dashboard() -> None:
        response = client.get(url)
        assert response.status_code == 200 and b"10000 enrolments" in response.content, response.status_code

    dashboard_ms, dashboard_cpu = support.median_ms(dashboard, ROUNDS, warm=1)
    count = support.queries(dashboard)
    print(f"dashboard ({ENROLMENTS} enrolments): median {dashboard_ms:.0f} ms (cpu {dashboard_cpu:.0f} ms; "
          f"target < {DASHBOARD_TARGET_MS} ms), {count} queries (pinned in the tests: {DASHBOARD_QUERIES})")

    timings = {}
    for format in (ReportFormat.CSV, ReportFormat.XLSX):
        report = CentreReport.objects.create(centre=centre, requested_by=admin, kind=ReportKind.PROGRESS,
                                             format=format)
        started = time.perf_counter()
        outcome = services.report_build(report_id=report.pk)
        timings[format] = time.perf_counter() - started
        report.refresh_from_db()
        assert outcome == "done", report.error
        print(f"progress report as {format.upper()}: {report.rows} rows, {(report.size or 0) / 1024:.0f} KiB in "
              f"{timings[format]:.1f} s (target < {REPORT_TARGET_S} s)")
    if count != DASHBOARD_QUERIES or dashboard_ms >= DASHBOARD_TARGET_MS or max(timings.values()) >= REPORT_TARGET_S:
        print("bench_dashboard: a target was missed")


if __name__ == "__main__":
    run()
