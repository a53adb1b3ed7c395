"""The scale curve: each main page at 1,000, 10,000 and 100,000 candidates, on PostgreSQL.

A page's cost must not grow with the deployment: each page is measured as the person whose view of it is the same
size at every scale (a candidate's own portfolio; an assessor's caseload of 20; an IQA's ~100 candidates; an employer
contact's three apprentices) and, for the centre pages, as the centre's admin, whose centre grows with it: those pages
must reach their rows through indexes and pages of 50, so their time stays flat too.

Data: one database a size, ``scale_1k``, ``scale_10k``, ``scale_100k`` on the server DATABASE_URL names (default
postgres://root@127.0.0.1:5432/), kept between runs and reused when it holds this module's data (DATA_VERSION, SEED);
otherwise dropped and generated again: `generate_centre` (one assessor per 20 candidates, one IQA per five assessors),
then the focus caseload (the first 20 enrolments, one assessor, one IQA) filled by bench_assessments.fill_portfolios,
then every other enrolment given four submitted pieces of evidence, two mappings each (a third claimed, the rest
accepted with their decisions) and, for half of them, a signed-off unit (a third of those countersigned), in a few
INSERT ... SELECT statements; then ANALYZE (the server runs no autovacuum). Migrations are applied on every run.

The centre dashboard reads the figures a worker stored: before the pages are measured, the centre's figures are
computed through the task (`exports.tasks.refresh_centre_figures`, called here) and the time that took is printed at
each size, a figure not judged; the page itself is measured as every other.

Each page: the median server time (Django's test client, wall clock) and CPU time of ROUNDS requests after a warm-up,
and its query count, in each of PASSES passes (the sizes in order, then in reverse: ``SCALE_PASSES``); the lowest of
the passes' medians is kept, so a burst of other work on the machine is not taken for growth. Fails (exit 1) when a
page's median at 100,000 is more than GROWTH_LIMIT times its median at 1,000, or when its query count differs between
sizes. ``SCALE_SIZES=1000,10000`` measures fewer sizes (the check then compares
the smallest and the largest measured); ``SCALE_VERBOSE=1`` prints the EXPLAIN ANALYZE of the key queries at each size.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SIZES = (1_000, 10_000, 100_000)
SEED = 16
PER_ASSESSOR = 20
CASELOAD = 20
ROUNDS = int(os.environ.get("SCALE_ROUNDS", "15"))
#: How many times each size is measured (small to large, then large to small, and so on); each page is judged on
#: its lowest median of them.
PASSES = int(os.environ.get("SCALE_PASSES", "3"))
GROWTH_LIMIT = 1.5
#: The figure the growth is judged on: "cpu" (Django's and PostgreSQL's CPU a request, which a machine shared with
#: other work does not blur) or "ms" (the median wall-clock time, for a quiet machine).
JUDGED = os.environ.get("SCALE_JUDGE", "cpu")
#: Bump when the generated data changes: a database holding another version is generated again.
DATA_VERSION = 1
ROOT = Path(__file__).resolve().parents[2]


def _server() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = "postgres://root@127.0.0.1:5432/"
    return url


def _database_url(name: str) -> str:
    parts = urlsplit(_server())
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def database_name(size: int) -> str:
    return f"scale_{size // 1000}k"


def _marker(size: int) -> str:
    return f"scale-ready-{size}-{SEED}-v{DATA_VERSION}"


def _ensure_database(size: int) -> bool:
    """Make sure the database of `size` exists; True when it already holds this module's data."""
    import psycopg

    name = database_name(size)
    with psycopg.connect(_database_url("postgres"), autocommit=True) as server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            try:
                with psycopg.connect(_database_url(name)) as db:
                    ready = db.execute("SELECT 1 FROM candidates_centre WHERE code = %s", (_marker(size),)).fetchone()
                if ready:
                    return True
            except psycopg.Error:
                pass
            server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
    return False


# --------------------------------------------------------------------------- data (in the child process)


#: `generate_centre` plans each candidate's units with the constraint solver (about 10 ms of CPU a candidate):
#: beyond this many, the generated candidates are copied in SQL (CLONE_SQL) with their self-assessments and plans.
GENERATED = 10_000

