"""The permission walk's world (tests/test_permission_walk.py), for the walks in every language."""

from tests.test_permission_walk import world, world_of_the_module  # noqa: F401 - fixtures, used by name
