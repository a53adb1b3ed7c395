"""The site's password hasher: Argon2id with OWASP's parameters first; older hashes re-hashed at sign-in."""

from __future__ import annotations

import importlib

import pytest
from django.conf import settings as site_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.urls import reverse

from candidates.models import User
from tests.conftest import PASSWORD

# What the settings module itself lists (the tests' autouse fixture swaps in MD5 for speed).
SITE_HASHERS = importlib.import_module(site_settings.SETTINGS_MODULE).PASSWORD_HASHERS


class CheapPBKDF2(PBKDF2PasswordHasher):
    """An old-style PBKDF2 hash at few iterations: the stored string says how many, so it checks as any other."""

    iterations = 1000


@pytest.fixture
def site_hashers(settings) -> None:
    settings.PASSWORD_HASHERS = SITE_HASHERS


def test_the_first_hasher_is_argon2id_with_owasp_parameters(site_hashers) -> None:
    encoded = make_password(PASSWORD)
    # OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB of memory, 2 iterations, 1 degree of parallelism.
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$"), encoded
    assert get_hasher().algorithm == "argon2"


def test_a_pbkdf2_password_is_rehashed_with_argon2id_at_sign_in(site_hashers, client, candidate) -> None:
    candidate.password = make_password(PASSWORD, hasher=CheapPBKDF2())
    candidate.save(update_fields=["password"])
    assert candidate.password.startswith("pbkdf2_sha256$1000$")

    response = client.post(reverse("login"), {"username": candidate.email, "password": PASSWORD})

    assert response.status_code == 302 and response.url == reverse("home")
    stored = User.objects.get(pk=candidate.pk).password
    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$"), stored


def test_an_argon2_hash_with_other_parameters_is_rehashed_too(site_hashers, client, candidate) -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher

    class Weaker(Argon2PasswordHasher):
        memory_cost = 1024

    candidate.password = make_password(PASSWORD, hasher=Weaker())
    candidate.save(update_fields=["password"])

    response = client.post(reverse("login"), {"username": candidate.email, "password": PASSWORD})

    assert response.status_code == 302
    assert User.objects.get(pk=candidate.pk).password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_wrong_password_leaves_the_old_hash_alone(site_hashers, client, candidate) -> None:
    old = make_password(PASSWORD, hasher=CheapPBKDF2())
    candidate.password = old
    candidate.save(update_fields=["password"])

    response = client.post(reverse("login"), {"username": candidate.email, "password": "not-the-password"})

    assert response.status_code == 200
    assert User.objects.get(pk=candidate.pk).password == old
