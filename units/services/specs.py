"""Publishing, replacing, retiring and deleting a qualification spec: the one loader.

`manage.py load_specs`, `manage.py loaddata` of a spec file and the browser all come here.
`check_spec` reads a file, refuses duplicates and unknown values (units.specfile), writes it
in a transaction it always rolls back, runs every check of `validate_specs` on what it
wrote, and says how the file differs from the version it would replace. `publish_spec`
does the same and keeps the result when nothing is wrong. A version with enrolments is
immutable (a changed file must be a new version); one without can be replaced exactly or
deleted. Every function here is atomic and keyword-only and records its audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit import trail
from units.models import Qualification
from units.rules import Spec
from units.spec import spec_for
from units.specfile import MODELS, Key, SpecFile, SpecFileError, entry_key, file_fields, label, read_spec
from units.translation import TRANSLATED, column, own_column
from units.validation import problems as spec_problems

__all__ = ["SpecCheck", "check_spec", "publish_spec", "retire_spec", "delete_spec", "enrolment_count"]

# How each model's rows of one qualification are found.
_OF_QUALIFICATION = {
    "units.qualification": "pk",
    "units.group": "qualification",
    "units.pathway": "qualification",
    "units.unit": "qualification",
    "units.outcome": "unit__qualification",
    "units.criterion": "outcome__unit__qualification",
    "units.assessableitem": "unit__qualification",
    "units.rule": "qualification",
    "units.duty": "qualification",
    "units.gatewayrequirement": "qualification",
}


@dataclass(frozen=True)
class SpecCheck:
    """What loading a file would do: its problems (one line each), the spec, and how it differs."""

    name: str
    problems: tuple[str, ...]
    code: str = ""
    version: str = ""
    spec: Spec | None = None
    replaces: bool = False  # the version is already loaded
    changes: tuple[str, ...] = ()  # against the loaded version: 'added unit F9', 'changed rule total: minimum'

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unchanged(self) -> bool:
        """The version is loaded exactly as the file gives it: loading it writes nothing."""
        return self.replaces and not self.changes


def _in_file(name: str, problems: Iterable[str]) -> tuple[str, ...]:
    """Each problem as one line naming the file."""
    return tuple(_("%(file)s: %(problem)s") % {"file": name, "problem": problem} for problem in problems)


class _Rollback(Exception):
    def __init__(self, check: SpecCheck) -> None:
        super().__init__(check.name)
        self.check = check


def enrolment_count(qualification: Qualification) -> int:
    """Enrolments on this version, through the reverse relation later apps name `enrolments` (units imports none)."""
    related = getattr(qualification, "enrolments", None)
    return int(related.count()) if related is not None else 0


# --------------------------------------------------------------------------- checking and publishing


def check_spec(*, content: bytes, name: str) -> SpecCheck:
    """Everything loading `content` would find and change, without changing anything."""
    return _load(content, name, keep=False, by=None)


def publish_spec(*, content: bytes, name: str, by: Any = None) -> SpecCheck:
    """Load a spec file as a new version, or replace a version without enrolments exactly; all or nothing.

    ValidationError, one message a problem each naming `name`, when anything is wrong; nothing is written then.
    """
    check = _load(content, name, keep=True, by=by)
    if check.problems:
        raise ValidationError(list(check.problems))
    return check


def _load(content: bytes, name: str, *, keep: bool, by: Any) -> SpecCheck:
    try:
        spec_file = read_spec(content)
    except SpecFileError as error:
        return SpecCheck(name, _in_file(name, error.problems))
    try:
        with transaction.atomic():
            check = _write(spec_file, name, by)
            if not keep or check.problems:
                raise _Rollback(check)
            return check
    except _Rollback as rollback:
        return rollback.check


def _write(spec_file: SpecFile, name: str, by: Any) -> SpecCheck:
    """Inside a transaction: write the file's version (unless it is loaded unchanged) and check the result."""
    existing = Qualification.objects.select_for_update().filter(
        code=spec_file.code, version=spec_file.version
    ).first()
    changes = tuple(_changes(existing, spec_file)) if existing is not None else ()
    found = [*_version_problems(spec_file, existing, changes)]
    if found:
        return SpecCheck(name, _in_file(name, found), spec_file.code, spec_file.version,
                         replaces=existing is not None, changes=changes)
    if existing is None or changes:
        qualification = _replace(existing, spec_file)
    else:
        qualification = existing
    found = spec_problems(qualification)
    spec = spec_for(qualification) if not found else None
    check = SpecCheck(name, _in_file(name, found), spec_file.code, spec_file.version, spec,
                      replaces=existing is not None, changes=changes)
    if not found and (existing is None or changes):
        trail.record(actor=by, action="spec replaced" if existing else "spec published", obj=qualification,
                     after={"file": name, "changes": list(changes)[:50]})
    return check


