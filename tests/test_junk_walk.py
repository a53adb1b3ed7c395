"""Walk every URL with junk in every query parameter and form field its view reads: no answer is a 5xx.

The URLs, the world and who may use each URL come from the permission walk (tests/test_permission_walk.py):
each URL is visited as the first person entitled to it (a role whose expected status is OK for GET, or for
POST), on a target they may use. What each view reads is found in its source, not listed by hand:

- ``request.GET.get("x")``, ``request.POST.getlist("x")``, ``request.FILES["x"]`` (and ``self.request...``)
  in the view function, or in a function of the project it calls (followed through module-level names);
- a form bound to ``request.GET`` / ``request.POST`` there: every field of the form (``base_fields``; a form
  whose ``__init__`` adds fields under computed names needs its names in ``DYNAMIC_FIELDS``);
- for a class-based view: its form class's fields and its ``redirect_field_name``.

Any other use of ``request.GET``/``POST``/``FILES`` in a view (passed whole to something else) fails
``test_the_walk_knows_what_every_view_reads``, and so does such a read anywhere outside a view module that is
not in ``READ_ELSEWHERE``: teach the scanner, or list it there with the reason it is covered.

Each parameter gets each of ``JUNK`` in turn, alone (the others at ``BASELINE``, valid values where a form needs
them) and all at once; integers in the URL's path get values beyond any database column. A view that reads
``request.htmx`` is also asked as htmx. The answer may be any 2xx, 3xx or 4xx, never a 5xx.
"""

from __future__ import annotations

import ast
import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, SimpleNamespace
from urllib.parse import urlencode

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from apprenticeships.reviews.forms import TARGET_ROWS
from candidates.forms.plan import coverage_field_name
from tests import test_permission_walk as permission_walk
from tests.assessments.factories import items_of
from tests.test_permission_walk import OK, ROLES, SKIPPED_NAMESPACES, WALK, Row, discovered_url_names

world = permission_walk.world  # the permission walk's fixture: everyone and every object at once
world_of_the_module = permission_walk.world_of_the_module  # ... built once for this module

PROJECT_PACKAGES = {"units", "candidates", "inbox", "evidence", "assessments", "apprenticeships", "exports",
                    "portfolio_site", "audit"}
ROOT = Path(__file__).resolve().parent.parent
HUGE = "99999999999999999999999999999"

#: What every parameter is set to, one at a time: words for numbers, nothing, negatives, zero, beyond any
#: column, very long, a NUL, digits Python's int() reads and one it does not, and a value given three times.
JUNK: list[str | list[str]] = [
    "abc", "", "-1", "0", HUGE, "x" * 10_000, "\x00", "ünïcødé ✓ 🚀 مرحبا", "١٢٣", "²", ["1", "abc", "1"],
]
#: Uploads for a file field: none of it a sensible file.
JUNK_FILES: list[tuple[str, bytes]] = [
    ("empty.csv", b""), ("junk.csv", b"\x00\xff\xfe" * 100), ("x" * 300 + ".csv", b"a,b\n1,2\n"),
    ("ünï\x00.pdf", "é,ü\n".encode("latin-1")),
]
#: Path integers beyond SQLite's and PostgreSQL's columns.
HUGE_PATH_INTS = (2**63, 10**30)

#: Forms that add fields under computed names: the names the walk sends (the tiny qualification has 5 units).
DYNAMIC_FIELDS: dict[str, list[str]] = {
    "SelfAssessmentForm": [coverage_field_name(i) for i in range(5)],
    "ReviewForm": [f"target_{number}_{part}" for number in range(1, TARGET_ROWS + 1) for part in ("text", "due")],
}

#: Reads of request data outside the view modules, each with why the walk covers it.
READ_ELSEWHERE: dict[str, str] = {
    "candidates/backends.py": "the sign-in's username, a field of the login form the walk sends",
    "evidence/upload_handlers.py": "parses request.FILES to run the upload handlers; reads no field by name",
}


