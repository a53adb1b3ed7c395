"""A class signing in at nine o'clock: the password hashing of 30 sign-ins, with the site's hasher and with PBKDF2.

Each sign-in checks one password: one hash with the stored hash's parameters. Times 30 checks
in a row (one core, as one gunicorn worker spends them) with the first hasher of
PASSWORD_HASHERS (Argon2id with OWASP's parameters, portfolio_site/hashers.py) and with
Django's PBKDF2 (SHA-256 at Django's iterations, the hasher before it). CPU time is printed
beside wall time: on a shared machine the wall clock grows with the load, the CPU time does not.

Target: 30 sign-ins' hashing under 10 s of one core's CPU with the site's hasher, so that with
several workers a class of 30 is in within a few seconds (`make load` times the whole burst).
"""

from __future__ import annotations

import os
import time

SIGN_INS = 30
TARGET_S = 10.0
PASSWORD = "a-candidate's-password-2026"


def timed(check: object, encoded: str) -> tuple[float, float]:
    started, started_cpu = time.perf_counter(), time.process_time()
    for _ in range(SIGN_INS):
        assert check(PASSWORD, encoded)  # type: ignore[operator]
    return time.perf_counter() - started, time.process_time() - started_cpu


def run() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import check_password, get_hasher, make_password

    first = get_hasher("default")
    pbkdf2 = get_hasher("pbkdf2_sha256")
    figures = {}
    for name, hasher in ((f"{type(first).__name__} ({first.algorithm})", first),
                         (f"PBKDF2 ({pbkdf2.iterations} iterations)", pbkdf2)):  # type: ignore[attr-defined]
        encoded = make_password(PASSWORD, hasher=hasher)
        figures[name] = timed(check_password, encoded)
        wall, cpu = figures[name]
        print(f"{SIGN_INS} sign-ins, {name}: {wall:.2f} s wall, {cpu:.2f} s CPU "
              f"({cpu / SIGN_INS * 1000:.0f} ms a sign-in)")
    print(f"first hasher: {settings.PASSWORD_HASHERS[0]} (target: {SIGN_INS} sign-ins' CPU < {TARGET_S:.0f} s)")
    (first_wall, first_cpu), (_, pbkdf2_cpu) = figures.values()
    print(f"the site's hasher costs {first_cpu / pbkdf2_cpu:.2f} of PBKDF2's CPU")
    if first_cpu >= TARGET_S:
        print("bench_signin: a target was missed")


if __name__ == "__main__":
    run()
