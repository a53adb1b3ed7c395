"""The load test's data: the specs, `generate_centre` at the chosen size, then submitted evidence to judge.

Run by scripts/load/run.py against the load test's own database (the environment names it):

    python scripts/load/seed.py --candidates 10000 --seed 1 --password PASSWORD

`generate_centre` makes people, enrolments, self-assessments and plans; a portfolio in use
also has evidence waiting for judgement, so every enrolment with a plan gets
`--evidence-per-enrolment` submitted items (personal statements), each claiming one to four
assessable items of its chosen units, inserted in bulk as `generate_evidence` does. Running it
again on the same database changes nothing.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--password", required=True)
    parser.add_argument("--evidence-per-enrolment", type=int, default=2)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_specs", verbosity=0)
    print(f"  migrated and loaded the specs in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    # One assessor per 20 candidates, one IQA per five assessors (generate_centre's default).
    call_command("generate_centre", candidates=args.candidates, assessors=max(1, args.candidates // 20),
                 seed=args.seed, password=args.password)
    print(f"  generate_centre in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    items = submitted_evidence(seed=args.seed, per_enrolment=args.evidence_per_enrolment)
    print(f"  {items} submitted evidence items in {time.perf_counter() - started:.0f} s", flush=True)


def submitted_evidence(*, seed: int, per_enrolment: int) -> int:
    from django.db import transaction
    from django.utils import timezone

    from candidates.models import Enrolment, UnitChoice
    from evidence.models import EvidenceItem, EvidenceKind, EvidenceVersion, Mapping, VersionStatus
    from units.models import AssessableItem

    enrolments = Enrolment.objects.filter(centre__code=f"generated-{seed}")
    if EvidenceItem.objects.filter(enrolment__in=enrolments).exists():
        return 0
    rng = random.Random(seed)
    items_of_unit: dict[int, list[int]] = {}
    for item_pk, unit_pk in AssessableItem.objects.values_list("pk", "unit_id"):
        items_of_unit.setdefault(unit_pk, []).append(item_pk)
    targets: dict[tuple[int, int], list[int]] = {}  # (enrolment, candidate) -> its chosen units' items
    for enrolment_pk, candidate_pk, unit_pk in (UnitChoice.objects.filter(enrolment__in=enrolments)
                                                .values_list("enrolment_id", "enrolment__candidate_id", "unit_id")):
        targets.setdefault((enrolment_pk, candidate_pk), []).extend(items_of_unit.get(unit_pk, []))
    now = timezone.now()
    with transaction.atomic():
        owners = [(key, n) for key, chosen in sorted(targets.items()) if chosen for n in range(per_enrolment)]
        items = EvidenceItem.objects.bulk_create(
            [EvidenceItem(enrolment_id=enrolment, kind=EvidenceKind.PERSONAL_STATEMENT, created_by_id=candidate)
             for (enrolment, candidate), _n in owners], batch_size=2000)
        versions = EvidenceVersion.objects.bulk_create([
            EvidenceVersion(item=item, number=1, title=f"How I handled customer request {n + 1}",
                            date=now.date() - datetime.timedelta(days=rng.randrange(1, 200)),
                            text="What I did, why, and what the customer said afterwards. " * 8,
                            status=VersionStatus.SUBMITTED, submitted_at=now, submitted_by_id=candidate,
                            created_by_id=candidate)
            for item, ((_enrolment, candidate), n) in zip(items, owners, strict=True)
        ], batch_size=2000)
        for item, version in zip(items, versions, strict=True):
            item.current_version = version
        EvidenceItem.objects.bulk_update(items, ["current_version"], batch_size=2000)
        Mapping.objects.bulk_create([
            Mapping(version=version, assessable_item_id=target, mapped_by_id=candidate)
            for version, ((enrolment, candidate), _n) in zip(versions, owners, strict=True)
            for target in rng.sample(targets[(enrolment, candidate)],
                                     k=min(len(targets[(enrolment, candidate)]), rng.randint(1, 4)))
        ], batch_size=5000)
    return len(items)


if __name__ == "__main__":
    main(sys.argv[1:])
