"""The database's own refusal to change or delete append-only rows (PostgreSQL; inert elsewhere)."""

from __future__ import annotations

import pgtrigger

# The same words as the hand-written trigger this replaces: they tell whoever meets them what to do instead.
REFUSAL = (
    "RAISE EXCEPTION '% rows are append-only: add a correction instead of changing or deleting one', TG_TABLE_NAME;"
)


def append_only() -> pgtrigger.Trigger:
    """A row trigger refusing UPDATE and DELETE, for a model's `Meta.triggers`.

    Defence in depth beside the models' own guards and the view-only admin: even raw
    SQL from the application's account cannot rewrite a record. TRUNCATE (the test
    runner's flush) is not a row event and stays possible. pgtrigger's migration
    operations do nothing on databases other than PostgreSQL, so SQLite runs without it.
    """
    # pgtrigger.Protect would do, but its message names no remedy; a trigger of our own keeps ours.
    return pgtrigger.Trigger(
        name="append_only", when=pgtrigger.Before, operation=pgtrigger.Update | pgtrigger.Delete, func=REFUSAL,
    )
