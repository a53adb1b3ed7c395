"""Completing an enrolment: the centre admin's page, with what the achieved units earn and a reason to give."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from candidates.access import Permission
from candidates.forms.enrolment import ReasonForm
from candidates.models import EnrolmentStatus
from portfolio_site.form_errors import on_fields

from .. import gate, reads, services
from .outcome import done


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: whether the enrolment may be completed, and the form; POST: complete it with the reason given."""
    enrolment = gate.enrolment(request, pk, Permission.MANAGE)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_complete(enrolment=enrolment, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if not on_fields(form, error):
                return done(request, "assessments:enrolment_complete", pk=pk, error=error)
        else:
            return done(request, "candidates:enrolment_detail", pk=pk,
                        success=_("The enrolment of %(candidate)s is completed.") % {"candidate": enrolment.candidate})
    return render(request, "assessments/enrolment_complete.html", {
        "enrolment": enrolment, "form": form, "eligibility": reads.eligibility_of(enrolment),
        "active": enrolment.status == EnrolmentStatus.ACTIVE,
    })
