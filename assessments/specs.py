"""The rules-engine Spec of a qualification, for eligibility.

`units.spec.spec_for` is the catalogue's builder; until it is present in the tree
this module builds the same plain dataclasses from the database itself (three
queries), so eligibility never depends on the order the apps land in.
"""

from __future__ import annotations

from units.models import Qualification
from units.rules import GroupSpec, RuleSpec, Spec, UnitSpec


def spec_of(qualification: Qualification) -> Spec:
    """The qualification's rules of combination and units as a pure `Spec`."""
    try:
        from units.spec import spec_for
    except ImportError:
        return _build(qualification)
    return spec_for(qualification)


def _build(qualification: Qualification) -> Spec:
    units = tuple(
        UnitSpec(code=u.code, title=u.title, group=u.group.code if u.group_id else None, level=u.level,
                 value=u.value, glh=u.glh, tqt=u.tqt, barring_code=u.barring_code)
        for u in qualification.units.select_related("group").order_by("order", "code")
    )
    groups = tuple(
        GroupSpec(code=g.code, title=g.title, parent=g.parent.code if g.parent_id else None)
        for g in qualification.groups.select_related("parent").order_by("order", "code")
    )
    rules = tuple(
        RuleSpec(
            identifier=r.identifier, kind=r.kind, message=r.message, measure=r.measure, minimum=r.minimum,
            maximum=r.maximum, groups=tuple(g.code for g in r.groups.all()), units=tuple(u.code for u in r.units.all()),
            level=r.level, level_op=r.level_op, per_group=r.per_group, pathway=r.pathway.name if r.pathway_id else None,
        )
        for r in qualification.rules.select_related("pathway").prefetch_related("groups", "units").order_by("order")
    )
    pathways = tuple(p.name for p in qualification.pathways.order_by("order", "name"))
    return Spec(code=qualification.code, version=qualification.version, title=qualification.title,
                value_name=qualification.value_name, units=units, groups=groups, rules=rules, pathways=pathways)