#: Valid values for the other fields while one is junk, so the junk reaches past the first invalid field.
BASELINE: dict[str, Callable[[SimpleNamespace, dict], dict]] = {
    "evidence:create": lambda w, kwargs: {"kind": "personal_statement", "title": "Handling a complaint",
                                          "date": str(timezone.localdate()), "text": "I listened."},
    "evidence:edit": lambda w, kwargs: {"title": "Handling a complaint", "date": str(timezone.localdate())},
    "evidence:mapping": lambda w, kwargs: {"items": [str(items_of(w.enrolment, "A1")[0].pk)]},
    "candidates:enrolment_create": lambda w, kwargs: {
        "email": "new.person@example.org", "first_name": "New", "last_name": "Person",
        "qualification": str(w.qualification.pk), "assessor": str(w.assessor.pk),
        "start_date": str(timezone.localdate()), "planned_end_date": str(timezone.localdate().replace(year=2099)),
    },
    "candidates:enrolment_reassign_assessor": lambda w, kwargs: {"to_user": str(w.assessor.pk)},
    "assessments:visit_plan": lambda w, kwargs: {"planned_for": "2030-01-02T10:00", "place": "Office",
                                                 "purpose": "Observe"},
    "assessments:action_point_set": lambda w, kwargs: {"text": "Write it up", "due": "2030-01-02"},
    "assessments:question_ask": lambda w, kwargs: {"subject": "Units", "text": "Which units next?"},
    "assessments:mapping_add": lambda w, kwargs: {"item": str(items_of(w.enrolment, "A2")[0].pk)},
    "apprenticeships:otj_entry_add": permission_walk.OTJ_ENTRY_DATA,
    "apprenticeships:otj_entry_edit": permission_walk.OTJ_ENTRY_DATA,
    "apprenticeships:review_new": permission_walk.REVIEW_DATA,
    "apprenticeships:review_edit": permission_walk.REVIEW_DATA,
    "apprenticeships:otj_plan": permission_walk.OTJ_PLAN_DATA,
}


# --------------------------------------------------------------------------- what each view reads


@dataclass
class Reads:
    """The request data one view reads, by where it comes from; `unknown` lists uses the scanner cannot place."""

    get: set[str] = field(default_factory=set)
    post: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    htmx: bool = False
    unknown: list[str] = field(default_factory=list)

    def add(self, source: str, names: set[str] | list[str]) -> None:
        getattr(self, source).update(names)


SOURCES = {"GET": "get", "POST": "post", "FILES": "files"}


def _request_data(node: ast.AST) -> str | None:
    """'get', 'post' or 'files' when `node` is request.GET/POST/FILES (or self.request...)."""
    if not isinstance(node, ast.Attribute) or node.attr not in SOURCES:
        return None
    owner = node.value
    if (isinstance(owner, ast.Name) and owner.id == "request") or (
            isinstance(owner, ast.Attribute) and owner.attr == "request"):
        return SOURCES[node.attr]
    return None


@functools.cache
def _tree(module: ModuleType) -> ast.Module:
    tree = ast.parse(inspect.getsource(module))
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            child.parent = parent  # type: ignore[attr-defined]
    return tree


def _definition(obj: object) -> tuple[ModuleType, ast.AST] | None:
    """The module of a project function or class and its definition in that module's tree."""
    module = sys.modules.get(getattr(obj, "__module__", "") or "")
    if module is None or module.__name__.split(".")[0] not in PROJECT_PACKAGES | {"tests"}:
        return None
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == obj.__name__:  # type: ignore[attr-defined]
            return module, node
    return None


def _parent(node: ast.AST) -> ast.AST:
    return node.parent  # type: ignore[attr-defined, no-any-return]  # set by _tree


def _resolve(expr: ast.AST, module: ModuleType) -> object:
    """What a name or dotted name in `module` refers to, or None."""
    if isinstance(expr, ast.Name):
        return vars(module).get(expr.id)
    if isinstance(expr, ast.Attribute):
        owner = _resolve(expr.value, module)
        return getattr(owner, expr.attr, None) if owner is not None else None
    return None


def form_fields(form_class: type[forms.BaseForm]) -> tuple[list[str], bool]:
    """The field names a form reads, and whether they are all known (computed names need DYNAMIC_FIELDS)."""
    names = list(getattr(form_class, "base_fields", {}))  # a form class has them (the metaclass sets them)
    computed = False
    for klass in form_class.__mro__:
        found = _definition(klass)
        if found is None:
            continue
        for node in ast.walk(found[1]):
            if (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store)
                    and isinstance(node.value, ast.Attribute) and node.value.attr == "fields"):
                if isinstance(node.slice, ast.Constant):
                    names.append(str(node.slice.value))
                else:
                    computed = True
    if computed:
        if form_class.__name__ not in DYNAMIC_FIELDS:
            return names, False
        names.extend(DYNAMIC_FIELDS[form_class.__name__])
    return names, True


