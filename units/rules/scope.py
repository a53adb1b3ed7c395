"""Which units a rule covers: the one definition, for the engine, the planner and the catalogue pages.

A rule covers its units if it lists any, else its groups' units pooled (sub-groups
included, at any depth), else every unit. Pure functions over unit positions, so
the compiled spec and the ORM rows of a catalogue page use the same code.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import TypeVar

from units.rules.vocabulary import LevelOp

__all__ = ["ancestry", "group_members", "covered", "level_ok"]

G = TypeVar("G", bound=Hashable)


def ancestry(group: G, parents: Mapping[G, G | None]) -> list[G]:
    """The group and its ancestors, nearest first; the climb stops at a group seen before or not in `parents`."""
    chain: list[G] = []
    current: G | None = group
    while current is not None and current in parents and current not in chain:
        chain.append(current)
        current = parents[current]
    return chain


def group_members(parents: Mapping[G, G | None], unit_groups: Sequence[G | None]) -> dict[G, tuple[int, ...]]:
    """Each group's unit positions (in `unit_groups` order), its sub-groups' units included."""
    members: dict[G, list[int]] = {group: [] for group in parents}
    for position, group in enumerate(unit_groups):
        if group is not None:
            for holder in ancestry(group, parents):
                members[holder].append(position)
    return {group: tuple(found) for group, found in members.items()}


def covered(
    listed: Collection[int], groups: Sequence[G], members: Mapping[G, Collection[int]], count: int
) -> tuple[int, ...]:
    """The positions (of `count` units) a rule covers, ascending: those listed, else its groups' pooled, else all."""
    if listed:
        wanted = set(listed)
    elif groups:
        wanted = set().union(*(members[group] for group in groups))
    else:
        return tuple(range(count))
    return tuple(sorted(wanted))


def level_ok(level: int | None, wanted: int | None, op: str) -> bool:
    """Whether a unit at `level` passes a rule's level filter (a unit without a level never does)."""
    if wanted is None:
        return True
    if level is None:
        return False
    if op == LevelOp.GE:
        return level >= wanted
    if op == LevelOp.LE:
        return level <= wanted
    return level == wanted
