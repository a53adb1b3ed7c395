"""Spec text in the reader's language, marked where it is not: a field modeltranslation shows in the spec's own
language for want of a translation gets that language's `lang`, so a screen reader reads it as English.

A built-in library (settings.TEMPLATES), so no template has to load it:

- ``{% spec_text unit "title" %}``: the text, escaped; wrapped in ``<span lang="en-gb">`` only when it is the
  spec's own wording shown in place of a missing translation.
- ``<div{{ outcome|spec_lang:"description" }}>``: the attribute alone (`` lang="en-gb"`` or nothing), for an
  element that holds block content (a description run through `linebreaks`).
"""

from __future__ import annotations

import dataclasses

from django import template
from django.db import models
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from modeltranslation.utils import build_localized_fieldname

from units.translation import SPEC_LANGUAGE, TRANSLATED

register = template.Library()


def _spec_object(obj: object) -> object:
    """`obj`, or the spec row a page's wrapper holds (units.outline's entries hold their unit, outcome, group)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for entry in dataclasses.fields(obj):
            held = getattr(obj, entry.name)
            if isinstance(held, models.Model):
                return held
    return obj


def fallback_language(obj: object, field: str) -> str:
    """The spec's language when `obj`'s `field` is shown in it for want of the active language's wording; ""
    when it is shown in the active language (or is not a translated field at all)."""
    obj = _spec_object(obj)
    if not isinstance(obj, models.Model) or field not in TRANSLATED.get(obj._meta.label_lower, ()):
        return ""
    active = translation.get_language() or SPEC_LANGUAGE
    if active == SPEC_LANGUAGE or active.split("-")[0] == SPEC_LANGUAGE.split("-")[0]:
        return ""
    column = build_localized_fieldname(field, active)
    if not hasattr(obj, column) or getattr(obj, column):
        return ""
    return SPEC_LANGUAGE if getattr(obj, field) else ""


@register.simple_tag
def spec_text(obj: object, field: str) -> SafeString:
    """`obj`'s `field` as the reader sees it, in a span naming its language when it is the spec's own wording
    standing in for a missing translation."""
    value = getattr(obj, field, "") or ""
    language = fallback_language(obj, field)
    if language:
        return format_html('<span lang="{}">{}</span>', language, value)
    return format_html("{}", value)


@register.filter
def spec_lang(obj: object, field: str) -> SafeString:
    """`` lang="en-gb"`` when `obj`'s `field` is shown in the spec's own language for want of a translation."""
    language = fallback_language(obj, field)
    return format_html(' lang="{}"', language) if language else mark_safe("")