CLONE_SQL = [
    """CREATE TEMP TABLE scale_copies AS
       SELECT e.candidate_id AS old_user, e.id AS old_enrolment, g AS copy, NULL::bigint AS new_user,
              NULL::bigint AS new_enrolment
       FROM candidates_enrolment e CROSS JOIN generate_series(1, %(copies)s) g WHERE e.centre_id = %(centre)s""",
    """INSERT INTO candidates_user (password, is_superuser, first_name, last_name, is_staff, is_active, date_joined,
                                    email, language)
       SELECT u.password, false, u.first_name, u.last_name, false, true, u.date_joined,
              'candidate-' || %(seed)s || '-copy' || c.copy || '-' || u.id || '@generated.example', ''
       FROM scale_copies c JOIN candidates_user u ON u.id = c.old_user""",
    """UPDATE scale_copies c SET new_user = u.id FROM candidates_user u
       WHERE u.email = 'candidate-' || %(seed)s || '-copy' || c.copy || '-' || c.old_user || '@generated.example'""",
    """INSERT INTO candidates_role (kind, centre_id, user_id) SELECT 'candidate', %(centre)s, new_user
       FROM scale_copies""",
    """INSERT INTO candidates_enrolment (start_date, planned_end_date, uln, registration_number, status, plan_status,
                                         plan_saved_at, created, assessor_id, candidate_id, centre_id, iqa_id,
                                         pathway_id, qualification_id)
       SELECT e.start_date, e.planned_end_date, e.uln, e.registration_number || '-' || c.copy, e.status,
              e.plan_status, e.plan_saved_at, e.created, e.assessor_id, c.new_user, e.centre_id, e.iqa_id,
              e.pathway_id, e.qualification_id
       FROM scale_copies c JOIN candidates_enrolment e ON e.id = c.old_enrolment""",
    """UPDATE scale_copies c SET new_enrolment = e.id FROM candidates_enrolment e WHERE e.candidate_id = c.new_user""",
    """INSERT INTO candidates_selfassessment (coverage, updated_at, enrolment_id, unit_id)
       SELECT s.coverage, s.updated_at, c.new_enrolment, s.unit_id
       FROM scale_copies c JOIN candidates_selfassessment s ON s.enrolment_id = c.old_enrolment""",
    """INSERT INTO candidates_unitchoice (chosen_at, enrolment_id, unit_id)
       SELECT u.chosen_at, c.new_enrolment, u.unit_id
       FROM scale_copies c JOIN candidates_unitchoice u ON u.enrolment_id = c.old_enrolment""",
    # Caseloads of PER_ASSESSOR: the enrolments dealt out to the assessors in turn, as generate_centre does.
    """UPDATE candidates_enrolment e SET assessor_id = a.user_id
       FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM candidates_enrolment
             WHERE centre_id = %(centre)s) n,
            (SELECT r.user_id, row_number() OVER (ORDER BY r.user_id) - 1 AS j, count(*) OVER () AS total
             FROM candidates_role r WHERE r.centre_id = %(centre)s AND r.kind = 'assessor') a
       WHERE n.id = e.id AND a.j = n.k %% a.total""",
    "DROP TABLE scale_copies",
]

