"""Generate a candidate with a large portfolio, for demos and benchmarks, in a few bulk inserts.

By default: a centre ``generated-evidence-<seed>`` with one assessor and one
candidate enrolled on the loaded qualification with the most assessable items,
and ``--items`` evidence items (every kind, drafts and submitted versions) each
mapped to one to four items spread over the whole qualification. Running it again
with the same seed finds the candidate and changes nothing.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from candidates.models import Centre, Enrolment, Role, RoleKind, User
from evidence.models import EvidenceItem, EvidenceKind, EvidenceVersion, Mapping, VersionStatus
from units.models import AssessableItem, Qualification

WORDS = (
    "customer complaint reply phone email rota report meeting feedback survey service queue delivery refund "
    "apology follow-up team handover procedure quality standard improvement incident record"
).split()


class Command(BaseCommand):
    help = "Generate one candidate with many evidence items mapped across a whole qualification (idempotent per seed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--items", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--qualification", help="Qualification code (default: the one with most assessable items).")
        parser.add_argument("--password", default="generated-evidence-password")

    @transaction.atomic
    def handle(self, *args: object, items: int, seed: int, qualification: str | None, password: str,
               **options: object) -> None:
        qualifications = Qualification.objects.latest_versions().annotate(size=Count("units__items"))
        if qualification:
            qualifications = qualifications.filter(code=qualification)
        chosen = qualifications.order_by("-size", "code").first()
        if chosen is None or not chosen.size:
            raise CommandError("No qualification with assessable items is loaded: run `manage.py load_specs` first.")
        enrolment = self._enrolment(seed=seed, qualification=chosen, password=password)
        have = EvidenceItem.objects.filter(enrolment=enrolment).count()
        if have >= items:
            self.stdout.write(f"{enrolment.candidate.email} already has {have} evidence items; nothing to do.")
            return
        targets = list(AssessableItem.objects.filter(unit__qualification=chosen).values_list("pk", flat=True))
        self._evidence(enrolment=enrolment, count=items - have, targets=targets, rng=random.Random(seed))
        self.stdout.write(
            f"{enrolment.candidate.email} (enrolment {enrolment.pk}) has {items} evidence items mapped across "
            f"{len(targets)} assessable items of {chosen.code}; password {password!r}."
        )

    def _enrolment(self, *, seed: int, qualification: Qualification, password: str) -> Enrolment:
        centre, _ = Centre.objects.get_or_create(
            code=f"generated-evidence-{seed}", defaults={"name": f"Generated evidence centre {seed}"}
        )
        hashed = make_password(password)
        people = {}
        for kind, local in ((RoleKind.CANDIDATE, "candidate"), (RoleKind.ASSESSOR, "assessor")):
            people[kind], _ = User.objects.get_or_create(
                email=f"{local}@generated-evidence-{seed}.example.org",
                defaults={"first_name": "Portfolio", "last_name": local.title(), "password": hashed},
            )
            Role.objects.get_or_create(user=people[kind], centre=centre, kind=kind)
        today = timezone.localdate()
        enrolment, _ = Enrolment.objects.get_or_create(
            candidate=people[RoleKind.CANDIDATE], qualification=qualification,
            defaults={"centre": centre, "assessor": people[RoleKind.ASSESSOR],
                      "start_date": today - datetime.timedelta(days=400),
                      "planned_end_date": today + datetime.timedelta(days=100)},
        )
        return enrolment

    def _evidence(self, *, enrolment: Enrolment, count: int, targets: list[int], rng: random.Random) -> None:
        candidate_id = enrolment.candidate_id
        kinds = [kind for kind in EvidenceKind.values if kind != EvidenceKind.OBSERVATION]
        now = timezone.now()
        items = EvidenceItem.objects.bulk_create(
            EvidenceItem(enrolment=enrolment, kind=rng.choice(kinds), created_by_id=candidate_id)
            for _ in range(count)
        )
        versions = []
        for number, item in enumerate(items):
            submitted = rng.random() < 0.8
            words = " ".join(rng.choice(WORDS) for _ in range(40))
            versions.append(EvidenceVersion(
                item=item, number=1, title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {number}",
                date=now.date() - datetime.timedelta(days=rng.randrange(400)), text=words,
                status=VersionStatus.SUBMITTED if submitted else VersionStatus.DRAFT,
                submitted_at=now if submitted else None, submitted_by_id=candidate_id if submitted else None,
                created_by_id=candidate_id,
            ))
        versions = EvidenceVersion.objects.bulk_create(versions, batch_size=500)
        for item, version in zip(items, versions, strict=True):
            item.current_version = version
        EvidenceItem.objects.bulk_update(items, ["current_version"], batch_size=500)
        mappings = [
            Mapping(version=version, assessable_item_id=target, mapped_by_id=candidate_id)
            for version in versions
            for target in rng.sample(targets, k=min(len(targets), rng.randint(1, 4)))
        ]
        Mapping.objects.bulk_create(mappings, batch_size=1000)
