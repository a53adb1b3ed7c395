"""Bulk CSV enrolment benchmark: preview and confirm a 1,000-row file (the documented maximum) on the pages.

Runs against a throwaway database (a temporary SQLite file unless DATABASE_URL names
another server), loads the specs, makes a centre with its admin, an assessor and an IQA,
then uploads a CSV of 1,000 new people through the test client (the preview page) and
confirms it (the confirm page), as a centre admin does behind gunicorn's 30 s timeout.
Reports each page's time and SQL queries, then the invitations task sending the 1,000 emails
(to Django's in-memory outbox).

Targets: preview and confirm each under 5 s, with the same number of queries as for 10 rows (a bulk insert that
SQLite takes in several batches counted once).
"""

from __future__ import annotations

import os
import re
import time

from tests.bench import support

TARGET_S = 5.0
ROWS = 1000
HEADER = ("email,first_name,last_name,qualification_code,qualification_version,assessor_email,iqa_email,"
          "start_date,planned_end_date,uln,registration_number,pathway")


def csv_of(count: int, code: str, version: str, pathway: str, prefix: str) -> bytes:
    lines = [HEADER] + [
        f"{prefix}{number}@example.org,Person,Number {number},{code},{version},assessor@bench.example.org,"
        f"iqa@bench.example.org,2026-09-01,2027-08-31,{1_000_000_000 + number},REG-{number},{pathway}"
        for number in range(count)
    ]
    return ("\n".join(lines) + "\n").encode()


def _statements(captured: object) -> int:
    """The queries captured, a bulk insert counted once: SQLite takes a long `bulk_create` in several batches of
    at most 999 values (one INSERT each into the same table, one after another), PostgreSQL in one."""
    count, previous = 0, ""
    for query in captured.captured_queries:  # type: ignore[attr-defined]
        sql = query["sql"]
        table = sql.split("(", 1)[0] if sql.startswith("INSERT INTO") else ""
        if not table or table != previous:
            count += 1
        previous = table
    return count


def run() -> None:
    support.setup_django("csv")
    from django.core import mail
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from candidates.models import Centre, Enrolment, Role, RoleKind, User
    from candidates.services import send_invitations
    from units.models import Qualification

    quiet = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the run
    call_command("load_specs", verbosity=0, stdout=quiet)
    qualification = Qualification.objects.latest_versions().order_by("code").first()
    assert qualification is not None, "no specs loaded"
    pathway = qualification.pathways.first()
    centre = Centre.objects.create(name="Bench College", code="bench")
    people = {}
    for kind, email in ((RoleKind.CENTRE_ADMIN, "admin@bench.example.org"),
                        (RoleKind.ASSESSOR, "assessor@bench.example.org"), (RoleKind.IQA, "iqa@bench.example.org")):
        people[kind] = User.objects.create_user(email, "a-long-bench-passphrase", first_name=kind)
        Role.objects.create(user=people[kind], centre=centre, kind=kind)
    admin = Client()
    admin.force_login(people[RoleKind.CENTRE_ADMIN])
    upload_url = reverse("candidates:enrolment_upload", kwargs={"centre_pk": centre.pk})
    confirm_url = reverse("candidates:enrolment_upload_confirm", kwargs={"centre_pk": centre.pk})

    def preview_and_confirm(count: int, prefix: str) -> tuple[float, int, float, int]:
        content = csv_of(count, qualification.code, qualification.version, pathway.name if pathway else "", prefix)
        with CaptureQueriesContext(connection) as preview_queries:
            started = time.perf_counter()
            page = admin.post(upload_url, {"file": SimpleUploadedFile("people.csv", content, "text/csv")})
            preview_s = time.perf_counter() - started
        assert page.status_code == 200, page.status_code
        digest = re.search(rb'name="digest" value="([0-9a-f]+)"', page.content)
        assert digest, "the preview offers no confirmation: " + page.content.decode()[:2000]
        with CaptureQueriesContext(connection) as confirm_queries:
            started = time.perf_counter()
            done = admin.post(confirm_url, {"digest": digest.group(1).decode()})
            confirm_s = time.perf_counter() - started
        assert done.status_code == 302 and done["Location"].endswith("/enrolments/"), done.status_code
        return preview_s, _statements(preview_queries), confirm_s, _statements(confirm_queries)

    preview_and_confirm(10, "warm")  # the first write of the site also creates the audit chain's head
    _, small_preview_q, _, small_confirm_q = preview_and_confirm(10, "small")
    preview_s, preview_q, confirm_s, confirm_q = preview_and_confirm(ROWS, "person")
    enrolled = Enrolment.objects.filter(candidate__email__startswith="person").count()
    assert enrolled == ROWS, enrolled
    print(f"preview of {ROWS} rows: {preview_s:.2f} s (target < {TARGET_S:.0f} s), {preview_q} queries "
          f"({small_preview_q} for 10 rows)")
    print(f"confirm of {ROWS} rows: {confirm_s:.2f} s (target < {TARGET_S:.0f} s), {confirm_q} queries "
          f"({small_confirm_q} for 10 rows)")

    ids = list(Enrolment.objects.filter(candidate__email__startswith="person").values_list("pk", flat=True))
    mail.outbox = []
    started = time.perf_counter()
    sent = send_invitations(enrolment_ids=ids)
    print(f"invitations task: {sent} emails in {time.perf_counter() - started:.2f} s (in a worker, after commit)")
    if preview_s >= TARGET_S or confirm_s >= TARGET_S or preview_q != small_preview_q or confirm_q != small_confirm_q:
        print("bench_csv: a target was missed")


if __name__ == "__main__":
    run()
