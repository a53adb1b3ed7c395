"""A small, valid spec file written by hand, for the spec editors' pages and their browser journey."""

from __future__ import annotations

import json
from typing import Any


def small_spec(code: str = "mini-cs", version: str = "1", *, title: str = "Mini Certificate in Customer Service",
               version_order: int = 1, minimum: int = 10, extra_unit: bool = False) -> bytes:
    """Two groups, three units (one item each, four with `extra_unit`), a mandatory rule and a minimum total."""
    q = [code, version]
    objects: list[dict[str, Any]] = [
        {"model": "units.qualification", "fields": {
            "code": code, "version": version, "version_order": version_order, "title": title,
            "kind": "qualification", "awarding_body": "Test Body", "level": 2, "value_name": "credits"}},
        {"model": "units.group", "fields": {"qualification": q, "code": "M", "title": "Mandatory units", "order": 1}},
        {"model": "units.group", "fields": {"qualification": q, "code": "O", "title": "Optional units", "order": 2}},
    ]
    units = [("M1", "M", "Greet customers", 4), ("O1", "O", "Handle complaints", 6), ("O2", "O", "Take payments", 7)]
    if extra_unit:
        units.append(("O3", "O", "Answer the telephone", 3))
    for order, (unit, group, unit_title, credits) in enumerate(units, start=1):
        objects.append({"model": "units.unit", "fields": {
            "qualification": q, "group": [*q, group], "code": unit, "title": unit_title, "level": 2,
            "value": credits, "glh": credits * 8, "order": order}})
        objects.append({"model": "units.assessableitem", "fields": {
            "unit": [*q, unit], "code": unit, "text": f"{unit_title} well", "order": 1}})
    objects += [
        {"model": "units.rule", "fields": {
            "qualification": q, "identifier": "mandatory", "kind": "mandatory", "measure": "count",
            "groups": [[*q, "M"]], "message": "Unit M1 is mandatory.", "order": 1}},
        {"model": "units.rule", "fields": {
            "qualification": q, "identifier": "total", "kind": "total", "measure": "value", "minimum": minimum,
            "message": f"At least {minimum} credits in total.", "order": 2}},
    ]
    return json.dumps(objects, indent=1).encode()
