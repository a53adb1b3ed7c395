"""Pages of a long list, shared by every app's list views (it imports no app): Django's Paginator, the page
numbers to show, and the query string that keeps a list's filters in its page links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

PAGE_SIZE = 50


@dataclass(frozen=True)
class Paged:
    """A page of a list, with the numbers the navigation shows (None for a gap) and the filters' query string."""

    page: Page
    numbers: list[int | None]
    query: str


def paged(items: QuerySet[Any] | Sequence[Any], number: str | None, *, query: str = "",
          size: int = PAGE_SIZE) -> Paged:
    """Page `number` of `items` (the first for anything that is not a page number, the last past the end).

    Two queries for a queryset (its count, the page's rows), whatever the page.
    """
    paginator = Paginator(items, size)
    page = paginator.get_page(number)
    numbers = [n if isinstance(n, int) else None
               for n in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)]
    return Paged(page=page, numbers=numbers, query=query)
