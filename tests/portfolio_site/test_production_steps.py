"""The README's production steps, as written, on a fresh folder: `collectstatic` with the hashed manifest, then
`check --deploy`, then a page served with the collected files (the settings Makefile's check-deploy uses)."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR_MAPS = (
    "vendor/bootstrap/bootstrap.min.css.map",
    "vendor/bootstrap/bootstrap.bundle.min.js.map",
    "vendor/tus/tus.min.js.map",
)


def production_env(var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           # As Makefile's check-deploy: the test processes' own switches are not production's.
           if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT", "STATIC_MANIFEST", "DEBUG"}}
    env.update(
        DEBUG="false", ALLOWED_HOSTS="portfolio.example.org", SITE_URL="https://portfolio.example.org",
        SECRET_KEY=secrets.token_urlsafe(64), AUDIT_HMAC_KEY=secrets.token_urlsafe(64),
        VAR_DIR=str(var_dir), DATABASE_URL=f"sqlite:///{var_dir}/db.sqlite3",
    )
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


SERVE_THE_SIGN_IN_PAGE = """
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="portfolio.example.org", HTTP_X_FORWARDED_PROTO="https")
page = client.get("/accounts/login/")
assert page.status_code == 200, page.status_code
css = next(part.split('"')[0] for part in page.text.split('href="')[1:] if "bootstrap.min" in part)
asset = client.get(css)
assert asset.status_code == 200, (css, asset.status_code)
print(css)
print(b"".join(asset.streaming_content).decode()[-80:])
"""


def test_collectstatic_with_the_manifest_then_check_deploy_then_a_page(tmp_path) -> None:
    env = production_env(tmp_path)

    collected = manage(env, "collectstatic", "--noinput")

    assert collected.returncode == 0, collected.stdout + collected.stderr
    static_root = tmp_path / "staticfiles"
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for name in VENDOR_MAPS:
        assert (static_root / manifest[name]).is_file(), name
    # The vendored files' sourceMappingURL comments now name the maps' hashed copies.
    css = (static_root / manifest["vendor/bootstrap/bootstrap.min.css"]).read_text()
    assert re.search(r"sourceMappingURL=bootstrap\.min\.css\.[0-9a-f]{12}\.map", css), css[-120:]

    deploy = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr

    served = subprocess.run([sys.executable, "-c", SERVE_THE_SIGN_IN_PAGE], cwd=ROOT, capture_output=True, text=True,
                            env={**env, "DJANGO_SETTINGS_MODULE": "portfolio_site.settings"})
    assert served.returncode == 0, served.stdout + served.stderr
    css_url, tail = served.stdout.splitlines()[0], served.stdout
    # Served by whitenoise under its hashed name, with the map comment rewritten.
    assert re.fullmatch(r"/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css", css_url), css_url
    assert ".map" in tail


def test_collectstatic_with_the_manifest_stops_at_a_missing_map(tmp_path) -> None:
    """The check above can fail: a vendored file naming a map that is not there stops collectstatic."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "orphan.min.js").write_text("var a=1;\n//# sourceMappingURL=orphan.min.js.map\n")
    env = production_env(tmp_path)
    code = ("import sys, django; from django.conf import settings;"
            "from django.core.management import execute_from_command_line;"
            "django.setup(); settings.STATICFILES_DIRS.append(sys.argv[1]);"
            "execute_from_command_line(['manage.py', 'collectstatic', '--noinput'])")

    result = subprocess.run([sys.executable, "-c", code, str(extra)], cwd=ROOT, capture_output=True, text=True,
                            env={**env, "DJANGO_SETTINGS_MODULE": "portfolio_site.settings"})

    assert result.returncode != 0
    assert "orphan.min.js.map" in result.stderr
