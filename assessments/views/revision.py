"""Revising referred evidence: one action from the referral starts the new version and opens its editor,
with the assessor's referral feedback beside it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from candidates.access import Permission
from candidates.models import Enrolment
from evidence import access as evidence_access
from evidence import services as evidence_services
from evidence.forms import EvidenceTextForm, fit_to_kind
from evidence.models import EvidenceItem

from .. import gate, reads
from .outcome import done


def _writable(request: HttpRequest, pk: int, evidence_pk: int) -> tuple[Enrolment, EvidenceItem]:
    """The enrolment and the evidence, if the user may write it (an assessor's record: its observers only)."""
    enrolment = gate.enrolment(request, pk, Permission.WRITE_EVIDENCE)
    item = gate.evidence_in(enrolment, evidence_pk)
    if not evidence_access.may_write(item):
        raise PermissionDenied(_("Observation, professional discussion and questioning records are written by the "
                                 "assessor."))
    return enrolment, item


@login_required
@require_POST
def revise(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Start a new draft version of the evidence and open its editor (a draft already started: open that)."""
    enrolment, item = _writable(request, pk, evidence_pk)
    if not item.current_version.is_draft:
        try:
            version = evidence_services.version_revise(item=item, by=request.user)
        except ValidationError as error:
            return done(request, "assessments:review", pk=pk, evidence_pk=evidence_pk, error=error)
        messages.success(request, _("Version %(number)s started as a draft, with the same files and mapping. Change "
                                    "what the feedback asks for, then submit it.") % {"number": version.number})
    return redirect("assessments:revision", pk=enrolment.pk, evidence_pk=item.pk)


@login_required
@require_http_methods(["GET", "POST"])
def revision(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """The draft's words in an editor, with every referral on the version before beside it."""
    enrolment, item = _writable(request, pk, evidence_pk)
    version = item.current_version
    if not version.is_draft:
        messages.info(request, _("Version %(number)s is submitted: start a new version to revise it.")
                      % {"number": version.number})
        return redirect("assessments:review", pk=enrolment.pk, evidence_pk=item.pk)
    initial = {name: getattr(version, name) for name in EvidenceTextForm.base_fields}
    form = fit_to_kind(EvidenceTextForm(request.POST or None, initial=initial), item.kind)
    if request.method == "POST" and form.is_valid():
        try:
            evidence_services.draft_update(version=version, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft saved. Check its files and mapping, then submit it."))
            return redirect("evidence:detail", pk=item.pk)
    return render(request, "assessments/revision.html", {
        "enrolment": enrolment, "item": item, "version": version, "form": form,
        "feedback": reads.referral_feedback(version),
    }, status=400 if form.errors else 200)
