"""The vocabulary of candidates/access.py: which relations hold which named permission (no database)."""

from __future__ import annotations

import re

import pytest

from candidates import access
from candidates.access import GRANTS, Permission, Relation
from candidates.models import RoleKind

EVERYONE = {"candidate", "assessor", "iqa", "centre_admin", "eqa", "platform_admin"}

#: Today's rules, restated independently of the table (the roles before the vocabulary had a name).
EXPECTED: dict[Permission, set[str]] = {
    Permission.READ: EVERYONE,
    Permission.FOLLOW: EVERYONE | {"employer"},
    Permission.WRITE: EVERYONE - {"eqa"},
    Permission.ACT_AS_CANDIDATE: {"candidate"},
    Permission.PLAN: {"candidate", "assessor"},
    Permission.WRITE_EVIDENCE: {"candidate", "assessor", "platform_admin"},
    Permission.OBSERVE: {"assessor", "platform_admin"},
    Permission.JUDGE: {"assessor", "centre_admin", "platform_admin"},
    Permission.QUALITY_ASSURE: {"iqa", "platform_admin"},
    Permission.TALK: EVERYONE - {"eqa"},
    Permission.MANAGE: {"centre_admin", "platform_admin"},
    Permission.READ_FINGERPRINTS: EVERYONE - {"candidate"},
    Permission.READ_SAMPLING: {"iqa", "centre_admin", "eqa", "platform_admin"},
    Permission.KEEP_CASELOAD: {"assessor"},
    Permission.SIGN: {"candidate", "assessor", "centre_admin", "employer"},
}


def test_every_permission_has_one_row_in_the_table() -> None:
    assert set(GRANTS) == set(Permission) == set(EXPECTED)


@pytest.mark.parametrize("permission", list(Permission))
def test_each_permission_is_held_by_exactly_the_expected_relations(permission: Permission) -> None:
    assert GRANTS[permission] == EXPECTED[permission]


@pytest.mark.parametrize("permission", list(Permission))
def test_may_asks_the_table(permission: Permission) -> None:
    for relation in Relation:
        assert access.may({relation}, permission) is (relation in EXPECTED[permission])
    assert access.may(set(), permission) is False


def test_any_one_relation_that_holds_a_permission_is_enough() -> None:
    assert access.may({Relation.EQA, Relation.ASSESSOR}, Permission.JUDGE)
    assert not access.may({Relation.EQA, Relation.CANDIDATE}, Permission.JUDGE)


def test_the_eqa_reads_and_changes_nothing() -> None:
    assert {permission for permission in Permission if access.may({Relation.EQA}, permission)} == {
        Permission.READ, Permission.FOLLOW, Permission.READ_FINGERPRINTS, Permission.READ_SAMPLING}


def test_the_employer_follows_and_signs_and_does_nothing_else() -> None:
    assert {permission for permission in Permission if access.may({Relation.EMPLOYER}, permission)} == {
        Permission.FOLLOW, Permission.SIGN}


def test_whoever_reads_also_follows() -> None:
    assert GRANTS[Permission.READ] < GRANTS[Permission.FOLLOW]


def test_every_role_kind_is_a_relation_of_the_same_name() -> None:
    assert set(RoleKind.values) | {"platform_admin", "employer"} == {relation.value for relation in Relation}


def test_roles_held_anywhere_stand_for_their_relations_and_a_superuser_for_the_platform_admin() -> None:
    assert access.held_relations(["iqa", "eqa"], superuser=False) == {Relation.IQA, Relation.EQA}
    assert access.held_relations([], superuser=True) == {Relation.PLATFORM_ADMIN}


def _documented_table() -> dict[str, set[str]]:
    """The permission -> relations table of the gate module's docstring, read back."""
    lines = (access.__doc__ or "").splitlines()
    rules = [number for number, line in enumerate(lines) if re.fullmatch(r"=+( +=+)+", line)]
    relations_at = lines[rules[0]].rindex(" =") + 1
    table: dict[str, set[str]] = {}
    current = ""
    for line in lines[rules[1] + 1:rules[2]]:
        if line[:1].strip():
            current = line.split()[0]
            table[current] = set()
        table[current] |= {word.strip() for word in line[relations_at:].split(",") if word.strip()}
    return table


def test_the_gate_module_documents_the_table_as_it_is() -> None:
    assert _documented_table() == {permission.value: {r.value for r in GRANTS[permission]} for permission in Permission}
