"""Questions, visits and action points; the admin site shows assessment records but changes none."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.models import Question
from assessments.services import (
    action_point_done,
    action_point_set,
    question_ask,
    question_reply,
    visit_plan,
    visit_record,
)
from audit import trail

pytestmark = pytest.mark.django_db


def test_a_question_waits_until_someone_else_replies(enrolment, assessor) -> None:
    question = question_ask(enrolment=enrolment, by=enrolment.candidate, subject="Units", text="Which next?")
    question_reply(question=question, by=enrolment.candidate, text="Also, by when?")
    assert Question.objects.get().answered_at is None
    question_reply(question=question, by=assessor, text="B1, by March.")
    assert Question.objects.get().answered_at is not None


def test_visit_notes_wait_for_the_visit(enrolment, assessor) -> None:
    visit = visit_plan(enrolment=enrolment, by=assessor, planned_for=timezone.now() + datetime.timedelta(days=7),
                       place="Reception desk", purpose="Observe a complaint")
    with pytest.raises(ValidationError, match="has not happened yet"):
        visit_record(visit=visit, by=assessor, notes="Observed.")


def test_an_action_point_cannot_be_due_in_the_past_and_is_ticked_done_once(enrolment, assessor) -> None:
    with pytest.raises(ValidationError):
        action_point_set(enrolment=enrolment, by=assessor, text="x", due=timezone.localdate() - datetime.timedelta(1))
    point = action_point_set(enrolment=enrolment, by=assessor, text="Write it", due=timezone.localdate())
    first = action_point_done(action_point=point, by=enrolment.candidate).done_at
    assert action_point_done(action_point=point, by=enrolment.candidate).done_at == first


def test_the_admin_site_is_view_only_for_audit_records(client, platform_admin) -> None:
    record = trail.record(actor=None, action="test", object_type="t", object_id=1, object_label="x")
    client.force_login(platform_admin)
    assert client.get(f"/admin/audit/auditrecord/{record.pk}/change/").status_code == 200
    assert client.get(f"/admin/audit/auditrecord/{record.pk}/delete/").status_code == 403
    assert client.get("/admin/audit/auditrecord/add/").status_code == 403
    response = client.post(f"/admin/audit/auditrecord/{record.pk}/change/", {"action": "forged"})
    assert response.status_code == 403


def test_the_admin_site_adds_changes_and_deletes_no_assessment_record(rf, platform_admin) -> None:
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = platform_admin
    registered = {model: model_admin for model, model_admin in admin.site._registry.items()
                  if model._meta.app_label in ("assessments", "audit")}
    assert {"Decision", "ItemSignOff", "UnitSignOff", "Countersignature", "IqaReferral", "UnitSample",
            "AuditRecord", "AuditHead"} <= {model.__name__ for model in registered}
    for model, model_admin in registered.items():
        allowed = [model_admin.has_add_permission(request), model_admin.has_change_permission(request),
                   model_admin.has_delete_permission(request)]
        assert allowed == [False, False, False], model.__name__
