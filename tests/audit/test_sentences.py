"""Every action a service records has a sentence: the actions are found in the code, not listed by hand."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from audit import sentences
from audit.models import AuditRecord
from candidates.models import ReassignedField

ROOT = Path(__file__).resolve().parents[2]
APPS = ("apprenticeships", "assessments", "audit", "candidates", "evidence", "exports", "portfolio_site", "privacy",
        "signin", "units")

#: Placeholders whose values come from a request (a URL or a form), so no call in the code names them:
#: the choices the service accepts.
FROM_REQUEST = {"role": set(ReassignedField.values)}


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            if "migrations" in path.parts or name == "audit.trail":  # the trail passes its callers' actions on
                continue
            yield name, ast.parse(path.read_text(), filename=str(path))


def _action_argument(call: ast.Call) -> ast.expr | None:
    """The `action` of trail.record(...) / trail.record_many's trail.Entry(...), by keyword or position."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "trail"):
        return None
    name = func.attr
    if name not in ("record", "Entry"):
        return None
    for keyword in call.keywords:
        if keyword.arg == "action":
            return keyword.value
    return call.args[1] if name == "Entry" and len(call.args) > 1 else None


def _keyword_values(tree: ast.Module, module: str, placeholder: str) -> set[str]:
    """Every value the module passes as `placeholder=` to a call: constants and attributes such as Enum.MEMBER."""
    namespace = vars(importlib.import_module(module))
    values = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == placeholder:
            if isinstance(node.value, ast.Constant):
                values.add(str(node.value.value))
            elif isinstance(node.value, ast.Attribute):
                values.add(str(eval(compile(ast.Expression(node.value), module, "eval"), namespace)))  # noqa: S307
    return values


def _expand(node: ast.expr, tree: ast.Module, module: str) -> set[str]:
    """The action strings an `action=` expression can take."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _expand(node.body, tree, module) | _expand(node.orelse, tree, module)
    if isinstance(node, ast.JoinedStr):
        texts = {""}
        for part in node.values:
            if isinstance(part, ast.Constant):
                texts = {text + str(part.value) for text in texts}
                continue
            assert isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Name), ast.unparse(node)
            name = part.value.id
            options = _keyword_values(tree, module, name) or FROM_REQUEST.get(name, set())
            assert options, f"{module}: cannot tell the values of {{{name}}} in the action {ast.unparse(node)}"
            texts = {text + option for text in texts for option in options}
        return texts
    raise AssertionError(f"{module}: an action this test cannot read: {ast.unparse(node)}")


def recorded_actions() -> dict[str, str]:
    """Every action the code records -> the module recording it."""
    found: dict[str, str] = {}
    for module, tree in _modules():
        for node in ast.walk(tree):
            # Every app calls the trail as `trail.record` / `trail.Entry`, which is what this test reads.
            assert not (isinstance(node, ast.ImportFrom) and node.module == "audit.trail"
                        and {alias.name for alias in node.names} & {"record", "record_many", "Entry"}), (
                f"{module}: import the trail as `from audit import trail`")
            if isinstance(node, ast.Call) and (argument := _action_argument(node)) is not None:
                for action in _expand(argument, tree, module):
                    found.setdefault(action, module)
    return found


def test_the_actions_are_found_in_the_code() -> None:
    actions = recorded_actions()
    # One of each kind of expression: a constant, both branches of a conditional, each value of an f-string.
    assert {"candidate enrolled", "spec published", "spec replaced", "mapping accepted", "mapping referred",
            "assessor reassigned", "iqa reassigned", "enrolment paused", "enrolment withdrawn"} <= actions.keys()


def test_every_recorded_action_has_a_sentence() -> None:
    missing = {action: module for action, module in recorded_actions().items() if not sentences.has_phrase(action)}
    assert not missing, f"actions recorded with no sentence in audit/sentences.py PHRASES: {missing}"


def test_every_sentence_is_for_a_recorded_action() -> None:
    assert not sentences.PHRASES.keys() - recorded_actions().keys()


def _record(**values: object) -> AuditRecord:
    defaults: dict[str, object] = {"actor_id": 7, "actor_label": "Amira Khan", "object_type": "", "object_id": "",
                                   "object_label": "", "before": None, "after": None}
    return AuditRecord(**{**defaults, **values})


def test_a_claim_decision_reads_with_the_item_title_and_the_role() -> None:
    record = _record(action="mapping accepted", object_label="Call log v2 → A13 2.1", after={"status": "accepted"})
    facts = sentences.Facts(role="assessor", items={"A13 2.1": "A13 2.1: Explain what good service is"})
    assert sentences.sentence(record, facts) == (
        "Amira Khan (assessor) accepted the claim on A13 2.1: Explain what good service is "
        "(evidence “Call log” (version 2)).")


def test_a_pause_reads_with_its_reason() -> None:
    record = _record(action="enrolment paused", actor_label="Ada Admin", object_label="Cara on Tiny",
                     before={"status": "active"}, after={"status": "paused", "reason": "Parental leave"})
    assert sentences.sentence(record, sentences.Facts(role="centre_admin")) == (
        "Ada Admin (centre admin) paused the enrolment: Parental leave")


def test_an_unknown_action_still_reads_and_a_missing_value_is_a_dash() -> None:
    assert sentences.sentence(_record(action="something new", object_label="X")) == "Amira Khan: something new, X."
    referral = _record(action="unit referred by IQA", object_label="A1 for Cara", after={})
    assert sentences.sentence(referral).endswith("referred unit A1 back to the assessor: –")


def test_the_system_acts_without_a_name() -> None:
    record = _record(action="spec published", actor_id=None, actor_label="system", object_label="Tiny (tiny v1)")
    assert sentences.sentence(record) == "The system published the specification Tiny (tiny v1)."


@pytest.mark.parametrize("action", sorted(sentences.PHRASES))
def test_every_phrase_fills_from_an_empty_record(action: str) -> None:
    with translation.override("en-gb"):
        assert sentences.sentence(_record(action=action)).startswith("Amira Khan")
