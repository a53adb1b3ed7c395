"""Assessment benchmarks: the caseload, the review queue and the IQA sampling page; verify_audit over 100,000 records.

Runs against a throwaway database (a temporary SQLite file unless DATABASE_URL names
another server), loads the specs, generates a centre (`generate_centre`), gives one
assessor a caseload of 50 with the same IQA, and fills each portfolio with submitted
evidence, decisions, item and unit sign-offs, questions, visits and action points
(rows written in bulk, as the services would leave them). Each page's query count is
taken with 10 candidates' data and again with 50: they must be equal.

Targets: each page's median under 100 ms server time; verify_audit over 100,000 records under 10 s.
"""

from __future__ import annotations

import datetime
import os
import random
import time
from collections.abc import Callable

from tests.bench import support

PAGE_TARGET_MS = 100
VERIFY_TARGET_S = 10
AUDIT_RECORDS = 100_000
CASELOAD = 50
SMALL = 10
ROUNDS = 60


def fill_portfolios(enrolments: list, *, assessor: object, iqa: object, rng: random.Random) -> None:
    """Evidence, decisions, sign-offs, questions, visits and action points for each enrolment, in bulk."""
    from django.utils import timezone

    from assessments.models import (
        ActionPoint,
        Countersignature,
        Decision,
        ItemSignOff,
        LearnerDeclaration,
        Question,
        UnitSignOff,
        Visit,
    )
    from candidates.models import UnitChoice
    from evidence.models import EvidenceItem, EvidenceVersion, Mapping, VersionStatus
    from units.models import AssessableItem

    now = timezone.now()
    for enrolment in enrolments:
        units = [c.unit_id for c in UnitChoice.objects.filter(enrolment=enrolment)] or list(
            enrolment.qualification.units.values_list("pk", flat=True)[:6])
        items = list(AssessableItem.objects.filter(unit_id__in=units).order_by("unit_id", "order", "pk"))
        for n in range(12):
            evidence = EvidenceItem.objects.create(enrolment=enrolment, kind="personal_statement",
                                                   created_by=enrolment.candidate)
            submitted = now - datetime.timedelta(hours=rng.randint(1, 300))
            version = EvidenceVersion.objects.create(
                item=evidence, number=1, title=f"Statement {n}", date=submitted.date(), text="What I did.",
                status=VersionStatus.SUBMITTED, created_by=enrolment.candidate, submitted_at=submitted,
                submitted_by=enrolment.candidate,
            )
            EvidenceItem.objects.filter(pk=evidence.pk).update(current_version=version)
            picked = rng.sample(items, k=min(3, len(items)))
            decided = n % 3 != 0
            mappings = Mapping.objects.bulk_create(
                Mapping(version=version, assessable_item=item, mapped_by=enrolment.candidate,
                        status="accepted" if decided else "claimed") for item in picked)
            if decided:
                Decision.objects.bulk_create(
                    Decision(enrolment=enrolment, mapping=m, version=version, assessable_item=m.assessable_item,
                             outcome="accepted", by=assessor, at=now) for m in mappings)
        signed_units = units[:2]
        ItemSignOff.objects.bulk_create(
            (ItemSignOff(enrolment=enrolment, assessable_item=item, by=assessor, at=now)
             for item in items if item.unit_id in signed_units), ignore_conflicts=True)
        for unit_id in signed_units:
            declaration = LearnerDeclaration.objects.create(enrolment=enrolment, unit_id=unit_id,
                                                            by=enrolment.candidate, at=now)
            sign_off = UnitSignOff.objects.create(enrolment=enrolment, unit_id=unit_id,
                                                  learner_declaration=declaration, by=assessor, at=now)
            if rng.random() < 0.3:
                Countersignature.objects.create(unit_sign_off=sign_off, by=iqa, at=now)
        Question.objects.bulk_create(
            Question(enrolment=enrolment, subject=f"Question {q}", text="?", asked_by=enrolment.candidate,
                     asked_at=now - datetime.timedelta(hours=q * 7), answered_at=None if q % 2 else now)
            for q in range(4))
        Visit.objects.bulk_create(
            Visit(enrolment=enrolment, planned_for=now + datetime.timedelta(days=d), place="Office", purpose="Observe",
                  created_by=assessor) for d in (-30, 10, 40))
        ActionPoint.objects.bulk_create(
            ActionPoint(enrolment=enrolment, text="Do it", due=(now + datetime.timedelta(days=d)).date(),
                        set_by=assessor, set_at=now) for d in (-5, 3, 20))


