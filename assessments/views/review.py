"""The review page of one evidence item and its one-action URLs: accept, refer, map, unmap, feedback."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from candidates.access import Permission, viewer_may
from candidates.models import Enrolment
from evidence import access as evidence_access
from evidence.models import EvidenceFile, EvidenceItem, Mapping, MappingStatus, VersionStatus
from evidence.reads import mappable_items, version_changes
from portfolio_site.form_errors import on_fields

from .. import gate, reads, services
from ..forms import FeedbackForm, MappingAddForm, ReferForm
from ..models import Decision, FeedbackMessage
from .outcome import act, done, flash_unshown


@login_required
@require_GET
def review(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """The evidence with inline previews, its text, every item it claims with its decisions, and the conversation."""
    enrolment = gate.enrolment(request, pk)
    item = gate.evidence_in(enrolment, evidence_pk)
    return _review_page(request, enrolment, item)


def _review_page(request: HttpRequest, enrolment: Enrolment, item: EvidenceItem, *,
                 refer_form: ReferForm | None = None, feedback_form: FeedbackForm | None = None) -> HttpResponse:
    """The review page; a form that failed comes back bound, with what was typed and its errors."""
    version = item.current_version
    mappings = list(Mapping.objects.filter(version=version).select_related("assessable_item__unit", "mapped_by"))
    decisions: dict[int, list[Decision]] = {}
    for decision in (Decision.objects.filter(mapping__in=mappings).select_related("by", "carried_from__version")
                     .order_by("at", "pk")):
        decisions.setdefault(decision.mapping_id, []).append(decision)
    judge = viewer_may(enrolment, Permission.JUDGE)
    may_judge = judge and version.status == VersionStatus.SUBMITTED
    refer_shown = False
    for mapping in mappings:
        mapping.decision_list = decisions.get(mapping.pk, [])
        if may_judge and mapping.status == MappingStatus.CLAIMED:
            failed = refer_form is not None and refer_form.mapping.pk == mapping.pk
            mapping.refer_form = refer_form if failed else ReferForm(mapping=mapping)
            refer_shown = refer_shown or failed
    flash_unshown(request, refer_form, refer_shown)
    mapped = {m.assessable_item_id for m in mappings}
    # The candidate revises from here: one action starts the new version and opens its editor with the feedback.
    may_revise = viewer_may(enrolment, Permission.ACT_AS_CANDIDATE) and evidence_access.may_write(item)
    return render(request, "assessments/review.html", {
        "enrolment": enrolment, "item": item, "version": version,
        "changes": version_changes(version),
        "may_revise": may_revise,
        "has_referral": may_revise and not version.is_draft and reads.has_referral(version),
        "files": EvidenceFile.objects.filter(version=version),
        "mappings": mappings,
        "older_versions": item.versions.exclude(pk=version.pk).order_by("-number"),
        "messages_list": FeedbackMessage.objects.filter(evidence=item).select_related("author", "version"),
        "may_judge": may_judge,
        "may_talk": viewer_may(enrolment, Permission.TALK),
        "feedback_form": feedback_form or FeedbackForm(),
        "add_form": (MappingAddForm(items=[i for i in mappable_items(enrolment) if i.pk not in mapped])
                     if judge else None),
    })


def _back(request: HttpRequest, pk: int, evidence_pk: int, **outcome: object) -> HttpResponse:
    return done(request, "assessments:review", pk=pk, evidence_pk=evidence_pk, **outcome)


@login_required
@require_POST
def mapping_accept(request: HttpRequest, pk: int, mapping_pk: int) -> HttpResponse:
    """Accept one mapping."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    mapping = gate.mapping_in(enrolment, mapping_pk)
    return act(request, lambda: services.mapping_accept(mapping=mapping, by=request.user),
               to="assessments:review", pk=pk, evidence_pk=mapping.version.item_id,
               success=f"Accepted for {mapping.assessable_item}.")


@login_required
@require_POST
def mapping_refer(request: HttpRequest, pk: int, mapping_pk: int) -> HttpResponse:
    """Refer one mapping back to the candidate with feedback."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    mapping = gate.mapping_in(enrolment, mapping_pk)
    form = ReferForm(request.POST, mapping=mapping)
    if form.is_valid():
        try:
            services.mapping_refer(mapping=mapping, by=request.user, feedback=form.cleaned_data["feedback"])
        except ValidationError as error:
            if not on_fields(form, error):
                return _back(request, pk, mapping.version.item_id, error=error)
        else:
            return _back(request, pk, mapping.version.item_id,
                         success=f"Referred back for {mapping.assessable_item}; the candidate has your feedback.")
    return _review_page(request, enrolment, gate.evidence_in(enrolment, mapping.version.item_id), refer_form=form)


@login_required
@require_POST
def mapping_add(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Map the evidence to one more assessable item, on the candidate's behalf."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    item = gate.evidence_in(enrolment, evidence_pk)
    form = MappingAddForm(request.POST, items=mappable_items(enrolment))
    if not form.is_valid():
        return _back(request, pk, evidence_pk, error=ValidationError("Choose an item to map this evidence to."))
    chosen = form.cleaned_data["item"]
    return act(request, lambda: services.mapping_add(version=item.current_version, assessable_item=chosen,
                                                     by=request.user),
               to="assessments:review", pk=pk, evidence_pk=evidence_pk, success=f"Mapped to {chosen}.")


@login_required
@require_POST
def mapping_remove(request: HttpRequest, pk: int, mapping_pk: int) -> HttpResponse:
    """Remove a claim nobody has judged yet."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    mapping = gate.mapping_in(enrolment, mapping_pk)
    return act(request, lambda: services.mapping_remove(mapping=mapping, by=request.user),
               to="assessments:review", pk=pk, evidence_pk=mapping.version.item_id,
               success=f"Removed the mapping to {mapping.assessable_item}.")


@login_required
@require_POST
def feedback_post(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Add a message to the conversation on this evidence."""
    enrolment = gate.enrolment(request, pk, Permission.TALK)
    item = gate.evidence_in(enrolment, evidence_pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_post(evidence=item, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            if not on_fields(form, error):
                return _back(request, pk, evidence_pk, error=error)
        else:
            return _back(request, pk, evidence_pk, success="Message sent.")
    return _review_page(request, enrolment, item, feedback_form=form)
