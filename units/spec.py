"""The ORM side of the rules engine: a qualification's rules of combination as a `units.rules.Spec`.

`spec_for` reads a qualification in a fixed number of queries (six, whatever its
size) and builds the pure dataclasses; `resolve_qualification` turns "CODE" (the
latest version) or "CODE@VERSION" into a Qualification.
"""

from __future__ import annotations

from units.models import Group, Pathway, Qualification, Rule, Unit
from units.rules import GroupSpec, RuleSpec, Spec, SpecError, UnitSpec

__all__ = ["spec_for", "resolve_qualification", "UnknownQualification"]


class UnknownQualification(Qualification.DoesNotExist, SpecError):
    """No qualification has that code (or that version)."""


def resolve_qualification(code_or_code_at_version: str) -> Qualification:
    """The latest version of CODE (highest version_order), or exactly CODE@VERSION."""
    text = code_or_code_at_version.strip()
    code, at, version = text.partition("@")
    if not code:
        raise UnknownQualification("No qualification code given")
    versions = Qualification.objects.filter(code=code).order_by("-version_order", "-pk")
    if at:
        found = versions.filter(version=version).first()
        if found is None:
            known = list(versions.values_list("version", flat=True))
            if not known:
                raise UnknownQualification(f"Unknown qualification {code!r}{_known_codes()}")
            raise UnknownQualification(
                f"Qualification {code!r} has no version {version!r}; versions: {', '.join(known)}"
            )
        return found
    found = versions.first()
    if found is None:
        raise UnknownQualification(f"Unknown qualification {code!r}{_known_codes()}")
    return found


def _known_codes() -> str:
    codes = sorted(set(Qualification.objects.values_list("code", flat=True)))
    return f"; known codes: {', '.join(codes)}" if codes else "; no qualifications are loaded"


def spec_for(qualification: Qualification) -> Spec:
    """The qualification's units, groups, rules and pathways as a Spec, in spec order (six queries)."""
    pathways = tuple(Pathway.objects.filter(qualification=qualification).values_list("name", flat=True))
    groups = tuple(
        GroupSpec(code, title, parent)
        for code, title, parent in Group.objects.filter(qualification=qualification).values_list(
            "code", "title", "parent__code"
        )
    )
    units = tuple(
        UnitSpec(code, title, group, level, value, glh, tqt, barring or "")
        for code, title, group, level, value, glh, tqt, barring in Unit.objects.filter(
            qualification=qualification
        ).values_list("code", "title", "group__code", "level", "value", "glh", "tqt", "barring_code")
    )
    rule_groups: dict[int, list[str]] = {}
    for rule_id, code in (
        Rule.groups.through.objects.filter(rule__qualification=qualification)
        .order_by("group__order", "group__code")
        .values_list("rule_id", "group__code")
    ):
        rule_groups.setdefault(rule_id, []).append(code)
    rule_units: dict[int, list[str]] = {}
    for rule_id, code in (
        Rule.units.through.objects.filter(rule__qualification=qualification)
        .order_by("unit__order", "unit__code")
        .values_list("rule_id", "unit__code")
    ):
        rule_units.setdefault(rule_id, []).append(code)
    rules = tuple(
        RuleSpec(
            identifier=identifier,
            kind=kind,
            message=message,
            measure=measure,
            minimum=minimum,
            maximum=maximum,
            groups=tuple(rule_groups.get(pk, ())),
            units=tuple(rule_units.get(pk, ())),
            level=level,
            level_op=level_op or "eq",
            per_group=per_group,
            pathway=pathway,
        )
        for pk, identifier, kind, message, measure, minimum, maximum, level, level_op, per_group, pathway in (
            Rule.objects.filter(qualification=qualification).values_list(
                "pk", "identifier", "kind", "message", "measure", "minimum", "maximum", "level", "level_op",
                "per_group", "pathway__name",
            )
        )
    )
    return Spec(
        code=qualification.code,
        version=qualification.version,
        title=qualification.title,
        value_name=qualification.value_name,
        units=units,
        groups=groups,
        rules=rules,
        pathways=pathways,
    )
