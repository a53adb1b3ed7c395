"""Evidence benchmarks: one candidate with 1,000 evidence items mapped across a whole qualification.

Runs against a throwaway database (a temporary SQLite file unless DATABASE_URL
names another server, where Django's test database is used), loads the specs and
runs `manage.py generate_evidence --items 1000`. Then, through Django's test client,
as the candidate:

- the evidence library (first page; a unit filter; a text search),
- the tracking matrix,

each a median of server time under 100 ms, with the number of SQL queries.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from tests.bench import support

TARGET_MS = 100
ROUNDS = 100
ITEMS = 1000


def run() -> None:
    support.setup_django("evidence")
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from candidates.models import Enrolment
    from evidence.models import Mapping
    from units.models import AssessableItem

    quiet = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the run
    call_command("load_specs", verbosity=0, stdout=quiet)
    started = time.perf_counter()
    call_command("generate_evidence", items=ITEMS, seed=1, stdout=quiet)
    print(f"generate_evidence: {ITEMS} items in {time.perf_counter() - started:.1f} s")

    enrolment = Enrolment.objects.select_related("qualification", "candidate").get(
        centre__code="generated-evidence-1")
    mappings = Mapping.objects.filter(version__item__enrolment=enrolment).count()
    units = enrolment.qualification.units.count()
    cells = AssessableItem.objects.filter(unit__qualification=enrolment.qualification).count()
    print(f"candidate: {enrolment.qualification.code}, {units} units, {cells} assessable items, {mappings} mappings")
    client = Client()
    client.force_login(enrolment.candidate)
    library = reverse("evidence:library", kwargs={"pk": enrolment.pk})
    matrix = reverse("assessments:matrix", kwargs={"pk": enrolment.pk})
    unit = enrolment.qualification.units.order_by("order").first()

    def page(url: str, query: dict | None = None, expect: bytes = b"") -> Callable[[], None]:
        def get() -> None:
            response = client.get(url, query or {})
            assert response.status_code == 200 and expect in response.content, response.status_code
        return get

    cases = [
        ("library, first page", page(library, expect=f"{ITEMS} pieces of evidence".encode())),
        (f"library, unit {unit.code}", page(library, {"unit": unit.pk})),
        ("library, text search", page(library, {"q": "complaint"})),
        ("library, submitted, page 10", page(library, {"status": "submitted", "page": 10})),
        ("tracking matrix", page(matrix, expect=b'data-testid="matrix"')),
    ]
    missed = False
    for name, action in cases:
        median, cpu = support.median_ms(action, ROUNDS)
        queries = support.queries(action)
        missed |= median >= TARGET_MS
        print(f"{name}: median {median:.1f} ms (target < {TARGET_MS} ms; CPU {cpu:.1f} ms), {queries} queries")
    if missed:
        print("bench_evidence: a target was missed")


if __name__ == "__main__":
    run()
