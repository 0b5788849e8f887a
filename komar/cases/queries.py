"""Read-side queries for the registry: the case list's filters and order."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet

from komar.accounts.models import User
from komar.cases.access import mothers_for_user, scope
from komar.cases.models import Child, Finding, Mother, Placement
from komar.lib.dates import earliest_birth_date_reaching_on_or_after


def _children_inside() -> QuerySet[Child]:
    return Child.objects.filter(
        mother=OuterRef("pk"), current_placement__kind=Placement.Kind.WITH_MOTHER
    )


def filter_mothers(
    queryset: QuerySet[Mother], filters: dict[str, Any], today: dt.date, user: User
) -> QuerySet[Mother]:
    """The case list's filters, on the woman's own columns where they can be (her facility,
    legal status and number of children inside are copies kept by the actions)."""
    if filters.get("facility"):
        queryset = queryset.filter(facility=filters["facility"])
    if filters.get("legal_status"):
        queryset = queryset.filter(legal_status=filters["legal_status"])
    if filters.get("pregnant"):
        queryset = queryset.filter(is_pregnant=True)
    if filters.get("flag"):
        # Women with an open flag of that rule, on herself or on one of her children.
        flagged = Finding.objects.filter(
            scope(
                user,
                each=Q(rule_code=filters["flag"], resolved_at__isnull=True),
                mother="mother_id",
            )
        )
        queryset = queryset.filter(pk__in=flagged.values("mother_id"))
    months = settings.KOMAR_CHILD_STAY_LIMIT_MONTHS
    # Children whose limit is today or later were born on or after `reaching_today`.
    reaching_today = earliest_birth_date_reaching_on_or_after(today, months)
    warning_end = today + dt.timedelta(days=settings.KOMAR_STAY_LIMIT_WARNING_DAYS + 1)
    reaching_after_warning = earliest_birth_date_reaching_on_or_after(warning_end, months)
    child = filters.get("child")
    if child == "inside":
        queryset = queryset.filter(children_inside__gt=0)
    elif child == "over_limit":
        queryset = queryset.filter(
            Q(children_inside__gt=0),
            Exists(_children_inside().filter(date_of_birth__lt=reaching_today)),
        )
    elif child == "near_limit":
        queryset = queryset.filter(
            Q(children_inside__gt=0),
            Exists(
                _children_inside().filter(
                    date_of_birth__gte=reaching_today, date_of_birth__lt=reaching_after_warning
                )
            ),
        )
    elif child == "unknown":
        unknown = Child.objects.filter(mother=OuterRef("pk")).filter(
            current_placement__isnull=True
        ) | Child.objects.filter(
            mother=OuterRef("pk"), current_placement__kind=Placement.Kind.UNKNOWN
        )
        queryset = queryset.filter(Exists(unknown))
    return queryset


def disjoint_scope(user: User, prefix: str = "", **kwargs: Any) -> list[Q]:
    """`scope(user, prefix, **kwargs)` as disjoint conditions whose union it is: its first
    half ("held in her facilities", say), then the second without the first ("assigned to her
    organisation and not held in her facilities"), and so on.

    The database serves an OR of the halves by visiting every row in scope (a multi-index OR on
    SQLite, a bitmap OR on PostgreSQL; a sequential scan of the table when one half is a
    subquery, such as her organisation's grants) before it counts, filters or sorts. Each half
    alone is a range of its own index (`mother_org_list_idx`, say), so the halves, counted
    apart or read as a UNION ALL, are counted and ordered inside the indexes.
    """
    condition = scope(user, prefix, **kwargs)
    if condition.connector == Q.OR and not condition.negated:
        parts = [c if isinstance(c, Q) else Q(c) for c in condition.children]
    else:
        parts = [condition]
    return [part & ~reduce(or_, parts[:i]) if i else part for i, part in enumerate(parts)]


def _scope_halves(user: User, filters: dict[str, Any], today: dt.date) -> list[QuerySet[Mother]]:
    filtered = filter_mothers(Mother.objects.all(), filters, today, user)
    return [filtered.filter(part).order_by() for part in disjoint_scope(user)]


def case_list_count(user: User, filters: dict[str, Any], today: dt.date) -> int:
    """How many women the case list holds: the halves of her scope (`disjoint_scope`), each
    filtered and counted in its index, added up."""
    if not user.can_read_cases:
        return 0
    first, *others = [half.values("pk") for half in _scope_halves(user, filters, today)]
    return first.union(*others, all=True).count()


def case_list_keys(
    user: User, filters: dict[str, Any], today: dt.date
) -> QuerySet[Mother, tuple[Any, ...]]:
    """The case list in name order, as (id, name in Latin letters, name in Khmer) rows.

    SQLite reads a page from the halves' indexes, merging the two ranges in name order and
    stopping after the page. PostgreSQL (15) sorts a UNION ALL as a whole; from the OR of the
    halves it walks its index of names instead and stops as soon as it has a page."""
    order = ("name_latin", "name_km", "pk")
    columns = ("pk", "name_latin", "name_km")
    if not user.can_read_cases or connections[Mother.objects.db].vendor != "sqlite":
        mothers = filter_mothers(mothers_for_user(user), filters, today, user)
        return mothers.order_by(*order).values_list(*columns)
    first, *others = [half.values_list(*columns) for half in _scope_halves(user, filters, today)]
    return first.union(*others, all=True).order_by(*order)


# What a row of the case list shows, and nothing else: a page builds fewer model fields.
_LISTED_MOTHER = (
    "code",
    "name_km",
    "name_latin",
    "date_of_birth",
    "is_pregnant",
    "latest_episode__legal_status",
    "latest_episode__facility__name_en",
    "latest_episode__facility__name_km",
)
_LISTED_CHILD = (
    "mother_id",
    "name_km",
    "name_latin",
    "date_of_birth",
    "current_placement__kind",
)


def listed_mothers(ids: Sequence[int]) -> QuerySet[Mother]:
    """The women of a page of the case list, with their latest episode and its facility."""
    return (
        Mother.objects.filter(pk__in=ids)
        .select_related("latest_episode__facility")
        .only(*_LISTED_MOTHER)
    )


@dataclass(frozen=True)
class CaseRow:
    """One row of the case list: the woman and her children."""

    mother: Mother
    children: list[Child]


def case_rows(mothers: Sequence[Mother]) -> list[CaseRow]:
    """The rows of a page of women, their children (with their current placement) in one
    query."""
    children: dict[int, list[Child]] = defaultdict(list)
    listed = (
        Child.objects.filter(mother__in=[m.pk for m in mothers])
        .select_related("current_placement")
        .only(*_LISTED_CHILD)
    )
    for child in listed:
        children[child.mother_id].append(child)
    return [CaseRow(m, children.get(m.pk, [])) for m in mothers]
