"""Moving an enrolment to another version of its qualification, and what that changes for the candidate.

`move_plan` works out what a move would do without writing anything; the centre admin reads it, in plain
English, before confirming. `enrolment_move` carries it out under the enrolment's lock, in one transaction.

A unit of the other version is the same unit when it has the same code; an assessable item is the same
item when its unit's code and its own code match. An item is unchanged when its wording is; a unit is
unchanged when its title, level, value and every item are. What carries over:

- chosen units and self-assessments, to the unit of the same code (a unit the version drops is unchosen);
- evidence claims on unchanged items, with their status and decisions; unjudged claims on reworded items
  move to the new wording for the assessor to judge; unjudged claims on removed items are withdrawn;
  claims already judged against wording that changed or went stay where they are, as history;
- item sign-offs of unchanged items, and the whole sign-off (with the learner declaration and the IQA's
  sample and countersignature) of unchanged units, as new records that point to the ones they copy.
  Decisions and sign-offs are never rewritten; the version they were made on stays on record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit import trail
from candidates.models import Enrolment, EnrolmentStatus, SelfAssessment, UnitChoice, User
from evidence.models import Mapping, MappingStatus
from portfolio_site.links import absolute_url
from portfolio_site.mail import send_after_commit
from units.models import AssessableItem, Pathway, Qualification, Unit
from units.rules import evaluate
from units.spec import spec_for
from units.translation import own_wording

from ..models import (
    Countersignature,
    Decision,
    ItemSignOff,
    LearnerDeclaration,
    SignedEvidence,
    UnitSample,
    UnitSignOff,
)
from .independence import refuse_own_enrolment

__all__ = ["MovePlan", "UnitFate", "enrolment_move", "move_plan", "move_targets"]

SAME, CHANGED, GONE = "same", "changed", "gone"


@dataclass(frozen=True)
class UnitFate:
    """One chosen unit and what the other version does to it."""

    code: str
    title: str
    fate: str  # SAME, CHANGED or GONE
    details: tuple[str, ...] = ()  # what changed, in words
    signed_off: bool = False


@dataclass
class MovePlan:
    enrolment: Enrolment
    target: Qualification
    units: list[UnitFate] = field(default_factory=list)
    new_units: tuple[str, ...] = ()  # units of the other version the candidate could now choose
    pathway_gone: bool = False
    claims_kept: int = 0
    claims_rejudged: int = 0
    claims_withdrawn: int = 0
    claims_left: int = 0
    items_carried: int = 0
    units_carried: tuple[str, ...] = ()
    units_reopened: tuple[str, ...] = ()  # signed off, but changed or gone: not carried
    valid_before: bool = False
    valid_after: bool = False
    short_after: tuple[str, ...] = ()  # the rules the moved choice would not meet, in the rules panel's words

    def summary(self) -> list[str]:
        """What changes for the candidate, a sentence each."""
        lines = [self._units_line(), *self._unit_lines(), self._rules_line(), *self._work_lines()]
        if self.pathway_gone:
            lines.append(_("The new version has no pathway of the same name: choose one again."))
        if self.new_units:
            lines.append(_("New in this version and open to choose: %(codes)s.") % {"codes": ", ".join(self.new_units)})
        return [line for line in lines if line]

    def _units_line(self) -> str:
        same = sum(1 for unit in self.units if unit.fate == SAME)
        if not self.units:
            return _("No units are chosen yet, so the choice starts afresh on the new version.")
        return ngettext(
            "%(same)d of the %(total)d chosen unit is the same in the new version.",
            "%(same)d of the %(total)d chosen units are the same in the new version.",
            len(self.units),
        ) % {"same": same, "total": len(self.units)}

    def _unit_lines(self) -> list[str]:
        lines = []
        for unit in self.units:
            if unit.fate == GONE:
                lines.append(_("Unit %(code)s %(title)s is not in the new version: it is dropped from the choice.")
                             % {"code": unit.code, "title": unit.title})
            elif unit.fate == CHANGED:
                lines.append(_("Unit %(code)s %(title)s changed: %(details)s.")
                             % {"code": unit.code, "title": unit.title, "details": "; ".join(unit.details)})
        return lines

    def _rules_line(self) -> str:
        if self.valid_after:
            return _("The units carried over meet the new version's rules of combination.")
        return _("On the new version the units carried over do not yet meet the rules: %(rules)s") % {
            "rules": " ".join(self.short_after)}

    def _work_lines(self) -> list[str]:
        counts = [
            (self.claims_kept, ngettext(
                "%(n)d evidence claim keeps its status and decisions.",
                "%(n)d evidence claims keep their status and decisions.", self.claims_kept)),
            (self.claims_rejudged, ngettext(
                "%(n)d claim not yet judged moves to a reworded criterion, for the assessor to judge.",
                "%(n)d claims not yet judged move to reworded criteria, for the assessor to judge.",
                self.claims_rejudged)),
            (self.claims_withdrawn, ngettext(
                "%(n)d claim not yet judged is on a criterion the new version removes: it is withdrawn "
                "(the evidence stays in the library).",
                "%(n)d claims not yet judged are on criteria the new version removes: they are withdrawn "
                "(the evidence stays in the library).", self.claims_withdrawn)),
            (self.claims_left, ngettext(
                "%(n)d claim was judged against wording that changed or went: it stays in the history of the "
                "old version; map the evidence again to count it.",
                "%(n)d claims were judged against wording that changed or went: they stay in the history of the "
                "old version; map the evidence again to count them.", self.claims_left)),
            (self.items_carried, ngettext(
                "%(n)d signed-off criterion is unchanged and stays signed off.",
                "%(n)d signed-off criteria are unchanged and stay signed off.", self.items_carried)),
        ]
        lines = [text % {"n": n} for n, text in counts if n]
        if self.units_carried:
            lines.append(_("Signed-off units that stay signed off: %(codes)s.")
                         % {"codes": ", ".join(self.units_carried)})
        if self.units_reopened:
            lines.append(_("Signed-off units that changed and must be signed off again: %(codes)s.")
                         % {"codes": ", ".join(self.units_reopened)})
        return lines


def move_targets(enrolment: Enrolment) -> list[Qualification]:
    """The other versions of the enrolment's qualification open for enrolment, newest first."""
    return list(
        Qualification.objects.open_for_enrolment()
        .filter(code=enrolment.qualification.code)
        .exclude(pk=enrolment.qualification_id)
        .order_by("-version_order")
    )


@dataclass
class _Match:
    """The other version's units and items by code, and which of the enrolment's are unchanged there."""

    units: dict[str, Unit]
    items: dict[tuple[str, str], AssessableItem]
    same_items: set[int]  # pks of the current version's items whose wording is unchanged
    fates: dict[str, UnitFate]  # by unit code, every unit of the current version


def _match(source: Qualification, target: Qualification) -> _Match:
    new_units = {unit.code: unit for unit in Unit.objects.filter(qualification=target)}
    new_items = {
        (item.unit.code, item.code): item
        for item in AssessableItem.objects.filter(unit__qualification=target).select_related("unit")
    }
    old_items: dict[str, list[AssessableItem]] = {}
    for item in AssessableItem.objects.filter(unit__qualification=source).select_related("unit"):
        old_items.setdefault(item.unit.code, []).append(item)
    same_items = {
        item.pk for items in old_items.values() for item in items
        if (new := new_items.get((item.unit.code, item.code))) is not None and _same_text(new, item)
    }
    fates = {}
    for unit in Unit.objects.filter(qualification=source):
        new_unit = new_units.get(unit.code)
        if new_unit is None:
            fates[unit.code] = UnitFate(unit.code, unit.title, GONE)
            continue
        details = [*_unit_field_changes(unit, new_unit), *_item_changes(unit, old_items.get(unit.code, []), new_items)]
        fates[unit.code] = UnitFate(unit.code, unit.title, CHANGED if details else SAME, tuple(details))
    return _Match(new_units, new_items, same_items, fates)


def _same_text(new: AssessableItem, old: AssessableItem) -> bool:
    """Whether an item's wording is unchanged, in the spec's own language (not the reader's translation)."""
    return bool(own_wording(new, "text") == own_wording(old, "text"))


def _unit_field_changes(old: Unit, new: Unit) -> list[str]:
    changes = []
    if own_wording(old, "title") != own_wording(new, "title"):
        changes.append(_("its title is now “%(title)s”") % {"title": new.title})
    if old.level != new.level:
        changes.append(_("level %(old)s is now %(new)s") % {"old": old.level or "–", "new": new.level or "–"})
    if old.value != new.value:
        changes.append(_("value %(old)d is now %(new)d") % {"old": old.value, "new": new.value})
    return changes


def _item_changes(unit: Unit, old: list[AssessableItem], new_items: dict[tuple[str, str], AssessableItem]) -> list[str]:
    old_codes = {item.code: item for item in old}
    new_codes = {code: item for (unit_code, code), item in new_items.items() if unit_code == unit.code}
    reworded = [code for code, item in old_codes.items() if code in new_codes and not _same_text(new_codes[code], item)]
    removed = [code for code in old_codes if code not in new_codes]
    added = [code for code in new_codes if code not in old_codes]
    changes = []
    for codes, one, many in (
        (reworded, _("criterion %(codes)s is reworded"), _("criteria %(codes)s are reworded")),
        (added, _("criterion %(codes)s is added"), _("criteria %(codes)s are added")),
        (removed, _("criterion %(codes)s is removed"), _("criteria %(codes)s are removed")),
    ):
        if codes:
            changes.append((one if len(codes) == 1 else many) % {"codes": ", ".join(codes)})
    return changes


def _check_target(enrolment: Enrolment, target: Qualification) -> None:
    if target.pk == enrolment.qualification_id:
        raise ValidationError(_("The enrolment is already on version %(version)s: choose another version.")
                              % {"version": target.version}, code="same_version")
    if target.code != enrolment.qualification.code:
        raise ValidationError(_("Version %(version)s belongs to another qualification: choose a version of %(code)s.")
                              % {"version": target.version, "code": enrolment.qualification.code})
    if target.retired:
        raise ValidationError(_("Version %(version)s is retired: no one may be moved onto it.")
                              % {"version": target.version}, code="retired")
    if enrolment.status not in (EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED):
        raise ValidationError(_("This enrolment is %(status)s: its portfolio is read-only and stays on its version.")
                              % {"status": enrolment.get_status_display().lower()}, code="frozen")


def _judged(mapping: Mapping) -> bool:
    return bool(mapping.__dict__["judged"])  # annotated by _mappings


def _mappings(enrolment: Enrolment) -> list[Mapping]:
    return list(
        Mapping.objects.filter(version__item__enrolment=enrolment,
                               assessable_item__unit__qualification_id=enrolment.qualification_id)
        .annotate(judged=Exists(Decision.objects.filter(mapping=OuterRef("pk"))))
        .select_related("assessable_item__unit")
    )


def _verdict(qualification: Qualification, codes: list[str], pathway: str | None) -> tuple[bool, tuple[str, ...]]:
    evaluation = evaluate(spec_for(qualification), codes, pathway)
    return evaluation.valid, tuple(result.message for result in evaluation.results if not result.met)


def move_plan(*, enrolment: Enrolment, target: Qualification) -> MovePlan:
    """What moving `enrolment` to `target` would change for the candidate; writes nothing."""
    _check_target(enrolment, target)
    source = enrolment.qualification
    match = _match(source, target)
    plan = MovePlan(enrolment=enrolment, target=target)
    chosen = list(UnitChoice.objects.filter(enrolment=enrolment).select_related("unit"))
    signed_units = set(UnitSignOff.objects.current().filter(enrolment=enrolment).values_list("unit__code", flat=True))
    plan.units = [
        UnitFate(**{**match.fates[choice.unit.code].__dict__, "signed_off": choice.unit.code in signed_units})
        for choice in chosen
    ]
    chosen_codes = {choice.unit.code for choice in chosen}
    plan.new_units = tuple(code for code in match.units if code not in match.fates)
    pathway = enrolment.pathway.name if enrolment.pathway is not None else None
    plan.pathway_gone = bool(pathway) and not Pathway.objects.filter(qualification=target, name=pathway).exists()
    for mapping in _mappings(enrolment):
        item = mapping.assessable_item
        if mapping.assessable_item_id in match.same_items:
            plan.claims_kept += 1
        elif _judged(mapping):
            plan.claims_left += 1
        elif (item.unit.code, item.code) in match.items:
            plan.claims_rejudged += 1
        else:
            plan.claims_withdrawn += 1
    plan.items_carried = (
        ItemSignOff.objects.current().filter(enrolment=enrolment, assessable_item__in=match.same_items).count()
    )
    plan.units_carried = tuple(sorted(code for code in signed_units if match.fates[code].fate == SAME))
    plan.units_reopened = tuple(sorted(code for code in signed_units if match.fates[code].fate != SAME))
    plan.valid_before = _verdict(source, sorted(chosen_codes), pathway)[0]
    kept = sorted(code for code in chosen_codes if code in match.units)
    plan.valid_after, plan.short_after = _verdict(target, kept, None if plan.pathway_gone else pathway)
    return plan


@transaction.atomic
def enrolment_move(*, enrolment: Enrolment, target: Qualification, by: User) -> MovePlan:
    """Move the enrolment to `target`, another version of its qualification, as `move_plan` describes."""
    refuse_own_enrolment(enrolment=enrolment, by=by)
    # Only the enrolment's row is locked (PostgreSQL refuses FOR UPDATE on the nullable pathway's side).
    locked = Enrolment.objects.select_for_update(of=("self",)).select_related(
        "qualification", "pathway", "candidate"
    ).get(pk=enrolment.pk)
    plan = move_plan(enrolment=locked, target=target)
    source = locked.qualification
    match = _match(source, target)
    _move_choices(locked, match)
    _move_mappings(locked, match)
    carried = _carry_sign_offs(locked, match)
    locked.qualification = target
    if locked.pathway is not None:
        locked.pathway = Pathway.objects.filter(qualification=target, name=locked.pathway.name).first()
    locked.save(update_fields=["qualification", "pathway"])
    summary = plan.summary()
    trail.record(
        actor=by, action="enrolment moved", obj=locked, enrolment_id=locked.pk,
        before={"qualification": source.code, "version": source.version},
        after={"qualification": target.code, "version": target.version, "carried": carried, "summary": summary},
    )
    send_after_commit(to=locked.candidate.email, template="assessments/email/enrolment_moved", context={
        "enrolment": locked, "source": source, "target": target, "summary": summary,
        "link": absolute_url("candidates:unit_choice", pk=locked.pk),
    })
    plan.enrolment = locked
    return plan


def _move_choices(enrolment: Enrolment, match: _Match) -> None:
    for model in (UnitChoice, SelfAssessment):
        for row in model.objects.filter(enrolment=enrolment).select_related("unit"):
            new_unit = match.units.get(row.unit.code)
            if new_unit is None:
                row.delete()
            else:
                row.unit = new_unit
                row.save(update_fields=["unit"])


def _move_mappings(enrolment: Enrolment, match: _Match) -> None:
    for mapping in _mappings(enrolment):
        item = mapping.assessable_item
        new_item = match.items.get((item.unit.code, item.code))
        if new_item is not None and mapping.assessable_item_id in match.same_items:
            mapping.assessable_item = new_item
            mapping.save(update_fields=["assessable_item"])
        elif _judged(mapping):
            continue  # judged against wording that changed or went: history of the old version
        elif new_item is not None:
            mapping.assessable_item = new_item
            mapping.status = MappingStatus.CLAIMED
            mapping.save(update_fields=["assessable_item", "status"])
        else:
            mapping.delete()


def _carry_sign_offs(enrolment: Enrolment, match: _Match) -> dict[str, list[str]]:
    """Copy the current sign-offs of unchanged items and units onto the new version's rows."""
    carried: dict[str, list[str]] = {"items": [], "units": []}
    item_sign_offs = (
        ItemSignOff.objects.current().filter(enrolment=enrolment, assessable_item__in=match.same_items)
        .select_related("assessable_item__unit").prefetch_related("evidence")
    )
    for old in item_sign_offs:
        item = old.assessable_item
        new = ItemSignOff.objects.create(
            enrolment=enrolment, assessable_item=match.items[(item.unit.code, item.code)], round=0, by_id=old.by_id,
            at=old.at, carried_from=old,
        )
        SignedEvidence.objects.bulk_create(
            SignedEvidence(sign_off=new, version_id=row.version_id, version_number=row.version_number,
                           title=row.title, file_name=row.file_name, sha256=row.sha256)
            for row in old.evidence.all()
        )
        carried["items"].append(str(item))
    declarations = {}
    for old_declaration in LearnerDeclaration.objects.filter(enrolment=enrolment).select_related("unit"):
        code = old_declaration.unit.code
        if match.fates[code].fate == SAME:
            declarations[code] = LearnerDeclaration.objects.create(
                enrolment=enrolment, unit=match.units[code], text=old_declaration.text, by_id=old_declaration.by_id,
                at=old_declaration.at, carried_from=old_declaration,
            )
    unit_sign_offs = UnitSignOff.objects.current().filter(enrolment=enrolment).select_related(
        "unit", "sample", "countersignature"
    )
    for old_unit in unit_sign_offs:
        code = old_unit.unit.code
        if code in declarations:
            carried["units"].append(code)
            _carry_unit(old_unit, match.units[code], declarations[code])
    return {kind: sorted(codes) for kind, codes in carried.items()}


def _carry_unit(old: UnitSignOff, unit: Unit, declaration: LearnerDeclaration) -> None:
    new = UnitSignOff.objects.create(
        enrolment_id=old.enrolment_id, unit=unit, declaration=old.declaration, learner_declaration=declaration,
        by_id=old.by_id, at=old.at, carried_from=old,
    )
    sample = getattr(old, "sample", None)
    if sample is not None:
        UnitSample.objects.create(unit_sign_off=new, by_id=sample.by_id, at=sample.at)
    countersignature = getattr(old, "countersignature", None)
    if countersignature is not None:
        Countersignature.objects.create(unit_sign_off=new, comment=countersignature.comment,
                                        by_id=countersignature.by_id, at=countersignature.at)
