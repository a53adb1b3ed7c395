"""The one gate (DESIGN.md): no view or home-page block of any app reads enrolments by hand.

Views and template tags obtain enrolments through candidates/access.py (`enrolment_for`,
`enrolments_visible_to`, `centre_for_admin`...), so a new page cannot forget who may see what.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("portfolio_site", "units", "candidates", "inbox", "evidence", "assessments", "apprenticeships", "exports",
        "privacy")
#: Reading enrolments straight from the model, or fetching any row by pk on an unscoped queryset.
BY_HAND = re.compile(r"\bEnrolment\.objects\b|\.objects\.get\(")


def _request_modules() -> list[Path]:
    modules: list[Path] = []
    for app in APPS:
        modules += sorted((ROOT / app).glob("views*.py"))
        modules += sorted((ROOT / app).glob("views/*.py"))
        modules += sorted((ROOT / app).glob("templatetags/*.py"))
    return modules


def test_the_scan_finds_the_views_and_template_tags() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in _request_modules()}
    assert {"candidates/views/enrolment.py", "portfolio_site/views.py", "assessments/views/certification.py",
            "assessments/templatetags/assessments_home.py", "evidence/templatetags/evidence_home.py"} <= names


def test_no_view_or_template_tag_reads_enrolments_by_hand() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _request_modules()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if BY_HAND.search(line)
    ]
    assert not offenders, "Go through candidates/access.py instead:\n" + "\n".join(offenders)
