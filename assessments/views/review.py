"""The review page of one evidence item and its one-action URLs: accept, accept all, refer, map, unmap, feedback.

Accept and refer answer htmx with the claims part alone (the page keeps its place); without JavaScript the
same forms post and come back to the claim on the whole page.
"""

from __future__ import annotations

from csp.constants import SELF
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.access import Permission, viewer_may
from candidates.models import Enrolment
from evidence import access as evidence_access
from evidence.models import EvidenceFile, EvidenceItem, EvidenceVersion, Mapping, MappingStatus, VersionStatus
from evidence.reads import mappable_items, version_changes
from portfolio_site.form_errors import on_fields
from portfolio_site.prepared import prepared

from .. import gate, reads, services
from ..forms import FeedbackForm, MappingAddForm, ReferForm
from ..models import Decision, FeedbackMessage, ItemSignOff
from .outcome import act, done, error_text, flash_unshown


@login_required
@require_GET
def review(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """The evidence with inline previews, its text, every item it claims with its decisions, and the conversation."""
    enrolment = gate.enrolment(request, pk)
    item = gate.evidence_in(enrolment, evidence_pk)
    return _review_page(request, enrolment, item)


# The page's reads, of the same shapes for every piece of evidence: compiled once a process (portfolio_site.prepared).
# A claim on an item already signed off stays as it is (its decisions are final): no forms, not counted.
_mappings = prepared(lambda version, enrolment: (
    Mapping.objects.filter(version_id=version).select_related("assessable_item__unit", "mapped_by")
    .annotate(item_signed_off=Exists(ItemSignOff.objects.current().filter(
        enrolment_id=enrolment, assessable_item=OuterRef("assessable_item"))))
))
_decisions = prepared(lambda mappings: (
    Decision.objects.filter(mapping__in=mappings).select_related("by", "carried_from__version").order_by("at", "pk")
))
_conversation = prepared(lambda item: (
    FeedbackMessage.objects.filter(evidence_id=item).select_related("author", "version")
))
_files = prepared(lambda version: EvidenceFile.objects.filter(version_id=version))
_older_versions = prepared(lambda item, version: (
    EvidenceVersion.objects.filter(item_id=item).exclude(pk=version).order_by("-number")
))


def _claims(request: HttpRequest, enrolment: Enrolment, item: EvidenceItem, *,
            refer_form: ReferForm | None = None) -> dict[str, object]:
    """What the claims part of the page shows: each mapping with its decisions, and a refer form where it may be
    judged (a form that failed comes back bound); two queries whatever the number of claims."""
    version = item.current_version
    mappings = _mappings(version=version.pk, enrolment=enrolment.pk)
    decisions: dict[int, list[Decision]] = {}
    for decision in _decisions(mappings=[mapping.pk for mapping in mappings]):
        decisions.setdefault(decision.mapping_id, []).append(decision)
    may_judge = viewer_may(enrolment, Permission.JUDGE) and version.status == VersionStatus.SUBMITTED
    refer_shown = False
    for mapping in mappings:
        mapping.decision_list = decisions.get(mapping.pk, [])
        mapping.decidable = mapping.status == MappingStatus.CLAIMED and not mapping.item_signed_off
        if may_judge and mapping.decidable:
            failed = refer_form is not None and refer_form.mapping.pk == mapping.pk
            mapping.refer_form = refer_form if failed else ReferForm(mapping=mapping)
            refer_shown = refer_shown or failed
    flash_unshown(request, refer_form, refer_shown)
    return {
        "enrolment": enrolment, "item": item, "version": version, "mappings": mappings, "may_judge": may_judge,
        "claimed": [mapping for mapping in mappings if mapping.decidable],
    }


def _review_page(request: HttpRequest, enrolment: Enrolment, item: EvidenceItem, *,
                 refer_form: ReferForm | None = None, feedback_form: FeedbackForm | None = None) -> HttpResponse:
    """The review page; a form that failed comes back bound, with what was typed and its errors."""
    claims = _claims(request, enrolment, item, refer_form=refer_form)
    version = item.current_version
    mapped = {m.assessable_item_id for m in claims["mappings"]}
    # The candidate revises from here: one action starts the new version and opens its editor with the feedback.
    may_revise = viewer_may(enrolment, Permission.ACT_AS_CANDIDATE) and evidence_access.may_write(item)
    response = render(request, "assessments/review.html", {
        **claims,
        "changes": version_changes(version),
        "may_revise": may_revise,
        "has_referral": may_revise and not version.is_draft and reads.has_referral(version),
        "files": _files(version=version.pk),
        "older_versions": _older_versions(item=item.pk, version=version.pk),
        "messages_list": _conversation(item=item.pk),
        "may_talk": viewer_may(enrolment, Permission.TALK),
        "feedback_form": feedback_form or FeedbackForm(),
        "add_form": (MappingAddForm(items=[i for i in mappable_items(enrolment) if i.pk not in mapped])
                     if viewer_may(enrolment, Permission.JUDGE) else None),
    })
    # A PDF preview is an <object>: this page alone may embed our own files (its CSP forbids objects elsewhere).
    response._csp_replace = {"object-src": [SELF, *settings.EVIDENCE_FILE_ORIGINS]}
    return response


def _claims_part(request: HttpRequest, enrolment: Enrolment, item: EvidenceItem, *, success: str = "",
                 error: ValidationError | None = None, focus_claim: int | None = None,
                 refer_form: ReferForm | None = None) -> HttpResponse:
    """The claims part alone, for htmx: swapped in place so the page keeps its scroll, the outcome put in the
    page's live region for screen readers and shown beside what it concerns, with the focus there: the decided
    claim (`focus_claim`), the feedback field of a failed referral, else the claims' heading. The conversation
    comes along (a referral adds its feedback there)."""
    if refer_form is not None:
        refer_form.fields["feedback"].widget.attrs["autofocus"] = True
    return render(request, "assessments/_claims_response.html", {
        **_claims(request, enrolment, item, refer_form=refer_form),
        "messages_list": _conversation(item=item.pk),
        "focus_claim": focus_claim, "focus_heading": focus_claim is None and refer_form is None,
        "outcome": error_text(error) if error is not None else success, "outcome_failed": error is not None,
    })


def _decided(request: HttpRequest, enrolment: Enrolment, mapping: Mapping, *, success: str = "",
             error: ValidationError | None = None) -> HttpResponse:
    """A decision's outcome: the claims part for htmx, else flashed and back to the claim on the page."""
    if request.htmx:
        return _claims_part(request, enrolment, gate.evidence_in(enrolment, mapping.version.item_id),
                            focus_claim=mapping.pk, success=success, error=error)
    response = _back(request, enrolment.pk, mapping.version.item_id, success=success, error=error)
    response["Location"] += f"#claim-{mapping.pk}"
    return response


def _back(request: HttpRequest, pk: int, evidence_pk: int, **outcome: object) -> HttpResponse:
    return done(request, "assessments:review", pk=pk, evidence_pk=evidence_pk, **outcome)


def _label(mapping: Mapping) -> str:
    """The claimed item as the page's buttons name it: "A1 1.1"."""
    return f"{mapping.assessable_item.unit.code} {mapping.assessable_item.code}"


@login_required
@require_POST
def mapping_accept(request: HttpRequest, pk: int, mapping_pk: int) -> HttpResponse:
    """Accept one mapping."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    mapping = gate.mapping_in(enrolment, mapping_pk)
    try:
        services.mapping_accept(mapping=mapping, by=request.user)
    except ValidationError as error:
        return _decided(request, enrolment, mapping, error=error)
    return _decided(request, enrolment, mapping, success=_("Accepted for %(item)s.") % {"item": _label(mapping)})


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
                return _decided(request, enrolment, mapping, error=error)
        else:
            return _decided(request, enrolment, mapping, success=_(
                "Referred back for %(item)s; the candidate has your feedback.") % {"item": _label(mapping)})
    item = gate.evidence_in(enrolment, mapping.version.item_id)
    if request.htmx:
        return _claims_part(request, enrolment, item, refer_form=form,
                            error=ValidationError(_("Not referred back: %(item)s needs your feedback first.")
                                                  % {"item": _label(mapping)}))
    return _review_page(request, enrolment, item, refer_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def mapping_accept_all(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """GET: the confirmation of accepting every claim still awaiting a decision; POST: accept them all at once."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    item = gate.evidence_in(enrolment, evidence_pk)
    if request.method == "GET":
        return render(request, "assessments/accept_all.html", _claims(request, enrolment, item))
    try:
        decisions = services.mapping_accept_all(version=item.current_version, by=request.user)
    except ValidationError as error:
        if request.htmx:
            return _claims_part(request, enrolment, item, error=error)
        return _back(request, pk, evidence_pk, error=error)
    success = ngettext("Accepted %(count)d claim: %(items)s.", "Accepted all %(count)d claims: %(items)s.",
                       len(decisions)) % {"count": len(decisions),
                                          "items": ", ".join(_label(d.mapping) for d in decisions)}
    if request.htmx:
        return _claims_part(request, enrolment, item, success=success)
    return _back(request, pk, evidence_pk, success=success)


@login_required
@require_POST
def mapping_add(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Map the evidence to one more assessable item, on the candidate's behalf."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    item = gate.evidence_in(enrolment, evidence_pk)
    form = MappingAddForm(request.POST, items=mappable_items(enrolment))
    if not form.is_valid():
        return _back(request, pk, evidence_pk, error=ValidationError(_("Choose an item to map this evidence to.")))
    chosen = form.cleaned_data["item"]
    return act(request, lambda: services.mapping_add(version=item.current_version, assessable_item=chosen,
                                                     by=request.user),
               to="assessments:review", pk=pk, evidence_pk=evidence_pk,
               success=_("Mapped to %(item)s.") % {"item": chosen})


@login_required
@require_POST
def mapping_remove(request: HttpRequest, pk: int, mapping_pk: int) -> HttpResponse:
    """Remove a claim nobody has judged yet."""
    enrolment = gate.enrolment(request, pk, Permission.JUDGE)
    mapping = gate.mapping_in(enrolment, mapping_pk)
    return act(request, lambda: services.mapping_remove(mapping=mapping, by=request.user),
               to="assessments:review", pk=pk, evidence_pk=mapping.version.item_id,
               success=_("Removed the mapping to %(item)s.") % {"item": mapping.assessable_item})


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
            return _back(request, pk, evidence_pk, success=_("Message sent."))
    return _review_page(request, enrolment, item, feedback_form=form)
