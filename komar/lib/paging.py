"""Pages of long lists: find the page's rows on the bare table, then load what they show.

Ordering and limiting a list with its relations joined makes the database join every row in
scope before it sorts. Paging the primary keys first and fetching the 25 rows with their
relations afterwards keeps a page's cost that of its raw SQL, whatever the size of the list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.utils.functional import cached_property

M = TypeVar("M", bound=Model)


def with_rows(ids: Sequence[Any], fetch: Callable[[Sequence[Any]], QuerySet[M]]) -> list[M]:
    """The rows of `ids`, in that order, loaded by `fetch(ids)` (with its relations)."""
    rows = {row.pk: row for row in fetch(ids)}
    return [rows[pk] for pk in ids if pk in rows]


def page_of(
    queryset: QuerySet[M],
    per_page: int,
    number: Any,
    fetch: Callable[[Sequence[Any]], QuerySet[M]],
) -> Page:
    """Page `number` of an ordered queryset, its rows loaded by `fetch(ids)`."""
    return page_of_keys(queryset.values_list("pk"), per_page, number, fetch)


class _Counted(Paginator):
    """A paginator whose count comes from a query of its own (one that an index serves)."""

    def __init__(self, object_list: Any, per_page: int, count: Callable[[], int]) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count()


def page_of_keys(
    keys: QuerySet[Any, tuple[Any, ...]],
    per_page: int,
    number: Any,
    fetch: Callable[[Sequence[Any]], QuerySet[M]],
    *,
    count: Callable[[], int] | None = None,
) -> Page:
    """Page `number` of ordered `keys` rows whose first column is the primary key (rows that
    carry their sort columns, say), its rows loaded by `fetch(ids)`; counted by `count()` if
    given, else by counting `keys`."""
    paginator = Paginator(keys, per_page) if count is None else _Counted(keys, per_page, count)
    page = paginator.get_page(number)
    page.object_list = with_rows([row[0] for row in page.object_list], fetch)
    return page
