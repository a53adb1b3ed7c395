"""The password hasher: Argon2id with the OWASP Password Storage Cheat Sheet's parameters.

Django's PBKDF2 (SHA-256, 1,000,000 iterations in Django 5.2) spends about 0.3 s of one
core on every sign-in (275 ms measured on the two-core development server): a class of 30
signing in at nine o'clock is 8 s of CPU, and every page asked for meanwhile queues behind
it. Argon2id is memory-hard, so an attacker's GPUs gain far less over our CPU than they do
against PBKDF2; OWASP's first recommended setting (19 MiB of memory, 2 passes, 1 lane) costs
about 30 ms a hash there, a ninth of PBKDF2's. Django's own Argon2 defaults (100 MiB, 8
lanes) would hold 100 MiB in every web worker signing someone in and spread one hash over
8 threads the server's cores do not have.

`python -m tests.bench signin` times 30 sign-ins' hashing with this hasher and
with PBKDF2. Older PBKDF2 hashes (and Argon2 hashes with other parameters) are
re-hashed with this one at the next successful sign-in: Django re-hashes with the first
hasher of PASSWORD_HASHERS a password stored with any hasher listed after it, or with
the first at other parameters.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id (Django's Argon2 hasher uses the id variant) at m=19 MiB, t=2, p=1.

    The algorithm name stays "argon2", so the stored hashes are the standard
    PHC strings (``argon2$argon2id$v=19$m=19456,t=2,p=1$...``) any Argon2 library reads.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
