from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from candidates.languages import supported

from .models import ExportFormat, ReportFormat, ReportKind

#: The export page's language choices besides the languages themselves.
MY_LANGUAGE = "mine"
CANDIDATES_LANGUAGE = "candidate"


def language_name(code: str) -> str:
    """A language as the switcher names it, in itself: "Polski"."""
    return dict(settings.LANGUAGES).get(code, code)


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
    language = forms.ChoiceField(
        label=_("Language of the PDF"), initial=MY_LANGUAGE, required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text=_("The headings are in this language, and the spec's wording where it is translated; "
                    "the candidate's own writing is shown as they wrote it."),
    )

    def __init__(self, *args: Any, mine: str, candidates: str, **kwargs: Any) -> None:
        """`mine`: the language of the person asking; `candidates`: the candidate's (their account's, else the
        site's)."""
        super().__init__(*args, **kwargs)
        self.mine, self.candidates = mine, candidates
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [
            (MY_LANGUAGE, _("My language (%(name)s)") % {"name": language_name(mine)}),
            (CANDIDATES_LANGUAGE, _("The candidate's language (%(name)s)") % {"name": language_name(candidates)}),
            *[(code, name) for code, name in settings.LANGUAGES],
        ]

    def clean_language(self) -> str:
        """The choice as a language code (none given: the asker's)."""
        chosen = self.cleaned_data["language"] or MY_LANGUAGE
        code = {MY_LANGUAGE: self.mine, CANDIDATES_LANGUAGE: self.candidates}.get(chosen, chosen)
        if not supported(code):
            raise forms.ValidationError(_("Choose one of the languages offered."))
        return code


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ReportKind.choices, widget=forms.RadioSelect(attrs={"class": "form-check-input"}), label=_("Report"),
    )
    format = forms.ChoiceField(
        choices=ReportFormat.choices, initial=ReportFormat.XLSX,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}), label=_("Format"),
    )
