"""Choosing one of a centre's assessors or IQAs: a drop-down while the centre has few, an email address beyond.

A centre of 100,000 candidates has 5,000 assessors: a drop-down of them all would cost the page its size and
its time, and nobody scrolls through it. `bound_picker` reads at most PICKER_LIMIT + 1 of the people (one query,
whatever the centre's size): up to PICKER_LIMIT they are the drop-down's options; beyond, the field asks for the
person's email address (a plain labelled text box, keyboard-usable) and finds them among the same people.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import User

#: The most people a drop-down lists; a centre with more names the person by email address.
PICKER_LIMIT = 100


def person_label(person: User) -> str:
    return f"{person.get_full_name() or person.email} ({person.email})"


class PersonByEmailField(forms.EmailField):
    """One of `people`, named by their email address (a centre with more than PICKER_LIMIT of them)."""

    def __init__(self, *, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.people = people

    def clean(self, value: Any) -> User | None:
        email = super().clean(value)
        if not email:
            return None
        person = self.people.filter(email__iexact=email).first()
        if person is None:
            raise ValidationError(gettext("Nobody with this email address holds this role at the centre. Check the "
                                          "address on the centre's staff list."), code="invalid_choice")
        return person


def first_people(people: QuerySet[User]) -> list[User]:
    """At most PICKER_LIMIT + 1 of `people`, in name order when they are all: read unsorted, so that the database
    stops at the 101st instead of sorting a centre's 5,000 assessors to find the first 101."""
    return by_name(first_people_query(people))


def first_people_query(people: QuerySet[User]) -> QuerySet[User]:
    """The read of `first_people`, unsorted (a page may compile it once: portfolio_site.prepared)."""
    return people.order_by()[:PICKER_LIMIT + 1]


def by_name(people: Iterable[User]) -> list[User]:
    """`people` in the order of `first_people`: last name, first name, email address."""
    return sorted(people, key=lambda person: (person.last_name, person.first_name, person.email))


def bound_picker(form: forms.Form, name: str, people: QuerySet[User]) -> None:
    """Make `form`'s ModelChoiceField `name` choose among `people`: its options are read here, at most
    PICKER_LIMIT + 1 of them in one query; beyond PICKER_LIMIT the field becomes a PersonByEmailField."""
    field = form.fields[name]
    first = first_people(people)
    if len(first) <= PICKER_LIMIT:
        field.queryset = people
        # Options set by hand: rendering them costs no second query; choosing one still checks it is among people.
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        field.choices = [*empty, *((person.pk, person_label(person)) for person in first)]
        return
    form.fields[name] = PersonByEmailField(
        people=people, required=field.required, label=field.label,
        help_text=_("The centre has more than %(limit)d people in this role: type the email address of the one "
                    "you choose (the staff list shows them).") % {"limit": PICKER_LIMIT},
    )
