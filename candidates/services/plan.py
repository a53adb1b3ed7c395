"""The candidate's first steps: the initial self-assessment and the plan of units.

Writes (`self_assessment_save`, `plan_save`) are atomic, keyword-only and raise
``ValidationError`` with a message a person can act on. Reads build what the
pages show from the catalogue's `Spec` (one set of queries per request, however
many units) and hand the rules engine and the planner plain unit codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from portfolio_site.paging import count_up_to
from portfolio_site.prepared import prepared
from units.cache import cached_spec
from units.models import Unit
from units.planner import Impossible, Plan, plan
from units.rules import Evaluation, PathwayError, Spec, UnknownUnits, evaluate
from units.rules.vocabulary import ValueName
from units.translation import columns

from ..access import arms_of, enrolments_visible_to
from ..models import (
    Coverage,
    Enrolment,
    PlanStatus,
    RoleKind,
    SelfAssessment,
    UnitChoice,
    User,
    visible_arms,
)
from ..signals import assessed_work, preferred_units
from .enrolment import ensure_open

HOME_PAGE_SIZE = 100
#: The staff table of the home page counts this many enrolments at most: a centre of 100,000 is not counted on every
#: visit to the home page (the enrolment list, with its search, reaches every one).
HOME_LISTED_AT_MOST = 1000

# --------------------------------------------------------------------------- reads


def pathway_of(enrolment: Enrolment) -> str | None:
    """The name of the pathway the enrolment follows, as the rules engine knows it."""
    return enrolment.pathway.name if enrolment.pathway is not None else None


def mandatory_codes(spec: Spec, pathway: str | None) -> frozenset[str]:
    """The units every plan must contain: the scope of each mandatory rule that applies to `pathway`."""
    codes: set[str] = set()
    for rule in spec.rules:
        if rule.kind != "mandatory" or rule.pathway not in (None, pathway):
            continue
        if rule.units:
            codes.update(rule.units)
        elif rule.groups:
            codes.update(u.code for u in spec.units if u.group is not None and _in_groups(spec, u.group, rule.groups))
        else:
            codes.update(u.code for u in spec.units)
    return frozenset(codes)


def _in_groups(spec: Spec, group: str, wanted: tuple[str, ...]) -> bool:
    parents = {g.code: g.parent for g in spec.groups}
    current: str | None = group
    while current is not None:
        if current in wanted:
            return True
        current = parents.get(current)
    return False


def saved_codes(enrolment: Enrolment) -> list[str]:
    """The unit codes of the enrolment's saved plan, in spec order."""
    return list(enrolment.unit_choices.order_by("unit__order", "unit__code").values_list("unit__code", flat=True))


def coverage_by_unit(enrolment: Enrolment) -> dict[str, str]:
    """The self-assessment as {unit code: coverage}; units not assessed yet are absent."""
    return dict(enrolment.self_assessments.values_list("unit__code", "coverage"))


def suggestion_preferences(enrolment: Enrolment) -> tuple[str, ...]:
    """Units the planner should prefer for `enrolment`: what the self-assessment says the job covers
    (fully, then partly), then what later apps answer to the `preferred_units` signal (evidence: units
    that already have evidence)."""
    preferred = list(planner_preferences(coverage_by_unit(enrolment)))
    # send(), not send_robust(): a failing receiver is a bug to see, not a preference to drop quietly.
    for _receiver, codes in preferred_units.send(sender=Enrolment, enrolment=enrolment):
        preferred.extend(cast(Iterable[str], codes))  # receivers answer unit codes; Signal.send is loosely typed
    return tuple(dict.fromkeys(preferred))


def planner_preferences(coverage: Mapping[str, str]) -> tuple[str, ...]:
    """Units the planner should prefer, best first: those the job covers fully, then partly."""
    fully = sorted(code for code, value in coverage.items() if value == Coverage.FULLY)
    partly = sorted(code for code, value in coverage.items() if value == Coverage.PARTLY)
    return (*fully, *partly)


def with_mandatory(spec: Spec, pathway: str | None, codes: Iterable[str]) -> list[str]:
    """`codes` plus the mandatory units, without duplicates, in spec order.

    Codes the spec does not have are kept, at the end, so the rules engine names them.
    """
    wanted = set(codes) | mandatory_codes(spec, pathway)
    known = [u.code for u in spec.units if u.code in wanted]
    return known + sorted(wanted.difference(known))


def plan_check(*, spec: Spec, pathway: str | None, codes: Iterable[str]) -> Evaluation:
    """Evaluate the units `codes` (mandatory units always included) against the rules of combination.

    Raises ValidationError for a code the qualification does not have or a pathway that does not apply.
    """
    try:
        return evaluate(spec, with_mandatory(spec, pathway, codes), pathway)
    except UnknownUnits as error:
        raise ValidationError(gettext("%(problem)s. Choose from the units listed.") % {"problem": error}) from error
    except PathwayError as error:
        raise ValidationError(
            gettext("%(problem)s. Ask your centre to set your pathway.") % {"problem": error}) from error


