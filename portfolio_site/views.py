"""The home pages that gather every app: a candidate's qualifications, a member of staff's enrolments."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from candidates.services_plan import home_enrolments


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each of the person's own enrolments with its next step; below, the enrolments they may see as staff.

    A fixed number of queries however many enrolments there are.
    """
    enrolments = home_enrolments(request.user, page=request.GET.get("page"))
    for enrolment in [*enrolments.own, *enrolments.others]:
        # Reversed here: a {% url %} per row and link costs four times as much in the template.
        enrolment.links = {
            name: reverse(f"candidates:{name}", kwargs={"pk": enrolment.pk})
            for name in ("enrolment_detail", "self_assessment", "unit_choice")
        }
    return render(request, "home.html", {"own": enrolments.own, "others": enrolments.others})
