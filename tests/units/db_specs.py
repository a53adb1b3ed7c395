"""Save a hand-built `units.rules.Spec` as catalogue rows, for the tests that need the database."""

from __future__ import annotations

from units.models import AssessableItem, Group, Pathway, Qualification, Rule, Unit
from units.rules import Spec


def save_spec(spec: Spec, *, version_order: int = 1, items: bool = True, **fields) -> Qualification:
    """The spec as rows; each unit gets one unit-level assessable item unless `items` is False."""
    qualification = Qualification.objects.create(
        code=spec.code, version=spec.version, version_order=version_order, title=spec.title,
        value_name=spec.value_name, **fields,
    )
    pathways = {
        name: Pathway.objects.create(qualification=qualification, name=name, order=n)
        for n, name in enumerate(spec.pathways)
    }
    groups: dict[str, Group] = {}
    for n, g in enumerate(spec.groups):
        groups[g.code] = Group.objects.create(
            qualification=qualification, code=g.code, title=g.title, parent=groups.get(g.parent) if g.parent else None,
            order=n,
        )
    units: dict[str, Unit] = {}
    for n, u in enumerate(spec.units):
        units[u.code] = unit = Unit.objects.create(
            qualification=qualification, group=groups[u.group] if u.group else None, code=u.code, title=u.title,
            level=u.level, value=u.value, glh=u.glh, tqt=u.tqt, barring_code=u.barring_code, order=n,
        )
        if items:
            AssessableItem.objects.create(unit=unit, code=u.code, text=u.title, order=0)
    for n, r in enumerate(spec.rules):
        rule = Rule.objects.create(
            qualification=qualification, pathway=pathways[r.pathway] if r.pathway else None, identifier=r.identifier,
            kind=r.kind, measure=r.measure, minimum=r.minimum, maximum=r.maximum, level=r.level, level_op=r.level_op,
            per_group=r.per_group, message=r.message, order=n,
        )
        rule.groups.set([groups[c] for c in r.groups])
        rule.units.set([units[c] for c in r.units])
    return qualification
