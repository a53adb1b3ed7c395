from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the personal data listed above will be erased for good"),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )
