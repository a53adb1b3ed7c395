"""The one module of `exports` that reads other apps' models: database -> `PortfolioData`.

Everything the PDF shows is read here, in a fixed number of queries whatever
the size of the portfolio, and turned into the frozen dataclasses of
`exports.data`. The renderer, the image preparation and the ZIP never touch
the ORM, so a change in another app's models changes this file only.

What a portfolio shows: the units of the plan (and any other unit with
evidence or sign-offs), each assessable item with the evidence mapped to it
and the latest decision on each mapping, item and unit sign-offs, IQA
countersignatures and referrals; and every evidence item at its newest
submitted version (drafts are the candidate's working copy and stay out).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import overload

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from apprenticeships.models import ProgressReview
from apprenticeships.reviews.reads import signature_panel
from assessments.models import Decision as DecisionRow
from assessments.models import ItemSignOff, UnitSignOff
from assessments.reads import achieved_units
from candidates.models import Enrolment, UnitChoice, User
from evidence.models import EvidenceFile, EvidenceVersion, Mapping, MappingStatus, VersionStatus
from units.models import AssessableItem, CriterionKind, Unit, ValueName
from units.rules import Spec, SpecError, evaluate
from units.spec import spec_for

from .data import (
    Countersignature,
    Decision,
    EvidenceItem,
    ItemSection,
    MappedEvidence,
    PortfolioData,
    Review,
    ReviewSignature,
    ReviewTarget,
    RulesStatus,
    SignOff,
    StoredFile,
    UnitSection,
)


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return str(user)


@overload
def _day(moment: datetime.datetime | datetime.date) -> datetime.date: ...
@overload
def _day(moment: datetime.datetime | datetime.date | None) -> datetime.date | None: ...
def _day(moment: datetime.datetime | datetime.date | None) -> datetime.date | None:
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
    return moment


def _witness(version: EvidenceVersion) -> str:
    if not version.witness_name:
        return ""
    who = f"{version.witness_name}, {version.witness_role}" if version.witness_role else version.witness_name
    if version.witness_confirmed_at:
        return gettext("%(who)s; confirmed on %(day)s") % {
            "who": who, "day": date_format(_day(version.witness_confirmed_at), "d F Y")}
    return gettext("%(who)s; not confirmed by the witness") % {"who": who}


def _value_label(unit: Unit, value_name: str) -> str:
    if value_name == ValueName.NONE or not unit.value:
        return ""
    if value_name == ValueName.CREDITS:
        return ngettext("%(value)d credit", "%(value)d credits", unit.value) % {"value": unit.value}
    return ngettext("%(value)d unit value", "%(value)d unit values", unit.value) % {"value": unit.value}


def _verdict_sentences(what: str, count: int) -> tuple[str, str, str]:
    """(meets, does not meet yet, could not be evaluated) for `what` ("plan" or "achieved") of `count` units."""
    if what == "plan":
        return (
            ngettext("The plan meets the rules of combination (%(count)d unit).",
                     "The plan meets the rules of combination (%(count)d units).", count),
            ngettext("The plan does not meet the rules of combination yet (%(count)d unit).",
                     "The plan does not meet the rules of combination yet (%(count)d units).", count),
            gettext("The plan: the rules could not be evaluated (%(error)s)."),
        )
    return (
        ngettext("What is achieved meets the rules of combination (%(count)d unit).",
                 "What is achieved meets the rules of combination (%(count)d units).", count),
        ngettext("What is achieved does not meet the rules of combination yet (%(count)d unit).",
                 "What is achieved does not meet the rules of combination yet (%(count)d units).", count),
        gettext("What is achieved: the rules could not be evaluated (%(error)s)."),
    )


def rules_status(spec: Spec, codes: list[str], *, pathway: str | None, what: str) -> RulesStatus:
    """The rules engine's verdict on the units `codes`, in words; `what` is "plan" or "achieved"."""
    meets, short, broken = _verdict_sentences(what, len(codes))
    try:
        evaluation = evaluate(spec, codes, pathway)
    except SpecError as error:
        return RulesStatus(False, broken % {"error": error})
    lines = tuple((result.met, result.message) for result in evaluation.results)
    if evaluation.valid:
        return RulesStatus(True, meets % {"count": len(codes)}, lines)
    return RulesStatus(False, short % {"count": len(codes)}, lines)


