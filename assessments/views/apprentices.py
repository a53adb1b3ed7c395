"""The employer contact's home: the apprentices they follow, with progress and open action points."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from evidence.access import testimonies_for_witness

from .. import reads


@login_required
@require_GET
def apprentices(request: HttpRequest) -> HttpResponse:
    """Each apprentice the signed-in person follows as an employer contact (none for anyone else); a fixed number
    of queries however many there are. The rows come through the gate (`access.enrolments_followed_by`)."""
    return render(request, "assessments/apprentices.html", {
        "rows": reads.apprentices(request.user),
        # Testimonies naming them as witness: they confirm them here, signed in, as well as by the emailed link.
        "testimonies": list(testimonies_for_witness(request.user).filter(witness_confirmed_at__isnull=True)
                            .order_by("submitted_at", "pk")),
    })
