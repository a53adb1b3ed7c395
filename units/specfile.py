"""Reading a spec file (the format of fixtures/qualifications/FORMAT.md) and checking it before anything is written.

A spec file is a JSON list of objects `{"model": "units.<name>", "fields": {...}}` with natural keys only.
`read_spec` refuses, one line each, whatever the database would silently accept or misread: an object
given twice (the later would replace the earlier), an unknown model, field or value, a missing field, a
reference to something the file does not hold. It needs no database; `units.services.specs` writes
what it returns and runs the checks of `units.validation` on the result.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from units.models import (
    AssessableItem,
    Criterion,
    Duty,
    GatewayRequirement,
    Group,
    Outcome,
    Pathway,
    Qualification,
    Rule,
    Unit,
)
from units.translation import SPEC_LANGUAGE, TRANSLATED, column, own_column, translation_languages

__all__ = ["MODELS", "NOT_IN_FILE", "KEY_FIELDS", "Entry", "SpecFile", "SpecFileError", "read_spec", "entry_key",
           "label", "file_fields"]

#: Every model a spec file holds, by its label in the file, in the order they are written to the database.
MODELS: dict[str, type[models.Model]] = {
    "units.qualification": Qualification,
    "units.group": Group,
    "units.pathway": Pathway,
    "units.unit": Unit,
    "units.outcome": Outcome,
    "units.criterion": Criterion,
    "units.assessableitem": AssessableItem,
    "units.rule": Rule,
    "units.duty": Duty,
    "units.gatewayrequirement": GatewayRequirement,
}

#: Fields that actions set, never the file (a retired version is retired by `retire_spec`).
NOT_IN_FILE = frozenset({"id", "retired"})

#: Per model: the field holding its parent's natural key (None for the qualification) and its own code's field.
KEY_FIELDS: dict[str, tuple[str | None, str]] = {
    "units.qualification": (None, "code"),
    "units.group": ("qualification", "code"),
    "units.pathway": ("qualification", "name"),
    "units.unit": ("qualification", "code"),
    "units.outcome": ("unit", "code"),
    "units.criterion": ("outcome", "code"),
    "units.assessableitem": ("unit", "code"),
    "units.rule": ("qualification", "identifier"),
    "units.duty": ("qualification", "code"),
    "units.gatewayrequirement": ("qualification", "code"),
}

Key = tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """One object of the file: its model label, natural key, fields, and place in the file (from 1)."""

    model: str
    key: Key
    fields: dict[str, Any]
    position: int


@dataclass(frozen=True)
class SpecFile:
    """A file that passed every check: its qualification's code and version and its objects, in load order."""

    code: str
    version: str
    entries: tuple[Entry, ...]

    @property
    def qualification(self) -> Entry:
        return self.entries[0]


class SpecFileError(ValueError):
    """The file cannot be loaded; `problems` says why, one line each, each naming what to change."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


def file_fields(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    """The fields a file may give for `model`, by name (many-to-many included).

    A translated field's own-language column (`title_en_gb`) is not among them: the file gives that
    wording in the field itself (`title`), and its translations as `title_cy`, `title_pl`, `title_tr`.
    """
    own = {own_column(name) for name in TRANSLATED.get(model._meta.label_lower, ())}
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    return {f.name: f for f in fields if isinstance(f, models.Field) and f.name not in NOT_IN_FILE | own}


def entry_key(model: str, fields: Mapping[str, Any]) -> Key | None:
    """The natural key of an object from its fields, as the model's `natural_key()` gives it; None if unreadable."""
    parent_field, own_field = KEY_FIELDS[model]
    own = fields.get(own_field)
    if not isinstance(own, str):
        return None
    if parent_field is None:
        version = fields.get("version")
        return (own, version) if isinstance(version, str) else None
    parent = fields.get(parent_field)
    if not isinstance(parent, list | tuple) or not _is_key(parent):
        return None
    return (*parent, own)


