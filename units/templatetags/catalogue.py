from django import template

from units.outline import value_label

register = template.Library()


@register.filter
def with_value_word(value: int, value_name: str) -> str:
    """{{ unit.value|with_value_word:qualification.value_name }} -> '6 credits'."""
    return value_label(value, value_name)


@register.filter
def heading_level(depth: int, base: int = 3) -> int:
    """h3 for a top-level group, h4 for its sub-groups..., never beyond h6."""
    return min(int(base) + int(depth), 6)
