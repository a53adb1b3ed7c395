"""Input parsing for the assessments pages; the services validate the workflow rules."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from units.models import AssessableItem


class ReferForm(forms.Form):
    feedback = forms.CharField(
        label="Feedback for the candidate", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what is missing and how the evidence could show it.",
    )


class FeedbackForm(forms.Form):
    text = forms.CharField(label="Your message", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MappingAddForm(forms.Form):
    item = forms.TypedChoiceField(label="Map this evidence to", coerce=int)

    def __init__(self, *args: object, items: Iterable[AssessableItem], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._items = {item.pk: item for item in items}
        self.fields["item"].choices = [("", "Choose an item")] + [
            (pk, f"{item.unit.code} {item.code}: {item.text[:80]}") for pk, item in self._items.items()
        ]

    def clean_item(self) -> AssessableItem:
        return self._items[self.cleaned_data["item"]]


class QuestionForm(forms.Form):
    subject = forms.CharField(label="Subject", max_length=200, required=False)
    text = forms.CharField(label="Your question", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class ReplyForm(forms.Form):
    text = forms.CharField(label="Your reply", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VisitForm(forms.Form):
    planned_for = forms.DateTimeField(
        label="Date and time", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label="Place", max_length=200, required=False)
    purpose = forms.CharField(label="Purpose", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VisitNotesForm(forms.Form):
    notes = forms.CharField(label="Visit notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class ActionPointForm(forms.Form):
    text = forms.CharField(label="Action point", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date"}))


class CountersignForm(forms.Form):
    comment = forms.CharField(label="Comment (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IqaReferForm(forms.Form):
    comments = forms.CharField(
        label="Comments for the assessor", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
