"""What a person wrote is shown as written, with the language it was written in (its `language` field): a
built-in library (settings.TEMPLATES), so no template has to load it.

- ``<p{% written_lang version %}>{{ version.text }}</p>`` or ``<p{{ version|written_lang }}>``: the attribute
  `` lang="pl"``, or nothing when the language was not recorded (text written before it was).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from candidates.languages import supported

register = template.Library()


def _attribute(obj: object) -> SafeString:
    language = getattr(obj, "language", "") or ""
    if not isinstance(language, str) or not supported(language):
        return mark_safe("")
    return format_html(' lang="{}"', language)


@register.simple_tag(name="written_lang")
def written_lang_tag(obj: object) -> SafeString:
    """`` lang="…"`` of the language `obj` was written in, or nothing."""
    return _attribute(obj)


@register.filter(name="written_lang")
def written_lang_filter(obj: object) -> SafeString:
    """`` lang="…"`` of the language `obj` was written in, or nothing."""
    return _attribute(obj)
