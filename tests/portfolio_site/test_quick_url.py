"""`{% url %}` (portfolio_site/templatetags/quick_url.py) gives what Django's `reverse` gives, for every address."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from portfolio_site.templatetags.quick_url import quick_reverse


def _named(patterns: list, namespace: str = "") -> list[tuple[str, list[str]]]:
    """Every named address of the site, with its parameters' names."""
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            prefix = list(entry.pattern.converters)
            found += [(name, [*prefix, *params]) for name, params in _named(entry.url_patterns, inner)]
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((namespace + entry.name, list(entry.pattern.converters)))
    return found


def test_every_address_of_whole_numbers_reverses_as_django_reverses() -> None:
    checked = 0
    for name, params in _named(get_resolver().url_patterns):
        for values in ([7] * len(params), [0] * len(params), list(range(12, 12 + len(params)))):
            kwargs = dict(zip(params, values, strict=True))
            try:
                expected = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                with pytest.raises(NoReverseMatch):
                    quick_reverse(name, [], kwargs, None)
                continue
            assert quick_reverse(name, [], kwargs, None) == expected, name
            assert quick_reverse(name, [], kwargs, None) == expected, name  # the second time from the pattern
            checked += 1
    assert checked > 100


def test_other_values_go_through_reverse() -> None:
    assert quick_reverse("candidates:enrolment_detail", [], {"pk": "31"}, None) == "/enrolments/31/"
    with pytest.raises(NoReverseMatch):
        quick_reverse("candidates:enrolment_detail", [], {"pk": -1}, None)
    with pytest.raises(NoReverseMatch):
        quick_reverse("candidates:enrolment_detail", [], {"pk": "a/b"}, None)
    with pytest.raises(NoReverseMatch):
        quick_reverse("no-such-page", [], {"pk": 1}, None)


def test_the_tag_reverses_positional_and_named_values_and_as_a_variable() -> None:
    template = Template(
        "{% url 'candidates:enrolment_detail' pk=a %} {% url 'candidates:enrolment_detail' a %} "
        "{% url 'home' %} {% url 'no-such-page' pk=a as missing %}[{{ missing }}] "
        "{% url 'assessments:review' pk=a evidence_pk=b as review %}{{ review }}"
    )
    assert template.render(Context({"a": 5, "b": 6})) == (
        f"/enrolments/5/ /enrolments/5/ / [] {reverse('assessments:review', kwargs={'pk': 5, 'evidence_pk': 6})}"
    )


def test_the_tag_refuses_a_missing_name_as_djangos_does() -> None:
    with pytest.raises(NoReverseMatch):
        Template("{% url 'no-such-page' pk=1 %}").render(Context())
