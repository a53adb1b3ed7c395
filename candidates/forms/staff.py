"""Input parsing for the centre's staff: inviting a person, their roles, handing over their caseload."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from ..access import people_with_role
from ..models import STAFF_KINDS, Centre, RoleKind, User
from .enrolment import PersonChoiceField
from .people import bound_picker

STAFF_ROLE_CHOICES = [(kind.value, kind.label) for kind in STAFF_KINDS]


def _roles_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Roles at the centre"), choices=STAFF_ROLE_CHOICES, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")})


class StaffInviteForm(forms.Form):
    """A person to invite to the centre's staff, with one or more roles; the service checks the rest."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False,
                                 help_text=_("Needed for someone new to the portfolio system."))
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.CharField(label=_("Email address"), max_length=254,
                            help_text=_("Someone new gets an email inviting them to set a password; someone who "
                                        "has an account already is given the roles and told by email."))
    roles = _roles_field()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class StaffRolesForm(forms.Form):
    """The person's staff roles at the centre, as they should be."""

    roles = _roles_field()

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "id_roles_%s")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class HandoverForm(forms.Form):
    """Who takes over the enrolments a person assesses and those they quality-assure at the centre, and why."""

    to_assessor = PersonChoiceField(queryset=User.objects.none(), required=False, label=_("New assessor"),
                                    empty_label=_("— keep them —"))
    to_iqa = PersonChoiceField(queryset=User.objects.none(), required=False, label=_("New IQA"),
                               empty_label=_("— keep them —"))
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Kept in each enrolment's history with who and when."),
                             error_messages={"required": _("Give the reason: it is kept in each enrolment's "
                                                           "history.")})

    def __init__(self, *args: object, centre: Centre, person: User, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "id_handover_%s")
        super().__init__(*args, **kwargs)
        bound_picker(self, "to_assessor", people_with_role(centre, RoleKind.ASSESSOR).exclude(pk=person.pk))
        bound_picker(self, "to_iqa", people_with_role(centre, RoleKind.IQA).exclude(pk=person.pk))
        self.helper = FormHelper()
        self.helper.form_tag = False
