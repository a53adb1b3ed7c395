"""The reference of the spec file format, written from the code's own models and vocabularies.

`manage.py spec_format --write` regenerates fixtures/qualifications/FORMAT.md; a test fails when the
committed file differs, and another loads the worked example through the loader, so neither can drift.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils.translation import get_language_info

from units.models import KSB_GROUPS, CriterionKind, GatewayKind, QualificationKind
from units.rules import __doc__ as RULES_DOC
from units.rules.vocabulary import LabelledEnum, LevelOp, Measure, RuleKind, ValueName
from units.specfile import KEY_FIELDS, MODELS, file_fields
from units.translation import SPEC_LANGUAGE, TRANSLATED, column, translation_languages

__all__ = ["EXAMPLE", "STANDARD_EXAMPLE", "format_reference"]

_Q = ["example-diploma", "1"]

#: A small spec using every rule kind, GLH and a TQT range: the worked example of FORMAT.md.
EXAMPLE: list[dict[str, Any]] = [
    {"model": "units.qualification", "fields": {
        "code": "example-diploma", "version": "1", "version_order": 1, "title": "Example Diploma in Service",
        "kind": "qualification", "awarding_body": "Example Body", "level": 3, "value_name": "credits",
        "source": "Made up for this reference."}},
    {"model": "units.group", "fields": {"qualification": _Q, "code": "A", "title": "Mandatory units", "order": 1}},
    {"model": "units.group", "fields": {"qualification": _Q, "code": "B", "title": "Optional units", "order": 2}},
    {"model": "units.unit", "fields": {"qualification": _Q, "group": [*_Q, "A"], "code": "M1",
                                       "title": "Principles of service", "title_pl": "Zasady obsługi", "level": 3,
                                       "value": 6, "glh": 40,
                                       "tqt": 60, "order": 1}},
    {"model": "units.unit", "fields": {"qualification": _Q, "group": [*_Q, "B"], "code": "O1",
                                       "title": "Handle complaints", "level": 3, "value": 5, "glh": 30, "tqt": 50,
                                       "barring_code": "CMP", "order": 2}},
    {"model": "units.unit", "fields": {"qualification": _Q, "group": [*_Q, "B"], "code": "O2",
                                       "title": "Handle complaints (older unit)", "level": 2, "value": 4, "glh": 25,
                                       "tqt": 40, "barring_code": "CMP", "order": 3}},
    {"model": "units.unit", "fields": {"qualification": _Q, "group": [*_Q, "B"], "code": "O3",
                                       "title": "Lead a team", "level": 3, "value": 6, "glh": 35, "tqt": 55,
                                       "order": 4}},
    {"model": "units.outcome", "fields": {"unit": [*_Q, "M1"], "code": "1", "title": "Know the principles",
                                          "order": 1}},
    {"model": "units.criterion", "fields": {"outcome": [*_Q, "M1", "1"], "code": "1.1",
                                            "text": "Explain what good service is", "kind": "knowledge",
                                            "order": 1}},
    {"model": "units.assessableitem", "fields": {"unit": [*_Q, "M1"], "outcome": [*_Q, "M1", "1"],
                                                 "criterion": [*_Q, "M1", "1", "1.1"], "code": "1.1",
                                                 "text": "Explain what good service is", "order": 1}},
    *[{"model": "units.assessableitem", "fields": {"unit": [*_Q, code], "outcome": None, "criterion": None,
                                                   "code": code, "text": title, "order": 1}}
      for code, title in (("O1", "Handle complaints"), ("O2", "Handle complaints (older unit)"),
                          ("O3", "Lead a team"))],
    {"model": "units.rule", "fields": {"qualification": _Q, "identifier": "mandatory", "kind": "mandatory",
                                       "groups": [[*_Q, "A"]], "message": "Unit M1 is mandatory.", "order": 1}},
    {"model": "units.rule", "fields": {"qualification": _Q, "identifier": "credits", "kind": "total",
                                       "measure": "value", "minimum": 15, "message": "At least 15 credits.",
                                       "order": 2}},
    {"model": "units.rule", "fields": {"qualification": _Q, "identifier": "optional", "kind": "each_group",
                                       "groups": [[*_Q, "B"]], "per_group": 2, "level": 2, "level_op": "ge",
                                       "message": "Two optional units at level 2 or above.", "order": 3}},
    {"model": "units.rule", "fields": {"qualification": _Q, "identifier": "barring", "kind": "barred",
                                       "message": "Units sharing a barring code may not be taken together.",
                                       "order": 4}},
    {"model": "units.rule", "fields": {"qualification": _Q, "identifier": "glh", "kind": "total", "measure": "glh",
                                       "minimum": 100, "maximum": 120, "message": "GLH 100-120.", "order": 5}},
    {"model": "units.rule", "fields": {"qualification": _Q, "identifier": "tqt", "kind": "total", "measure": "tqt",
                                       "minimum": 160, "message": "TQT at least 160.", "order": 6}},
]


_S = ["example-standard", "1"]
_KSB = [*_S, "KSB"]

#: A small apprenticeship standard: KSBs grouped under outcomes K, S and B, a duty, gateway requirements.
STANDARD_EXAMPLE: list[dict[str, Any]] = [
    {"model": "units.qualification", "fields": {
        "code": "example-standard", "version": "1", "version_order": 1, "title": "Example service practitioner",
        "kind": "standard", "level": 2, "value_name": "none", "source": "Made up for this reference."}},
    {"model": "units.unit", "fields": {"qualification": _S, "code": "KSB",
                                       "title": "Knowledge, skills and behaviours", "order": 1}},
    *[{"model": "units.outcome", "fields": {"unit": _KSB, "code": code, "title": title, "order": n}}
      for n, (code, title) in enumerate(KSB_GROUPS.items(), start=1)],
    *[{"model": "units.criterion", "fields": {"outcome": [*_KSB, code[0]], "code": code, "text": text,
                                              "kind": "knowledge" if code[0] == "K" else "performance", "order": n}}
      for n, (code, text) in enumerate((("K1", "Who the customers are"), ("S1", "Communicate clearly"),
                                        ("B1", "Treat every customer as an individual")), start=1)],
    *[{"model": "units.assessableitem", "fields": {"unit": _KSB, "outcome": [*_KSB, code[0]],
                                                   "criterion": [*_KSB, code[0], code], "code": code, "text": text,
                                                   "order": n}}
      for n, (code, text) in enumerate((("K1", "Who the customers are"), ("S1", "Communicate clearly"),
                                        ("B1", "Treat every customer as an individual")), start=1)],
    {"model": "units.duty", "fields": {"qualification": _S, "code": "D1", "title": "Serve customers",
                                       "items": [[*_KSB, "K1"], [*_KSB, "S1"], [*_KSB, "B1"]], "order": 1}},
    {"model": "units.gatewayrequirement", "fields": {"qualification": _S, "code": "months",
                                                     "kind": "min_months_on_programme", "value": "12",
                                                     "text": "At least 12 months on programme.", "order": 1}},
    {"model": "units.gatewayrequirement", "fields": {"qualification": _S, "code": "english", "kind": "english_level",
                                                     "value": "1", "text": "Level 1 English.", "order": 2}},
    {"model": "units.gatewayrequirement", "fields": {"qualification": _S, "code": "ksbs",
                                                     "kind": "all_items_evidenced", "text": "Every KSB evidenced.",
                                                     "order": 3}},
]


def _kind_of(field: models.Field[Any, Any]) -> str:
    if field.many_to_many or field.is_relation:
        target = field.related_model
        assert target is not None and not isinstance(target, str)
        noun = target._meta.verbose_name
        return f"list of {noun} keys" if field.many_to_many else f"{noun} key"
    if isinstance(field, models.IntegerField):
        return "whole number, 0 or more"
    if isinstance(field, models.BooleanField):
        return "true or false"
    if isinstance(field, models.CharField) and field.max_length:
        return f"text, at most {field.max_length} characters"
    return "text"


def _need(field: models.Field[Any, Any]) -> str:
    if not (field.blank or field.null or field.has_default() or field.many_to_many):
        return "required"
    if field.has_default():
        default = field.get_default()
        return f"default {json.dumps(default)}"
    return "optional (null)" if field.null else "optional (\"\")" if not field.many_to_many else "optional ([])"


def _translation_of(field: models.Field[Any, Any]) -> tuple[str, str] | None:
    """(the translated field, the language) when `field` is a translation column (`title_pl`), else None."""
    for name in TRANSLATED.get(field.model._meta.label_lower, ()):
        for code in translation_languages():
            if field.name == column(name, code):
                return name, code
    return None


def _meaning(field: models.Field[Any, Any]) -> str:
    translation = _translation_of(field)
    if translation is not None:
        name, code = translation
        return f"`{name}` in {get_language_info(code)['name']} (`{code}`); where missing, `{name}` is shown."
    text = str(field.help_text or "")
    if field.choices:
        values = ", ".join(f"`{choice}`" for choice, _ in field.flatchoices)
        text = f"{text} One of {values}.".strip()
    return text.replace("|", "\\|")


def _model_section(label: str) -> list[str]:
    model = MODELS[label]
    parent, own = KEY_FIELDS[label]
    key = "[code, version]" if parent is None else f"the {parent}'s key + its {own}"
    lines = [f"### `{label}`", "", f"Natural key: {key}.", ""]
    lines += ["| field | type | | meaning |", "| --- | --- | --- | --- |"]
    for name, field in file_fields(model).items():
        lines.append(f"| `{name}` | {_kind_of(field)} | {_need(field)} | {_meaning(field)} |")
    return [*lines, ""]


def _vocabulary(title: str, enum: type[LabelledEnum] | type[models.TextChoices], field: str) -> list[str]:
    lines = [f"### {title} (`{field}`)", "", "| value | meaning |", "| --- | --- |"]
    lines += [f"| `{member.value}` | {member.label} |" for member in enum]
    return [*lines, ""]


def _semantics() -> list[str]:
    doc = RULES_DOC or ""
    start = doc.index("Semantics")
    end = doc.index("The package:")
    return [line.rstrip() for line in doc[start:end].strip().splitlines()]


def _translations() -> list[str]:
    languages = ", ".join(f"`{code}` ({get_language_info(code)['name']})" for code in translation_languages())
    fields = "; ".join(f"`{label}`: " + ", ".join(f"`{name}`" for name in names) for label, names in TRANSLATED.items())
    return [
        "## Translations",
        "",
        f"A spec is written in English (`{SPEC_LANGUAGE}`): `title`, `text`, `description` and `message` hold its",
        "own wording, which is what the loader compares when it says what a file changes and what a new",
        "version's comparison reads. Their translations are optional fields named after the field and the",
        f"language, `title_pl` for the Polish of `title`; the languages are the site's: {languages}.",
        "A reader sees the wording in their language, and the English where the file gives none. The",
        "loader refuses a translation into any other language (`title_de`), and "
        f"`{column('title', SPEC_LANGUAGE)}` (the English goes in `title`). The translated fields: {fields}.",
        "",
    ]


def format_reference() -> str:
    """FORMAT.md: the file, every object's fields, the rule vocabularies, their meaning and a worked example."""
    lines = [
        "# The spec file format",
        "",
        "<!-- Generated by `manage.py spec_format --write` from units/models.py, units/rules/vocabulary.py and",
        "     units/specformat.py; tests/units/test_spec_format.py fails when this file differs. Do not edit. -->",
        "",
        "One JSON file per version of a qualification: a list of objects `{\"model\": ..., \"fields\": {...}}`",
        "with natural keys only (no `pk`). Load it with `manage.py load_specs FILE` (or `loaddata FILE`;",
        "`load_specs --check FILE` writes nothing): the loader refuses, one line each naming the object and",
        "what to change, an object given twice, an unknown model, field or value, a missing field, a",
        "reference to something the file does not hold, and everything `validate_specs` finds (rules that",
        "contradict themselves or cannot be satisfied, assessable items not at the finest level). A file",
        "loads whole or not at all. A version with enrolments cannot change: publish a new `version` with",
        "a higher `version_order`. A version without enrolments is replaced exactly by its file.",
        "`retire_spec CODE VERSION` stops new enrolments; `delete_spec CODE VERSION` deletes a version no",
        "one is enrolled on.",
        "",
        "## Objects",
        "",
        "Keys are lists of text. Assessable items are the finest level the spec gives: one per",
        "criterion where a unit has criteria, else one per outcome, else one for the unit itself.",
        "",
    ]
    for label in MODELS:
        lines += _model_section(label)
    lines += _translations()
    lines += ["## Rule vocabularies", ""]
    lines += _vocabulary("Rule kinds", RuleKind, "kind")
    lines += _vocabulary("Measures of a total", Measure, "measure")
    lines += _vocabulary("Level operators", LevelOp, "level_op")
    lines += _vocabulary("Value names", ValueName, "value_name")
    lines += _vocabulary("Qualification kinds", QualificationKind, "kind")
    lines += _vocabulary("Criterion kinds", CriterionKind, "kind")
    lines += _vocabulary("Gateway requirement kinds", GatewayKind, "kind")
    lines += ["## What the rules mean", "", "From `units/rules/__init__.py`:", "", "```text", *_semantics(), "```", ""]
    lines += [
        "`per_group` (each_group rules) is the number of units needed from each listed group (default 1).",
        "A total's `minimum` and `maximum` are both optional: `GLH 245-305` is `measure` `glh`, `minimum`",
        "245, `maximum` 305; `TQT at least 370` is `measure` `tqt`, `minimum` 370. A unit without `glh`",
        "(or `tqt`) adds nothing to such a total, and `validate_specs` names it.",
        "",
        "## A worked example",
        "",
        "```json",
        json.dumps(EXAMPLE, indent=1, ensure_ascii=False),
        "```",
        "",
        "## Apprenticeship standards",
        "",
        "A standard is a qualification of `kind` `standard` with `value_name` `none` and no rules of",
        "combination: progress is by its knowledge, skills and behaviours (KSBs). It has one unit whose",
        "outcomes group the KSBs, with the codes "
        + ", ".join(f"`{code}` ({title.lower()})" for code, title in KSB_GROUPS.items()) + ";",
        "each KSB is a criterion of its group (`kind` `knowledge` for K, `performance` for S and B) and so",
        "an assessable item, with the KSB's own code (`K1`, `S3`, `B2`). A `units.duty` names the KSBs it",
        "serves by their assessable items' keys. A `units.gatewayrequirement` is one requirement before",
        "the end-point assessment, read by its `kind` (the vocabulary above): the number kinds take a",
        "whole number as text in `value`, the qualification kind the qualification's name, the others no",
        "value. Duties and gateway requirements belong to standards only. The loader refuses a rule, an",
        "outcome other than K, S or B, a value that does not fit its kind, and a duty naming a KSB the",
        "file does not hold, one line each.",
        "",
        "```json",
        json.dumps(STANDARD_EXAMPLE, indent=1, ensure_ascii=False),
        "```",
        "",
    ]
    return "\n".join(lines)