def plan_suggest(
    *, spec: Spec, pathway: str | None, codes: Iterable[str], prefer: Iterable[str] = ()
) -> Plan | Impossible:
    """The planner's smallest completion of `codes` (mandatory units included), preferring the units `prefer`.

    Nothing is saved: the page pre-ticks the proposal for the candidate to accept or change. The
    preferences are a parameter because candidates may not import later apps: the unit-choice view
    passes the self-assessment's (`planner_preferences`), and a page of a later app may add the units
    that already have evidence. Among completions of the same total and size the planner takes the one
    with the most preferred units; it weighs every preferred unit alike, so "fully" before "partly"
    only orders the list.
    """
    try:
        return plan(spec, with_mandatory(spec, pathway, codes), prefer=tuple(prefer), pathway=pathway)
    except PathwayError as error:
        return Impossible((f"{error}. Ask your centre to set your pathway.",))
    except UnknownUnits as error:
        return Impossible((f"{error}. Choose from the units listed.",))


@dataclass(frozen=True)
class HomeEnrolments:
    """What the home page lists: the person's own enrolments, and a page of those they may see as staff."""

    own: list[Enrolment]
    others: Page[Enrolment]
    #: More enrolments than `listed_at_most` (HOME_LISTED_AT_MOST): the pages reach the first of them only.
    more: bool = False
    listed_at_most: int = 0


#: What a home-page row shows; loading only these keeps a page of 100 rows cheap to build.
HOME_FIELDS = (
    "status", "plan_status", "plan_saved_at", "candidate__first_name", "candidate__last_name", "candidate__email",
    # The title as its reader reads it: their language's column, else the English (units/translation.py).
    "qualification__title", *(f"qualification__{name}" for name in columns("title")), "qualification__kind",
    "centre__name", "assessor__first_name", "assessor__last_name", "assessor__email",
)
IQA_FIELDS = ("iqa__first_name", "iqa__last_name", "iqa__email")


def _annotated(queryset: QuerySet[Enrolment], *, with_iqa: bool) -> QuerySet[Enrolment]:
    related = ("candidate", "centre", "qualification", "assessor", *(("iqa",) if with_iqa else ()))
    return (
        queryset.select_related(*related)
        .only(*HOME_FIELDS, *(IQA_FIELDS if with_iqa else ()))
        # One index probe a row (a scalar subquery of one row): as EXISTS, PostgreSQL may hash every
        # self-assessment of the centre to answer it for a page of 50.
        .annotate(has_self_assessment=Coalesce(
            Subquery(SelfAssessment.objects.filter(enrolment=OuterRef("pk")).order_by()
                     .annotate(found=Value(True)).values("found")[:1]), Value(False)))
    )


# The home page's lists, of the same shapes for everyone whose roles are alike: compiled once a process. Within
# `visible_condition`, a person's own enrolments are those they are the candidate of; the others, the rest.
_own = prepared(lambda person: _annotated(Enrolment.objects.filter(candidate_id=person), with_iqa=True))
_others = prepared(lambda bottom, top, person, assessing, assuring, whole: _annotated(
    Enrolment.objects.filter(visible_arms(person, assessing, assuring, whole)).exclude(candidate_id=person),
    with_iqa=False)[bottom:top])


def home_enrolments(user: User, *, page: int | str | None = 1) -> HomeEnrolments:
    """The enrolments the home page shows `user`, in a fixed number of queries however many there are."""
    visible = enrolments_visible_to(user)
    own = _own(person=user.pk)
    # Holding no role but the candidate's (and not a superuser), a person sees only their own enrolments
    # (visible_condition has no other arm for them): no query for the others.
    staff = user.is_superuser or bool(user.role_kinds - {RoleKind.CANDIDATE})
    others_of = _annotated(visible.exclude(candidate=user), with_iqa=False) if staff else Enrolment.objects.none()
    paginator = Paginator(others_of, HOME_PAGE_SIZE)
    more = count_up_to(paginator, others_of.values("pk"), HOME_LISTED_AT_MOST) if staff else False
    others = paginator.get_page(page)
    arms = arms_of(user)
    if staff and arms is not None and paginator.count:
        bottom = (others.number - 1) * HOME_PAGE_SIZE
        others.object_list = _others(fixed={"bottom": bottom, "top": bottom + HOME_PAGE_SIZE}, **arms)
    return HomeEnrolments(own=own, others=others, more=more, listed_at_most=HOME_LISTED_AT_MOST)


