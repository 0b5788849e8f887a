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
    page = Paginator(queryset.values_list("pk", flat=True), per_page).get_page(number)
    page.object_list = with_rows(list(page.object_list), fetch)
    return page
