"""Questions between a candidate and their assessor (either starts one) and the replies."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from candidates.access import Permission, viewer_may
from candidates.models import Enrolment
from portfolio_site.form_errors import on_fields

from .. import gate, services
from ..forms import QuestionForm, ReplyForm
from ..models import Question
from .outcome import done


@login_required
@require_GET
def questions(request: HttpRequest, pk: int) -> HttpResponse:
    """The questions of the enrolment, newest first, unanswered ones marked; the form to ask one (the candidate
    asks their assessor, the assessor asks the candidate)."""
    enrolment = gate.enrolment(request, pk)
    return _questions_page(request, enrolment)


def _questions_page(request: HttpRequest, enrolment: Enrolment, *, form: QuestionForm | None = None) -> HttpResponse:
    return render(request, "assessments/questions.html", {
        "enrolment": enrolment,
        "questions": Question.objects.filter(enrolment=enrolment).select_related("asked_by"),
        "form": (form or QuestionForm()) if viewer_may(enrolment, Permission.ACT_AS_CANDIDATE) else None,
        "put_form": (form or QuestionForm()) if viewer_may(enrolment, Permission.JUDGE) else None,
    })


@login_required
@require_POST
def question_ask(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate asks their assessor a question."""
    return _ask(request, pk, Permission.ACT_AS_CANDIDATE, success=_("Your question was sent to your assessor."))


@login_required
@require_POST
def question_put(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessor asks the candidate a question."""
    return _ask(request, pk, Permission.JUDGE, success=_("Your question was sent to the candidate."))


def _ask(request: HttpRequest, pk: int, need: Permission, *, success: str) -> HttpResponse:
    """A new question from whoever holds `need` on the enrolment; the page again with the form when it fails."""
    enrolment = gate.enrolment(request, pk, need)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question = services.question_ask(enrolment=enrolment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if not on_fields(form, error):
                return done(request, "assessments:questions", pk=pk, error=error)
        else:
            return done(request, "assessments:question_detail", pk=pk, question_pk=question.pk, success=success)
    return _questions_page(request, enrolment, form=form)


@login_required
@require_GET
def question_detail(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """One question and its thread of replies."""
    enrolment = gate.enrolment(request, pk)
    question = gate.question_in(enrolment, question_pk)
    return _question_page(request, enrolment, question)


def _question_page(request: HttpRequest, enrolment: Enrolment, question: Question, *,
                   form: ReplyForm | None = None) -> HttpResponse:
    return render(request, "assessments/question_detail.html", {
        "enrolment": enrolment, "question": question, "replies": question.replies.select_related("author"),
        "form": (form or ReplyForm()) if viewer_may(enrolment, Permission.TALK) else None,
    })


@login_required
@require_POST
def question_reply(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """Add a reply to a question's thread."""
    enrolment = gate.enrolment(request, pk, Permission.TALK)
    question = gate.question_in(enrolment, question_pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.question_reply(question=question, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            if not on_fields(form, error):
                return done(request, "assessments:question_detail", pk=pk, question_pk=question.pk, error=error)
        else:
            return done(request, "assessments:question_detail", pk=pk, question_pk=question.pk,
                        success=_("Reply sent."))
    return _question_page(request, enrolment, question, form=form)
