"""The centre's designated safeguarding lead: one choice among the centre's staff."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Centre, User
from ..services import safeguarding_lead_choices


class SafeguardingLeadForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Designated safeguarding lead"), queryset=User.objects.none(), required=False,
        empty_label=_("Nobody named (the centre's administrators are alerted)"),
        help_text=_("One of the centre's administrators (who open every apprentice's reviews), alerted by inbox "
                    "and email when a progress review raises a safeguarding concern."),
        error_messages={"invalid_choice": _("Choose one of the centre's administrators.")})

    def __init__(self, *args: Any, centre: Centre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[person.pk for person in safeguarding_lead_choices(centre)])
        field.label_from_instance = lambda person: f"{person} ({person.email})"
