"""`{% url %}` as Django's, with each address pattern reversed once per process instead of once per use.

A built-in library (settings.TEMPLATES), so every template's `{% url %}` is this one. Reversing a name
walks the URL configuration's candidates (about 0.1 ms here): a list of 50 rows with two links each spent
10 ms on it. For a name given only non-negative whole numbers (pks, the common case), the tag reverses
the name once with placeholder numbers, keeps the result as a pattern, and then only fills the numbers
in. Anything else (a string, a negative number, a name the placeholders do not fit) goes through Django's
`reverse` as before, with the same errors. A name with no values is reversed once too (the menu's links).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template import defaulttags
from django.template.base import Parser, Token
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

_PLACEHOLDER = 9_876_543_210  # the first of the numbers reversed in place of the values: no address holds them
_UNFIT = ""  # kept for a name the placeholders do not fit: those always go through `reverse`
_patterns: dict[tuple[Any, ...], str] = {}


def _whole(value: object) -> bool:
    return type(value) is int and value >= 0


def _pattern(view_name: str, arity: int, names: tuple[str, ...], current_app: str | None) -> str:
    """The address of `view_name` as a str.format pattern ("/enrolments/{pk}/"), or _UNFIT."""
    marks = [_PLACEHOLDER + i for i in range(arity or len(names))]
    try:
        if arity:
            url = reverse(view_name, args=marks, current_app=current_app)
        else:
            url = reverse(view_name, kwargs=dict(zip(names, marks, strict=True)), current_app=current_app)
    except NoReverseMatch:
        return _UNFIT
    if any(url.count(str(mark)) != 1 for mark in marks):
        return _UNFIT
    pattern = url.replace("{", "{{").replace("}", "}}")
    for index, mark in enumerate(marks):
        pattern = pattern.replace(str(mark), "{" + (names[index] if names else str(index)) + "}")
    return pattern


def quick_reverse(view_name: str, args: list[Any], kwargs: dict[str, Any], current_app: str | None) -> str:
    """What `reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)` returns."""
    values = args or list(kwargs.values())
    if (args and kwargs) or not all(_whole(value) for value in values):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    names = tuple(kwargs)
    key = (view_name, len(args), names, current_app, get_script_prefix(), get_urlconf())
    pattern = _patterns.get(key)
    if pattern is None:
        pattern = _patterns[key] = _pattern(view_name, len(args), names, current_app)
    if pattern == _UNFIT:
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    return pattern.format(*args, **kwargs)


class QuickURLNode(defaulttags.URLNode):
    def render(self, context: template.Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = quick_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> QuickURLNode:
    """Django's `{% url %}` (same syntax, same result), reversing each pattern once."""
    node = defaulttags.url(parser, token)
    return QuickURLNode(node.view_name, node.args, node.kwargs, node.asvar)
