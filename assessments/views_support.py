"""Questions to the assessor, visits and action points of one enrolment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from . import gate, services_support
from .forms import ActionPointForm, QuestionForm, ReplyForm, VisitForm, VisitNotesForm
from .models import ActionPoint, Question, Visit
from .views_common import done


def _form_error(form: object) -> ValidationError:
    return ValidationError([f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()])


# --------------------------------------------------------------------------- questions


@login_required
@require_GET
def questions(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate's questions, newest first, unanswered ones marked; the form to ask one."""
    enrolment = gate.enrolment(request, pk)
    return render(request, "assessments/questions.html", {
        "enrolment": enrolment,
        "questions": Question.objects.filter(enrolment=enrolment).select_related("asked_by"),
        "form": QuestionForm() if enrolment.viewer_relations & gate.CANDIDATE else None,
    })


@login_required
@require_POST
def question_ask(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate asks their assessor a question."""
    enrolment = gate.enrolment(request, pk, gate.CANDIDATE)
    form = QuestionForm(request.POST)
    form.is_valid()
    try:
        question = services_support.question_ask(
            enrolment=enrolment, by=request.user, subject=form.cleaned_data.get("subject", ""),
            text=form.cleaned_data.get("text", ""),
        )
    except ValidationError as error:
        return done(request, "assessments:questions", pk=pk, error=error)
    return done(request, "assessments:question_detail", pk=pk, question_pk=question.pk,
                success="Your question was sent to your assessor.")


@login_required
@require_GET
def question_detail(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """One question and its thread of replies."""
    enrolment = gate.enrolment(request, pk)
    question = gate.question_in(enrolment, question_pk)
    return render(request, "assessments/question_detail.html", {
        "enrolment": enrolment, "question": question, "replies": question.replies.select_related("author"),
        "form": ReplyForm() if enrolment.viewer_relations & gate.TALKERS else None,
    })


@login_required
@require_POST
def question_reply(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """Add a reply to a question's thread."""
    enrolment = gate.enrolment(request, pk, gate.TALKERS)
    question = gate.question_in(enrolment, question_pk)
    form = ReplyForm(request.POST)
    form.is_valid()
    try:
        services_support.question_reply(question=question, by=request.user, text=form.cleaned_data.get("text", ""))
    except ValidationError as error:
        return done(request, "assessments:question_detail", pk=pk, question_pk=question.pk, error=error)
    return done(request, "assessments:question_detail", pk=pk, question_pk=question.pk, success="Reply sent.")


# --------------------------------------------------------------------------- visits


@login_required
@require_GET
def visits(request: HttpRequest, pk: int) -> HttpResponse:
    """Planned and past visits with their notes; the assessor's form to plan one."""
    enrolment = gate.enrolment(request, pk)
    judge = bool(enrolment.viewer_relations & gate.JUDGES)
    return render(request, "assessments/visits.html", {
        "enrolment": enrolment, "visits": Visit.objects.filter(enrolment=enrolment).order_by("-planned_for"),
        "form": VisitForm() if judge else None, "notes_form": VisitNotesForm() if judge else None,
        "now": timezone.now(),
    })


@login_required
@require_POST
def visit_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan a visit: date, place, purpose."""
    enrolment = gate.enrolment(request, pk, gate.JUDGES)
    form = VisitForm(request.POST)
    if not form.is_valid():
        return done(request, "assessments:visits", pk=pk, error=_form_error(form))
    try:
        services_support.visit_plan(enrolment=enrolment, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        return done(request, "assessments:visits", pk=pk, error=error)
    return done(request, "assessments:visits", pk=pk, success="Visit planned.")


@login_required
@require_POST
def visit_record(request: HttpRequest, pk: int, visit_pk: int) -> HttpResponse:
    """Record the notes of a visit that took place."""
    enrolment = gate.enrolment(request, pk, gate.JUDGES)
    visit = gate.visit_in(enrolment, visit_pk)
    form = VisitNotesForm(request.POST)
    form.is_valid()
    try:
        services_support.visit_record(visit=visit, by=request.user, notes=form.cleaned_data.get("notes", ""))
    except ValidationError as error:
        return done(request, "assessments:visits", pk=pk, error=error)
    return done(request, "assessments:visits", pk=pk, success="Visit notes recorded.")


# --------------------------------------------------------------------------- action points


@login_required
@require_GET
def action_points(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate's action points, overdue ones flagged; set one (assessor) or tick one done (candidate)."""
    enrolment = gate.enrolment(request, pk)
    return render(request, "assessments/action_points.html", {
        "enrolment": enrolment, "points": ActionPoint.objects.filter(enrolment=enrolment),
        "today": timezone.localdate(),
        "form": ActionPointForm() if enrolment.viewer_relations & gate.JUDGES else None,
        "may_tick": bool(enrolment.viewer_relations & gate.CANDIDATE),
    })


@login_required
@require_POST
def action_point_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the candidate an action point with a due date."""
    enrolment = gate.enrolment(request, pk, gate.JUDGES)
    form = ActionPointForm(request.POST)
    if not form.is_valid():
        return done(request, "assessments:action_points", pk=pk, error=_form_error(form))
    try:
        services_support.action_point_set(enrolment=enrolment, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        return done(request, "assessments:action_points", pk=pk, error=error)
    return done(request, "assessments:action_points", pk=pk, success="Action point set.")


@login_required
@require_POST
def action_point_done(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    """The candidate ticks an action point done."""
    enrolment = gate.enrolment(request, pk, gate.CANDIDATE)
    point = gate.action_point_in(enrolment, point_pk)
    services_support.action_point_done(action_point=point, by=request.user)
    return done(request, "assessments:action_points", pk=pk, success="Marked done. Well done.")
