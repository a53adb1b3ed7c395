import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_under_production_settings() -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        # The browser tests allow async-unsafe calls for the whole test process; production never does.
        if key not in {"DEBUG", "SECURE_SSL_REDIRECT", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="a-production-secret-key-that-is-long-and-random-9f8e7d6c5b4a3",
        AUDIT_HMAC_KEY="an-audit-key-of-its-own-that-is-long-and-random-1a2b3c4d5e6f7",
        ALLOWED_HOSTS="portfolio.example.org",
        SITE_URL="https://portfolio.example.org",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_with_debug_on() -> None:
    env = dict(os.environ, DEBUG="true", SECRET_KEY="x" * 60, ALLOWED_HOSTS="portfolio.example.org")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stderr + result.stdout


def test_check_deploy_fails_without_a_secret_key_of_its_own() -> None:
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DEBUG="false", ALLOWED_HOSTS="portfolio.example.org")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "portfolio_site.E001" in result.stderr + result.stdout


def test_check_deploy_warns_when_emails_would_link_to_a_local_address() -> None:
    env = {key: value for key, value in os.environ.items() if key not in {"SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DEBUG="false", SECRET_KEY="a-production-secret-key-that-is-long-and-random-9f8e7d6c5b4a3",
               ALLOWED_HOSTS="portfolio.example.org")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "portfolio_site.W001" in result.stderr + result.stdout


def _deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if key not in {"AUDIT_HMAC_KEY", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DEBUG="false", SECRET_KEY="a-production-secret-key-that-is-long-and-random-9f8e7d6c5b4a3",
               ALLOWED_HOSTS="portfolio.example.org", SITE_URL="https://portfolio.example.org", **overrides)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def test_check_deploy_fails_without_an_audit_key_of_its_own() -> None:
    result = _deploy_check()
    assert result.returncode != 0
    assert "portfolio_site.E002" in result.stderr + result.stdout


def test_check_deploy_fails_with_the_audit_key_derived_from_the_secret_key() -> None:
    result = _deploy_check(AUDIT_HMAC_KEY="audit-hmac:a-production-secret-key-that-is-long-and-random-9f8e7d6c5b4a3")
    assert result.returncode != 0
    assert "portfolio_site.E002" in result.stderr + result.stdout


def test_check_deploy_accepts_an_audit_key_of_its_own() -> None:
    result = _deploy_check(AUDIT_HMAC_KEY="an-audit-key-of-its-own-that-is-long-and-random-1a2b3c4d5e6f7")
    assert "portfolio_site.E002" not in result.stderr + result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
