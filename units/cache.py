"""The compiled spec and the spec outline, cached per qualification version.

Reading a spec costs six queries (`units.spec.spec_for`) and compiling it a few
milliseconds; the outline of the spec page eight queries. Both change only when a
spec is loaded, replaced, deleted or edited in the admin, so the pages that show
or judge a candidate's choice read them through here:

* `cached_spec(qualification)` — the `Spec`, compiled, in the active language
  (its titles and rule messages are read in that language);
* `cached_outline(qualification)` — the `Outline`: its rows are model instances
  holding every language's column, so one copy serves every language;
* `units_kept(qualification pks)` / `keep_units(...)` — each qualification's units with their
  assessable items, as the evidence pages read them (evidence.reads): the reader asks first and
  keeps what it had to read, so a page costs no more queries than without the cache.

Two levels: Django's cache (Redis in production, so every web and worker process
shares one copy; local memory in the embedded default and in tests) and, on top,
a small memory of this process that keeps the compiled form (a `Spec`'s compiled
rules are never pickled). Each entry is keyed by the qualification's pk and the
catalogue's *generation*, one number in the shared cache: saving or deleting any
row of a spec, or changing a rule's groups or units, bumps it at once and again
when the transaction commits; so does every `migrate`. So a reader never gets a version older than the
last committed write, whichever process wrote it; a reader that cached the old
rows while the write was in flight is passed over by the second bump.

What writes a spec reads it with `spec_for`/`outline_for` directly, never here.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterable
from threading import Lock
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils import translation

from units.models import Qualification, Unit
from units.outline import Outline, outline_for
from units.rules import Spec, compile_spec
from units.spec import spec_for

__all__ = [
    "cached_spec", "cached_outline", "units_kept", "keep_units", "generation", "invalidate", "connect_signals",
    "clear_local",
]

GENERATION_KEY = "units:catalogue-generation"
TIMEOUT = 24 * 60 * 60  # a day: an entry no one reads goes; the generation decides whether one is current
LOCAL_SIZE = 64  # entries kept by each process (a handful of versions in a few languages)

T = TypeVar("T")

_local: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_lock = Lock()


def generation() -> int:
    """The catalogue's generation: bumped by every write to a spec."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        # No generation yet (a new or flushed cache): start one at a random number, so that no process's
        # memory of an earlier start can match it. add() keeps a concurrent start's number.
        start = secrets.randbits(48)
        cache.add(GENERATION_KEY, start, timeout=None)
        value = cache.get(GENERATION_KEY, start)
    return int(value)


def invalidate() -> None:
    """Make every cached spec and outline stale, now and again once the current transaction commits."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet: nothing is cached against one
        pass
    clear_local()


def clear_local() -> None:
    with _lock:
        _local.clear()


def _read(kind: str, qualification: Qualification, language: str, build: Callable[[], T]) -> T:
    key = (kind, qualification.pk, language, generation())
    with _lock:
        found = _local.get(key)
        if found is not None:
            _local.move_to_end(key)
            return found  # type: ignore[no-any-return]
    shared_key = ":".join(["units", *map(str, key)])
    value = cache.get(shared_key)
    if value is None:
        value = build()
        cache.set(shared_key, value, timeout=TIMEOUT)
    with _lock:
        _local[key] = value
        while len(_local) > LOCAL_SIZE:
            _local.popitem(last=False)
    return value  # type: ignore[no-any-return]


def cached_spec(qualification: Qualification) -> Spec:
    """The qualification's `Spec`, compiled, in the active language (see `units.spec.spec_for`)."""
    spec = _read("spec", qualification, translation.get_language() or "", lambda: spec_for(qualification))
    compile_spec(spec)  # kept on the instance the process memory holds
    return spec


def cached_outline(qualification: Qualification) -> Outline:
    """The spec page's `Outline` (see `units.outline.outline_for`), its qualification the one given."""
    outline = _read("outline", qualification, "", lambda: outline_for(qualification))
    if outline.qualification is qualification:
        return outline
    # The qualification's own row may have changed (retired) without a new generation: show the one read now.
    return Outline(**{**outline.__dict__, "qualification": qualification})


def units_kept(qualification_pks: Iterable[int]) -> tuple[int, dict[int, list[Unit]]]:
    """The catalogue's generation, and the units of those of these qualifications that `keep_units` kept at it:
    each unit with its assessable items (and their element and criterion) prefetched, in spec order. Model
    instances holding every language's column, shared by every reader: read them, never change them."""
    current = generation()
    found: dict[int, list[Unit]] = {}
    for pk in qualification_pks:
        key = ("units", pk, "", current)
        with _lock:
            units = _local.get(key)
        if units is None:
            units = cache.get(":".join(["units", *map(str, key)]))
            if units is not None:
                with _lock:
                    _local[key] = units
        if units is not None:
            found[pk] = units
    return current, found


def keep_units(read_at: int, units_by_qualification: dict[int, list[Unit]]) -> None:
    """Keep each qualification's units (as `units_kept` returns them), read from the database after `units_kept`
    said the generation was `read_at`: a spec written meanwhile has bumped it, and the rows are passed over."""
    for pk, units in units_by_qualification.items():
        key = ("units", pk, "", read_at)
        cache.set(":".join(["units", *map(str, key)]), units, timeout=TIMEOUT)
        with _lock:
            _local[key] = units
            while len(_local) > LOCAL_SIZE:
                _local.popitem(last=False)


def _changed(sender: Any, **kwargs: Any) -> None:
    invalidate()


def connect_signals() -> None:
    """Every write to a spec's rows bumps the generation (units.apps calls this once)."""
    from units.models import Rule
    from units.specfile import MODELS

    for model in MODELS.values():
        post_save.connect(_changed, sender=model, dispatch_uid=f"units-cache-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"units-cache-delete-{model._meta.label}")
    for through in (Rule.groups.through, Rule.units.through):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"units-cache-m2m-{through._meta.label}")
    from units.models import Duty

    m2m_changed.connect(_changed, sender=Duty.items.through, dispatch_uid="units-cache-m2m-duty-items")
    # A migration writes through historical models, which send no signal to the receivers above.
    post_migrate.connect(_changed, dispatch_uid="units-cache-migrate")
