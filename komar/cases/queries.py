"""Read-side queries for the registry: the case list's filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from komar.accounts.models import User
from komar.cases.access import scope
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
            scope(user, each=Q(rule_code=filters["flag"], resolved_at__isnull=True))
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


def with_list_relations(queryset: QuerySet[Mother]) -> QuerySet[Mother]:
    """Everything one row of the case list shows, in a fixed number of queries."""
    return queryset.select_related("latest_episode__facility").prefetch_related(
        Prefetch(
            "children",
            queryset=Child.objects.select_related("current_placement"),
        )
    )
