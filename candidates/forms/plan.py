"""Input parsing for the self-assessment and the unit-choice pages.

The templates lay the fields out by hand (a fieldset per unit, a fieldset per
group), so these forms only parse and validate what was posted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from units.rules import Spec

from ..models import Coverage


def coverage_field_name(position: int) -> str:
    """The form field of the unit at `position` in spec order (unit codes may hold spaces and dots)."""
    return f"unit-{position}"


class SelfAssessmentForm(forms.Form):
    """One required fully / partly / not yet choice per unit of the qualification."""

    def __init__(
        self, *args: Any, unit_codes: Iterable[str], initial_coverage: Mapping[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.unit_codes = list(unit_codes)
        for position, code in enumerate(self.unit_codes):
            self.fields[coverage_field_name(position)] = forms.ChoiceField(
                choices=Coverage.choices,
                widget=forms.RadioSelect,
                initial=initial_coverage.get(code),
                error_messages={"required": _("Say how far your job covers unit %(code)s.") % {"code": code}},
            )

    def coverage(self) -> dict[str, str]:
        """The cleaned answers as {unit code: coverage}."""
        return {code: self.cleaned_data[coverage_field_name(i)] for i, code in enumerate(self.unit_codes)}


class UnitChoiceForm(forms.Form):
    """The ticked units; unknown codes are refused, mandatory units are added by the service."""

    units = forms.MultipleChoiceField(required=False)

    def __init__(self, *args: Any, spec: Spec, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(unit.code, unit.code) for unit in spec.units]
        self.fields["units"].error_messages["invalid_choice"] = _("%(value)s is not a unit of this qualification.")

    def codes(self) -> list[str]:
        return list(self.cleaned_data["units"])
