"""The admin site shows the assessment records but changes none of them: a correction is a new record."""

from __future__ import annotations

from django.contrib import admin

from audit.admin import ViewOnlyAdmin

from .models import (
    ActionPoint,
    Countersignature,
    Decision,
    FeedbackMessage,
    IqaReferral,
    ItemSignOff,
    LearnerDeclaration,
    Question,
    Reply,
    SignedEvidence,
    UnitSample,
    UnitSignOff,
    Visit,
)


@admin.register(Decision)
class DecisionAdmin(ViewOnlyAdmin):
    list_display = ("at", "enrolment", "assessable_item", "outcome", "by")
    list_select_related = ("enrolment__candidate", "enrolment__qualification", "assessable_item__unit", "by")
    list_filter = ("outcome",)


@admin.register(ItemSignOff)
class ItemSignOffAdmin(ViewOnlyAdmin):
    list_display = ("at", "enrolment", "assessable_item", "by")
    list_select_related = ("enrolment__candidate", "enrolment__qualification", "assessable_item__unit", "by")


@admin.register(UnitSignOff)
class UnitSignOffAdmin(ViewOnlyAdmin):
    list_display = ("at", "enrolment", "unit", "by")
    list_select_related = ("enrolment__candidate", "enrolment__qualification", "unit", "by")


for model in (SignedEvidence, LearnerDeclaration, Countersignature, IqaReferral, UnitSample, FeedbackMessage,
              Question, Reply, Visit, ActionPoint):
    admin.site.register(model, ViewOnlyAdmin)
