"""The cached spec and outline (units.cache): pages that read a spec, with the cache cold and warm.

On a throwaway database (see support.setup_django) with every spec loaded and a small generated centre, for
the largest loaded qualification: the rules panel (HTMX), the unit-choice page and the spec page, each timed
with the cache emptied before every request (cold: the spec read and compiled again, as before the cache)
and with it warm; and their query counts. The cache is this process's memory (LocMemCache), as in the
embedded default; in production Redis adds one round trip a request for the generation and, for a
process that has not yet kept the spec, one for the spec itself.

Target: the warm rules panel and unit-choice page make six queries fewer than cold, and are not slower.
"""

from __future__ import annotations

import os

from tests.bench import support

ROUNDS = 100


def run() -> None:
    support.setup_django("cache")
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from candidates.models import Enrolment
    from units.cache import clear_local

    quiet = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the run
    call_command("load_specs", verbosity=0, stdout=quiet)
    call_command("generate_centre", candidates=20, assessors=2, seed=1, stdout=quiet)
    enrolments = Enrolment.objects.filter(centre__code="generated-1").select_related("qualification", "candidate")
    enrolment = max(enrolments, key=lambda e: (e.qualification.units.count(), -e.pk))
    qualification = enrolment.qualification
    candidate = Client()
    candidate.force_login(enrolment.candidate)
    units = list(qualification.units.values_list("code", flat=True)[:3])
    panel_url = reverse("candidates:unit_choice_check", kwargs={"pk": enrolment.pk})
    choice_url = reverse("candidates:unit_choice", kwargs={"pk": enrolment.pk})
    spec_url = reverse("units:qualification_detail", kwargs={"code": qualification.code,
                                                            "version": qualification.version})

    pages = {
        "rules panel": lambda: candidate.post(panel_url, {"units": units}, HTTP_HX_REQUEST="true"),
        "unit choice": lambda: candidate.get(choice_url),
        "spec page": lambda: candidate.get(spec_url),
    }
    print(f"{qualification.code} ({qualification.units.count()} units); {ROUNDS} requests each, median ms")
    print(f"{'page':<14} {'cold ms':>8} {'warm ms':>8} {'cold CPU':>9} {'warm CPU':>9} {'cold q':>7} {'warm q':>7}")
    failed = []
    for name, page in pages.items():
        def cold(page=page) -> None:
            cache.clear()  # the sessions are in the database: only the cached specs go
            clear_local()
            assert page().status_code == 200

        def warm(page=page) -> None:
            assert page().status_code == 200

        cold_ms, cold_cpu = support.median_ms(cold, ROUNDS)
        cold_queries = support.queries(cold)
        warm_ms, warm_cpu = support.median_ms(warm, ROUNDS)
        warm_queries = support.queries(warm)
        print(f"{name:<14} {cold_ms:>8.1f} {warm_ms:>8.1f} {cold_cpu:>9.1f} {warm_cpu:>9.1f} {cold_queries:>7} "
              f"{warm_queries:>7}")
        if warm_queries >= cold_queries or warm_cpu > cold_cpu * 1.1:
            failed.append(name)
    if failed:
        raise SystemExit(f"The cache does not pay on: {', '.join(failed)}")
