"""Reads whose SQL is compiled once a process: the page pays for its query, not for the ORM building it.

Building a queryset and compiling it to SQL is most of the Python time of a short read (a few rows by index),
and the pages read the same shapes over and over with other values: a candidate's id, their enrolments' ids.
`prepared(build)` compiles `build(**values)` once a process, database and shape, with stand-ins for the values,
and at each call puts the real values in the stand-ins' places of the compiled parameters:

    _recent = prepared(lambda own, person: Question.objects.filter(enrolment__in=own).exclude(asked_by=person)
                       .select_related("asked_by").order_by("-asked_at")[:5])
    questions = _recent(own=[3, 8], person=user.pk)

The rows come back as the queryset would give them (models with their select_related, values, values_list),
converted by the compiled query's own converters. A value may be an int (a pk), a list of ints (pks: each
length is a shape of its own, up to `MOST_IDS`; longer lists are read through the ORM), a datetime or a date.
The build may branch on a list's being empty (an empty list is a shape of its own), never on a value itself:
the SQL compiled for one value serves every other. What must be in the SQL's text (a page's LIMIT and OFFSET)
goes in `fixed`, a few values each compiled as a shape of its own: `read(fixed={"page": 2}, person=7)`.
prefetch_related is not supported.
"""

from __future__ import annotations

import copy
import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Func, IntegerField, QuerySet

#: A list of more pks than this is compiled at each call (each length is a compiled query of its own).
MOST_IDS = 50

# Stand-ins are values no row holds: negative pks, instants and days of 1901.
_FIRST_STAND_IN = -7_340_113
_EPOCH = datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class _Compiled:
    compiler: Any
    queryset: QuerySet[Any]
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str, int | None], ...]  # (index in params, value's name, index in a list or None)


class _Run:
    """What Django's row iterables read of a queryset: its database, its model and a query whose compiler is
    the prepared one."""

    def __init__(self, queryset: Any, compiler: Any, db: str) -> None:
        self.db = db
        self.model = queryset.model
        self._fields = queryset._fields
        self._known_related_objects = queryset._known_related_objects
        self.query = _Query(queryset.query, compiler)


class _Query:
    def __init__(self, query: Any, compiler: Any) -> None:
        self._query = query
        self._compiler = compiler

    def get_compiler(self, using: str | None = None, connection: Any = None, elide_empty: bool = True) -> Any:
        return self._compiler

    def __getattr__(self, name: str) -> Any:
        return getattr(self._query, name)


class Prepared:
    """`build(**values)`'s rows, its SQL compiled once a process (see the module's docstring)."""

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self.build = build
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}
        self._lock = threading.Lock()
        self._model_class: Any = None

    def __call__(self, *, fixed: dict[str, Any] | None = None, **values: Any) -> list[Any]:
        fixed = fixed or {}
        lists = [value for value in values.values() if isinstance(value, list | tuple)]
        if any(len(ids) > MOST_IDS for ids in lists):
            return list(self.build(**fixed, **values))
        db = router.db_for_read(self._model(fixed, values), hints={})
        connection = connections[db]
        key = (db, connection.vendor, *sorted(fixed.items()),
               *sorted((name, _shape(value)) for name, value in values.items()))
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or self._compile(key, db, fixed, values)
        if not compiled.sql:
            return []
        params = list(compiled.params)
        for index, name, position in compiled.slots:
            value = values[name] if position is None else values[name][position]
            params[index] = _adapt(connection, value)
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connection
        sql = compiled.sql
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        run: Any = _Run(compiled.queryset, compiler, db)  # what the iterable reads of a queryset
        rows: Any = compiled.queryset._iterable_class(run)
        return list(rows)

    def _model(self, fixed: dict[str, Any], values: dict[str, Any]) -> Any:
        """The model read (for the database router), from a build made once."""
        if self._model_class is None:
            self._model_class = self.build(**fixed, **_stand_ins(values)).model
        return self._model_class

    def _compile(self, key: tuple[Any, ...], db: str, fixed: dict[str, Any], values: dict[str, Any]) -> _Compiled:
        stand_ins = _stand_ins(values)
        queryset: Any = self.build(**fixed, **stand_ins)
        if queryset._prefetch_related_lookups:
            raise ValueError("A prepared read cannot prefetch: read the related rows with a read of their own.")
        connection = connections[db]
        compiler = queryset.query.get_compiler(using=db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # an empty list where every row needs one of its values: no rows for this shape
            sql, params = "", []
        places: dict[tuple[type, Any], tuple[str, int | None]] = {}
        for name, stand_in in stand_ins.items():
            if isinstance(stand_in, list):
                for position, item in enumerate(stand_in):
                    places[_marker(connection, item)] = (name, position)
            else:
                places[_marker(connection, stand_in)] = (name, None)
        slots = []
        for index, param in enumerate(params):
            place = places.get((type(param), param))
            if place is not None:
                slots.append((index, *place))
        found = {(name, position) for _, name, position in slots}
        if sql and found != set(places.values()):
            missing = sorted({name for name, _ in set(places.values()) - found})
            raise ValueError(f"Values not found among the compiled parameters: {', '.join(missing)}")
        compiled = self._compiled[key] = _Compiled(compiler, queryset, sql, tuple(params), tuple(slots))
        return compiled


def counted(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """`queryset`'s count as a read of one row (SELECT COUNT(*) ...), for a build: `read(...)[0]` is the count."""
    return queryset.order_by().annotate(n=Func(template="COUNT(*)", output_field=IntegerField())).values_list(
        "n", flat=True)


def prepared(build: Callable[..., QuerySet[Any]]) -> Prepared:
    """A read of `build`'s rows whose SQL is compiled once a process (see the module's docstring)."""
    return Prepared(build)


def _shape(value: Any) -> Any:
    return len(value) if isinstance(value, list | tuple) else type(value).__name__


def _stand_ins(values: dict[str, Any]) -> dict[str, Any]:
    counter = iter(range(10_000))
    stand_ins: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, list | tuple):
            stand_ins[name] = [_stand_in(item, next(counter)) for item in value]
        else:
            stand_ins[name] = _stand_in(value, next(counter))
    return stand_ins


def _stand_in(value: Any, number: int) -> Any:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"A prepared read takes ints, datetimes and dates (and lists of ints), not {value!r}.")
    if isinstance(value, int):
        return _FIRST_STAND_IN - number
    if isinstance(value, datetime.datetime):
        return _EPOCH + datetime.timedelta(seconds=number)
    if isinstance(value, datetime.date):
        return _EPOCH.date() + datetime.timedelta(days=number)
    raise TypeError(f"A prepared read takes ints, datetimes and dates (and lists of ints), not {value!r}.")


def _adapt(connection: Any, value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _marker(connection: Any, stand_in: Any) -> tuple[type, Any]:
    adapted = _adapt(connection, stand_in)
    return type(adapted), adapted