def _evidence(enrolment: Enrolment) -> tuple[list[EvidenceVersion], dict[int, list[EvidenceFile]]]:
    versions = (
        EvidenceVersion.objects.filter(item__enrolment=enrolment, status=VersionStatus.SUBMITTED)
        .select_related("item", "item__created_by", "created_by")
        .order_by("item__created_at", "item_id", "-number")
    )
    newest: dict[int, EvidenceVersion] = {}
    for version in versions:
        newest.setdefault(version.item_id, version)
    shown = list(newest.values())
    files: dict[int, list[EvidenceFile]] = defaultdict(list)
    for stored in EvidenceFile.objects.filter(version__in=[v.pk for v in shown]).order_by("uploaded_at", "pk"):
        files[stored.version_id].append(stored)
    return shown, files


def gather_portfolio(enrolment_id: int) -> PortfolioData:
    """Everything the export shows for enrolment `enrolment_id`, read in a fixed number of queries."""
    enrolment = Enrolment.objects.with_related().get(pk=enrolment_id)
    qualification = enrolment.qualification

    versions, files = _evidence(enrolment)
    refs = {version.pk: f"E{number}" for number, version in enumerate(versions, start=1)}
    evidence = tuple(
        EvidenceItem(
            ref=refs[version.pk],
            title=version.title,
            kind=version.item.get_kind_display(),
            status=version.get_status_display(),
            version=version.number,
            created=_day(version.date),
            submitted=_day(version.submitted_at),
            text=version.text,
            language=version.language,
            author=_name(version.created_by),
            witness=_witness(version),
            files=tuple(
                StoredFile(
                    name=stored.original_name, size=stored.size, sha256=stored.sha256,
                    storage_name=stored.name, mime=stored.mime,
                )
                for stored in files.get(version.pk, [])
            ),
        )
        for version in versions
    )
    titles = {version.pk: version.title for version in versions}

    mappings = list(
        Mapping.objects.filter(version__in=list(refs)).order_by("assessable_item_id", "version__item__created_at")
    )
    decisions: dict[int, DecisionRow] = {}
    for decision_row in DecisionRow.objects.filter(mapping__in=[m.pk for m in mappings]).select_related(
        "by", "carried_from"
    ).order_by("mapping_id", "-at", "-pk"):
        decisions.setdefault(decision_row.mapping_id, decision_row)
    mapped: dict[int, list[MappedEvidence]] = defaultdict(list)
    for mapping in mappings:
        latest = decisions.get(mapping.pk)
        if latest is not None:
            # A decision carried forward to a new version is dated when it was made, on the version before.
            made = latest.carried_from or latest
            decision = Decision(latest.get_outcome_display(), _name(latest.by), _day(made.at), latest.feedback)
        elif mapping.status == MappingStatus.CLAIMED:
            decision = Decision(gettext("Awaiting decision"))
        else:
            decision = Decision(mapping.get_status_display())
        mapped[mapping.assessable_item_id].append(
            MappedEvidence(refs[mapping.version_id], titles[mapping.version_id], decision)
        )

    item_sign_offs = {
        row.assessable_item_id: SignOff(_name(row.by), _day(row.at))
        for row in ItemSignOff.objects.current().filter(enrolment=enrolment).select_related("by")
    }
    unit_sign_off: dict[int, SignOff] = {}
    countersigned: dict[int, list[Countersignature]] = defaultdict(list)
    unit_rows = UnitSignOff.objects.filter(enrolment=enrolment).select_related(
        "by", "countersignature__by", "referral__by", "sample__by"
    ).order_by("at", "pk")
    for unit_row in unit_rows:
        unit_id = unit_row.unit_id
        counter = getattr(unit_row, "countersignature", None)
        referral = getattr(unit_row, "referral", None)
        if counter is not None:
            countersigned[unit_id].append(Countersignature(_name(counter.by), _day(counter.at),
                                                           gettext("Countersigned"), counter.comment))
        sample = getattr(unit_row, "sample", None)
        if sample is not None and counter is None and referral is None:
            countersigned[unit_id].append(Countersignature(_name(sample.by), _day(sample.at),
                                                           gettext("Sampled (countersignature awaited)")))
        if referral is not None:
            countersigned[unit_id].append(Countersignature(_name(referral.by), _day(referral.at),
                                                           gettext("Referred back"), referral.comments))
        else:
            unit_sign_off[unit_id] = SignOff(_name(unit_row.by), _day(unit_row.at), unit_row.declaration)

    chosen = set(UnitChoice.objects.filter(enrolment=enrolment).values_list("unit_id", flat=True))
    touched = chosen | set(unit_sign_off) | set(countersigned)
    touched |= set(AssessableItem.objects.filter(pk__in=set(mapped) | set(item_sign_offs)).values_list(
        "unit_id", flat=True))
    units = (
        Unit.objects.filter(pk__in=touched)
        .select_related("group")
        .prefetch_related("items__outcome", "items__criterion")
        .order_by("order", "code")
    )
    sections = []
    for unit in units:
        items = tuple(
            ItemSection(
                code=item.code,
                text=item.text,
                outcome_code=item.outcome.code if item.outcome is not None and item.criterion_id else "",
                outcome_title=item.outcome.title if item.outcome is not None and item.criterion_id else "",
                is_knowledge=item.criterion is not None and item.criterion.kind == CriterionKind.KNOWLEDGE,
                evidence=tuple(mapped.get(item.pk, ())),
                sign_off=item_sign_offs.get(item.pk),
            )
            for item in unit.items.all()
        )
        sections.append(
            UnitSection(
                code=unit.code, title=unit.title, level=unit.level,
                value_label=_value_label(unit, qualification.value_name),
                group=unit.group.code if unit.group is not None else "",
                items=items, sign_off=unit_sign_off.get(unit.pk),
                countersignatures=tuple(countersigned.get(unit.pk, ())),
            )
        )

    codes_by_id = {unit.pk: unit.code for unit in units}
    plan_codes = [codes_by_id[pk] for pk in codes_by_id if pk in chosen]
    # Achieved as assessments decides it: a sign-off the IQA put in their sample counts once countersigned.
    achieved = set(achieved_units([enrolment.pk]).get(enrolment.pk, ()))
    achieved_codes = [code for code in codes_by_id.values() if code in achieved]
    spec = spec_for(qualification)
    pathway = enrolment.pathway.name if enrolment.pathway is not None else None
    return PortfolioData(
        candidate=_name(enrolment.candidate),
        candidate_email=enrolment.candidate.email,
        centre=enrolment.centre.name,
        qualification=qualification.title,
        qualification_code=f"{qualification.code} v{qualification.version}",
        awarding_body=qualification.awarding_body,
        assessor=_name(enrolment.assessor),
        iqa=_name(enrolment.iqa),
        start_date=enrolment.start_date,
        planned_end_date=enrolment.planned_end_date,
        generated_at=timezone.localtime(),
        plan=rules_status(spec, plan_codes, pathway=pathway, what="plan"),
        achieved=rules_status(spec, achieved_codes, pathway=pathway, what="achieved"),
        units=tuple(sections),
        evidence=evidence,
        uln=enrolment.uln,
        registration_number=enrolment.registration_number,
        reviews=_reviews(enrolment),
    )


