"""The search form of the lists of enrolments (candidates/listing.py): every field optional, invalid values ignored."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from units.models import Qualification

from ..listing import MAX_IDLE_DAYS, EnrolmentSearch
from ..models import EnrolmentStatus, User
from .people import PICKER_LIMIT, first_people
from .widgets import QuickSelect

SELECT = {"class": "form-select"}


class EnrolmentSearchForm(forms.Form):
    """Name, email or ULN; qualification; assessor; status; no activity for N days; behind plan.

    A list leaves out what it does not offer (`omit`); without `assessors` there is no assessor filter (a
    caseload is one assessor's).
    """

    q = forms.CharField(required=False, max_length=100, label=_("Name, email or ULN"),
                        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}))
    qualification = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label=_("Qualification"),
                                           widget=QuickSelect(attrs=SELECT))
    assessor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label=_("Assessor"),
                                      widget=QuickSelect(attrs=SELECT))
    status = forms.ChoiceField(required=False, label=_("Status"), widget=QuickSelect(attrs=SELECT))
    idle = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_IDLE_DAYS, label=_("No activity for at least (days)"),
        help_text=_("No evidence submitted, decision or sign-off made in that many days."),
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    behind = forms.BooleanField(required=False, label=_("Behind plan only"),
                                help_text=_("Past the planned end date, or behind on off-the-job hours."),
                                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, data: QueryDict, *, qualifications: Iterable[Qualification] = (),
                 assessors: Iterable[User] | None = None, statuses: Sequence[tuple[str, str]] = EnrolmentStatus.choices,
                 omit: Iterable[str] = (), first_assessors: list[User] | None = None) -> None:
        super().__init__(data)
        self.fields["qualification"].choices = [
            ("", _("Any qualification")), *((q.pk, f"{q.title} (v{q.version})") for q in qualifications)]
        self.assessors = assessors
        if assessors is None:
            del self.fields["assessor"]
        else:
            # At most PICKER_LIMIT + 1 read (one query, or given read already as `first_assessors`: those
            # first_people reads of `assessors`): a centre with more names the assessor by email address.
            if first_assessors is not None:
                first = first_assessors
            else:
                first = first_people(assessors) if isinstance(assessors, QuerySet) else list(assessors)
            if len(first) <= PICKER_LIMIT:
                self.fields["assessor"].choices = [("", _("Any assessor")), *((p.pk, str(p)) for p in first)]
            else:
                self.fields["assessor"] = forms.CharField(
                    required=False, max_length=254, label=_("Assessor's email address"),
                    widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}))
        self.fields["status"].choices = [("", _("Any status")), *statuses]
        for name in omit:
            del self.fields[name]

    def clean_assessor(self) -> int | None:
        value = self.cleaned_data.get("assessor")
        if not isinstance(value, str) or not isinstance(self.assessors, QuerySet):
            return value
        value = value.strip()
        if not value:
            return None
        # The address typed, or the id a page link carries.
        found = self.assessors.filter(
            Q(email__iexact=value) | Q(pk=int(value) if value.isdigit() else None)).values_list("pk", flat=True)
        pk = next(iter(found), None)
        if pk is None:
            raise forms.ValidationError(_("No assessor at this centre has this email address."))
        return pk

    def search(self) -> EnrolmentSearch:
        """The valid fields as a search; a field that does not parse is left out rather than refused."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return EnrolmentSearch(
            text=(data.get("q") or "").strip(), qualification=data.get("qualification"),
            assessor=data.get("assessor"), status=data.get("status") or "", idle_days=data.get("idle"),
            behind=bool(data.get("behind")),
        )