def _version_problems(spec_file: SpecFile, existing: Qualification | None, changes: tuple[str, ...]) -> Iterator[str]:
    where = {"code": spec_file.code, "version": spec_file.version}
    if existing is not None and changes:
        enrolled = enrolment_count(existing)
        if enrolled:
            shown = "; ".join([*changes[:3], *(["..."] if len(changes) > 3 else [])])
            yield ngettext(
                "%(code)s version %(version)s has %(count)d enrolment, so it cannot change (%(changes)s): publish "
                "the file as a new version (a new version and a higher version_order)",
                "%(code)s version %(version)s has %(count)d enrolments, so it cannot change (%(changes)s): "
                "publish the file as a new version (a new version and a higher version_order)",
                enrolled,
            ) % {**where, "count": enrolled, "changes": shown}
    order = spec_file.qualification.fields.get("version_order", 1)
    clash = Qualification.objects.filter(code=spec_file.code, version_order=order).exclude(version=spec_file.version)
    other = clash.values_list("version", flat=True).first()
    if other is not None:
        highest = Qualification.objects.filter(code=spec_file.code).aggregate(models.Max("version_order"))
        yield _("%(code)s version %(version)s: version_order %(order)s is already version %(other)s's: give it a "
                "higher one (e.g. %(suggested)d)") % {**where, "order": order, "other": other,
                                                       "suggested": (highest["version_order__max"] or 0) + 1}


def _replace(existing: Qualification | None, spec_file: SpecFile) -> Qualification:
    """Write the file's rows; the version's rows the file does not give are gone."""
    retired = existing.retired if existing is not None else False
    if existing is not None:
        _delete_rows(existing)
    for entry in spec_file.entries:
        row = {"model": entry.model, "fields": _columns(entry.model, entry.fields)}
        (obj,) = serializers.deserialize("python", [row])
        obj.save()
    qualification = Qualification.objects.get(code=spec_file.code, version=spec_file.version)
    if retired:
        Qualification.objects.filter(pk=qualification.pk).update(retired=True)
        qualification.retired = True
    return qualification


def _columns(model_label: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The file's fields with every language column of its translated fields given.

    The English column takes the field's own wording; a translation the file does not give is empty (the
    reader then sees the English). Each is given, so nothing is filled from whichever language is active.
    """
    out = dict(fields)
    for name in TRANSLATED.get(model_label, ()):
        for code, _name in settings.LANGUAGES:
            out.setdefault(column(name, code), None)
        field = MODELS[model_label]._meta.get_field(name)
        assert isinstance(field, models.Field)
        out[own_column(name)] = fields.get(name, field.get_default())
    return out


def _delete_rows(qualification: Qualification) -> None:
    """Every row of the version but the qualification's own, children first."""
    for model_label in reversed(list(MODELS)[1:]):
        model = MODELS[model_label]
        model._default_manager.filter(**{_OF_QUALIFICATION[model_label]: qualification.pk}).delete()


# --------------------------------------------------------------------------- how a file differs from the database