def total_words(spec: Spec, total: int) -> str:
    """'42 credits', '100 unit values', '6 units'."""
    if spec.value_name == ValueName.UNIT_VALUES:
        text = ngettext("%(count)d unit value", "%(count)d unit values", total)
    elif spec.value_name == ValueName.CREDITS:
        text = ngettext("%(count)d credit", "%(count)d credits", total)
    else:
        text = ngettext("%(count)d unit", "%(count)d units", total)
    return text % {"count": total}


def assessed_work_dropped(*, enrolment: Enrolment, spec: Spec, codes: Iterable[str]) -> dict[str, str]:
    """{unit code: what becomes of its assessed work} for the saved plan's units that `codes` would drop and that
    have assessed work (later apps answer the `assessed_work` signal). One query, and the receivers' own."""
    chosen = set(with_mandatory(spec, pathway_of(enrolment), codes))
    dropped = [code for code in saved_codes(enrolment) if code not in chosen]
    if not dropped:
        return {}
    work: dict[str, str] = {}
    for _receiver, answer in assessed_work.send(sender=Enrolment, enrolment=enrolment, codes=dropped):
        work.update(cast(Mapping[str, str], answer))  # receivers answer {code: words}; Signal.send is loosely typed
    return {code: work[code] for code in dropped if code in work}


class AssessedWorkDropped(ValidationError):
    """A plan would drop units with assessed work: `work` says, per unit code, what becomes of it; save again with
    ``confirm_drop=True`` once the candidate has confirmed."""

    def __init__(self, work: dict[str, str]) -> None:
        super().__init__(
            gettext("Your new plan drops %(units)s, which already have work signed off. Confirm before it is saved.")
            % {"units": ", ".join(work)}, code="assessed_work_dropped",
        )
        self.work = work


# --------------------------------------------------------------------------- writes


@transaction.atomic
def self_assessment_save(*, enrolment: Enrolment, coverage: Mapping[str, str], by: User) -> int:
    """Record how far the candidate's job covers each unit ({unit code: fully|partly|not_yet}).

    Replaces earlier answers for the units given; returns how many units were recorded.
    """
    ensure_open(enrolment)
    valid = set(Coverage.values)
    wrong = sorted(code for code, value in coverage.items() if value not in valid)
    if wrong:
        raise ValidationError(gettext("Choose fully, partly or not yet for %(units)s.") % {"units": ", ".join(wrong)})
    units = dict(Unit.objects.filter(qualification_id=enrolment.qualification_id).values_list("code", "pk"))
    unknown = sorted(set(coverage) - set(units))
    if unknown:
        raise ValidationError(gettext("This qualification has no unit %(units)s.") % {"units": ", ".join(unknown)})
    rows = [
        SelfAssessment(enrolment=enrolment, unit_id=units[code], coverage=value) for code, value in coverage.items()
    ]
    SelfAssessment.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["enrolment", "unit"], update_fields=["coverage", "updated_at"]
    )
    return len(rows)


@transaction.atomic
def plan_save(
    *, enrolment: Enrolment, codes: Iterable[str], by: User, spec: Spec | None = None, confirm_drop: bool = False
) -> Evaluation:
    """Save the units `codes` (mandatory units added) as the enrolment's plan.

    A plan that meets every rule is saved as valid; one that does not is kept as a draft.
    A plan that drops units with assessed work raises AssessedWorkDropped (nothing saved) unless `confirm_drop`.
    Returns the evaluation the status was decided by.
    """
    ensure_open(enrolment)
    codes = list(codes)
    spec = spec or cached_spec(enrolment.qualification)
    pathway = pathway_of(enrolment)
    evaluation = plan_check(spec=spec, pathway=pathway, codes=codes)
    chosen = with_mandatory(spec, pathway, codes)
    # Lock the enrolment row so two saves of the same plan cannot interleave their deletes and inserts.
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).values_list("pk").first()
    if not confirm_drop:
        work = assessed_work_dropped(enrolment=enrolment, spec=spec, codes=codes)
        if work:
            raise AssessedWorkDropped(work)
    units = dict(
        Unit.objects.filter(qualification_id=enrolment.qualification_id, code__in=chosen).values_list("code", "pk")
    )
    UnitChoice.objects.filter(enrolment=enrolment).exclude(unit_id__in=units.values()).delete()
    UnitChoice.objects.bulk_create(
        [UnitChoice(enrolment=enrolment, unit_id=pk) for pk in units.values()], ignore_conflicts=True
    )
    enrolment.plan_status = PlanStatus.VALID if evaluation.valid else PlanStatus.DRAFT
    enrolment.plan_saved_at = timezone.now()
    enrolment.save(update_fields=["plan_status", "plan_saved_at"])
    return evaluation
