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
    #: The list holds more rows than its pages reach: the count stopped at the `bound` of `paged_by_key`.
    more: bool = False
    #: The query parameter that carries the page's number (two lists on one page need two).
    param: str = "page"


class CountedRows(Sequence[Any]):
    """The rows of a list whose count is read otherwise (say a prepared read, portfolio_site.prepared): a paginator
    asks this count, and slices `rows` for its page."""

    def __init__(self, rows: Any, count: Callable[[], int]) -> None:
        self.rows = rows
        self._count = count
        self.ordered = getattr(rows, "ordered", True)

    def count(self) -> int:  # type: ignore[override]  # the paginator's count, as a queryset's
        return self._count()

    def __len__(self) -> int:
        return self._count()

    def __getitem__(self, index: Any) -> Any:
        return self.rows[index]


def count_up_to(paginator: Paginator, counted: QuerySet[Any], bound: int) -> bool:
    """Give `paginator` the count of `counted` stopped at `bound` rows (no count reads the whole of a long list);
    True when there are more than `bound`, whose pages then reach the first `bound` only."""
    count = counted.order_by()[:bound + 1].count()
    paginator.count = min(count, bound)  # type: ignore[misc]  # a cached_property, set once here
    return count > bound


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
                 query: str = "", size: int = PAGE_SIZE, counted: QuerySet[Any] | None = None,
                 bound: int | None = None, param: str = "page") -> Paged:
    """As `paged`, for a long list of wide rows: the page is chosen on the keys alone (sorting narrow rows is
    what keeps the last page of 10,000 fast), then `load(keys)` fetches the page's rows. Three queries.

    A page in the second half of the list is read from its end, in the reverse order: walking an index backwards,
    the last page of 100,000 costs what the first does (an offset of the whole list would read every row before).
    The order must end with a unique key (the enrolments' ends with the pk), so that both ways agree.

    The count is that of `counted` when given (a query of the same rows that an index answers alone, say the
    people's ids without their names), else of the keys. With `bound`, the count stops at `bound` rows: a list of
    more shows its first `bound` (`more` is then true, and the page says how to narrow it), and no count reads
    the whole of a long list.
    """
    keys_of = items.values_list("pk", flat=True)
    paginator = Paginator(keys_of, size)
    more = False
    if bound is not None:
        more = count_up_to(paginator, counted if counted is not None else keys_of, bound)
    elif counted is not None:
        paginator.count = counted.order_by().count()  # type: ignore[misc]
    page = paginator.get_page(number)
    numbers = [n if isinstance(n, int) else None
               for n in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)]
    count = paginator.count
    bottom = (page.number - 1) * size
    top = min(bottom + size, count)
    if items.ordered and not more and bottom > count // 2:
        keys = list(keys_of.reverse()[count - top:count - bottom])[::-1]
    else:
        keys = list(page.object_list)
    rows = {row.pk: row for row in load(keys)}
    page.object_list = [rows[key] for key in keys if key in rows]
    return Paged(page=page, numbers=numbers, query=query, more=more, param=param)