def _read_one(node: ast.Attribute, source: str, module: ModuleType, reads: Reads, where: str) -> None:
    """Place one use of request.GET/POST/FILES: a named read, a bound form, a harmless copy, or unknown."""
    parent = _parent(node)
    if isinstance(parent, ast.Attribute) and parent.attr in ("get", "getlist"):
        call = _parent(parent)
        if isinstance(call, ast.Call) and call.args and isinstance(call.args[0], ast.Constant):
            reads.add(source, [str(call.args[0].value)])
            return
    if isinstance(parent, ast.Subscript) and isinstance(parent.slice, ast.Constant):
        reads.add(source, [str(parent.slice.value)])
        return
    if isinstance(parent, ast.Attribute) and parent.attr == "copy" or isinstance(parent, ast.Expr):
        return  # reads nothing by name: a copy (the library re-encodes its filters), a bare parse of the body
    while isinstance(parent, ast.BoolOp | ast.IfExp):  # `request.POST or None`, `request.POST if write else None`
        parent = _parent(parent)
    if isinstance(parent, ast.Call):
        target = _resolve(parent.func, module)
        if isinstance(target, type) and issubclass(target, forms.BaseForm):
            names, known = form_fields(target)
            reads.add(source, names)
            if not known:
                reads.unknown.append(f"{where}: {target.__name__} adds fields under computed names "
                                     "(give them in DYNAMIC_FIELDS)")
            return
    reads.unknown.append(f"{where}, line {node.lineno}: {ast.unparse(parent)[:120]}")


def _scan(obj: object, reads: Reads, seen: set[object]) -> None:
    """Collect the reads of a project function or class, and of the project functions it calls."""
    if obj in seen:
        return
    seen.add(obj)
    found = _definition(obj)
    if found is None:
        return
    module, definition = found
    where = f"{module.__name__}.{obj.__name__}"  # type: ignore[attr-defined]
    for node in ast.walk(definition):
        source = _request_data(node)
        if source is not None:
            _read_one(node, source, module, reads, where)  # type: ignore[arg-type]
        elif isinstance(node, ast.Attribute) and node.attr == "htmx":
            reads.htmx = True
        elif isinstance(node, ast.Call):
            called = _resolve(node.func, module)
            if inspect.isfunction(called):
                _scan(called, reads, seen)


def view_reads(callback: Callable) -> Reads:
    """What the view behind a URL reads from the request."""
    reads = Reads()
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        _scan(inspect.unwrap(callback), reads, set())
        return reads
    initkwargs = getattr(callback, "view_initkwargs", {})
    form_class = (initkwargs.get("authentication_form") or initkwargs.get("form_class")
                  or getattr(view_class, "authentication_form", None) or getattr(view_class, "form_class", None))
    if form_class is not None:
        names, known = form_fields(form_class)
        reads.add("post", names)
        if not known:
            reads.unknown.append(f"{view_class.__name__}: {form_class.__name__} adds fields under computed names")
    redirect_field = getattr(view_class, "redirect_field_name", None)
    if redirect_field:
        reads.add("get", [redirect_field])
        reads.add("post", [redirect_field])
    for klass in view_class.__mro__:
        _scan(klass, reads, set())
    return reads


