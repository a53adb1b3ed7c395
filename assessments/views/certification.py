"""The centre admin's certification page and its claim list as CSV."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from candidates import access
from candidates.models import Centre, Enrolment
from units.cache import cached_spec
from units.rules import Spec

from .. import reads
from ..spreadsheet import spreadsheet_text


def _claims(user: access.AnyUser, centre: Centre) -> list[tuple[Enrolment, reads.Eligibility]]:
    enrolments = list(
        access.enrolments_visible_to(user).filter(centre=centre).exclude(status="withdrawn")
        .select_related("candidate", "qualification", "pathway", "assessor")
    )
    achieved = reads.achieved_units(e.pk for e in enrolments)
    specs: dict[int, Spec] = {}
    rows = []
    for enrolment in enrolments:
        units = achieved.get(enrolment.pk, [])
        if units and enrolment.qualification_id not in specs:
            specs[enrolment.qualification_id] = cached_spec(enrolment.qualification)
        rows.append((enrolment, reads.eligibility(enrolment, units, specs.get(enrolment.qualification_id))))
    return rows


@login_required
@require_GET
def certification(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """Every candidate of the centre with what their achieved units earn."""
    centre = access.centre_for_admin(request.user, centre_pk)
    return render(request, "assessments/certification.html", {"centre": centre, "rows": _claims(request.user, centre)})


@login_required
@require_GET
def claim_csv(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """The claim list as CSV: learner number, registration number, qualification code and version, units claimed."""
    centre = access.centre_for_admin(request.user, centre_pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="claims-{centre.code}.csv"'
    writer = csv.writer(response)
    writer.writerow(["uln", "registration_number", "candidate", "qualification_code", "qualification_version",
                     "claim", "units_claimed"])
    for enrolment, eligibility in _claims(request.user, centre):
        if not eligibility.achieved:
            continue
        writer.writerow([spreadsheet_text(value) for value in (
            enrolment.uln, enrolment.registration_number, enrolment.candidate, enrolment.qualification.code,
            enrolment.qualification.version, "full qualification" if eligibility.full else "unit certificates",
            " ".join(eligibility.combination if eligibility.full else eligibility.achieved),
        )])
    return response
