"""The form of the "Qualification specs" area: one spec file to check."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_SPEC_BYTES = 2 * 1024 * 1024


class SpecUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spec file (JSON)"),
        help_text=_("A qualification spec in the format of fixtures/qualifications/FORMAT.md, at most 2 MB."),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_SPEC_BYTES:
            raise ValidationError(_("The file is larger than 2 MB: a spec file is much smaller."))
        content: bytes = upload.read(MAX_SPEC_BYTES + 1)
        if len(content) > MAX_SPEC_BYTES:
            raise ValidationError(_("The file is larger than 2 MB: a spec file is much smaller."))
        return content