@functools.cache
def url_callbacks() -> dict[str, Callable]:
    """Every named URL of the project (as the permission walk names them) and its view."""
    callbacks: dict[str, Callable] = {}

    def walk(patterns: list, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                callbacks.setdefault(f"{namespace}{pattern.name}", pattern.callback)

    walk(get_resolver().url_patterns, "")
    return {name: callbacks[name] for name in discovered_url_names() if name in callbacks}


# --------------------------------------------------------------------------- the completeness checks


def test_the_walk_knows_what_every_view_reads() -> None:
    callbacks = url_callbacks()
    assert set(callbacks) == discovered_url_names(), "every URL of the walk has a view"
    unknown = [problem for callback in callbacks.values() for problem in view_reads(callback).unknown]
    assert not unknown, "request data read in a way the junk walk cannot see:\n" + "\n".join(unknown)


def _modules_reading_request_data() -> Iterator[str]:
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in PROJECT_PACKAGES or "migrations" in relative.parts:
            continue
        if relative.parts[-1] == "views.py" or "views" in relative.parts:
            continue
        tree = ast.parse(path.read_text())
        if any(_request_data(node) for node in ast.walk(tree)):
            yield str(relative)


def test_request_data_is_read_only_in_views_or_where_the_walk_covers_it() -> None:
    elsewhere = set(_modules_reading_request_data())
    assert elsewhere <= READ_ELSEWHERE.keys(), (
        f"request data read outside a view module: {sorted(elsewhere - READ_ELSEWHERE.keys())}; "
        "read it in the view (so the junk walk sends junk to it), or say in READ_ELSEWHERE why the walk covers it")


def test_the_scanner_sees_the_reads_it_is_meant_to() -> None:
    """The scanner itself: a named read, a bound form, the fields of a class-based view's form."""
    callbacks = url_callbacks()
    assert {"status", "assessor", "behind", "idle", "page"} <= view_reads(callbacks["candidates:enrolment_list"]).get
    assert {"q", "kind", "unit", "status", "item", "page"} <= view_reads(callbacks["evidence:library"]).get
    assert view_reads(callbacks["evidence:mapping"]).post == {"items"}
    assert view_reads(callbacks["evidence:upload"]).files == {"files"}
    assert {"to_user"} <= view_reads(callbacks["candidates:enrolment_reassign_iqa"]).post
    assert {"username", "password", "next"} <= view_reads(callbacks["login"]).post
    assert set(DYNAMIC_FIELDS["SelfAssessmentForm"]) <= view_reads(callbacks["candidates:self_assessment"]).post
    assert view_reads(callbacks["candidates:unit_choice_check"]).htmx


class _ComputedFieldsForm(forms.Form):
    def __init__(self, *args: object, count: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for position in range(count):
            self.fields[f"answer-{position}"] = forms.CharField()


def _hands_the_query_on(request: HttpRequest) -> HttpResponse:
    return HttpResponse(", ".join(sorted(request.GET)))


def _binds_a_form_with_computed_fields(request: HttpRequest) -> HttpResponse:
    _ComputedFieldsForm(request.POST, count=3).is_valid()
    return HttpResponse()


def test_the_scanner_flags_what_it_cannot_place() -> None:
    """A view handing request data to something else, or binding a form of unlisted computed fields, fails."""
    assert view_reads(_hands_the_query_on).unknown
    assert "DYNAMIC_FIELDS" in view_reads(_binds_a_form_with_computed_fields).unknown[0]


# --------------------------------------------------------------------------- the walk


def entitled(table: dict | None, targets: list[str]) -> tuple[str, str] | None:
    """The first role, and a target, for which the expected answer is OK; None when nobody is."""
    if table is None:
        return None
    for role in ROLES:
        for target in targets:
            if table[role][target] == OK:
                return role, target
    return None


def _cases() -> list:
    cases = []
    for name in sorted(discovered_url_names() & WALK.keys()):
        row = WALK[name]
        for method in ("get", "post"):
            table = getattr(row, method)
            if table is None:
                continue
            # Nobody entitled (the witness page with a bad link is 400 for everyone): walked as the first role.
            role, target = entitled(table, list(row.targets)) or (ROLES[0], next(iter(row.targets)))
            cases.append(pytest.param(name, method, role, target, id=f"{name}-{method.upper()}-{role}"))
    return cases


def _variants(params: list[str], baseline: dict) -> Iterator[tuple[str, dict]]:
    """(what was sent, the data): each junk value in each parameter alone over the baseline, then in all at once."""
    for junk in JUNK:
        shown = repr(junk)[:40]
        for param in params:
            yield f"{param}={shown}", {**baseline, param: junk}
        if len(params) > 1:
            yield f"all={shown}", {param: junk for param in params}


def _file_variants(files: list[str]) -> Iterator[tuple[str, dict]]:
    for name, content in JUNK_FILES:
        yield f"files={name[:30]!r}", {param: SimpleUploadedFile(name, content) for param in files}


@dataclass
class Visit:
    client: Client
    url: str
    method: str
    context: str
    htmx: bool
    failures: list[str] = field(default_factory=list)

    def send(self, what: str, query: dict, data: dict | None = None) -> None:
        for htmx in (False, True) if self.htmx else (False,):
            headers = {"HX-Request": "true"} if htmx else {}
            if self.method == "get":
                response = self.client.get(self.url, query, headers=headers)
            else:
                url = self.url + ("?" + _encode(query) if query else "")
                response = self.client.post(url, data or {}, headers=headers)
            if response.status_code >= 500:
                self.failures.append(f"{self.context} {what}{' (htmx)' if htmx else ''}: {response.status_code}")


def _encode(query: dict) -> str:
    return urlencode(query, doseq=True)


@pytest.mark.parametrize(("name", "method", "role", "target"), _cases())
def test_junk_never_gives_a_server_error(
    world: SimpleNamespace, private_storage: Path, name: str, method: str, role: str, target: str,
) -> None:
    row: Row = WALK[name]
    reads = view_reads(url_callbacks()[name])
    kwargs = row.targets[target](world)
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(getattr(world, role))
    visit = Visit(client, reverse(name, kwargs=kwargs), method, f"{method.upper()} {name} as {role}", reads.htmx)
    baseline = {**row.data(world, kwargs), **(BASELINE[name](world, kwargs) if name in BASELINE else {})}
    if method == "get":
        for what, query in _variants(sorted(reads.get), {}):
            visit.send(what, query)
    else:
        for what, data in _variants(sorted(reads.post), baseline):
            visit.send(what, {}, data)
        for what, query in _variants(sorted(reads.get), {}):
            visit.send(what, query, baseline)
        for what, files in _file_variants(sorted(reads.files)):
            visit.send(what, {}, {**baseline, **files})
    for param, value in kwargs.items():
        if isinstance(value, int):
            for huge in HUGE_PATH_INTS:
                visit.url = reverse(name, kwargs={**kwargs, param: huge})
                visit.send(f"path {param}={huge}", {}, baseline if method == "post" else None)
    failures = visit.failures
    assert not failures, "server errors:\n" + "\n".join(failures)
