"""QuickSelect writes exactly the markup of Django's own Select widget."""

from __future__ import annotations

import pytest
from django import forms

from candidates.forms.widgets import QuickSelect

CHOICES = [("", "Any <assessor>"), (1, "Ann & Bob"), (2, 'Zed "Q"'), ("A group", [(3, "three"), (4, "four")])]


@pytest.mark.parametrize("value", [None, "", 2, "4", "no such choice"])
@pytest.mark.parametrize(
    "attrs", [{"class": "form-select"}, {"class": "a", "disabled": True, "data-off": False, "aria-describedby": 'x"y'}]
)
def test_quick_select_renders_as_djangos_select(value: object, attrs: dict[str, object]) -> None:
    djangos = forms.Select(attrs=attrs, choices=CHOICES).render("assessor", value, {"id": "id_assessor"})
    ours = QuickSelect(attrs=attrs, choices=CHOICES).render("assessor", value, {"id": "id_assessor"})
    assert ours == djangos


def test_quick_select_escapes_labels_and_values() -> None:
    html = QuickSelect(choices=[("<v>", "<b>bold</b>")]).render("f", None)
    assert "<b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html and 'value="&lt;v&gt;"' in html
