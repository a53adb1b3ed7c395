"""The forms of the off-the-job pages; bound in the views, their data checked again by the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, Q
from django.utils.translation import gettext_lazy as _

from candidates.models import Enrolment, UnitChoice
from evidence.models import EvidenceItem
from units.models import MAX_ID, AssessableItem

from .models import ActivityType, OtjEntry, OtjRule


def _date_input() -> forms.DateInput:
    """A date input in ISO format: a browser's date input shows nothing for the locale's "23/11/2026"."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class BoundedChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows whose submitted keys are checked as numbers in range before any query."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            text = str(pk)
            if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                      params={"pk": text[:40]})
        return super()._check_values(value)  # type: ignore[misc]  # Django's, missing from its stubs


class EvidenceChoiceField(BoundedChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.current_version.title) if obj.current_version_id else str(obj)


class ItemChoiceField(BoundedChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.unit.code} {obj.code}: {obj.text[:80]}"


class EntryForm(forms.Form):
    """One off-the-job activity: when, how long, what, what was learned, and what it served."""

    date = forms.DateField(label=_("Date"), widget=_date_input(),
                           error_messages={"required": _("Give the date of the training."),
                                           "invalid": _("Give the date as a date, e.g. 02/03/2026.")})
    hours = forms.IntegerField(label=_("Hours"), min_value=0, max_value=24, initial=0,
                               error_messages={"required": _("Give the hours (0 if under an hour)."),
                                               "invalid": _("Give the hours as a whole number.")})
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=59, initial=0,
                                 error_messages={"required": _("Give the minutes (0 for whole hours)."),
                                                 "invalid": _("Give the minutes as a whole number.")})
    activity = forms.ChoiceField(label=_("Activity"), choices=ActivityType.choices)
    learned = forms.CharField(label=_("What you learned"), widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": _("Say what you learned.")})
    items = ItemChoiceField(label=_("Units and criteria it served (optional)"), required=False,
                            queryset=AssessableItem.objects.none(),
                            widget=forms.SelectMultiple(attrs={"size": 6}))
    evidence = EvidenceChoiceField(label=_("Evidence it links to (optional)"), required=False,
                                   queryset=EvidenceItem.objects.none(),
                                   widget=forms.SelectMultiple(attrs={"size": 4}))

    def __init__(self, *args: Any, enrolment: Enrolment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The items of the units the candidate chose; before any is chosen, those of every unit (as the matrix).
        chosen = UnitChoice.objects.filter(enrolment=enrolment)
        items = AssessableItem.objects.filter(unit__qualification_id=enrolment.qualification_id).filter(
            Q(unit_id__in=chosen.values("unit_id")) | ~Exists(chosen))
        items_field = self.fields["items"]
        assert isinstance(items_field, forms.ModelMultipleChoiceField)
        items_field.queryset = items.select_related("unit").order_by("unit__order", "unit__code", "order", "pk")
        evidence_field = self.fields["evidence"]
        assert isinstance(evidence_field, forms.ModelMultipleChoiceField)
        evidence_field.queryset = EvidenceItem.objects.filter(
            enrolment=enrolment, current_version__isnull=False).select_related("current_version")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        hours, minutes = cleaned.get("hours"), cleaned.get("minutes")
        if hours is not None and minutes is not None:
            cleaned["total_minutes"] = hours * 60 + minutes
            if cleaned["total_minutes"] <= 0:
                self.add_error("hours", _("Give how long the training took: more than 0 minutes."))
        return cleaned

    @classmethod
    def initial_of(cls, entry: OtjEntry) -> dict[str, Any]:
        hours, minutes = divmod(entry.minutes, 60)
        return {"date": entry.date, "hours": hours, "minutes": minutes, "activity": entry.activity,
                "learned": entry.learned, "items": list(entry.items.all()), "evidence": list(entry.evidence.all())}


class QueryForm(forms.Form):
    """The assessor's query on one entry: what the candidate should check or correct."""

    comment = forms.CharField(label=_("Query"), widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"required": _("Say what the candidate should check or correct.")})


class PlanForm(forms.Form):
    """The off-the-job plan: contracted hours, planned dates and the funding rule."""

    contracted_hours = forms.DecimalField(
        label=_("Contracted hours a week"), min_value=Decimal("0.01"), max_value=Decimal(168), max_digits=5,
        decimal_places=2, error_messages={
            "required": _("Give the contracted hours a week."),
            "invalid": _("Give the hours as a number, e.g. 37.5."),
            "min_value": _("Give the contracted hours a week, more than 0 and at most 168."),
            "max_value": _("Give the contracted hours a week, more than 0 and at most 168."),
        })
    planned_start = forms.DateField(label=_("Planned start"), widget=_date_input(),
                                    error_messages={"required": _("Give the planned start date.")})
    planned_end = forms.DateField(label=_("Planned end"), widget=_date_input(),
                                  error_messages={"required": _("Give the planned end date.")})
    rule = forms.ModelChoiceField(
        label=_("Funding rule"), queryset=OtjRule.objects.all(), empty_label=None,
        help_text=_("The rule in force on the start date is chosen for you; an older rule applies to older starts."))