def _reviews(enrolment: Enrolment) -> tuple[Review, ...]:
    """The enrolment's progress reviews, oldest first, each with every signature given. Five queries."""
    rows = (ProgressReview.objects.filter(enrolment=enrolment).select_related("created_by")
            .prefetch_related("items__unit", "targets", "signatures__user", "signatures__voided_by")
            .order_by("held_on", "pk"))
    reviews = []
    for number, row in enumerate(rows, start=1):
        panel = signature_panel(row)
        valid = {signature.pk for signature in panel.valid.values()}
        reviews.append(Review(
            number=number, held_on=row.held_on, recorded_by=_name(row.created_by), progress=row.progress,
            covered=tuple(f"{item.unit.code} {item.code}" for item in row.items.all()),
            otj_recorded=row.otj_recorded_text, otj_verified=row.otj_verified_text,
            english_maths=row.english_maths, wellbeing=row.wellbeing,
            safeguarding_concern=row.safeguarding_concern, safeguarding_note=row.safeguarding_note,
            content_hash=panel.digest, complete=panel.complete,
            targets=tuple(ReviewTarget(target.text, target.due) for target in row.targets.all()),
            signatures=tuple(
                ReviewSignature(party=signature.get_party_display(), by=_name(signature.user),
                                at=timezone.localtime(signature.signed_at), content_hash=signature.content_hash,
                                void=signature.pk not in valid,
                                voided_at=timezone.localtime(signature.void_at) if signature.void_at else None,
                                voided_by=_name(signature.voided_by))
                for signature in row.signatures.all()),
        ))
    return tuple(reviews)
