"""One vocabulary (DESIGN.md): which relations hold which permission is said once, in `GRANTS`.

Views, template tags and the gate modules ask for a named permission (`need=Permission.JUDGE`,
`viewer_may(enrolment, Permission.TALK)`); none of them spells out a set of relations or roles
of its own, and no template tests an enrolment's relations.
"""

from __future__ import annotations

import ast
from pathlib import Path

from candidates.access import Relation

ROOT = Path(__file__).resolve().parents[1]
APPS = ("portfolio_site", "units", "candidates", "inbox", "evidence", "assessments", "apprenticeships", "exports",
        "privacy")
GRANTS_MODULE = ROOT / "candidates" / "access.py"
#: Names through which code reaches a relation or a role kind: `Relation.IQA`, `RoleKind.EQA`, `access.ASSESSOR`
#: (or a bare `ASSESSOR` imported or defined as a constant).
HOLDERS = {"Relation", "RoleKind", "access", "gate"}


def _modules() -> list[Path]:
    modules: list[Path] = []
    for app in APPS:
        for pattern in ("views*.py", "views/*.py", "templatetags/*.py", "access.py", "gate.py"):
            modules += sorted((ROOT / app).glob(pattern))
    return modules


def _is_relation(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in Relation.__members__
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id in HOLDERS and node.attr in Relation.__members__
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value in {relation.value for relation in Relation}
    return False


def _collection(node: ast.AST) -> list[ast.expr] | None:
    """The elements of a set, tuple or list literal, or of frozenset({...}) / set(...) around one."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"frozenset", "set"}:
        return _collection(node.args[0]) if len(node.args) == 1 else None
    if isinstance(node, ast.Set | ast.Tuple | ast.List):
        return list(node.elts)
    return None


def relation_sets(source: str) -> list[int]:
    """Line numbers of every collection made only of relations or role kinds in `source`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        elements = _collection(node)
        if elements and all(_is_relation(element) for element in elements):
            lines.append(node.lineno)  # type: ignore[attr-defined]  # _collection returns only expression nodes
    return sorted(set(lines))


def _grants_lines() -> range:
    for node in ast.parse(GRANTS_MODULE.read_text()).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "GRANTS":
            return range(node.lineno, (node.end_lineno or node.lineno) + 1)
    raise AssertionError("GRANTS is not defined in candidates/access.py")


def test_the_scan_finds_the_gate_modules_views_and_template_tags() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in _modules()}
    assert {"candidates/access.py", "assessments/gate.py", "evidence/access.py", "candidates/views/plan.py",
            "evidence/views.py", "assessments/templatetags/assessments_home.py"} <= names


def test_the_scan_recognises_a_relation_set_however_it_is_written() -> None:
    source = (
        "JUDGES = frozenset({access.ASSESSOR, access.CENTRE_ADMIN, access.PLATFORM_ADMIN})\n"
        "SAMPLING_ROLES = (access.IQA, access.CENTRE_ADMIN, access.EQA)\n"
        "ok = bool(kinds & {RoleKind.IQA, RoleKind.EQA})\n"
        "roles = {Relation.CANDIDATE}\n"
        "named = ['candidate', 'assessor']\n"
        "groups = ('assessor', 'unit', 'candidate')\n"
        "MANAGERS = frozenset({CENTRE_ADMIN, PLATFORM_ADMIN})\n"
    )
    assert relation_sets(source) == [1, 2, 3, 4, 5, 7]


def test_grants_is_the_only_place_that_names_a_set_of_relations() -> None:
    allowed = _grants_lines()
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _modules()
        for line in relation_sets(path.read_text())
        if not (path == GRANTS_MODULE and line in allowed)
    ]
    assert not offenders, "Ask for a Permission; add or change a row of GRANTS in candidates/access.py:\n" + "\n".join(
        offenders)


def test_no_template_tests_the_viewers_relations() -> None:
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if "viewer_relations" in path.read_text()
    ]
    assert not offenders, "Test enrolment.viewer_may.<permission> (or a flag from the view) instead:\n" + "\n".join(
        offenders)