def chain_audit(count: int) -> None:
    """`count` more chained, sealed audit records after those the generated portfolios wrote, in a chain of their
    own, in bulk, exactly as trail.record() would write them."""
    from django.utils import timezone

    from audit import trail
    from audit.models import AuditHead, AuditRecord

    chain = "bench"
    last = AuditRecord.objects.filter(chain=chain).order_by("-sequence").values("sequence", "hash").first()
    start, prev = (last["sequence"], last["hash"]) if last else (0, trail.GENESIS)
    now = timezone.now()
    batch = []
    for sequence in range(start + 1, start + count + 1):
        values = {
            "chain": chain, "sequence": sequence, "at": now, "actor_id": 1, "actor_label": "Ash Assessor",
            "enrolment_id": 1, "object_type": "assessments.Decision", "object_id": str(sequence),
            "object_label": f"Decision {sequence}", "action": "mapping accepted", "before": {"status": "claimed"},
            "after": {"status": "accepted"}, "prev_hash": prev,
        }
        values["hash"] = trail.content_hash(values)
        values["hmac"] = trail.seal(values["hash"])
        prev = values["hash"]
        batch.append(AuditRecord(**values))
        if len(batch) == 5000:
            AuditRecord.objects.bulk_create(batch)
            batch = []
    AuditRecord.objects.bulk_create(batch)
    AuditHead.objects.update_or_create(chain=chain, defaults={"sequence": start + count, "hash": prev})
    trail.export_head()


def run() -> None:
    scratch = support.setup_django("assessments")
    from django.conf import settings

    settings.AUDIT_HEAD_PATH = f"{scratch}/audit-head.json"
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from audit import trail
    from candidates.models import Enrolment, Role, RoleKind

    quiet = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the run
    call_command("load_specs", verbosity=0, stdout=quiet)
    call_command("generate_centre", candidates=200, assessors=20, seed=2, stdout=quiet)
    assessors = [r.user for r in Role.objects.filter(centre__code="generated-2", kind=RoleKind.ASSESSOR)
                 .select_related("user").order_by("user__email")]
    iqa = Role.objects.filter(centre__code="generated-2", kind=RoleKind.IQA).select_related("user").first().user
    busy, others = assessors[0], assessors[1:]
    ours = Enrolment.objects.filter(centre__code="generated-2").order_by("pk")
    caseload = list(ours.values_list("pk", flat=True)[:CASELOAD])
    ours.filter(assessor=busy).update(assessor=others[0])
    ours.filter(pk__in=caseload).update(assessor=busy, iqa=iqa)
    enrolments = list(Enrolment.objects.filter(pk__in=caseload).select_related("candidate", "qualification"))
    rng = random.Random(2)

    assessor, quality = Client(), Client()
    assessor.force_login(busy)
    quality.force_login(iqa)
    pages = {
        "caseload": (assessor, "/caseload/"),
        "review queue": (assessor, "/caseload/review/"),
        "IQA sampling": (quality, "/quality/sampling/"),
    }

    def fetch(client: Client, url: str) -> Callable[[], None]:
        def get() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return get

    started = time.perf_counter()
    fill_portfolios(enrolments[:SMALL], assessor=busy, iqa=iqa, rng=rng)
    small = {name: support.queries(fetch(*page)) for name, page in pages.items()}
    fill_portfolios(enrolments[SMALL:], assessor=busy, iqa=iqa, rng=rng)
    if connection.vendor == "postgresql":
        # Fresh tables have no planner statistics yet; autovacuum gathers them in any running database.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"generated {CASELOAD} portfolios (12 evidence items, sign-offs, questions, visits, action points each) "
          f"in {time.perf_counter() - started:.1f} s")
    missed = False
    for name, page in pages.items():
        queries = support.queries(fetch(*page))
        median, _cpu = support.median_ms(fetch(*page), ROUNDS)
        fixed = "fixed" if queries == small[name] else f"NOT FIXED ({small[name]} with {SMALL} candidates)"
        print(f"{name}: median {median:.1f} ms (target < {PAGE_TARGET_MS} ms), {queries} queries with {CASELOAD} "
              f"candidates, {fixed}")
        missed |= median >= PAGE_TARGET_MS or queries != small[name]

    started = time.perf_counter()
    chain_audit(AUDIT_RECORDS)
    print(f"wrote {AUDIT_RECORDS:,} chained audit records in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    verdict = trail.verify()
    elapsed = time.perf_counter() - started
    assert verdict.intact and verdict.checked >= AUDIT_RECORDS, verdict
    print(f"verify_audit over {verdict.checked:,} records: {elapsed:.2f} s (target < {VERIFY_TARGET_S} s)")
    missed |= elapsed >= VERIFY_TARGET_S
    if missed:
        print("bench_assessments: a target was missed")


if __name__ == "__main__":
    run()
