"""The server's CPU per page of the load test's mix, measured in one process: which pages cost what, and why.

    python scripts/load/profile_pages.py [--database cpu_profile] [-n 30] [--profile PAGE] [--sign-in]

Each page that scripts/load/locustfile.py asks for is requested as the person the load test
sends there (a candidate, an assessor, an IQA, the centre admin of the `generate_centre`
centre), through Django's test Client, under the settings the load test's gunicorn runs with
(scripts/load/run.py: DEBUG off, PostgreSQL, the cache in Redis, the hashed static files).
After `--warm-up` requests, `-n` more are timed with time.process_time (this process's CPU:
the view, its SQL on the client's side, the templates, the middleware; not PostgreSQL's own
work) and the median (and the least, the figure least disturbed by a busy machine) is printed beside
the page's query count, against the load test's target of 25 ms. Process CPU time is robust
to a busy machine; wall time is not.

The database must be seeded as the load test seeds it, once, and is kept for the next run:

    createdb cpu_profile
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpu_profile DEBUG=false SECRET_KEY=x \\
        python scripts/load/seed.py --candidates 1000 --password generated-centre-password

(1,000 candidates is enough: a page's CPU does not grow with the centre's size; `make bench`
measures growth.) Pages that write (accepting a claim, adding evidence) run inside a
transaction that is rolled back, so the database stays as seeded.

Options: `--profile PAGE` (a page's name as printed, e.g. "assessor home") prints cProfile's
top 20 functions by their own time and by cumulative time over the timed requests;
`--sign-in` also times a sign-in (the password form's POST, with the first hasher of
PASSWORD_HASHERS), the cost that decides how fast a class of 30 gets in; `--only WORD`
keeps the pages whose name contains WORD.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TARGET_CPU_MS = 25
PASSWORD = "generated-centre-password"
REVIEW_LINK = re.compile(r'href="(/enrolments/\d+/review/\d+/)"')
ACCEPT_FORM = re.compile(r'action="(/enrolments/\d+/mappings/\d+/accept/)"')


def options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="cpu_profile", help="a PostgreSQL database seeded by seed.py")
    parser.add_argument(
        "--database-server", default=os.environ.get("LOAD_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--redis", default=os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/12"))
    parser.add_argument("--seed", type=int, default=1, help="generate_centre's seed")
    parser.add_argument("--password", default=PASSWORD, help="generate_centre's password (for --sign-in)")
    parser.add_argument("-n", "--requests", type=int, default=30, help="timed requests a page")
    parser.add_argument("--warm-up", type=int, default=5, help="untimed requests a page first")
    parser.add_argument("--profile", metavar="PAGE", help="cProfile's top 20 for this page")
    parser.add_argument("--only", metavar="WORD", help="only the pages whose name contains WORD")
    parser.add_argument("--sign-in", action="store_true", help="also time one sign-in's CPU")
    return parser.parse_args(argv)


def production_environment(args: argparse.Namespace) -> None:
    """The environment scripts/load/run.py gives gunicorn, on the profiling database."""
    var = ROOT / "var" / "profile-pages"
    os.environ.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "AUDIT_HMAC_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "SITE_URL": "https://127.0.0.1",
            "DATABASE_URL": f"{args.database_server.rstrip('/')}/{args.database}",
            "REDIS_URL": args.redis,
            "VAR_DIR": str(var),
            "STATIC_MANIFEST": "true",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "LOG_LEVEL": "ERROR",
            "DJANGO_SETTINGS_MODULE": "portfolio_site.settings",
        }
    )
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT", "CACHE_URL"):
        os.environ.pop(name, None)


@dataclass
class Page:
    """One row of the table: what to request, as whom."""

    name: str
    client: Any
    path: str
    method: str = "get"
    data: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    rolled_back: bool = False

    def request(self) -> Any:
        from django.db import transaction

        send: Callable[..., Any] = getattr(self.client, self.method)
        kwargs: dict[str, Any] = {"secure": True, "headers": self.headers or {}}
        if self.data is not None:
            kwargs["data"] = self.data
        if not self.rolled_back:
            return send(self.path, **kwargs)
        with transaction.atomic():
            response = send(self.path, **kwargs)
            transaction.set_rollback(True)
        return response


def signed_in(email: str) -> Any:
    from django.test import Client

    from candidates.models import User

    client = Client(enforce_csrf_checks=False)
    client.force_login(User.objects.get(email=email))
    return client


def mix(seed: int) -> list[Page]:
    """The pages of locustfile.py's Candidate, Assessor, IQA and CentreAdmin, each as one of those people."""
    from candidates.models import Centre, Enrolment

    def email(kind: str, number: int) -> str:
        return f"{kind}-{seed}-{number}@generated.example"

    centre = Centre.objects.get(code=f"generated-{seed}")
    # A candidate whose enrolment has a plan and evidence, as most of the load test's candidates have.
    enrolment = (
        Enrolment.objects.filter(centre=centre, evidence_items__isnull=False)
        .select_related("candidate")
        .order_by("pk")
        .first()
    )
    if enrolment is None:
        raise SystemExit("No enrolment with evidence: seed the database with scripts/load/seed.py first.")
    candidate = signed_in(enrolment.candidate.email)
    assessor = signed_in(enrolment.assessor.email if enrolment.assessor else email("assessor", 1))
    iqa = signed_in(email("iqa", 1))
    admin = signed_in(email("admin", 1))
    e = enrolment.pk
    pages = [
        Page("candidate home", candidate, "/"),
        Page("progress", candidate, f"/enrolments/{e}/progress/"),
        Page("evidence library", candidate, f"/enrolments/{e}/evidence/"),
        Page("unit choice", candidate, f"/enrolments/{e}/units/"),
        Page("new evidence form", candidate, f"/enrolments/{e}/evidence/new/"),
        Page(
            "new evidence POST",
            candidate,
            f"/enrolments/{e}/evidence/new/",
            method="post",
            rolled_back=True,
            data={
                "kind": "work_product",
                "title": "Photo of the shelf display I set up",
                "date": time.strftime("%Y-%m-%d"),
                "text": "",
            },
        ),
        Page("assessor home", assessor, "/"),
        Page("caseload", assessor, "/caseload/"),
        Page("review queue", assessor, "/caseload/review/"),
        Page("IQA home", iqa, "/"),
        Page("IQA sampling", iqa, "/quality/sampling/"),
        Page("admin home", admin, "/"),
        Page("centre list (redirect)", admin, "/centres/"),
        Page("enrolment list p1", admin, f"/centres/{centre.pk}/enrolments/?page=1"),
        Page("enrolment list p5", admin, f"/centres/{centre.pk}/enrolments/?page=5"),
        Page("enrolment page", admin, f"/enrolments/{e}/"),
    ]
    queue = assessor.get("/caseload/review/", secure=True).content.decode()
    reviews = REVIEW_LINK.findall(queue)
    if reviews:
        pages.append(Page("review page", assessor, reviews[0]))
        claims = ACCEPT_FORM.findall(assessor.get(reviews[0], secure=True).content.decode())
        if claims:
            pages.append(
                Page(
                    "accept a claim (htmx)",
                    assessor,
                    claims[0],
                    method="post",
                    rolled_back=True,
                    data={},
                    headers={"HX-Request": "true"},
                )
            )
    return pages