def _changes(qualification: Qualification, spec_file: SpecFile) -> Iterator[str]:
    """'added unit F9', 'removed rule old', 'changed unit F3: title, level', in load order."""
    loaded = _loaded(qualification)
    given = {(e.model, e.key): _normal(e.model, e.fields) for e in spec_file.entries}
    for (model, key), fields in given.items():
        before = loaded.get((model, key))
        if before is None:
            yield _("added %(object)s") % {"object": label(model, key)}
        elif before != fields:
            changed = [name for name in fields if fields[name] != before.get(name)]
            yield _("changed %(object)s: %(fields)s") % {"object": label(model, key), "fields": ", ".join(changed)}
    for model, key in loaded:
        if (model, key) not in given:
            yield _("removed %(object)s") % {"object": label(model, key)}


def _loaded(qualification: Qualification) -> dict[tuple[str, Key], dict[str, Any]]:
    rows: dict[tuple[str, Key], dict[str, Any]] = {}
    for model_label, model in MODELS.items():
        queryset = model._default_manager.filter(**{_OF_QUALIFICATION[model_label]: qualification.pk})
        for obj in serializers.serialize("python", queryset, use_natural_foreign_keys=True,
                                         use_natural_primary_keys=True):
            fields = obj["fields"]
            # The field as a reader sees it is in the active language: compare the spec's own wording.
            fields.update({name: fields[own_column(name)] for name in TRANSLATED.get(model_label, ())})
            key = entry_key(model_label, fields)
            assert key is not None
            rows[(model_label, key)] = _normal(model_label, fields)
    return rows


def _normal(model_label: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Every field the file may give, with defaults filled in and keys as tuples, for comparing."""
    out: dict[str, Any] = {}
    for name, field in file_fields(MODELS[model_label]).items():
        value = fields.get(name, None if field.is_relation else field.get_default())
        if field.many_to_many:
            value = tuple(sorted(tuple(key) for key in value or ()))
        elif field.is_relation:
            value = tuple(value) if value is not None else None
        out[name] = value
    return out


# --------------------------------------------------------------------------- retiring and deleting


@transaction.atomic
def retire_spec(*, qualification: Qualification, by: Any = None, retired: bool = True) -> Qualification:
    """Stop (or, with retired=False, resume) new enrolments on a version; enrolled candidates stay on it."""
    locked = Qualification.objects.select_for_update().get(pk=qualification.pk)
    if locked.retired != retired:
        locked.retired = retired
        locked.save(update_fields=["retired"])
        trail.record(actor=by, action="spec retired" if retired else "spec reopened", obj=locked,
                     after={"retired": retired})
    return locked


@transaction.atomic
def delete_spec(*, qualification: Qualification, by: Any = None) -> None:
    """Delete a version no one is enrolled on, with all its rows; ValidationError when it has enrolments."""
    locked = Qualification.objects.select_for_update().get(pk=qualification.pk)
    where = {"code": locked.code, "version": locked.version}
    enrolled = enrolment_count(locked)
    if enrolled:
        raise ValidationError(ngettext(
            "%(code)s version %(version)s has %(count)d enrolment, so it cannot be deleted: retire it instead (no "
            "new enrolments; those enrolled stay on it)",
            "%(code)s version %(version)s has %(count)d enrolments, so it cannot be deleted: retire it instead "
            "(no new enrolments; those enrolled stay on it)",
            enrolled,
        ) % {**where, "count": enrolled})
    label_text, pk = str(locked), locked.pk
    try:
        locked.delete()
    except (ProtectedError, RestrictedError) as error:
        users = sorted({type(obj)._meta.verbose_name for obj in error.args[1]})
        raise ValidationError(_("%(code)s version %(version)s cannot be deleted: %(users)s still use it")
                              % {**where, "users": ", ".join(map(str, users))}) from error
    trail.record(actor=by, action="spec deleted", object_type="units.Qualification", object_id=pk,
                 object_label=label_text)
