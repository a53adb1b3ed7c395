"""Input parsing for evidence pages: the words of an item, the mapping checkboxes, the library filters."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from evidence.models import ASSESSOR_KINDS, EvidenceKind
from evidence.reads import LIBRARY_STATUSES
from units.models import MAX_ID, AssessableItem, Unit

KIND_HELP = {
    EvidenceKind.WORK_PRODUCT: _(
        "Something you produced at work: an email, a report, a document, a photo of work done."
    ),
    EvidenceKind.PERSONAL_STATEMENT: _("Your own account of what you did, how and why."),
    EvidenceKind.WITNESS_TESTIMONY: (
        _("A manager or colleague's account of what they saw you do; they confirm it by email.")
    ),
    EvidenceKind.KNOWLEDGE_ANSWER: _("Your written answer to knowledge criteria, with reference to your organisation."),
    EvidenceKind.RECORDED_DISCUSSION: _("An audio recording of a professional discussion, with notes."),
    EvidenceKind.OBSERVATION: _("The assessor's record of what they observed."),
    EvidenceKind.PRIOR_LEARNING: _("A certificate or record of learning you achieved before."),
    EvidenceKind.PROFESSIONAL_DISCUSSION: _("The assessor's record of a professional discussion."),
    EvidenceKind.QUESTIONING: _("The assessor's record of the questions asked and the answers."),
}

#: The kinds of record an assessor writes, as the assessor reads them.
RECORD_HELP = {
    EvidenceKind.OBSERVATION: _("What you saw the candidate do at work, where and when."),
    EvidenceKind.PROFESSIONAL_DISCUSSION: _(
        "A professional discussion you held with the candidate: what was discussed, with its recording if you "
        "made one."
    ),
    EvidenceKind.QUESTIONING: _("The questions you asked the candidate and what they answered."),
}
RECORD_LABELS = {
    EvidenceKind.OBSERVATION: pgettext_lazy("evidence kind", "Observation"),
    EvidenceKind.PROFESSIONAL_DISCUSSION: pgettext_lazy("evidence kind", "Professional discussion"),
    EvidenceKind.QUESTIONING: pgettext_lazy("evidence kind", "Questioning"),
}
WITNESS_FIELDS = ("witness_name", "witness_role", "witness_email")


class EvidenceTextForm(forms.Form):
    """The words of a version: title, date, text and (for a testimony) the witness."""

    title = forms.CharField(max_length=200, label=_("Title"))
    date = forms.DateField(
        label=_("Date"),
        # ISO format: a date input shows nothing for the locale's "23/11/2026".
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("When the work, event or learning took place."),
    )
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), required=False,
        help_text=_("The statement, testimony, answer or notes. For a file, a few words on what it shows."),
    )
    witness_name = forms.CharField(max_length=200, required=False, label=_("Witness's name"))
    witness_role = forms.CharField(
        max_length=200, required=False, label=_("Witness's job title"),
        help_text=_("e.g. 'Team leader, Customer Services'."),
    )
    witness_email = forms.EmailField(
        required=False, label=_("Witness's email address"),
        help_text=_("The witness receives a link to confirm the testimony; they need no account."),
    )

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date


def _kind_choice(label: object, help_text: object) -> str:
    """A kind of evidence as a radio choice: its name, then what it is."""
    # Translators: a kind of evidence and what it is, e.g. "Witness testimony: A manager's account of ...".
    return gettext("%(kind)s: %(help)s") % {"kind": label, "help": help_text}


def word_for_the_assessor(form: forms.Form) -> None:
    """Put a record's fields in the words of the assessor who writes it, and take the witness fields away."""
    for name in WITNESS_FIELDS:
        form.fields.pop(name, None)
    form.fields["title"].help_text = _("e.g. “Observed a complaint call at the service desk”.")
    form.fields["date"].label = _("Date")
    form.fields["date"].help_text = _("When you observed, discussed or questioned.")
    form.fields["text"].label = _("Your record")
    form.fields["text"].help_text = _(
        "What you observed, discussed or asked, and what the candidate did or answered: the IQA and the EQA read it."
    )


def fit_to_kind(form: EvidenceTextForm, kind: str) -> EvidenceTextForm:
    """The words of a draft of `kind`: the witness fields for a witness testimony only; an assessor's record
    in the assessor's words. Returns the form, changed."""
    if kind in ASSESSOR_KINDS:
        word_for_the_assessor(form)
    elif kind != EvidenceKind.WITNESS_TESTIMONY:
        for name in WITNESS_FIELDS:
            form.fields.pop(name)
    return form


class EvidenceCreateForm(EvidenceTextForm):
    """A new item: its kind, then its words. The assessor's records have a form of their own (RecordCreateForm)."""

    kind = forms.ChoiceField(widget=forms.RadioSelect, label=_("What kind of evidence is it?"))
    field_order = ["kind", "title", "date", "text", "witness_name", "witness_role", "witness_email"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind.value, _kind_choice(kind.label, KIND_HELP[kind]))
            for kind in EvidenceKind if kind not in ASSESSOR_KINDS
        ]
        self.fields["date"].initial = timezone.localdate()


class RecordCreateForm(EvidenceTextForm):
    """A new record written by the assessor (observation, professional discussion, questioning), in their words."""

    kind = forms.ChoiceField(widget=forms.RadioSelect, label=_("What are you recording?"))
    field_order = ["kind", "title", "date", "text"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind.value, _kind_choice(RECORD_LABELS[kind], RECORD_HELP[kind])) for kind in EvidenceKind
            if kind in ASSESSOR_KINDS
        ]
        self.fields["date"].initial = timezone.localdate()
        word_for_the_assessor(self)


class MappingForm(forms.Form):
    """The assessable items a version claims, as checkboxes (the template draws the tree)."""

    items = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Tick only the items listed on this page (“%(value)s” is not one of "
                                            "them), then save the mapping again.")},
    )

    def __init__(self, *args: object, items: Iterable[AssessableItem], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(item.pk, str(item.pk)) for item in items]

    def ticked(self) -> set[int]:
        """The listed items ticked, as submitted (valid or not) or as saved: what the page shows ticked."""
        values = {str(value) for value in self["items"].value() or []}
        return {pk for pk, _label in self.fields["items"].choices if str(pk) in values}


class LibraryFilterForm(forms.Form):
    """The library's filters; every field optional, invalid values ignored."""

    q = forms.CharField(
        required=False, label=_("Search titles and text"), widget=forms.TextInput(attrs={"class": "form-control"})
    )
    kind = forms.ChoiceField(required=False, label=_("Kind"), widget=forms.Select(attrs={"class": "form-select"}))
    unit = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=_("Unit"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(required=False, label=_("Status"), widget=forms.Select(attrs={"class": "form-select"}))
    item = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)

    def __init__(self, *args: object, units: Iterable[Unit], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *EvidenceKind.choices]
        self.fields["unit"].choices = [("", _("Any unit")), *((unit.pk, f"{unit.code} {unit.title}") for unit in units)]
        self.fields["status"].choices = [("", _("Any status")), *LIBRARY_STATUSES.items()]

    def filters(self) -> dict[str, object]:
        """The valid filters as keyword arguments for `evidence.reads.library`."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "kind": data["kind"], "unit_id": data["unit"], "status": data["status"], "text": data["q"],
            "assessable_item_id": data["item"],
        }
