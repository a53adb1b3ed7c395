"""`|plain_crispy` writes an unbound form exactly as crispy does, and leaves a bound form to crispy."""

from __future__ import annotations

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms

from candidates.forms.enrolment import EmployerContactForm, ReasonForm, ReassignForm
from candidates.models import RoleKind
from portfolio_site.templatetags.plain_forms import plain_crispy


def normalised(html: str) -> str:
    """The markup with the layout's whitespace taken out: spaces between tags, and before `>`."""
    html = re.sub(r"\s+", " ", html).strip()
    html = re.sub(r">\s+<", "><", html)
    html = re.sub(r"\s+>", ">", html)
    return re.sub(r">\s+|\s+<", lambda match: match.group(0).strip(), html)


def forms_of(enrolment):
    return [
        ReassignForm(centre=enrolment.centre, kind=RoleKind.ASSESSOR, auto_id="id_assessor_%s"),
        ReassignForm(centre=enrolment.centre, kind=RoleKind.IQA, auto_id="id_iqa_%s"),
        ReasonForm(auto_id="id_pause_%s"),
        EmployerContactForm(enrolment=enrolment),
    ]


@pytest.mark.django_db
def test_unbound_forms_are_written_as_crispy_writes_them(enrolment):
    for form in forms_of(enrolment):
        plain = normalised(plain_crispy(form))
        assert 'class="mb-3"' in plain
        assert plain == normalised(as_crispy_form(form)), type(form).__name__


@pytest.mark.django_db
def test_a_chosen_radio_button_is_checked_as_crispy_checks_it(enrolment):
    form = EmployerContactForm(enrolment=enrolment, initial={"kind": "mentor"})
    plain = normalised(plain_crispy(form))
    assert 'value="mentor" id="id_contact_kind_1" required checked' in plain
    assert plain == normalised(as_crispy_form(form))


@pytest.mark.django_db
def test_a_bound_form_with_errors_goes_to_crispy(enrolment):
    form = ReasonForm({"reason": ""}, auto_id="id_pause_%s")
    assert not form.is_valid()
    plain = plain_crispy(form)
    assert "is-invalid" in plain
    assert plain == as_crispy_form(form)


def test_an_unfamiliar_widget_goes_to_crispy():
    class Ticks(forms.Form):
        days = forms.MultipleChoiceField(choices=[("mon", "Monday")], widget=forms.CheckboxSelectMultiple)

    form = Ticks()
    assert plain_crispy(form) == as_crispy_form(form)
