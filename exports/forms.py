from django import forms

from .models import ExportFormat


class ExportRequestForm(forms.Form):
    format = forms.ChoiceField(
        choices=ExportFormat.choices,
        initial=ExportFormat.PDF,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        label="Format",
    )
    include_pdf_evidence = forms.BooleanField(
        required=False, label="Include PDF evidence as pages of the portfolio",
        help_text="PDF files are appended at the end, each with a bookmark.",
    )