BACKGROUND_SQL = [
    # Four pieces of evidence per enrolment outside the focus caseload, each with one submitted version.
    """INSERT INTO evidence_evidenceitem (kind, created_at, created_by_id, enrolment_id)
       SELECT 'personal_statement', now() - make_interval(days => (g * 9 + (e.id %% 7))::int), e.candidate_id, e.id
       FROM candidates_enrolment e CROSS JOIN generate_series(1, 4) g WHERE e.id <> ALL(%(focus)s)""",
    """INSERT INTO evidence_evidenceversion (number, title, date, text, witness_name, witness_role, witness_email,
                                             status, created_at, updated_at, submitted_at, created_by_id, item_id,
                                             submitted_by_id, language)
       SELECT 1, 'Statement ' || i.id, i.created_at::date, 'What I did at work.', '', '', '', 'submitted',
              i.created_at, i.created_at, i.created_at, i.created_by_id, i.id, i.created_by_id, 'en-gb'
       FROM evidence_evidenceitem i WHERE i.enrolment_id <> ALL(%(focus)s)""",
    """UPDATE evidence_evidenceitem i SET current_version_id = v.id FROM evidence_evidenceversion v
       WHERE v.item_id = i.id AND i.current_version_id IS NULL""",
    """CREATE TEMP TABLE scale_items AS
       SELECT ai.id, u.qualification_id AS q, row_number() OVER (PARTITION BY u.qualification_id ORDER BY ai.id) - 1
              AS rn
       FROM units_assessableitem ai JOIN units_unit u ON u.id = ai.unit_id""",
    "CREATE TEMP TABLE scale_counts AS SELECT q, count(*) AS n FROM scale_items GROUP BY q",
    # Two mappings per version onto items of the enrolment's qualification: a third claimed, the rest accepted.
    """INSERT INTO evidence_mapping (mapped_at, status, assessable_item_id, mapped_by_id, version_id)
       SELECT v.created_at, CASE WHEN v.id %% 3 = 0 THEN 'claimed' ELSE 'accepted' END, a.id, v.created_by_id, v.id
       FROM evidence_evidenceversion v JOIN evidence_evidenceitem i ON i.id = v.item_id
       JOIN candidates_enrolment e ON e.id = i.enrolment_id JOIN scale_counts c ON c.q = e.qualification_id
       CROSS JOIN generate_series(0, 1) k
       JOIN scale_items a ON a.q = e.qualification_id AND a.rn = (v.id * 7 + k * (1 + c.n / 2)) %% c.n
       WHERE e.id <> ALL(%(focus)s)
       ON CONFLICT DO NOTHING""",
    """INSERT INTO assessments_decision (outcome, feedback, at, assessable_item_id, by_id, enrolment_id, mapping_id,
                                         version_id)
       SELECT 'accepted', '', m.mapped_at + interval '2 days', m.assessable_item_id, e.assessor_id, e.id, m.id,
              m.version_id
       FROM evidence_mapping m JOIN evidence_evidenceversion v ON v.id = m.version_id
       JOIN evidence_evidenceitem i ON i.id = v.item_id JOIN candidates_enrolment e ON e.id = i.enrolment_id
       WHERE m.status = 'accepted' AND e.id <> ALL(%(focus)s)""",
    # Half the enrolments: the first unit of the qualification declared and signed off; a third countersigned.
    """INSERT INTO assessments_learnerdeclaration (text, at, by_id, enrolment_id, unit_id)
       SELECT 'My own work.', now() - make_interval(days => (e.id %% 40)::int), e.candidate_id, e.id,
              (SELECT min(u.id) FROM units_unit u WHERE u.qualification_id = e.qualification_id)
       FROM candidates_enrolment e WHERE e.id %% 2 = 0 AND e.id <> ALL(%(focus)s)""",
    """INSERT INTO assessments_unitsignoff (declaration, at, by_id, enrolment_id, learner_declaration_id, unit_id)
       SELECT 'Signed off.', d.at + interval '1 day', e.assessor_id, e.id, d.id, d.unit_id
       FROM assessments_learnerdeclaration d JOIN candidates_enrolment e ON e.id = d.enrolment_id
       WHERE e.id <> ALL(%(focus)s)""",
    """INSERT INTO assessments_countersignature (comment, at, by_id, unit_sign_off_id)
       SELECT '', s.at + interval '1 day', e.iqa_id, s.id
       FROM assessments_unitsignoff s JOIN candidates_enrolment e ON e.id = s.enrolment_id
       WHERE s.id %% 3 = 0 AND e.iqa_id IS NOT NULL AND e.id <> ALL(%(focus)s)""",
    # A tenth of the enrolments paused, withdrawn or completed.
    """UPDATE candidates_enrolment SET status = (ARRAY['paused', 'withdrawn', 'completed'])[1 + id %% 3]
       WHERE id %% 10 = 3 AND id <> ALL(%(focus)s)""",
]


