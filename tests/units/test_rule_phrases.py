"""The engine's explanations: whole phrases worded in the language active when asked, never one language cached."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.units.test_rules import by_rule, small
from units.rules import RuleSpec, evaluate, kinds, phrases


@pytest.fixture
def marked_polish(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in catalogue: in Polish every phrase is marked «pl», in English it reads as written."""

    def gettext(message: str) -> str:
        return "«pl»" + message if translation.get_language() == "pl" else message

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    for module in (kinds, phrases):
        monkeypatch.setattr(module, "gettext", gettext)
        monkeypatch.setattr(module, "ngettext", ngettext)


def test_a_shortfall_is_worded_in_the_active_language_each_time(marked_polish: None) -> None:
    spec = small([RuleSpec("a", "total", "m", groups=("A",), minimum=10)])
    with translation.override("en-gb"):
        english = by_rule(evaluate(spec, ["A1"]))["a"].message
    with translation.override("pl"):
        polish = by_rule(evaluate(spec, ["A1"]))["a"].message
    with translation.override("en-gb"):
        again = by_rule(evaluate(spec, ["A1"]))["a"].message
    assert english == "7 more credits needed from group A"
    # The phrase and the scope phrase inside it, each looked up in Polish.
    assert polish == "«pl»7 more credits needed «pl»from group A"
    assert again == english


def test_a_met_rule_keeps_its_detail_without_the_met_label(marked_polish: None) -> None:
    spec = small([RuleSpec("m", "mandatory", "m", units=("A1", "B1"))])
    with translation.override("en-gb"):
        result = by_rule(evaluate(spec, ["A1", "B1"]))["m"]
    with translation.override("pl"):
        polish = by_rule(evaluate(spec, ["A1", "B1"]))["m"]
    assert result.message == "Met: all 2 mandatory units chosen (A1, B1)"
    assert result.detail == "all 2 mandatory units chosen (A1, B1)"
    assert polish.message == "«pl»Met: «pl»all 2 mandatory units chosen (A1, B1)"


@pytest.mark.parametrize(("count", "expected"), [(1, "1 more level 3 unit needed from group B (at least 1 level 3 "
                                                    "unit from group B)"),
                                                   (2, "2 more level 3 units needed from group B (at least 2 level 3 "
                                                    "units from group B)")])
def test_each_group_counts_are_plural_forms_of_one_phrase(count: int, expected: str) -> None:
    spec = small([RuleSpec("g", "each_group", "m", groups=("B",), level=3, per_group=count)])
    assert by_rule(evaluate(spec, []))["g"].message == expected
