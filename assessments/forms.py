"""Input parsing for the assessments pages: a field that must be filled says so on the field.

The services still check the rules of the workflow (they are called from other places
too); the forms make sure what was typed is kept and shown again beside its error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from candidates.forms.search import EnrolmentSearchForm
from evidence.models import Mapping
from units.models import AssessableItem, Qualification

from .models import UnitSignOff, Visit
from .services.decisions import refer_feedback_missing
from .services.sampling import iqa_comments_missing


class ReferForm(forms.Form):
    """The feedback of one mapping referred back, with a label naming its item (one form per mapping on a page)."""

    # Left empty, the page says which claim needs words, on its field; a browser's own bubble would not.
    use_required_attribute = False

    feedback = forms.CharField(
        label=_("Feedback for the candidate"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control-sm"}),
        error_messages={"required": _("Say what is missing and how the evidence could show it, so the candidate "
                                      "knows how to revise it.")},
    )

    def __init__(self, *args: object, mapping: Mapping, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", f"refer-{mapping.pk}-%s")
        super().__init__(*args, **kwargs)
        self.mapping = mapping
        item = mapping.assessable_item
        self.fields["feedback"].label = gettext("Feedback if you refer %(unit)s %(item)s back") % {
            "unit": item.unit.code, "item": item.code}
        self.fields["feedback"].error_messages["required"] = refer_feedback_missing(item)


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your message before sending it.")},
    )


class MappingAddForm(forms.Form):
    item = forms.TypedChoiceField(label=_("Map this evidence to"), coerce=int)

    def __init__(self, *args: object, items: Iterable[AssessableItem], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._items = {item.pk: item for item in items}
        self.fields["item"].choices = [("", _("Choose an item"))] + [
            (pk, f"{item.unit.code} {item.code}: {item.text[:80]}") for pk, item in self._items.items()
        ]

    def clean_item(self) -> AssessableItem:
        return self._items[self.cleaned_data["item"]]


class QuestionForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=200,
        error_messages={"required": _("Give the question a short subject, e.g. “Which units need an observation?”.")},
    )
    text = forms.CharField(
        label=_("Your question"), widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your question.")},
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your reply.")},
    )


#: How long a visit may be planned to last, in minutes.
VISIT_LENGTHS = [
    (30, _("30 minutes")), (60, _("1 hour")), (90, _("1½ hours")), (120, _("2 hours")), (180, _("3 hours")),
    (240, _("Half a day (4 hours)")), (480, _("A whole day (8 hours)")),
]


class VisitForm(forms.Form):
    planned_for = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("Give the date and time of the visit.")},
    )
    place = forms.CharField(
        label=_("Place"), max_length=200, error_messages={"required": _("Say where the visit takes place.")},
    )
    purpose = forms.CharField(
        label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what the visit is for, e.g. “Observe a complaint being handled”.")},
    )
    duration = forms.TypedChoiceField(
        label=_("Length"), coerce=int, initial=60, choices=VISIT_LENGTHS,
        error_messages={"required": _("Choose how long the visit lasts."),
                        "invalid_choice": _("Choose how long the visit lasts from the list.")},
    )


class VisitChangeForm(VisitForm):
    """A planned visit's new date, place, purpose or length (one form per visit on the page)."""

    def __init__(self, *args: object, visit: Visit, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", f"visit-{visit.pk}-%s")
        kwargs.setdefault("initial", {
            "planned_for": timezone.localtime(visit.planned_for).strftime("%Y-%m-%dT%H:%M"), "place": visit.place,
            "purpose": visit.purpose, "duration": visit.duration,
        })
        super().__init__(*args, **kwargs)
        self.visit = visit


class VisitNotesForm(forms.Form):
    """The notes of one visit (one form per visit on the page)."""

    notes = forms.CharField(
        label=_("Visit notes"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the visit notes: what was observed and agreed.")},
    )

    def __init__(self, *args: object, visit: Visit, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", f"notes-{visit.pk}-%s")
        kwargs.setdefault("initial", {"notes": visit.notes})
        super().__init__(*args, **kwargs)
        self.visit = visit


class ActionPointForm(forms.Form):
    text = forms.CharField(
        label=_("Action point"), widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what the candidate should do.")},
    )
    due = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Give the date it is due.")},
    )


class CountersignForm(forms.Form):
    """The IQA's optional comment on countersigning one unit sign-off (one form per sign-off on the page)."""

    comment = forms.CharField(
        label=_("Comment (optional)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control-sm"}),
    )

    def __init__(self, *args: object, sign_off: UnitSignOff, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", f"countersign-{sign_off.pk}-%s")
        super().__init__(*args, **kwargs)
        self.sign_off = sign_off
        self.fields["comment"].label = gettext("Comment on unit %(unit)s (optional)") % {"unit": sign_off.unit.code}


class IqaReferForm(forms.Form):
    """The IQA's comments on referring one unit sign-off back (one form per sign-off on the page)."""

    # Left empty, the page says which unit needs comments, on its field; a browser's own bubble would not.
    use_required_attribute = False

    comments = forms.CharField(
        label=_("Comments for the assessor"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control-sm"}),
        error_messages={"required": _("Say what the assessor must look at again.")},
    )

    def __init__(self, *args: object, sign_off: UnitSignOff, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", f"iqa-refer-{sign_off.pk}-%s")
        super().__init__(*args, **kwargs)
        self.sign_off = sign_off
        self.fields["comments"].label = gettext("Comments if you refer unit %(unit)s back") % {
            "unit": sign_off.unit.code}
        self.fields["comments"].error_messages["required"] = iqa_comments_missing(sign_off.unit)


class MoveForm(forms.Form):
    """Which other version of the qualification to move an enrolment to."""

    target = forms.ModelChoiceField(
        queryset=Qualification.objects.none(), label=_("Move to version"), empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the versions listed: that one is not open to move to.")},
    )

    def __init__(self, *args: Any, targets: Iterable[Qualification] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Qualification.objects.filter(pk__in=[target.pk for target in targets]).order_by(
            "-version_order"
        )
        field.label_from_instance = lambda qualification: _("Version %(version)s") % {"version": qualification.version}


class SamplingSearchForm(EnrolmentSearchForm):
    """The sampling page's search: the candidate, qualification and assessor, and what the IQA did so far."""

    STATES = (("open", _("Not sampled yet")), ("sampled", _("In the sample, awaiting countersignature")),
              ("countersigned", _("Countersigned")), ("referred", _("Referred back")))

    state = forms.ChoiceField(required=False, label=_("Sampling"), choices=(("", _("Any")), *STATES),
                              widget=forms.Select(attrs={"class": "form-select"}))
    # How the page groups the units (the view checks it), kept across a search.
    by = forms.CharField(required=False, max_length=16, widget=forms.HiddenInput)

    def state_value(self) -> str:
        """The chosen sampling state, or "" for any (or for a value that does not parse)."""
        self.is_valid()
        return self.cleaned_data.get("state") or "" if "state" not in self.errors else ""
