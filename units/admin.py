"""The catalogue in the Django admin.

The catalogue is shared by every centre and edited only by platform admins
(superusers). Every other active staff user, and every centre admin, may view all
of it but add, change and delete nothing: the permission methods below say so whatever
model permissions the user was given.
"""

from __future__ import annotations

from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet, ModelChoiceField, ModelChoiceIterator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext

from .models import (
    AssessableItem,
    Criterion,
    Duty,
    GatewayRequirement,
    Group,
    Outcome,
    Pathway,
    Qualification,
    Rule,
    Unit,
)
from .translation import SPEC_LANGUAGE

_M = TypeVar("_M", bound=models.Model)
_P = TypeVar("_P", bound=models.Model)
_ChoiceField = TypeVar("_ChoiceField", bound="ModelChoiceField[Any]")  # ModelMultipleChoiceField is one too


# --- permissions --------------------------------------------------------------


def _is_staff(request: HttpRequest) -> bool:
    """Active staff and centre admins: the people who may read the catalogue here."""
    user = request.user
    return bool(user.is_active and (user.is_staff or getattr(user, "administers_a_centre", False)))


def _is_platform_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


class CatalogueAdminPermissions:
    """Staff view, superusers edit. Mixed into every ModelAdmin and inline here."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_staff(request)

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return _is_staff(request)

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:  # inlines pass obj
        return _is_platform_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return _is_platform_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return _is_platform_admin(request)


class CatalogueModelAdmin(CatalogueAdminPermissions, admin.ModelAdmin[_M]):
    save_on_top = True

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The form, its inlines and their saving in the spec's own language (English).

        A translated field (`title`) reads and writes the active language's column (units/translation.py);
        here it is the spec's own wording that is edited, whatever language the editor reads the site in.
        Translations come with the spec file.
        """
        with translation.override(SPEC_LANGUAGE):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if isinstance(response, TemplateResponse):
                response.render()
        return response


# --- inlines ----------------------------------------------------------------------


# The qualification whose inline formsets a request is building, for the formfield_for_* hooks below: Django
# passes them the request but not the parent object, and one admin instance serves every request.
_formset_parent: WeakKeyDictionary[HttpRequest, Qualification | None] = WeakKeyDictionary()


