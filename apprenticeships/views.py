"""The off-the-job training pages: the log with its chart and totals, the entry forms, and the plan.

Who may do what (candidates/access.py): everyone who follows the enrolment (``Permission.FOLLOW``: whoever
reads it, and the apprentice's employer contact) sees the log, its totals and chart and the plan; the
candidate records, edits and deletes their own entries (``ACT_AS_CANDIDATE``); the assessor verifies or
queries them, and the plan is set by the assessor or the centre's management (``JUDGE``: the assessor, the
centre admin and a platform admin, i.e. whoever holds ``MANAGE`` plus the assessor). A frozen enrolment is
read-only (the gate says 403).
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.views.outcome import act, done, error_text
from candidates import access
from candidates.access import Permission, viewer_may
from candidates.models import Enrolment, User
from portfolio_site.form_errors import on_fields

from . import reads, services
from .forms import EntryForm, PlanForm, QueryForm
from .models import EntryStatus, OtjEntry


def _enrolment(request: HttpRequest, pk: int, need: Permission = Permission.FOLLOW) -> Enrolment:
    return access.enrolment_for(request.user, pk, need=need)


def _user(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind login_required)."""
    return cast(User, request.user)


def _entry_in(enrolment: Enrolment, pk: int) -> OtjEntry:
    entry: OtjEntry = get_object_or_404(OtjEntry.objects.filter(enrolment=enrolment), pk=pk)
    entry.enrolment = enrolment
    return entry


@login_required
@require_GET
def otj_log(request: HttpRequest, pk: int) -> HttpResponse:
    """The log with its totals, chart and table; the candidate adds entries, the assessor decides on them."""
    return _log_page(request, _enrolment(request, pk))


def _log_page(request: HttpRequest, enrolment: Enrolment, *, form: EntryForm | None = None) -> HttpResponse:
    entries = list(reads.entries_of(enrolment))
    plan = reads.plan_of(enrolment)
    may_record = viewer_may(enrolment, Permission.ACT_AS_CANDIDATE)
    return render(request, "apprenticeships/log.html", {
        "enrolment": enrolment, "entries": entries, "plan": plan,
        "summary": reads.summary(plan, entries, timezone.localdate()),
        "form": (form or EntryForm(enrolment=enrolment, initial={"date": timezone.localdate()}))
        if may_record else None,
        "may_record": may_record, "may_decide": viewer_may(enrolment, Permission.JUDGE),
        "may_plan": viewer_may(enrolment, Permission.JUDGE),
        "tolerance_weeks": services.BEHIND_TOLERANCE_WEEKS, "statuses": EntryStatus,
    })


def _entry_fields(form: EntryForm) -> dict[str, object]:
    data = form.cleaned_data
    return {"date": data["date"], "minutes": data["total_minutes"], "activity": data["activity"],
            "learned": data["learned"], "items": data["items"], "evidence": data["evidence"]}


@login_required
@require_POST
def otj_entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate logs an off-the-job activity."""
    enrolment = _enrolment(request, pk, Permission.ACT_AS_CANDIDATE)
    form = EntryForm(request.POST, enrolment=enrolment)
    if form.is_valid():
        try:
            services.entry_record(enrolment=enrolment, by=_user(request), **_entry_fields(form))  # type: ignore[arg-type]
        except ValidationError as error:
            if not on_fields(form, error):
                return done(request, "apprenticeships:otj_log", pk=pk, error=error)
        else:
            return done(request, "apprenticeships:otj_log", pk=pk,
                        success=_("Logged. Your assessor will verify it."))
    return _log_page(request, enrolment, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def otj_entry_edit(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """The candidate corrects an entry (a queried one goes back to the assessor); verified ones are final."""
    enrolment = _enrolment(request, pk, Permission.ACT_AS_CANDIDATE)
    entry = _entry_in(enrolment, entry_pk)
    if entry.status == EntryStatus.VERIFIED:
        messages.error(request, _("This entry is verified: it can no longer be changed."))
        return redirect("apprenticeships:otj_log", pk=pk)
    if request.method == "POST":
        form = EntryForm(request.POST, enrolment=enrolment)
        if form.is_valid():
            try:
                services.entry_edit(entry=entry, by=_user(request), **_entry_fields(form))  # type: ignore[arg-type]
            except ValidationError as error:
                if not on_fields(form, error):
                    return done(request, "apprenticeships:otj_log", pk=pk, error=error)
            else:
                return done(request, "apprenticeships:otj_log", pk=pk,
                            success=_("Saved. It goes back to your assessor to verify."))
    else:
        form = EntryForm(enrolment=enrolment, initial=EntryForm.initial_of(entry))
    return render(request, "apprenticeships/entry_edit.html", {"enrolment": enrolment, "entry": entry, "form": form})


@login_required
@require_POST
def otj_entry_delete(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """The candidate deletes an entry that is not verified."""
    enrolment = _enrolment(request, pk, Permission.ACT_AS_CANDIDATE)
    entry = _entry_in(enrolment, entry_pk)
    return act(request, lambda: services.entry_delete(entry=entry, by=_user(request)),
               to="apprenticeships:otj_log", pk=pk, success=_("Entry deleted."))


@login_required
@require_POST
def otj_entry_verify(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """The assessor verifies an entry."""
    enrolment = _enrolment(request, pk, Permission.JUDGE)
    entry = _entry_in(enrolment, entry_pk)
    return act(request, lambda: services.entry_verify(entry=entry, by=_user(request)),
               to="apprenticeships:otj_log", pk=pk, success=_("Entry verified."))


@login_required
@require_POST
def otj_entry_query(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """The assessor queries an entry with a comment back to the candidate."""
    enrolment = _enrolment(request, pk, Permission.JUDGE)
    entry = _entry_in(enrolment, entry_pk)
    form = QueryForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(list(form.errors["comment"]))))
        return redirect("apprenticeships:otj_log", pk=pk)
    comment = form.cleaned_data["comment"]
    return act(request, lambda: services.entry_query(entry=entry, by=_user(request), comment=comment),
               to="apprenticeships:otj_log", pk=pk, success=_("Query sent to the candidate."))


@login_required
@require_http_methods(["GET", "POST"])
def otj_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The off-the-job plan: read by everyone who reads the enrolment, set by the assessor or the centre."""
    enrolment = _enrolment(request, pk, Permission.JUDGE if request.method == "POST" else Permission.FOLLOW)
    plan = reads.plan_of(enrolment)
    form: PlanForm | None = None
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                services.plan_set(enrolment=enrolment, by=_user(request), **form.cleaned_data)
            except ValidationError as error:
                if not on_fields(form, error):
                    return done(request, "apprenticeships:otj_plan", pk=pk, error=error)
            else:
                return done(request, "apprenticeships:otj_log", pk=pk, success=_("Off-the-job plan saved."))
    elif viewer_may(enrolment, Permission.JUDGE):
        if plan is not None:
            initial = {"contracted_hours": plan.contracted_hours, "planned_start": plan.planned_start,
                       "planned_end": plan.planned_end, "rule": plan.rule}
        else:
            initial = {"planned_start": enrolment.start_date, "planned_end": enrolment.planned_end_date,
                       "rule": services.default_rule(enrolment.start_date)}
        form = PlanForm(initial=initial)
    return render(request, "apprenticeships/plan.html", {
        "enrolment": enrolment, "plan": plan, "form": form,
        "minimum": services.plan_minimum(plan) if plan else None,
    })
