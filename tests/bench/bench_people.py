"""People benchmarks: the rules-panel HTMX request and an assessor's home page, through Django's test client.

Runs against a throwaway database (a temporary SQLite file unless DATABASE_URL
names another server, where Django's test database is used), loads the specs and
generates a centre of 200 candidates and 20 assessors, then gives one assessor a
caseload of 50.

Targets: rules panel median under 30 ms; assessor home page median under 100 ms.
"""

from __future__ import annotations

import os
import time

from tests.bench import support

RULES_PANEL_TARGET_MS = 30
HOME_TARGET_MS = 100
ROUNDS = 200
CASELOAD = 50


def run() -> None:
    support.setup_django("people")
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from candidates.models import Enrolment, PlanStatus, Role, RoleKind
    from candidates.services.plan import mandatory_codes
    from units.spec import spec_for

    quiet = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the run
    call_command("load_specs", verbosity=0, stdout=quiet)
    started = time.perf_counter()
    call_command("generate_centre", candidates=200, assessors=20, seed=1, stdout=quiet)
    generated = time.perf_counter() - started
    print(f"generate_centre: 200 candidates, 20 assessors in {generated:.1f} s")

    # The rules panel: a candidate on the largest loaded qualification ticks one more unit.
    enrolments = Enrolment.objects.filter(centre__code="generated-1").select_related("qualification", "pathway",
                                                                                    "candidate")
    enrolment = max(enrolments, key=lambda e: (e.qualification.units.count(), -e.pk))
    spec = spec_for(enrolment.qualification)
    pathway = enrolment.pathway.name if enrolment.pathway_id else None
    ticked = sorted(mandatory_codes(spec, pathway))
    optional = [u.code for u in spec.units if u.code not in ticked]
    candidate = Client()
    candidate.force_login(enrolment.candidate)
    url = reverse("candidates:unit_choice_check", kwargs={"pk": enrolment.pk})
    data = {"units": [*ticked, *optional[:2]]}

    def rules_panel() -> None:
        response = candidate.post(url, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, response.status_code

    panel_ms, _cpu = support.median_ms(rules_panel, ROUNDS, warm=10)
    panel_queries = support.queries(rules_panel)
    print(f"rules panel ({enrolment.qualification.code}, {len(spec.units)} units): median {panel_ms:.1f} ms "
          f"(target < {RULES_PANEL_TARGET_MS} ms), {panel_queries} queries")

    # The home page of an assessor with a caseload of 50.
    assessors = [r.user for r in Role.objects.filter(centre__code="generated-1", kind=RoleKind.ASSESSOR)
                 .select_related("user").order_by("user__email")]
    busy, others = assessors[0], assessors[1:]
    ours = Enrolment.objects.filter(centre__code="generated-1").order_by("pk")
    caseload = list(ours.values_list("pk", flat=True)[:CASELOAD])
    ours.filter(assessor=busy).update(assessor=others[0])
    ours.filter(pk__in=caseload).update(assessor=busy)
    assessor_role = Role.objects.get(user=busy, kind=RoleKind.ASSESSOR)
    assessor = Client()
    assessor.force_login(assessor_role.user)

    def home() -> None:
        response = assessor.get("/")
        assert response.status_code == 200 and response.content.count(b"data-testid=\"plan-status\"") == CASELOAD

    home_ms, _cpu = support.median_ms(home, 100, warm=10)
    home_queries = support.queries(home)
    drafts = Enrolment.objects.filter(pk__in=caseload, plan_status=PlanStatus.DRAFT).count()
    print(f"assessor home ({CASELOAD} enrolments, {drafts} drafts): median {home_ms:.1f} ms "
          f"(target < {HOME_TARGET_MS} ms), {home_queries} queries")
    if panel_ms >= RULES_PANEL_TARGET_MS or home_ms >= HOME_TARGET_MS:
        print("bench_people: a target was missed")


if __name__ == "__main__":
    run()
