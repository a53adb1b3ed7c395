"""The home pages that gather every app: a candidate's qualifications, a member of staff's enrolments, and the
centre dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from candidates import access
from candidates.access import enrolments_followed_by
from candidates.services.plan import home_enrolments
from exports import services as export_services

from .dashboard import dashboard
from .links import paths_by_pk

ROW_LINKS = ("enrolment_detail", "self_assessment", "unit_choice")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each of the person's own enrolments with its next step; below, the enrolments they may see as staff; for an
    employer contact, how many apprentices they follow (their page is assessments:apprentices).

    A fixed number of queries however many enrolments there are.
    """
    enrolments = home_enrolments(request.user, page=request.GET.get("page"))
    # One reverse per link name, not one {% url %} per row and link: reversing dominated a page of 100 rows.
    patterns = {name: paths_by_pk(f"candidates:{name}") for name in ROW_LINKS}
    for enrolment in [*enrolments.own, *enrolments.others]:
        enrolment.links = {name: path(enrolment.pk) for name, path in patterns.items()}
    # The staff table's plan status, rendered once a page, not once a row of 100.
    badges: dict[str, str] = {}
    for enrolment in enrolments.others:
        if enrolment.plan_status not in badges:
            badges[enrolment.plan_status] = render_to_string("candidates/_plan_status.html", {"enrolment": enrolment})
        enrolment.plan_status_badge = badges[enrolment.plan_status]
    return render(request, "home.html", {
        "own": enrolments.own, "others": enrolments.others, "more": enrolments.more,
        "listed_at_most": number_format(enrolments.listed_at_most, force_grouping=True),
        "apprentices": enrolments_followed_by(request.user).count(),
    })


@login_required
@require_GET
def dashboard_choose(request: HttpRequest) -> HttpResponse:
    """The centres whose dashboard this person may read; straight to it when there is one."""
    centres = list(access.centres_administered_by(request.user).order_by("name"))
    if not centres:
        raise PermissionDenied(_("Only centre administrators read a centre's dashboard."))
    if len(centres) == 1:
        return redirect("centre_dashboard", centre_pk=centres[0].pk)
    return render(request, "portfolio_site/dashboard_choose.html", {"centres": centres})


@login_required
@require_GET
def centre_dashboard(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """The centre at a glance from its stored figures: stages, risks, caseloads, sampling, the pipeline. A fixed
    number of queries whatever the centre's size."""
    centre = access.centre_for_admin(request.user, centre_pk)
    board = dashboard(request.user, centre, page=request.GET.get("page"))
    return render(request, "portfolio_site/dashboard.html", {"board": board})


@login_required
@require_POST
def centre_dashboard_refresh(request: HttpRequest, centre_pk: int) -> HttpResponse:
    """Ask a worker to compute the centre's figures again (once: asking while one waits or runs adds nothing)."""
    centre = access.centre_for_admin(request.user, centre_pk)
    if export_services.figures_request(centre=centre, by=request.user):
        messages.success(request, _("The figures are being computed again. Reload the page in a minute to see them."))
    else:
        messages.info(request, _("The figures are already being computed. Reload the page in a minute to see them."))
    return redirect("centre_dashboard", centre_pk=centre.pk)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (CSRF_FAILURE_VIEW): the site's page saying what to do next, status 403."""
    return render(request, "403_csrf.html", status=403)
