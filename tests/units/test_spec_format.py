"""FORMAT.md is generated from the code's vocabularies, and its worked example loads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from units.rules.vocabulary import LevelOp, Measure, RuleKind
from units.services.specs import check_spec
from units.specformat import EXAMPLE, format_reference

ROOT = Path(__file__).resolve().parents[2]
FORMAT = ROOT / "fixtures" / "qualifications" / "FORMAT.md"


def test_format_md_is_what_the_code_generates() -> None:
    assert FORMAT.read_text(encoding="utf-8") == format_reference(), (
        "fixtures/qualifications/FORMAT.md is out of date: run `manage.py spec_format --write`"
    )


def test_format_md_names_every_rule_kind_measure_and_level_operator() -> None:
    text = format_reference()
    for member in [*RuleKind, *Measure, *LevelOp]:
        assert f"| `{member.value}` | {member.label} |" in text
    assert "`per_group`" in text


@pytest.mark.django_db
def test_the_worked_example_loads_without_a_problem() -> None:
    check = check_spec(content=json.dumps(EXAMPLE).encode(), name="example.json")
    assert check.problems == ()
    assert check.spec is not None and {r.measure for r in check.spec.rules} >= {"glh", "tqt"}


def test_the_readmes_link_the_format() -> None:
    assert "fixtures/qualifications/FORMAT.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(FORMAT.md)" in (ROOT / "fixtures" / "qualifications" / "README.md").read_text(encoding="utf-8")


def test_the_urlconf_imports_neither_weasyprint_nor_ortools() -> None:
    # System checks import the URLconf: every manage.py command paid seconds for the PDF renderer before.
    code = ("import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portfolio_site.settings'); "
            "import django; django.setup(); from django.urls import get_resolver; get_resolver().url_patterns; "
            "heavy = {m.split('.')[0] for m in sys.modules} & {'weasyprint', 'pypdf', 'ortools'}; "
            "assert not heavy, heavy")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
