"""Input parsing for enrolment (one, or a CSV file) and reassignment."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from units.models import Pathway, Qualification

from ..access import people_with_role
from ..models import Centre, Employer, EmployerContactKind, Enrolment, RoleKind, User
from ..services import CSV_MAX_BYTES
from .people import bound_picker, person_label
from .widgets import QuickSelect


class PersonChoiceField(forms.ModelChoiceField):
    widget = QuickSelect  # up to PICKER_LIMIT people: no template per option

    def label_from_instance(self, obj: User) -> str:
        return person_label(obj)


class QualificationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Qualification) -> str:
        return gettext("%(title)s — %(code)s version %(version)s") % {
            "title": obj.title, "code": obj.code, "version": obj.version}


class PathwayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Pathway) -> str:
        return gettext("%(title)s (v%(version)s): %(pathway)s") % {
            "title": obj.qualification.title, "version": obj.qualification.version, "pathway": obj.name}


class DateInput(forms.DateInput):
    input_type = "date"


class EnrolmentForm(forms.Form):
    """One candidate on one qualification version at a centre; the service checks the combination."""

    email = forms.EmailField(label=_("Candidate's email address"),
                             help_text=_("A new person gets an email inviting them to set a password; someone who "
                                         "has an account already is asked to accept the enrolment first."))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    qualification = QualificationChoiceField(queryset=Qualification.objects.none(), label=_("Qualification version"))
    pathway = PathwayChoiceField(queryset=Pathway.objects.none(), required=False, label=_("Pathway"),
                                 help_text=_("Only for a qualification with pathways."))
    assessor = PersonChoiceField(queryset=User.objects.none(), label=_("Assessor"))
    iqa = PersonChoiceField(queryset=User.objects.none(), required=False, label=_("IQA"))
    start_date = forms.DateField(label=_("Start date"), widget=DateInput)
    planned_end_date = forms.DateField(label=_("Planned end date"), widget=DateInput)
    uln = forms.CharField(label=_("Unique learner number (ULN)"), max_length=10, required=False,
                          help_text=_("10 digits, when known."))
    registration_number = forms.CharField(label=_("Awarding-body registration number"), max_length=64,
                                          required=False, help_text=_("When known."))

    def __init__(self, *args: object, centre: Centre, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["qualification"].queryset = Qualification.objects.open_for_enrolment().order_by(
            "title", "version_order"
        )
        self.fields["pathway"].queryset = Pathway.objects.select_related("qualification").order_by(
            "qualification__title", "qualification__version_order", "order", "name"
        )
        bound_picker(self, "assessor", people_with_role(centre, RoleKind.ASSESSOR))
        bound_picker(self, "iqa", people_with_role(centre, RoleKind.IQA))
        self.helper = FormHelper()
        self.helper.form_tag = False


class EnrolmentUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8 CSV, at most 1 MB and 1000 rows."))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        # Refused before reading: the parser holds the whole file in memory.
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError(gettext("The file is larger than %(size)d MB; split it.")
                                        % {"size": CSV_MAX_BYTES // 1_000_000})
        return upload


REASON_REQUIRED = _("Give the reason: it is kept in the enrolment's history.")


def reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the enrolment's history with who and when."),
        error_messages={"required": REASON_REQUIRED},
    )


class ReasonForm(forms.Form):
    """Why an enrolment is paused, resumed, withdrawn or completed: asked every time, kept in its history."""

    reason = reason_field()


class ReassignForm(forms.Form):
    """The new assessor or IQA, chosen among the people holding that role in the enrolment's centre, and why."""

    to_user = PersonChoiceField(queryset=User.objects.none(), required=False)
    reason = reason_field()

    def __init__(self, *args: object, centre: Centre, kind: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_user"]
        field.label = _("New assessor") if kind == RoleKind.ASSESSOR else _("New IQA")
        field.empty_label = _("— choose —") if kind == RoleKind.ASSESSOR else _("— no IQA —")
        bound_picker(self, "to_user", people_with_role(centre, kind))


class EmployerContactForm(forms.Form):
    """An apprentice's employer contact: who, at which employer organisation (chosen or new), in which role."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False,
                                 help_text=_("Needed for someone new to the portfolio system."))
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Contact's email address"),
                             help_text=_("Someone new gets an email inviting them to set a password; someone who "
                                         "has an account already is told by email."))
    employer = forms.ModelChoiceField(queryset=Employer.objects.none(), required=False,
                                      label=_("Employer organisation"), empty_label=_("A new organisation (below)"))
    employer_name = forms.CharField(label=_("New employer organisation"), max_length=255, required=False,
                                    help_text=_("Only when the organisation is not in the list above."))
    kind = forms.ChoiceField(label=_("Role at the employer"), choices=EmployerContactKind.choices,
                             widget=forms.RadioSelect)

    def __init__(self, *args: object, enrolment: Enrolment, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "id_contact_%s")
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Employer.objects.filter(centre_id=enrolment.centre_id)
        if enrolment.employer_id:
            self.fields["employer"].initial = enrolment.employer_id
