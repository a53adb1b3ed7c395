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


class Classy(forms.Form):
    """A widget with a class of its own, one with crispy's name in it already, and a choice."""

    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2, "class": "form-control-sm"}))
    named = forms.CharField(label="Named", required=False, widget=forms.TextInput(attrs={"class": "my-textinput"}))
    pick = forms.TypedChoiceField(label="Pick", coerce=int, choices=[(1, "One"), (2, "Two")], help_text="<b>Say</b>")


def test_a_widget_with_its_own_class_gets_crispy_classes_in_crispy_order():
    form = Classy(auto_id="id_classy_%s")
    plain = normalised(plain_crispy(form))
    assert 'class="form-control-sm textarea form-control"' in plain
    assert plain == normalised(as_crispy_form(Classy(auto_id="id_classy_%s")))


def test_one_field_is_written_as_crispy_writes_it():
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    from portfolio_site.templatetags.plain_forms import plain_crispy_field

    for name in ("note", "named", "pick"):
        plain = normalised(plain_crispy_field(Classy()[name]))
        assert f'id="div_id_{name}"' in plain
        assert plain == normalised(as_crispy_field(Classy()[name])), name
    bound = Classy({"note": ""})
    assert "is-invalid" in plain_crispy_field(bound["note"])