class SameQualificationInline(CatalogueAdminPermissions, admin.TabularInline[_M, Qualification]):
    """Inline rows of a qualification: their group/unit/pathway choices are limited to that qualification."""

    extra = 0
    show_change_link = True

    def get_formset(
        self, request: HttpRequest, obj: Qualification | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[_M, Qualification, forms.ModelForm[_M]]]:
        _formset_parent[request] = obj
        return super().get_formset(request, obj, **kwargs)

    def _limit(self, db_field: models.ForeignKey[Any, Any] | models.ManyToManyField[Any, Any], request: HttpRequest,
               kwargs: dict[str, Any]) -> None:
        qualification = _formset_parent.get(request)
        model = db_field.related_model
        if model in (Group, Unit, Pathway):
            if qualification is None:
                kwargs["queryset"] = model._default_manager.none()
            else:
                kwargs["queryset"] = model._default_manager.filter(qualification=qualification)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        self._limit(db_field, request, kwargs)
        return _choices_read_once(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        self._limit(db_field, request, kwargs)
        return _choices_read_once(super().formfield_for_manytomany(db_field, request, **kwargs))


def _choices_read_once(field: _ChoiceField | None) -> _ChoiceField | None:
    """The field's choices as a list, read now: every inline row's copy shares it (not a query per row).

    Validation still goes through the field's queryset.
    """
    if field is not None and field.queryset is not None:
        choices = field.choices
        if isinstance(choices, ModelChoiceIterator):  # what it is until someone sets the choices
            field.choices = list(choices)
    return field


class GroupInline(SameQualificationInline[Group]):
    model = Group
    fk_name = "qualification"
    fields = ["order", "code", "title", "parent", "description"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Group]:
        return super().get_queryset(request).select_related("parent")


class UnitInline(SameQualificationInline[Unit]):
    model = Unit
    fields = ["order", "code", "title", "group", "level", "value", "glh", "tqt", "barring_code"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Unit]:
        return super().get_queryset(request).select_related("group")


class PathwayInline(SameQualificationInline[Pathway]):
    model = Pathway
    fields = ["order", "name", "description"]


class RuleInline(SameQualificationInline[Rule]):
    model = Rule
    fields = [
        "order", "identifier", "kind", "measure", "minimum", "maximum", "groups", "units",
        "level", "level_op", "per_group", "pathway", "message",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Rule]:
        return super().get_queryset(request).select_related("pathway").prefetch_related("groups", "units")


class OutcomeInline(CatalogueAdminPermissions, admin.TabularInline[Outcome, Unit]):
    model = Outcome
    extra = 0
    show_change_link = True
    fields = ["order", "code", "title", "description"]


class AssessableItemInline(CatalogueAdminPermissions, admin.TabularInline[AssessableItem, Unit]):
    model = AssessableItem
    extra = 0
    fields = ["order", "code", "text", "outcome", "criterion"]
    raw_id_fields = ["outcome", "criterion"]


class CriterionInline(CatalogueAdminPermissions, admin.TabularInline[Criterion, Outcome]):
    model = Criterion
    extra = 0
    fields = ["order", "code", "kind", "text"]


# --- forms: references stay inside one qualification -----------------------------


class UnitForm(forms.ModelForm[Unit]):
    class Meta:
        model = Unit
        fields = [
            "qualification", "group", "code", "title", "level", "value", "glh", "tqt", "barring_code",
            "description", "order",
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        group, qualification = cleaned.get("group"), cleaned.get("qualification")
        if group and qualification and group.qualification_id != qualification.pk:
            self.add_error("group", gettext("The group must belong to the unit's qualification."))
        return cleaned


class GroupForm(forms.ModelForm[Group]):
    class Meta:
        model = Group
        fields = ["qualification", "code", "title", "parent", "description", "order"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        parent, qualification = cleaned.get("parent"), cleaned.get("qualification")
        if parent and qualification and parent.qualification_id != qualification.pk:
            self.add_error("parent", gettext("The parent group must belong to the same qualification."))
        if parent and self.instance.pk and parent.pk == self.instance.pk:
            self.add_error("parent", gettext("A group cannot be its own parent."))
        return cleaned


class RuleForm(forms.ModelForm[Rule]):
    class Meta:
        model = Rule
        fields = [
            "qualification", "pathway", "identifier", "kind", "measure", "minimum", "maximum", "groups", "units",
            "level", "level_op", "per_group", "message", "order",
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        qualification = cleaned.get("qualification")
        if qualification is None:
            return cleaned
        for name in ("groups", "units"):
            outside = [str(row) for row in cleaned.get(name) or [] if row.qualification_id != qualification.pk]
            if outside:
                self.add_error(name, gettext("Not in this qualification: %(rows)s.") % {"rows": ", ".join(outside)})
        pathway = cleaned.get("pathway")
        if pathway and pathway.qualification_id != qualification.pk:
            self.add_error("pathway", gettext("The pathway must belong to the same qualification."))
        return cleaned


# --- model admins -------------------------------------------------------------------


@admin.register(Qualification)
class QualificationAdmin(CatalogueModelAdmin[Qualification]):
    list_display = ["title", "code", "version", "version_order", "kind", "awarding_body", "level", "value_name"]
    list_filter = ["kind", "value_name", "level", "awarding_body"]
    search_fields = ["code", "title", "awarding_body", "description"]
    ordering = ["title", "version_order"]
    inlines = [GroupInline, UnitInline, PathwayInline, RuleInline]
    fieldsets = [
        (None, {"fields": ["code", "version", "version_order", "title", "kind"]}),
        ("Spec", {"fields": ["awarding_body", "level", "value_name", "description", "source"]}),
    ]


@admin.register(Pathway)
class PathwayAdmin(CatalogueModelAdmin[Pathway]):
    list_display = ["name", "qualification", "order"]
    list_filter = ["qualification"]
    search_fields = ["name", "description", "qualification__code", "qualification__title"]
    list_select_related = ["qualification"]


@admin.register(Group)
class GroupAdmin(CatalogueModelAdmin[Group]):
    form = GroupForm
    list_display = ["code", "title", "qualification", "parent", "order"]
    list_filter = ["qualification"]
    search_fields = ["code", "title", "qualification__code", "qualification__title"]
    list_select_related = ["qualification", "parent"]
    autocomplete_fields = ["qualification"]


@admin.register(Unit)
class UnitAdmin(CatalogueModelAdmin[Unit]):
    form = UnitForm
    list_display = ["code", "title", "qualification", "group", "level", "value", "glh", "tqt", "order"]
    list_filter = ["qualification", "level", "qualification__value_name"]
    search_fields = ["code", "title", "description", "qualification__code", "qualification__title"]
    list_select_related = ["qualification", "group"]
    autocomplete_fields = ["qualification", "group"]
    inlines = [OutcomeInline, AssessableItemInline]


@admin.register(Outcome)
class OutcomeAdmin(CatalogueModelAdmin[Outcome]):
    list_display = ["code", "title", "unit", "qualification", "order"]
    list_filter = ["unit__qualification"]
    search_fields = ["code", "title", "description", "unit__code", "unit__title", "unit__qualification__code"]
    list_select_related = ["unit__qualification"]
    autocomplete_fields = ["unit"]
    inlines = [CriterionInline]

    @admin.display(ordering="unit__qualification__title")
    def qualification(self, obj: Outcome) -> Qualification:
        return obj.unit.qualification


@admin.register(Criterion)
class CriterionAdmin(CatalogueModelAdmin[Criterion]):
    list_display = ["code", "text", "kind", "outcome", "unit"]
    list_filter = ["kind", "outcome__unit__qualification"]
    search_fields = ["code", "text", "outcome__code", "outcome__unit__code", "outcome__unit__qualification__code"]
    list_select_related = ["outcome__unit"]
    autocomplete_fields = ["outcome"]

    @admin.display(ordering="outcome__unit__code")
    def unit(self, obj: Criterion) -> Unit:
        return obj.outcome.unit


@admin.register(AssessableItem)
class AssessableItemAdmin(CatalogueModelAdmin[AssessableItem]):
    list_display = ["code", "text", "unit", "outcome", "criterion", "order"]
    list_filter = ["unit__qualification"]
    search_fields = ["code", "text", "unit__code", "unit__title", "unit__qualification__code"]
    list_select_related = ["unit", "outcome", "criterion"]
    autocomplete_fields = ["unit", "outcome", "criterion"]


@admin.register(Rule)
class RuleAdmin(CatalogueModelAdmin[Rule]):
    form = RuleForm
    list_display = ["identifier", "message", "qualification", "kind", "measure", "minimum", "maximum", "pathway"]
    list_filter = ["kind", "measure", "qualification"]
    search_fields = ["identifier", "message", "qualification__code", "qualification__title"]
    list_select_related = ["qualification", "pathway"]
    filter_horizontal = ["groups", "units"]
    autocomplete_fields = ["qualification", "pathway"]


@admin.register(Duty)
class DutyAdmin(CatalogueModelAdmin[Duty]):
    list_display = ["code", "title", "qualification", "order"]
    list_filter = ["qualification"]
    search_fields = ["code", "title", "qualification__code", "qualification__title"]
    list_select_related = ["qualification"]
    autocomplete_fields = ["qualification", "items"]


@admin.register(GatewayRequirement)
class GatewayRequirementAdmin(CatalogueModelAdmin[GatewayRequirement]):
    list_display = ["code", "text", "qualification", "kind", "value", "order"]
    list_filter = ["kind", "qualification"]
    search_fields = ["code", "text", "qualification__code", "qualification__title"]
    list_select_related = ["qualification"]
    autocomplete_fields = ["qualification"]