def label(model: str, key: Key) -> str:
    """How a message names an object: 'unit F3', 'rule total-credits', 'outcome 1.1 of unit F3'."""
    if model == "units.qualification":
        return _("the qualification %(code)s version %(version)s") % {"code": key[0], "version": key[1]}
    if model == "units.outcome":
        return _("outcome %(outcome)s of unit %(unit)s") % {"outcome": key[3], "unit": key[2]}
    if model == "units.assessableitem":
        return _("assessable item %(item)s of unit %(unit)s") % {"item": key[3], "unit": key[2]}
    if model == "units.criterion":
        return _("criterion %(criterion)s of outcome %(outcome)s of unit %(unit)s") % {
            "criterion": key[4], "outcome": key[3], "unit": key[2]}
    return _noun_with(model, key[-1])


def _noun_with(model: str, code: str) -> str:
    """'group A', 'unit F3', 'rule total-credits': one whole phrase a model, so each can be translated."""
    phrases = {
        "units.qualification": _("the qualification %(code)s"),
        "units.group": _("group %(code)s"),
        "units.pathway": _("pathway %(code)s"),
        "units.unit": _("unit %(code)s"),
        "units.outcome": _("outcome %(code)s"),
        "units.criterion": _("criterion %(code)s"),
        "units.assessableitem": _("assessable item %(code)s"),
        "units.rule": _("rule %(code)s"),
        "units.duty": _("duty %(code)s"),
        "units.gatewayrequirement": _("gateway requirement %(code)s"),
    }
    return phrases[model] % {"code": code}


def _is_key(value: object) -> bool:
    return isinstance(value, list | tuple) and bool(value) and all(isinstance(v, str) for v in value)


# --------------------------------------------------------------------------- reading


def read_spec(content: bytes) -> SpecFile:
    """The checked objects of a spec file; SpecFileError listing every problem found."""
    problems: list[str] = []
    objects: list[tuple[int, Any]] = []
    for position, obj in enumerate(_json(content), start=1):
        problem = _shape_problem(position, obj)
        if problem:
            problems.append(problem)
        else:
            objects.append((position, obj))
    qualification, found = _the_qualification(objects)
    problems.extend(found)
    if qualification is None:
        raise SpecFileError(problems)
    entries, found = _entries(objects, qualification)
    problems.extend(found)
    problems.extend(_duplicates(entries))
    problems.extend(_references(entries))
    ordered, found = _in_load_order(entries)
    problems.extend(found)
    if problems:
        raise SpecFileError(list(dict.fromkeys(problems)))
    return SpecFile(qualification[0], qualification[1], tuple(ordered))


def _json(content: bytes) -> list[Any]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpecFileError([_("not UTF-8 text (byte %(byte)d): save the file as UTF-8")
                             % {"byte": error.start + 1}]) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SpecFileError([
            _("not valid JSON: %(error)s (line %(line)d, column %(column)d): correct the syntax there")
            % {"error": error.msg, "line": error.lineno, "column": error.colno}
        ]) from error
    if not isinstance(data, list) or not data:
        raise SpecFileError([_('not a spec: the file must be a JSON list of objects {"model": ..., "fields": ...}')])
    return data


def _shape_problem(position: int, obj: object) -> str:
    if not isinstance(obj, dict):
        return _('object %(position)d is not an object: write {"model": ..., "fields": ...}') % {"position": position}
    model = obj.get("model")
    if model not in MODELS:
        return _("object %(position)d: unknown model %(model)s; a spec holds %(models)s") % {
            "position": position, "model": repr(model), "models": ", ".join(MODELS)}
    if "pk" in obj:
        return _('object %(position)d (%(model)s): remove "pk": spec files use natural keys only') % {
            "position": position, "model": model}
    extra = sorted(set(obj) - {"model", "fields"})
    if extra:
        return _("object %(position)d (%(model)s): remove %(keys)s: an object has only a model and fields") % {
            "position": position, "model": model, "keys": ", ".join(map(repr, extra))}
    if not isinstance(obj.get("fields"), dict):
        return _('object %(position)d (%(model)s): "fields" must be an object') % {
            "position": position, "model": model}
    return ""


