"""Pages of a long list, shared by every app's list views (it imports no app): Django's Paginator, the page
numbers to show, and the query string that keeps a list's filters in its page links."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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


def paged_by_key(items: QuerySet[Any], number: str | None, *, load: Callable[[list[Any]], Iterable[Any]],
                 query: str = "", size: int = PAGE_SIZE) -> Paged:
    """As `paged`, for a long list of wide rows: the page is chosen on the keys alone (sorting narrow rows is
    what keeps the last page of 10,000 fast), then `load(keys)` fetches the page's rows. Three queries.

    A page in the second half of the list is read from its end, in the reverse order: walking an index backwards,
    the last page of 100,000 costs what the first does (an offset of the whole list would read every row before).
    The order must end with a unique key (the enrolments' ends with the pk), so that both ways agree.
    """
    keys_of = items.values_list("pk", flat=True)
    listed = paged(keys_of, number, query=query, size=size)
    page = listed.page
    count = page.paginator.count
    bottom = (page.number - 1) * size
    top = min(bottom + size, count)
    if items.ordered and bottom > count // 2:
        keys = list(keys_of.reverse()[count - top:count - bottom])[::-1]
    else:
        keys = list(page.object_list)
    rows = {row.pk: row for row in load(keys)}
    page.object_list = [rows[key] for key in keys if key in rows]
    return listed