def measure(page: Page, *, requests: int, warm_up: int) -> tuple[float, float, int, int]:
    """(median CPU ms, least CPU ms, queries, status) of `page`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm_up):
        page.request()
    spent = []
    for _ in range(requests):
        started = time.process_time()
        response = page.request()
        spent.append((time.process_time() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = page.request()
    return statistics.median(spent), min(spent), len(queries), response.status_code


def profile(page: Page, *, requests: int) -> None:
    profiler = cProfile.Profile(time.process_time)  # CPU time, as the figures: a query's wait is not counted
    profiler.enable()
    for _ in range(requests):
        page.request()
    profiler.disable()
    for order in ("tottime", "cumulative"):
        print(f"\n{page.name}: top 20 by {order} over {requests} requests")
        pstats.Stats(profiler).sort_stats(order).print_stats(20)
    print(f"\n{page.name}: the project's own functions by cumulative time")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"^(?!.*(site-packages|lib/python)).*\.py", 30)


def sign_in_cpu(args: argparse.Namespace, times: int = 5) -> float:
    """Median CPU ms of the password form's POST, the hash check included."""
    from django.conf import settings
    from django.test import Client

    address = f"candidate-{args.seed}-2@generated.example"
    spent = []
    for _ in range(times):
        client = Client()
        client.get("/accounts/login/", secure=True)
        started = time.process_time()
        response = client.post("/accounts/login/", {"username": address, "password": args.password}, secure=True)
        spent.append((time.process_time() - started) * 1000)
        if response.status_code != 302:
            raise SystemExit(f"{address} could not sign in ({response.status_code}): check --password")
    print(
        f"\nsign-in (POST /accounts/login/, {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[1]}): "
        f"median {statistics.median(spent):.1f} ms CPU over {times}"
    )
    return statistics.median(spent)


def main(argv: list[str]) -> int:
    args = options(argv)
    production_environment(args)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    import portfolio_site.wsgi  # noqa: F401 (the web process's settings of the garbage collector)

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)
    pages = [p for p in mix(args.seed) if not args.only or args.only in p.name]
    if args.profile:
        chosen = [p for p in pages if p.name == args.profile]
        if not chosen:
            raise SystemExit(f"No page named {args.profile!r}: one of {', '.join(p.name for p in pages)}")
        for _ in range(args.warm_up):
            chosen[0].request()
        profile(chosen[0], requests=args.requests)
        return 0
    print(
        f"CPU ms per request (median of {args.requests} after {args.warm_up}), DEBUG off, PostgreSQL "
        f"{args.database}; target < {TARGET_CPU_MS} ms"
    )
    header = f"{'page':<26} {'CPU ms':>7} {'least':>7} {'queries':>8} {'status':>7}"
    print(header)
    print("-" * len(header))
    over = 0
    for page in pages:
        cpu, least, queries, status = measure(page, requests=args.requests, warm_up=args.warm_up)
        over += cpu >= TARGET_CPU_MS
        mark = " *" if cpu >= TARGET_CPU_MS else ""
        print(f"{page.name:<26} {cpu:>7.1f} {least:>7.1f} {queries:>8} {status:>7}{mark}", flush=True)
    print(f"* at or over the target: {over} of {len(pages)} pages")
    if args.sign_in:
        sign_in_cpu(args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
