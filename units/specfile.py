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

from units.models import AssessableItem, Criterion, Group, Outcome, Pathway, Qualification, Rule, Unit

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
}

_NOUNS = {
    "units.qualification": "the qualification", "units.group": "group", "units.pathway": "pathway",
    "units.unit": "unit", "units.outcome": "outcome", "units.criterion": "criterion",
    "units.assessableitem": "assessable item", "units.rule": "rule",
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
    """The fields a file may give for `model`, by name (many-to-many included)."""
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    return {f.name: f for f in fields if isinstance(f, models.Field) and f.name not in NOT_IN_FILE}


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
    noun = _NOUNS[model]
    if model == "units.qualification":
        return f"{noun} {key[0]} version {key[1]}"
    if model in ("units.outcome", "units.assessableitem"):
        return f"{noun} {key[3]} of unit {key[2]}"
    if model == "units.criterion":
        return f"{noun} {key[4]} of outcome {key[3]} of unit {key[2]}"
    return f"{noun} {key[-1]}"


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
        raise SpecFileError([f"not UTF-8 text (byte {error.start + 1}): save the file as UTF-8"]) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise SpecFileError([f"not valid JSON: {error.msg} ({where}): correct the syntax there"]) from error
    if not isinstance(data, list) or not data:
        raise SpecFileError(['not a spec: the file must be a JSON list of objects {"model": ..., "fields": ...}'])
    return data


def _shape_problem(position: int, obj: object) -> str:
    where = f"object {position}"
    if not isinstance(obj, dict):
        return f'{where} is not an object: write {{"model": ..., "fields": ...}}'
    model = obj.get("model")
    if model not in MODELS:
        return f"{where}: unknown model {model!r}; a spec holds {', '.join(MODELS)}"
    if "pk" in obj:
        return f'{where} ({model}): remove "pk": spec files use natural keys only'
    extra = sorted(set(obj) - {"model", "fields"})
    if extra:
        return f"{where} ({model}): remove {', '.join(map(repr, extra))}: an object has only a model and fields"
    if not isinstance(obj.get("fields"), dict):
        return f'{where} ({model}): "fields" must be an object'
    return ""


def _the_qualification(objects: list[tuple[int, Any]]) -> tuple[Key | None, list[str]]:
    found = [(position, obj["fields"]) for position, obj in objects if obj["model"] == "units.qualification"]
    if len(found) != 1:
        where = ", ".join(f"object {position}" for position, _ in found)
        more = f" (found {len(found)}: {where})" if found else ""
        return None, [f"a spec file holds exactly one units.qualification object{more}: one file per version"]
    position, fields = found[0]
    key = entry_key("units.qualification", fields)
    if key is None:
        return None, [f"object {position} (the qualification): code and version must be text"]
    return key, []


def _entries(objects: list[tuple[int, Any]], qualification: Key) -> tuple[list[Entry], list[str]]:
    entries: list[Entry] = []
    problems: list[str] = []
    for position, obj in objects:
        model, fields = obj["model"], obj["fields"]
        key = entry_key(model, fields)
        if key is None:
            parent, own = KEY_FIELDS[model]
            problems.append(f"object {position} ({model}): give its {own} as text"
                            + (f" and its {parent} as a natural key (a list of text)" if parent else ""))
            continue
        if key[:2] != qualification:
            problems.append(f"{label(model, key)} (object {position}) belongs to {key[0]} version {key[1]}, not "
                            f"{qualification[0]} version {qualification[1]}: one version per file, so correct "
                            f"its key")
            continue
        entry = Entry(model, key, fields, position)
        problems.extend(_field_problems(entry))
        entries.append(entry)
    return entries, problems


# --------------------------------------------------------------------------- fields


def _field_problems(entry: Entry) -> Iterator[str]:
    model = MODELS[entry.model]
    known = file_fields(model)
    name = label(entry.model, entry.key)
    unknown = sorted(set(entry.fields) - set(known))
    for field_name in unknown:
        yield f"{name}: unknown field {field_name!r}; its fields are {', '.join(known)}"
    for field_name, field in known.items():
        if field_name not in entry.fields:
            if _required(field):
                yield f"{name}: give its {field_name}"
            continue
        problem = _value_problem(field, entry.fields[field_name])
        if problem:
            yield f"{name}: {field_name} {problem}"


def _required(field: models.Field[Any, Any]) -> bool:
    return not (field.blank or field.null or field.has_default() or field.many_to_many)


def _value_problem(field: models.Field[Any, Any], value: object) -> str:
    """'' when `value` is what `field` takes, else what is wrong, naming what to write instead."""
    if field.is_relation:
        return _reference_shape(field, value)
    if field.choices and value not in {choice for choice, _ in field.flatchoices}:
        allowed = ", ".join(f"{choice!r}" for choice, _ in field.flatchoices)
        return f"{value!r} is not one of {allowed}"
    if isinstance(field, models.IntegerField) and value is not None and (
        not isinstance(value, int) or isinstance(value, bool)
    ):
        return f"{value!r} is not a whole number: write a number without quotes"
    if isinstance(field, models.CharField | models.TextField) and value is not None and not isinstance(value, str):
        return f"{value!r} is not text: write it in quotes"
    try:
        field.clean(value, None)
    except ValidationError as error:
        return f"{value!r}: {' '.join(error.messages)}"
    return ""


def _reference_shape(field: models.Field[Any, Any], value: object) -> str:
    if field.many_to_many:
        if not isinstance(value, list) or not all(_is_key(v) for v in value):
            return "must be a list of natural keys (each a list of text)"
        return ""
    if value is None:
        return "" if field.null else "is required"
    return "" if _is_key(value) else "must be a natural key (a list of text) or null"


# --------------------------------------------------------------------------- the file as a whole


def _duplicates(entries: list[Entry]) -> Iterator[str]:
    seen: dict[tuple[str, Key], Entry] = {}
    for entry in entries:
        first = seen.setdefault((entry.model, entry.key), entry)
        if first is not entry:
            yield (f"{label(entry.model, entry.key)} appears twice (objects {first.position} and {entry.position}): "
                   f"remove one, or give each its own {KEY_FIELDS[entry.model][1]}")


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
                    yield (f"{label(entry.model, entry.key)}: its {field_name} name {_target(target_label, key)}, "
                           f"which this file does not hold: add it or correct the reference")


def _target(model: str, key: Sequence[str]) -> str:
    """A referenced object by its label when its key has the right length, else the key as written."""
    lengths = {"units.qualification": 2, "units.outcome": 4, "units.criterion": 5}
    if len(key) == lengths.get(model, 3):
        return label(model, tuple(key))
    return f"{_NOUNS[model]} {json.dumps(list(key))}"


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
                problems.append(f"{label(current.model, current.key)} is its own ancestor: correct its parent")
                break
            chain.append(current.key)
            parent = current.fields.get("parent")
            current = by_key.get(tuple(parent)) if parent else None
        for key in reversed(chain):
            done[key] = None
    return [by_key[key] for key in done], problems
