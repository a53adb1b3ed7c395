"""The real-browser harness: Playwright driving Debian's Chromium against pytest-django's live server.

Journeys add a `test_*.py` beside this file and use the fixtures below:
`page` (from pytest-playwright), `live_server`, `sign_in`, `shot`, `axe` and
`emails`. Every journey module carries `pytestmark = pytest.mark.e2e`.
"""

import os

# Playwright's sync API keeps an event loop running in the main thread; the ORM
# calls that tests make around it are still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from django.core import mail  # noqa: E402
from playwright.sync_api import ConsoleMessage, Page, expect  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "e2e"
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium, headless; never a browser downloaded by `playwright install`."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}, which is missing. "
            "Install it with `apt-get install chromium` (scripts/system-deps.sh test does); "
            "do not run `playwright install`.",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # CSP bypass lets the axe helper inject its script into pages that forbid inline scripts.
    return {**browser_context_args, "bypass_csp": True, "locale": "en-GB"}


@pytest.fixture(autouse=True)
def _e2e_settings(settings: Any) -> None:
    # The live server speaks plain HTTP: secure-only cookies would never come back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def live_url(live_server: Any, transactional_db: None, settings: Any) -> Callable[[str], str]:
    """Turn a path ("/accounts/login/") into an absolute URL on the live server (where emails link to, too)."""
    settings.SITE_URL = live_server.url

    def url(path: str) -> str:
        return live_server.url + path

    return url


@pytest.fixture
def sign_in(page: Page, live_url: Callable[[str], str]) -> Callable[..., None]:
    """Sign in through the real login form; lands on the home page."""

    def sign_in_as(email: str, password: str) -> None:
        page.goto(live_url("/accounts/login/"))
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    return sign_in_as


@pytest.fixture
def sign_out(page: Page) -> Callable[[], None]:
    """Sign out through the navigation bar's button."""

    def sign_out_now() -> None:
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    return sign_out_now


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """Save numbered full-page screenshots into test-output/e2e/<test name>/NN-name.png."""
    folder = OUTPUT / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    taken: list[Path] = []

    def take(page: Page, name: str) -> Path:
        path = folder / f"{len(taken) + 1:02d}-{re.sub(r'[^A-Za-z0-9_-]+', '-', name)}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
        return path

    return take


def format_violations(violations: list[dict]) -> str:
    """Axe's violations as text a person can act on: rule, impact, help link, offending nodes."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture
def axe() -> Callable[..., list[dict]]:
    """Run axe-core on the current page; fail on any serious or critical violation.

    Returns every violation (minor and moderate included) so a journey may look closer.
    """

    def check(page: Page, context: str = "") -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        violations = result["violations"]
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            where = context or page.url
            pytest.fail(
                f"axe found {len(blocking)} serious or critical violation(s) on {where}:\n"
                + format_violations(blocking),
                pytrace=False,
            )
        return violations

    return check


@pytest.fixture
def emails(mailoutbox: list) -> list:
    """The emails sent so far (Django's locmem outbox; the live server runs in this process)."""
    return mailoutbox


def links_in(message: mail.EmailMessage) -> list[str]:
    """Every http(s) link in an email's plain text body, in order."""
    return re.findall(r"https?://[^\s<>\"']+", message.body)


@pytest.fixture
def console_errors(page: Page) -> Iterator[list[str]]:
    """JavaScript errors the page reported; a journey asserts the list stays empty."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # Browsers ask for /favicon.ico on their own; the site has none yet.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", on_console)
    yield errors


def dump(data: Any) -> str:
    """Readable JSON for assertion messages."""
    return json.dumps(data, indent=2, default=str)
