"""The progress review forms: the review itself (with a few target rows), the schedule, a signature."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Exists, Q
from django.utils.translation import gettext_lazy as _

from candidates.models import Enrolment, UnitChoice
from units.models import AssessableItem

from ..forms import ItemChoiceField, _date_input
from ..models import ProgressReview
from ..signing import Party
from .services import MAX_REVIEW_WEEKS, ReviewContent, Target

#: Target rows the form offers (blank ones are ignored).
TARGET_ROWS = 5


class ReviewForm(forms.Form):
    """The assessor's structured record of a progress review."""

    held_on = forms.DateField(label=_("Date of the review"), widget=_date_input(),
                              error_messages={"required": _("Give the date the review was held."),
                                              "invalid": _("Give the date as a date, e.g. 02/03/2026.")})
    progress = forms.CharField(label=_("Progress since the last review"), widget=forms.Textarea(attrs={"rows": 4}),
                               error_messages={"required": _("Say what progress the apprentice made since the "
                                                             "last review.")})
    items = ItemChoiceField(label=_("Units, criteria or KSBs covered"), required=False,
                            queryset=AssessableItem.objects.none(), widget=forms.SelectMultiple(attrs={"size": 8}),
                            help_text=_("Hold Ctrl (or Cmd) to choose several."))
    english_maths = forms.CharField(label=_("English and maths"), widget=forms.Textarea(attrs={"rows": 3}),
                                    error_messages={"required": _("Say where the apprentice stands in English and "
                                                                  "maths.")})
    wellbeing = forms.CharField(label=_("Learner wellbeing"), widget=forms.Textarea(attrs={"rows": 3}),
                                error_messages={"required": _("Say how the apprentice is: their wellbeing and any "
                                                              "support they need.")})
    safeguarding_concern = forms.BooleanField(
        label=_("There is a safeguarding concern"), required=False,
        help_text=_("Whoever is named above is alerted at once, by inbox and email."))
    safeguarding_note = forms.CharField(label=_("The safeguarding concern"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, enrolment: Enrolment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = UnitChoice.objects.filter(enrolment=enrolment)
        items = AssessableItem.objects.filter(unit__qualification_id=enrolment.qualification_id).filter(
            Q(unit_id__in=chosen.values("unit_id")) | ~Exists(chosen))
        items_field = self.fields["items"]
        assert isinstance(items_field, forms.ModelMultipleChoiceField)
        items_field.queryset = items.select_related("unit").order_by("unit__order", "unit__code", "order", "pk")
        for number in range(1, TARGET_ROWS + 1):
            self.fields[f"target_{number}_text"] = forms.CharField(
                label=_("Target %(number)d") % {"number": number}, required=False,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"target_{number}_due"] = forms.DateField(
                label=_("Target %(number)d due by") % {"number": number}, required=False, widget=_date_input(),
                error_messages={"invalid": _("Give the date as a date, e.g. 02/03/2026.")})

    @property
    def target_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"target_{number}_text"], self[f"target_{number}_due"]) for number in range(1, TARGET_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        targets = []
        for number in range(1, TARGET_ROWS + 1):
            text = (cleaned.get(f"target_{number}_text") or "").strip()
            due = cleaned.get(f"target_{number}_due")
            if text and due is None and f"target_{number}_due" not in self.errors:
                self.add_error(f"target_{number}_due", _("Give the target a due date."))
            elif due is not None and not text:
                self.add_error(f"target_{number}_text", _("Say what the target asks of the apprentice."))
            elif text and due is not None:
                targets.append(Target(text=text, due=due))
        cleaned["targets"] = targets
        if cleaned.get("safeguarding_concern") and not (cleaned.get("safeguarding_note") or "").strip():
            self.add_error("safeguarding_note", _("Describe the safeguarding concern: the designated person "
                                                  "reads it."))
        return cleaned

    def content(self) -> ReviewContent:
        data = self.cleaned_data
        return ReviewContent(held_on=data["held_on"], progress=data["progress"], english_maths=data["english_maths"],
                             wellbeing=data["wellbeing"], safeguarding_concern=data["safeguarding_concern"],
                             safeguarding_note=data["safeguarding_note"], items=list(data["items"]),
                             targets=data["targets"])

    @classmethod
    def initial_of(cls, review: ProgressReview) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "held_on": review.held_on, "progress": review.progress, "items": list(review.items.all()),
            "english_maths": review.english_maths, "wellbeing": review.wellbeing,
            "safeguarding_concern": review.safeguarding_concern, "safeguarding_note": review.safeguarding_note,
        }
        for number, target in enumerate(review.targets.all(), start=1):
            initial[f"target_{number}_text"], initial[f"target_{number}_due"] = target.text, target.due
        return initial


class ScheduleForm(forms.Form):
    """Weeks between progress reviews."""

    interval_weeks = forms.IntegerField(
        label=_("Weeks between reviews"), min_value=1, max_value=MAX_REVIEW_WEEKS,
        error_messages={"required": _("Give the weeks between reviews."),
                        "invalid": _("Give the weeks as a whole number."),
                        "min_value": _("Give the weeks between reviews: from 1 to 52."),
                        "max_value": _("Give the weeks between reviews: from 1 to 52.")})


class SignForm(forms.Form):
    """The party the signed-in person signs as."""

    party = forms.ChoiceField(choices=Party.choices, widget=forms.HiddenInput,
                              error_messages={"required": _("Say which party you sign as."),
                                              "invalid_choice": _("Sign as the apprentice, the employer or the "
                                                                  "training provider.")})