def _the_qualification(objects: list[tuple[int, Any]]) -> tuple[Key | None, list[str]]:
    found = [(position, obj["fields"]) for position, obj in objects if obj["model"] == "units.qualification"]
    if not found:
        return None, [_("a spec file holds exactly one units.qualification object: one file per version")]
    if len(found) > 1:
        where = ", ".join(_("object %(position)d") % {"position": position} for position, _fields in found)
        return None, [_("a spec file holds exactly one units.qualification object (found %(count)d: %(where)s): "
                        "one file per version") % {"count": len(found), "where": where}]
    position, fields = found[0]
    key = entry_key("units.qualification", fields)
    if key is None:
        return None, [_("object %(position)d (the qualification): code and version must be text")
                      % {"position": position}]
    return key, []


def _entries(objects: list[tuple[int, Any]], qualification: Key) -> tuple[list[Entry], list[str]]:
    entries: list[Entry] = []
    problems: list[str] = []
    for position, obj in objects:
        model, fields = obj["model"], obj["fields"]
        key = entry_key(model, fields)
        if key is None:
            problems.append(_unreadable_key(position, model))
            continue
        if key[:2] != qualification:
            problems.append(
                _("%(object)s (object %(position)d) belongs to %(code)s version %(version)s, not %(file_code)s "
                  "version %(file_version)s: one version per file, so correct its key")
                % {"object": label(model, key), "position": position, "code": key[0], "version": key[1],
                   "file_code": qualification[0], "file_version": qualification[1]})
            continue
        entry = Entry(model, key, fields, position)
        problems.extend(_field_problems(entry))
        entries.append(entry)
    return entries, problems


def _unreadable_key(position: int, model: str) -> str:
    parent, own = KEY_FIELDS[model]
    if parent is None:
        return _("object %(position)d (%(model)s): give its %(own)s as text") % {
            "position": position, "model": model, "own": own}
    return _("object %(position)d (%(model)s): give its %(own)s as text and its %(parent)s as a natural key "
             "(a list of text)") % {"position": position, "model": model, "own": own, "parent": parent}


# --------------------------------------------------------------------------- fields


def _field_problems(entry: Entry) -> Iterator[str]:
    model = MODELS[entry.model]
    known = file_fields(model)
    name = label(entry.model, entry.key)
    unknown = sorted(set(entry.fields) - set(known))
    for field_name in unknown:
        yield _unknown_field(entry.model, name, field_name, known)
    for field_name, field in known.items():
        if field_name not in entry.fields:
            if _required(field):
                yield _("%(object)s: give its %(field)s") % {"object": name, "field": field_name}
            continue
        problem = _value_problem(name, field_name, field, entry.fields[field_name])
        if problem:
            yield problem


def _unknown_field(model: str, name: str, field_name: str, known: Mapping[str, object]) -> str:
    """Why a file may not give `field_name`: a translation into a language not offered, or no such field."""
    for translated in TRANSLATED.get(model, ()):
        if not field_name.startswith(f"{translated}_"):
            continue
        where = {"object": name, "field": repr(field_name), "base": translated, "own": SPEC_LANGUAGE,
                 "offered": ", ".join(f"{column(translated, code)} ({code})" for code in translation_languages())}
        if field_name == own_column(translated):
            return _("%(object)s: remove %(field)s: the spec's own language (%(own)s) is written in %(base)s; "
                     "translations are %(offered)s") % where
        return _("%(object)s: %(field)s is a translation into a language the site does not offer: the "
                 "translations of %(base)s are %(offered)s (its %(own)s wording goes in %(base)s itself); rename "
                 "or remove it") % where
    return _("%(object)s: unknown field %(field)s; its fields are %(fields)s") % {
        "object": name, "field": repr(field_name), "fields": ", ".join(known)}


def _required(field: models.Field[Any, Any]) -> bool:
    return not (field.blank or field.null or field.has_default() or field.many_to_many)


def _value_problem(name: str, field_name: str, field: models.Field[Any, Any], value: object) -> str:
    """'' when `value` is what `field` takes, else what is wrong with `name`'s `field_name`, and what to write."""
    where = {"object": name, "field": field_name, "value": repr(value)}
    if field.is_relation:
        return _reference_shape(field, value) % where
    if field.choices and value not in {choice for choice, _label in field.flatchoices}:
        allowed = ", ".join(f"{choice!r}" for choice, _label in field.flatchoices)
        return _("%(object)s: %(field)s %(value)s is not one of %(allowed)s") % {**where, "allowed": allowed}
    if isinstance(field, models.IntegerField) and value is not None and (
        not isinstance(value, int) or isinstance(value, bool)
    ):
        return _("%(object)s: %(field)s %(value)s is not a whole number: write a number without quotes") % where
    if isinstance(field, models.CharField | models.TextField) and value is not None and not isinstance(value, str):
        return _("%(object)s: %(field)s %(value)s is not text: write it in quotes") % where
    try:
        field.clean(value, None)
    except ValidationError as error:
        return _("%(object)s: %(field)s %(value)s: %(error)s") % {**where, "error": " ".join(error.messages)}
    return ""


