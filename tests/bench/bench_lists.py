"""List benchmarks at 10,000 enrolments: the centre's enrolment list, the caseload, the review queue, the IQA
sampling page and an evidence library, each on its first page and with a filtered search.

Runs against a throwaway database (a temporary SQLite file unless DATABASE_URL names another server; the
figures that count are PostgreSQL's). Loads the specs, generates a centre of 10,000 candidates and 100
assessors (`generate_centre`), gives a tenth of the enrolments another status, ages their creation to their
start, gives every fifth an off-the-job plan, fills one assessor's caseload of 100 with evidence, decisions
and sign-offs (bench_assessments.fill_portfolios), then ANALYZEs (the test database gets no autovacuum).

Each page: the median server time over ROUNDS requests and its query count; the query count is taken on the
first and on the last page too, which must be equal.

Target: each page's median under 150 ms.
"""

from __future__ import annotations

import datetime
import os
import random
import time
from collections.abc import Callable
from typing import Any

from tests.bench import support

TARGET_MS = 150
CANDIDATES = 10_000
ASSESSORS = 100
ROUNDS = 15
SEED = 14


def prepare() -> tuple[Any, Any, Any, Any]:
    """The generated centre with varied statuses, ages and plans; returns (centre, admin, assessor, iqa)."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from apprenticeships.models import OtjPlan, OtjRule
    from candidates.models import Centre, Enrolment, EnrolmentStatus, Role, RoleKind
    from tests.bench.bench_assessments import fill_portfolios

    quiet = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the run
    call_command("load_specs", verbosity=0, stdout=quiet)
    started = time.perf_counter()
    call_command("generate_centre", candidates=CANDIDATES, assessors=ASSESSORS, seed=SEED, stdout=quiet)
    print(f"generate_centre: {CANDIDATES:,} candidates, {ASSESSORS} assessors in "
          f"{time.perf_counter() - started:.1f} s")
    centre = Centre.objects.get(code=f"generated-{SEED}")
    started = time.perf_counter()
    enrolments = list(Enrolment.objects.filter(centre=centre).order_by("pk"))
    statuses = [EnrolmentStatus.PAUSED, EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED]
    for n, enrolment in enumerate(enrolments):
        enrolment.created = timezone.make_aware(datetime.datetime.combine(enrolment.start_date, datetime.time(9)))
        if n % 10 == 3:
            enrolment.status = statuses[n % 3]
    Enrolment.objects.bulk_update(enrolments, ["created", "status"], batch_size=1000)
    rule = OtjRule.objects.order_by("-in_force_from").first()
    admin = Role.objects.get(centre=centre, kind=RoleKind.CENTRE_ADMIN).user
    now = timezone.now()
    OtjPlan.objects.bulk_create(
        [OtjPlan(enrolment=e, contracted_hours=30, planned_start=e.start_date, planned_end=e.planned_end_date,
                 rule=rule, set_by=admin, set_at=now) for e in enrolments[::5]], batch_size=1000)
    assessor = Role.objects.filter(centre=centre, kind=RoleKind.ASSESSOR).order_by("user__email")[0].user
    iqa = Role.objects.filter(centre=centre, kind=RoleKind.IQA).order_by("user__email")[0].user
    caseload = Enrolment.objects.filter(assessor=assessor).exclude(status=EnrolmentStatus.WITHDRAWN)
    caseload.update(iqa=iqa)
    fill_portfolios(list(caseload.select_related("candidate", "qualification")), assessor=assessor, iqa=iqa,
                    rng=random.Random(SEED))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"statuses, ages, {len(enrolments[::5]):,} off-the-job plans and a filled caseload of "
          f"{caseload.count()} in {time.perf_counter() - started:.1f} s")
    return centre, admin, assessor, iqa


def run() -> None:
    support.setup_django("lists")
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from candidates.models import Enrolment

    centre, admin, assessor, iqa = prepare()
    clients: dict[int, Client] = {}
    for person in (admin, assessor, iqa):
        clients[person.pk] = Client()
        clients[person.pk].force_login(person)
    busy = Enrolment.objects.filter(assessor=assessor, evidence_items__isnull=False).order_by("pk")[0]
    someone_enrolment = Enrolment.objects.filter(centre=centre, status="active").order_by("pk")[5000]
    someone = someone_enrolment.candidate
    enrolments = reverse("candidates:enrolment_list", kwargs={"centre_pk": centre.pk})
    library = reverse("evidence:library", kwargs={"pk": busy.pk})
    pages: list[tuple[str, Any, str, dict]] = [
        ("enrolment list", admin, enrolments, {}),
        ("enrolment list, last page", admin, enrolments, {"page": str(-(-Enrolment.objects.count() // 50))}),
        ("enrolment list, name search", admin, enrolments, {"q": someone.last_name}),
        ("enrolment list, five filters", admin, enrolments,
         {"q": someone.first_name, "status": "active", "idle": "30",
          "qualification": someone_enrolment.qualification_id, "assessor": someone_enrolment.assessor_id}),
        ("enrolment list, idle 30 days and behind", admin, enrolments, {"idle": "30", "behind": "1"}),
        ("caseload", assessor, "/caseload/", {}),
        ("caseload, behind plan", assessor, "/caseload/", {"behind": "1"}),
        ("review queue", assessor, "/caseload/review/", {}),
        ("review queue, name search", assessor, "/caseload/review/", {"q": busy.candidate.last_name}),
        ("IQA sampling", iqa, "/quality/sampling/", {}),
        ("IQA sampling, not sampled, by unit", iqa, "/quality/sampling/", {"state": "open", "by": "unit"}),
        ("evidence library", assessor, library, {}),
        ("evidence library, text search", assessor, library, {"q": "Statement 1"}),
    ]

    def fetch(person: Any, url: str, query: dict) -> Callable[[], None]:
        client = clients[person.pk]

        def get() -> None:
            response = client.get(url, query)
            assert response.status_code == 200, (url, query, response.status_code)
        return get

    print(f"on {connection.vendor}, {Enrolment.objects.count():,} enrolments")
    missed = False
    counts: dict[str, int] = {}
    for name, person, url, query in pages:
        action = fetch(person, url, query)
        queries = support.queries(action)
        counts[name] = queries
        median, cpu = support.median_ms(action, ROUNDS, warm=2)
        response = clients[person.pk].get(url, query)
        found = response.content.split(b'data-testid="result-count">', 1)[-1].split(b"<", 1)[0].decode().strip()
        print(f"{name}: median {median:.1f} ms (cpu {cpu:.1f} ms), {queries} queries; {found}")
        missed |= median >= TARGET_MS
    if counts["enrolment list"] != counts["enrolment list, last page"]:
        print("enrolment list: the last page costs other queries than the first")
        missed = True
    if missed:
        print(f"bench_lists: a target was missed (each page under {TARGET_MS} ms, the same queries on every page)")


if __name__ == "__main__":
    run()
