from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ExportFormat, ReportFormat, ReportKind


class ExportRequestForm(forms.Form):
    format = forms.ChoiceField(
        choices=ExportFormat.choices,
        initial=ExportFormat.PDF,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        label=_("Format"),
    )
    include_pdf_evidence = forms.BooleanField(
        required=False, label=_("Include PDF evidence as pages of the portfolio"),
        help_text=_("PDF files are appended at the end, each with a bookmark."),
    )


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ReportKind.choices, widget=forms.RadioSelect(attrs={"class": "form-check-input"}), label=_("Report"),
    )
    format = forms.ChoiceField(
        choices=ReportFormat.choices, initial=ReportFormat.XLSX,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}), label=_("Format"),
    )