def _reference_shape(field: models.Field[Any, Any], value: object) -> str:
    """'' or a message with %(object)s and %(field)s to fill."""
    if field.many_to_many:
        if not isinstance(value, list) or not all(_is_key(v) for v in value):
            return _("%(object)s: %(field)s must be a list of natural keys (each a list of text)")
        return ""
    if value is None:
        return "" if field.null else _("%(object)s: %(field)s is required")
    return "" if _is_key(value) else _("%(object)s: %(field)s must be a natural key (a list of text) or null")


# --------------------------------------------------------------------------- the file as a whole


def _duplicates(entries: list[Entry]) -> Iterator[str]:
    seen: dict[tuple[str, Key], Entry] = {}
    for entry in entries:
        first = seen.setdefault((entry.model, entry.key), entry)
        if first is not entry:
            yield (_("%(object)s appears twice (objects %(first)d and %(second)d): remove one, or give each its "
                     "own %(field)s")
                   % {"object": label(entry.model, entry.key), "first": first.position, "second": entry.position,
                      "field": KEY_FIELDS[entry.model][1]})


def _references(entries: list[Entry]) -> Iterator[str]:
    held = {(entry.model, entry.key) for entry in entries}
    for entry in entries:
        for field_name, field in file_fields(MODELS[entry.model]).items():
            if not field.is_relation or field_name not in entry.fields:
                continue
            target = field.related_model
            assert target is not None and not isinstance(target, str)
            target_label = target._meta.label_lower
            value = entry.fields[field_name]
            keys = value if field.many_to_many else ([value] if value is not None else [])
            for key in keys:
                if (target_label, tuple(key)) not in held:
                    yield (_("%(object)s: its %(field)s name %(target)s, which this file does not hold: add it or "
                             "correct the reference")
                           % {"object": label(entry.model, entry.key), "field": field_name,
                              "target": _target(target_label, key)})


def _target(model: str, key: Sequence[str]) -> str:
    """A referenced object by its label when its key has the right length, else the key as written."""
    lengths = {"units.qualification": 2, "units.outcome": 4, "units.criterion": 5, "units.assessableitem": 4}
    if len(key) == lengths.get(model, 3):
        return label(model, tuple(key))
    return _noun_with(model, json.dumps(list(key)))


def _in_load_order(entries: list[Entry]) -> tuple[list[Entry], list[str]]:
    """Models in MODELS order; groups parents first. A group that is its own ancestor is a problem."""
    rank = {model: n for n, model in enumerate(MODELS)}
    ordered = sorted(entries, key=lambda e: (rank[e.model], e.position))
    groups = [e for e in ordered if e.model == "units.group"]
    sorted_groups, problems = _groups_parents_first(groups)
    others = [e for e in ordered if e.model != "units.group"]
    head = [e for e in others if e.model == "units.qualification"]
    tail = [e for e in others if e.model != "units.qualification"]
    return [*head, *sorted_groups, *tail], problems


def _groups_parents_first(groups: list[Entry]) -> tuple[list[Entry], list[str]]:
    by_key = {g.key: g for g in groups}
    done: dict[Key, None] = {}
    problems: list[str] = []
    for group in groups:
        chain: list[Key] = []
        current: Entry | None = group
        while current is not None and current.key not in done:
            if current.key in chain:
                problems.append(_("%(object)s is its own ancestor: correct its parent")
                                % {"object": label(current.model, current.key)})
                break
            chain.append(current.key)
            parent = current.fields.get("parent")
            current = by_key.get(tuple(parent)) if parent else None
        for key in reversed(chain):
            done[key] = None
    return [by_key[key] for key in done], problems
