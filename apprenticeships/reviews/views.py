"""The progress review pages: the enrolment's reviews and schedule, one review with its signatures, the forms.

Who may do what (candidates/access.py): whoever follows the enrolment (``Permission.FOLLOW``: its readers and
the apprentice's employer contact) reads the reviews; the assessor or the centre (``JUDGE``) writes them and
sets the schedule; each party signs as their own (``SIGN``: the candidate, the employer contact, the assessor
or a centre admin), the service deciding which party that is. A frozen enrolment is read-only (403). The
employer sees that a safeguarding concern was raised but not its note (only ``read`` holders do).
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.views.outcome import act, done
from candidates import access
from candidates.access import Permission, viewer_may
from candidates.models import Enrolment, User
from portfolio_site.form_errors import on_fields

from ..models import ProgressReview, hours_text
from ..signing import Party
from . import reads, services
from .forms import ReviewForm, ScheduleForm, SignForm


def _enrolment(request: HttpRequest, pk: int, need: Permission = Permission.FOLLOW) -> Enrolment:
    return access.enrolment_for(request.user, pk, need=need)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
@require_GET
def review_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The enrolment's reviews, newest first, each complete or awaiting signatures; when the next is due."""
    enrolment = _enrolment(request, pk)
    return _list_page(request, enrolment)


def _list_page(request: HttpRequest, enrolment: Enrolment, *, form: ScheduleForm | None = None) -> HttpResponse:
    reviews = list(reads.reviews_of(enrolment))
    due = reads.due_of(enrolment, timezone.localdate())
    may_judge = viewer_may(enrolment, Permission.JUDGE)
    return render(request, "apprenticeships/reviews/list.html", {
        "enrolment": enrolment, "due": due, "may_write": may_judge,
        "rows": [(review, reads.signature_panel(review)) for review in reviews],
        "schedule_form": (form or ScheduleForm(initial={"interval_weeks": due.interval_weeks})) if may_judge else None,
    })


@login_required
@require_POST
def review_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessor or the centre sets the weeks between reviews."""
    enrolment = _enrolment(request, pk, Permission.JUDGE)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.schedule_set(enrolment=enrolment, by=_user(request), **form.cleaned_data)
        except ValidationError as error:
            if not on_fields(form, error):
                return done(request, "apprenticeships:review_list", pk=pk, error=error)
        else:
            return done(request, "apprenticeships:review_list", pk=pk, success=_("Review schedule saved."))
    return _list_page(request, enrolment, form=form)


def _form_page(request: HttpRequest, enrolment: Enrolment, form: ReviewForm,
               review: ProgressReview | None = None) -> HttpResponse:
    return render(request, "apprenticeships/reviews/form.html", {
        "enrolment": enrolment, "form": form, "review": review,
        "otj": [hours_text(minutes) for minutes in services.otj_minutes(enrolment)] if review is None else None,
        "lead_named": enrolment.centre.safeguarding_lead_id is not None,
        "signed": review is not None and any(
            signature.void_at is None for signature in review.signatures.all()),
    })


@login_required
@require_http_methods(["GET", "POST"])
def review_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessor records a progress review."""
    enrolment = _enrolment(request, pk, Permission.JUDGE)
    if request.method != "POST":
        return _form_page(request, enrolment, ReviewForm(enrolment=enrolment,
                                                         initial={"held_on": timezone.localdate()}))
    form = ReviewForm(request.POST, enrolment=enrolment)
    if form.is_valid():
        try:
            review = services.review_create(enrolment=enrolment, by=_user(request), content=form.content())
        except ValidationError as error:
            if not on_fields(form, error):
                return done(request, "apprenticeships:review_list", pk=pk, error=error)
        else:
            messages.success(request, _("Review recorded. The apprentice, the employer and the provider sign it."))
            return redirect("apprenticeships:review_detail", pk=pk, review_pk=review.pk)
    return _form_page(request, enrolment, form)


@login_required
@require_GET
def review_detail(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    """One review with its signatures; a sign button for the viewer's own party when they have not signed."""
    enrolment = _enrolment(request, pk)
    review = reads.review_in(enrolment, review_pk)
    panel = reads.signature_panel(review)
    parties = services.parties_of(enrolment, _user(request)) if viewer_may(enrolment, Permission.SIGN) else frozenset()
    party = next(iter(parties), None)
    return render(request, "apprenticeships/reviews/detail.html", {
        "enrolment": enrolment, "review": review, "panel": panel,
        "party": party, "party_label": Party(party).label if party else "",
        "may_sign": party is not None and party not in panel.valid,
        "may_write": viewer_may(enrolment, Permission.JUDGE),
    })


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    """The assessor changes a review; a change voids the signatures given (the page warns first)."""
    enrolment = _enrolment(request, pk, Permission.JUDGE)
    review = reads.review_in(enrolment, review_pk)
    if request.method != "POST":
        return _form_page(request, enrolment, ReviewForm(enrolment=enrolment, initial=ReviewForm.initial_of(review)),
                          review)
    form = ReviewForm(request.POST, enrolment=enrolment)
    if form.is_valid():
        try:
            services.review_edit(review=review, by=_user(request), content=form.content())
        except ValidationError as error:
            if not on_fields(form, error):
                return done(request, "apprenticeships:review_detail", pk=pk, review_pk=review_pk, error=error)
        else:
            return done(request, "apprenticeships:review_detail", pk=pk, review_pk=review_pk,
                        success=_("Review saved."))
    return _form_page(request, enrolment, form, review)


@login_required
@require_POST
def review_sign(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    """The signed-in person signs the review as their party."""
    enrolment = _enrolment(request, pk, Permission.SIGN)
    review = reads.review_in(enrolment, review_pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        return done(request, "apprenticeships:review_detail", pk=pk, review_pk=review_pk,
                    error=ValidationError(list(form.errors["party"])))
    party = Party(form.cleaned_data["party"])
    return act(request, lambda: services.review_sign(review=review, by=_user(request), party=party),
               to="apprenticeships:review_detail", pk=pk, review_pk=review_pk,
               success=_("Signed as the %(party)s.") % {"party": party.label.lower()})