def prepare(size: int) -> None:
    """Generate the data of `size` into the (empty, migrated) database."""
    import random

    from django.core.management import call_command
    from django.db import connection, transaction

    from candidates.models import (
        Centre,
        EmployerContact,
        Enrolment,
        EnrolmentStatus,
        Role,
        RoleKind,
        UnitChoice,
        User,
    )
    from tests.bench.bench_assessments import fill_portfolios

    quiet = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the run
    call_command("load_specs", verbosity=0, stdout=quiet)
    started = time.perf_counter()
    generated = min(size, GENERATED)
    assessors_wanted = max(1, size // PER_ASSESSOR)
    call_command("generate_centre", candidates=generated, assessors=assessors_wanted,
                 iqas=max(1, assessors_wanted // 5), seed=SEED, stdout=quiet)
    print(f"   generate_centre --candidates {generated}: {time.perf_counter() - started:.1f} s", flush=True)
    centre = Centre.objects.get(code=f"generated-{SEED}")
    if size > generated:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in CLONE_SQL:
                cursor.execute(sql, {"centre": centre.pk, "copies": size // generated - 1, "seed": SEED})
        print(f"   {size - generated:,} more candidates as copies of those: {time.perf_counter() - started:.1f} s",
              flush=True)
    started = time.perf_counter()
    assessors = [r.user for r in Role.objects.filter(centre=centre, kind=RoleKind.ASSESSOR).select_related("user")
                 .order_by("user__email")]
    iqa = Role.objects.filter(centre=centre, kind=RoleKind.IQA).select_related("user").order_by("user__email")[0].user
    assessor, other = assessors[0], assessors[-1]
    ours = Enrolment.objects.filter(centre=centre).order_by("pk")
    focus = list(ours.values_list("pk", flat=True)[:CASELOAD])
    with transaction.atomic():
        ours.filter(assessor=assessor).exclude(pk__in=focus).update(assessor=other)
        ours.filter(pk__in=focus).update(assessor=assessor, iqa=iqa, status=EnrolmentStatus.ACTIVE)
        # The same plan at every size: the first six units of the qualification.
        UnitChoice.objects.filter(enrolment_id__in=focus).delete()
        enrolments = list(Enrolment.objects.filter(pk__in=focus).select_related("candidate", "qualification")
                          .order_by("pk"))
        UnitChoice.objects.bulk_create(
            UnitChoice(enrolment=e, unit_id=u)
            for e in enrolments for u in e.qualification.units.order_by("pk").values_list("pk", flat=True)[:6])
        fill_portfolios(enrolments, assessor=assessor, iqa=iqa, rng=random.Random(SEED))
        admin = Role.objects.get(centre=centre, kind=RoleKind.CENTRE_ADMIN).user
        employer = User.objects.create(email=f"employer-{SEED}@generated.example", first_name="Erin",
                                       last_name="Employer", password=admin.password)
        EmployerContact.objects.bulk_create(EmployerContact(enrolment=e, user=employer, kind="line_manager",
                                                            invited_by=admin) for e in enrolments[:3])
    print(f"   focus caseload of {len(focus)} filled: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in BACKGROUND_SQL:
            cursor.execute(sql, {"focus": focus})
        Centre.objects.create(name="Scale benchmark marker", code=_marker(size))
    print(f"   background portfolios: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"   VACUUM ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)


def _pages() -> list[tuple[str, Any, str, dict[str, str]]]:
    """(page, person, url, query) of each measured page."""
    from django.urls import reverse

    from assessments.models import UnitSignOff
    from candidates.models import Centre, EmployerContact, Enrolment, Role, RoleKind
    from evidence.models import Mapping

    centre = Centre.objects.get(code=f"generated-{SEED}")
    admin = Role.objects.get(centre=centre, kind=RoleKind.CENTRE_ADMIN).user
    focus = Enrolment.objects.filter(centre=centre).order_by("pk").select_related("candidate", "assessor", "iqa")
    mine = focus[0]
    candidate, assessor, iqa = mine.candidate, mine.assessor, mine.iqa
    employer = EmployerContact.objects.filter(enrolment=mine).select_related("user").get().user
    claimed = (Mapping.objects.filter(version__item__enrolment=mine, status="claimed")
               .order_by("version__item_id").values_list("version__item_id", flat=True)[0])
    assert UnitSignOff.objects.filter(enrolment__iqa=iqa).exists()
    last = -(-Enrolment.objects.filter(centre=centre).count() // 50)
    on = {"pk": mine.pk}
    return [
        ("candidate home", candidate, "/", {}),
        ("evidence library", candidate, reverse("evidence:library", kwargs=on), {}),
        ("matrix", candidate, reverse("assessments:matrix", kwargs=on), {}),
        ("progress", candidate, reverse("assessments:progress", kwargs=on), {}),
        ("unit choice", candidate, reverse("candidates:unit_choice", kwargs=on), {}),
        ("assessor home", assessor, "/", {}),
        ("caseload", assessor, reverse("assessments:caseload"), {}),
        ("review queue", assessor, reverse("assessments:review_queue"), {}),
        ("review page", assessor, reverse("assessments:review", kwargs={**on, "evidence_pk": claimed}), {}),
        ("IQA sampling", iqa, reverse("assessments:sampling"), {}),
        ("admin home", admin, "/", {}),
        ("enrolment list p1", admin, reverse("candidates:enrolment_list", kwargs={"centre_pk": centre.pk}), {}),
        ("enrolment list last", admin, reverse("candidates:enrolment_list", kwargs={"centre_pk": centre.pk}),
         {"page": str(last)}),
        ("enrolment detail", admin, reverse("candidates:enrolment_detail", kwargs=on), {}),
        ("centre dashboard", admin, reverse("centre_dashboard", kwargs={"centre_pk": centre.pk}), {}),
        ("staff list", admin, reverse("candidates:staff_list", kwargs={"centre_pk": centre.pk}), {}),
        ("centre sampling", admin, reverse("assessments:sampling"), {}),
        ("employer apprentices", employer, reverse("assessments:apprentices"), {}),
    ]


#: The queries whose plans the verbose mode prints: (label, person role, callable building a queryset).
def _explained(size: int) -> None:
    from django.db import connection

    from candidates.models import Centre, Enrolment, Role, RoleKind

    centre = Centre.objects.get(code=f"generated-{SEED}")
    admin = Role.objects.get(centre=centre, kind=RoleKind.CENTRE_ADMIN).user
    mine = Enrolment.objects.filter(centre=centre).order_by("pk").select_related("assessor")[0]
    queries = {
        "visible_to(assessor)": Enrolment.objects.visible_to(mine.assessor).order_by(
            "candidate__last_name", "candidate__first_name", "pk").values("pk")[:50],
        "visible_to(admin), page 1 by name": Enrolment.objects.visible_to(admin).order_by(
            "candidate__last_name", "candidate__first_name", "pk").values("pk")[:50],
    }
    for label, queryset in queries.items():
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF) {sql}", params)
            plan = "\n".join(f"      {row[0]}" for row in cursor.fetchall())
        print(f"   EXPLAIN ANALYZE at {size:,}: {label}\n{plan}", flush=True)


def _backend_cpu_ms() -> float:
    """CPU milliseconds the PostgreSQL backend serving this process has used (from /proc: same machine only)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _timed(action: Callable[[], object], rounds: int, warm: int = 3) -> tuple[float, float]:
    """The median wall-clock milliseconds of `action`, and its CPU milliseconds: the median of Django's (this
    process) plus the mean of PostgreSQL's (the backend's clock ticks are too coarse for a median), the figure a
    machine shared with other work blurs least."""
    started = time.perf_counter()
    action()
    if time.perf_counter() - started > 1:  # a page of seconds: a few rounds tell its growth as well
        warm, rounds = 0, min(rounds, 3)
    for _ in range(warm):
        action()
    times, cpus = [], []
    db_before = _backend_cpu_ms()
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        times.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - started_cpu) * 1000)
    db = (_backend_cpu_ms() - db_before) / rounds
    return statistics.median(times), statistics.median(cpus) + db


def _compute_figures() -> float:
    """Compute the centre's dashboard figures as the worker does (the task, called here); its seconds of wall clock.
    The dashboard then reads them at a fixed cost: what is measured is the page, the computation is printed."""
    from candidates.models import Centre
    from exports.models import CentreFigures
    from exports.tasks import refresh_centre_figures

    centre = Centre.objects.get(code=f"generated-{SEED}")
    started = time.perf_counter()
    assert refresh_centre_figures(centre.pk) == "done"
    seconds = time.perf_counter() - started
    assert CentreFigures.objects.filter(centre=centre).exists()
    # Each run replaces the figures, and this server runs no autovacuum: the dead rows of earlier runs are
    # cleared as a production server's autovacuum would, or the page reads through them.
    from django.db import connection

    from exports.models import AssessorFigures

    with connection.cursor() as cursor:
        for model in (CentreFigures, AssessorFigures):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    return seconds


def measure(size: int, out: str) -> None:
    """In a process of its own: migrate, generate if needed, measure each page; the figures go to `out` (JSON)."""
    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at")
    scratch = tempfile.mkdtemp(prefix="bench-scale-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "portfolio_site.settings"
    os.environ["DATABASE_URL"] = _database_url(database_name(size))
    os.environ["VAR_DIR"] = scratch
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["STATIC_MANIFEST"] = "false"
    # The dashboard reads the figures computed before the pages are measured: none goes stale during the run.
    os.environ["FIGURES_MAX_AGE_SECONDS"] = str(24 * 3600)
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from candidates.models import Centre

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    if not Centre.objects.filter(code=_marker(size)).exists():
        prepare(size)
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if os.environ.get("SCALE_VERBOSE"):
        _explained(size)
    computed = _compute_figures()
    print(f"   {size:>7,}  centre figures computed by the task in {computed:.1f} s (not judged)", flush=True)
    figures: dict[str, dict[str, float]] = {}
    clients: dict[int, Client] = {}
    for name, person, url, query in _pages():
        if person.pk not in clients:
            clients[person.pk] = Client()
            clients[person.pk].force_login(person)
        client = clients[person.pk]

        def get(client: Client = client, url: str = url, query: dict[str, str] = query) -> None:
            response = client.get(url, query)
            assert response.status_code == 200, (url, query, response.status_code)

        get()
        with CaptureQueriesContext(connection) as captured:
            get()
        count = len(captured)  # now: the next request's start empties the connection's log
        wall, cpu = _timed(get, ROUNDS)
        figures[name] = {"ms": wall, "cpu": cpu, "queries": count}
        print(f"   {size:>7,}  {name:<22} {wall:8.1f} ms (cpu {cpu:6.1f} ms) {count:4d} queries", flush=True)
    Path(out).write_text(json.dumps({"pages": figures, "computed": computed}))


# --------------------------------------------------------------------------- the run (the parent process)


def _measure_in_process(size: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        path = out.name
    code = f"from tests.bench import bench_scale as m; m.measure({size}, {path!r})"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"bench_scale: measuring {size:,} failed (exit {done.returncode})")
    print(f"   ({time.perf_counter() - started:.0f} s)", flush=True)
    measured: dict[str, Any] = json.loads(Path(path).read_text())
    os.unlink(path)
    return measured


def _best(passes: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Per page, the lowest of each pass's medians: a burst of other work on the machine during one pass shows in
    that pass alone."""
    return {name: {key: min(p[name][key] for p in passes) for key in passes[0][name]} for name in passes[0]}


def run() -> None:
    sizes = tuple(int(s) for s in os.environ["SCALE_SIZES"].split(",")) if os.environ.get("SCALE_SIZES") else SIZES
    passes: dict[int, list[dict[str, dict[str, float]]]] = {size: [] for size in sizes}
    computed: dict[int, float] = {}
    for size in sizes:
        try:
            reused = _ensure_database(size)
        except Exception as error:  # psycopg's: no server, or no right to create databases
            raise SystemExit(f"bench_scale needs a PostgreSQL server where it may create {database_name(size)}: set "
                             f"DATABASE_URL=postgres://user@host:port/ ({error})") from error
        print(f"{database_name(size)}: {'reused' if reused else 'generating'} ({size:,} candidates)", flush=True)
        measured = _measure_in_process(size)
        passes[size].append(measured["pages"])
        computed[size] = measured["computed"]
    # Then again in the reverse order, and so on (small, large, large, small, small, large): every size measured early
    # and late alike, so a machine busier at one moment does not pass for growth.
    for again in range(PASSES - 1):
        for size in (sizes if again % 2 else tuple(reversed(sizes))):
            print(f"{database_name(size)}: measured again", flush=True)
            passes[size].append(_measure_in_process(size)["pages"])
    results = {size: _best(passes[size]) for size in sizes}
    small, large = min(sizes), max(sizes)
    judged = JUDGED
    header = "".join(f"{f'{s:,}':>24}" for s in sizes)
    print(f"\n{'page':<22}{header}   ratio ({judged})  (median wall ms / cpu ms / queries; the lowest of {PASSES} "
          "passes)")
    failed = []
    for name in results[small]:
        cells = "".join(f"{r['ms']:8.1f} /{r['cpu']:7.1f} /{int(r['queries']):3d}"
                        for r in (results[s][name] for s in sizes))
        ratio = results[large][name][judged] / results[small][name][judged]
        counts = {int(results[s][name]["queries"]) for s in sizes}
        verdict = []
        if ratio > GROWTH_LIMIT:
            verdict.append(f"x{ratio:.2f} > x{GROWTH_LIMIT}")
        if len(counts) > 1:
            verdict.append("query count differs")
        print(f"{name:<22}{cells}   x{ratio:.2f}  {'; '.join(verdict) or 'ok'}")
        if verdict:
            failed.append(name)
    print("centre dashboard figures, computed by the worker before the page is read (not judged): "
          + "; ".join(f"{s:,}: {computed[s]:.1f} s" for s in sizes))
    if failed:
        print(f"bench_scale: {len(failed)} page(s) grow with the data: {', '.join(failed)}")
        raise SystemExit(1)
    print(f"bench_scale: every page within x{GROWTH_LIMIT} from {small:,} to {large:,}, the same queries at every size")


if __name__ == "__main__":
    run()
