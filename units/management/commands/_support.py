"""Shared by the rules commands (a leading underscore: Django does not list it as a command)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import NoReturn, TypeAlias

from django.core.management.base import BaseCommand

from units.models import Qualification
from units.rules import Spec, SpecError
from units.spec import UnknownQualification, resolve_qualification, spec_for

BAD_INPUT = 2

Json: TypeAlias = "str | int | float | bool | None | Sequence[Json] | Mapping[str, Json]"


def fail(command: BaseCommand, message: str, code: int = BAD_INPUT) -> NoReturn:
    """One line on stderr, then exit with `code` (2: bad input)."""
    command.stderr.write(" ".join(str(message).split()))
    raise SystemExit(code)


def load(command: BaseCommand, code: str) -> tuple[Qualification, Spec]:
    """The qualification (latest version unless CODE@VERSION) and its spec; exit 2 when unknown."""
    try:
        qualification = resolve_qualification(code)
    except UnknownQualification as error:
        fail(command, str(error))
    try:
        return qualification, spec_for(qualification)
    except SpecError as error:  # pragma: no cover - spec_for only reads rows
        fail(command, f"{qualification.code}@{qualification.version}: {error}")


def write_json(command: BaseCommand, payload: Mapping[str, Json]) -> None:
    command.stdout.write(json.dumps(payload, ensure_ascii=False))
