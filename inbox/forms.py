"""The email preferences form: one box per kind of event."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ALWAYS_EMAILED, NoticeKind


class EmailPreferencesForm(forms.Form):
    emailed = forms.MultipleChoiceField(
        label=_("Email me when"),
        choices=[(kind, label) for kind, label in NoticeKind.choices if kind not in ALWAYS_EMAILED],
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Your inbox on this site lists every event whatever you choose here."),
        error_messages={"invalid_choice": _("Choose from the kinds of event listed.")},
    )
