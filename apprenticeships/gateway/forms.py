"""The achievement form of the gateway page; its data checked again by the service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AchievementKind


class AchievementForm(forms.Form):
    """An English or maths achievement (with its level) or a qualification achieved (with its name)."""

    kind = forms.ChoiceField(label=_("What was achieved"), choices=AchievementKind.choices)
    level = forms.TypedChoiceField(
        label=_("Level (English and maths)"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Not a level (a qualification)")), (1, _("Level 1")), (2, _("Level 2")),
                 (3, _("Level 3 or above"))])
    title = forms.CharField(label=_("Name"), required=False, max_length=200,
                            help_text=_("E.g. Functional Skills English, GCSE maths; for a qualification, its name "
                                        "as the standard gives it."))
    achieved_on = forms.DateField(label=_("Achieved on"), widget=forms.DateInput(format="%Y-%m-%d",
                                                                                 attrs={"type": "date"}),
                                  error_messages={"required": _("Give the date it was achieved."),
                                                  "invalid": _("Give the date as a date, e.g. 02/03/2026.")})
    evidenced_by = forms.CharField(label=_("How it is evidenced"), widget=forms.Textarea(attrs={"rows": 2}),
                                   max_length=2000,
                                   error_messages={"required": _("Say how it is evidenced: e.g. the certificate "
                                                                 "seen and its number.")})
