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
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import get_language

from komar.accounts.models import User
from komar.cases.access import mothers_for_user, scope
from komar.cases.actions import assignable_workers
from komar.cases.models import Child, Closure, Deadline, Finding, Mother, Placement
from komar.lib.dates import earliest_birth_date_reaching_on_or_after


def _children_inside() -> QuerySet[Child]:
    return Child.objects.filter(
        mother=OuterRef("pk"), current_placement__kind=Placement.Kind.WITH_MOTHER
    )


def filter_mothers(
    queryset: QuerySet[Mother], filters: dict[str, Any], today: dt.date, user: User
) -> QuerySet[Mother]:
    """The case list's filters, on the woman's own columns where they can be (her facility,
    legal status and number of children inside are copies kept by the actions).

    Closed cases are out of the list unless asked for, or unless she searches by name: a
    closed file is still found."""
    status = filters.get("status") or ("all" if filters.get("q") else "open")
    if status == "open":
        queryset = queryset.filter(is_closed=False)
    elif status == "closed":
        queryset = queryset.filter(is_closed=True)
    if filters.get("mine"):
        queryset = queryset.filter(Q(assigned_worker=user) | Q(assigned_legal_officer=user))
    if filters.get("worker"):
        queryset = queryset.filter(assigned_worker=filters["worker"])
    if filters.get("unassigned"):
        queryset = queryset.filter(assigned_worker__isnull=True)
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


def open_findings_halves(
    user: User, rule_code: str | Sequence[str] | None = None
) -> list[QuerySet[Finding]]:
    """Her open flags (of one rule, or of some, if given), one queryset per half of her scope
    (`disjoint_scope`), through the copies of the woman's scope columns that each finding
    carries: each half is served by its own index (a partial index of the open flags, or the
    women of her organisation's grants), where an OR of the halves reads every open flag."""
    condition = Q(resolved_at__isnull=True)
    if isinstance(rule_code, str):
        condition &= Q(rule_code=rule_code)
    elif rule_code is not None:
        condition &= Q(rule_code__in=list(rule_code))
    halves = disjoint_scope(user, each=condition, mother="mother_id")
    return [Finding.objects.filter(half).order_by() for half in halves]


@dataclass(frozen=True)
class DueRow:
    due_on: dt.date
    born_on: dt.date | None
    mother_id: int
    child_id: int | None


def _applying(code: str, today: dt.date) -> Q:
    """Her deadlines of one kind that have not lapsed by `today` (`Deadline.lapses_on`)."""
    return Q(code=code) & (Q(lapses_on__isnull=True) | Q(lapses_on__gt=today))


# The orders of `deadlines_by`: the soonest due first, then the eldest subject; the eldest
# first; the soonest first, then the eldest woman (a woman's own deadlines, one each).
SOONEST = ("due_on", "born_on", "pk")
ELDEST = ("born_on", "child_id", "pk")
SOONEST_WOMAN = ("due_on", "born_on", "mother_id")


def count_deadlines(user: User, code: str, *, today: dt.date) -> int:
    """How many of her deadlines of one kind apply today, whatever their date: counted inside
    the index of each half of her scope (the halves are disjoint). One query."""
    if not user.can_read_cases:
        return 0
    halves = [
        Deadline.objects.filter(half).order_by().values("pk")
        for half in disjoint_scope(user, each=_applying(code, today), mother="mother_id")
    ]
    first, *others = halves
    return first.union(*others, all=True).count() if others else first.count()


def deadlines_by(
    user: User,
    code: str,
    *,
    today: dt.date,
    by: dt.date,
    count: int,
    order: Sequence[str] = SOONEST,
) -> list[DueRow]:
    """The first `count` + 1 of her deadlines of one kind (`cases.Deadline`) that apply today,
    falling on or before `by` (overdue ones included), in `order`: the soonest first, then the
    eldest (`SOONEST`), or the eldest first whatever the date (`ELDEST`): a range of each half
    of her scope's index (`deadline_facility_idx`, `deadline_org_idx`, or the grants read by
    woman), merged in that order by the database. One query."""
    if not user.can_read_cases:
        return []
    each = _applying(code, today) & Q(due_on__lte=by)
    halves = [
        Deadline.objects.filter(half)
        .order_by()
        .values_list("due_on", "born_on", "pk", "mother_id", "child_id")
        for half in disjoint_scope(user, each=each, mother="mother_id")
    ]
    first, *others = halves
    rows = first.union(*others, all=True).order_by(*order)[: count + 1]
    return [
        DueRow(due_on, born_on, mother_id, child_id)
        for due_on, born_on, _pk, mother_id, child_id in rows
    ]


def deadline_mothers(
    user: User,
    code: str,
    *,
    today: dt.date,
    since: dt.date | None = None,
    until: dt.date | None = None,
    field: str = "pk",
) -> Q:
    """The condition that `field` (a woman's id) names a woman of her scope with a deadline of
    this kind (`cases.Deadline`) that applies today, due from `since` to `until` if given: the
    id among one subquery, the UNION ALL of a range of each half of her scope's index (a woman
    is in at most one half: `disjoint_scope`)."""
    if not user.can_read_cases:
        return Q(**{f"{field}__in": []})
    each = _applying(code, today)
    if since is not None:
        each &= Q(due_on__gte=since)
    if until is not None:
        each &= Q(due_on__lte=until)
    halves = [
        Deadline.objects.filter(half).order_by().values("mother_id")
        for half in disjoint_scope(user, each=each, mother="mother_id")
    ]
    first, *others = halves
    return Q(**{f"{field}__in": first.union(*others, all=True) if others else first})


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


# The case list's orders besides the name (`CaseFilterForm.sort`), each ending in name order.
# The admission date and the eldest child inside are copies on her row, kept by the actions.
NAME_ORDER = ("name_latin", "name_km", "pk")
SORTS: dict[str, tuple[Any, ...]] = {
    "-name": (F("name_latin").desc(), F("name_km").desc(), F("pk").desc()),
    "facility": (F("facility__name_en").asc(nulls_last=True), *NAME_ORDER),
    "admitted": (F("admitted_on").desc(nulls_last=True), *NAME_ORDER),
    "-admitted": (F("admitted_on").asc(nulls_last=True), *NAME_ORDER),
    # The eldest child inside is the nearest to the limit; women with no child inside last.
    "limit": (F("eldest_inside_born_on").asc(nulls_last=True), *NAME_ORDER),
}


def case_list_keys(
    user: User, filters: dict[str, Any], today: dt.date
) -> QuerySet[Mother, tuple[Any, ...]]:
    """The case list in the order asked for (by name unless `filters["sort"]` says
    otherwise), as rows whose first column is her id.

    In name order, SQLite reads a page from the halves' indexes, merging the two ranges in name
    order and stopping after the page. PostgreSQL (15) sorts a UNION ALL as a whole; from the OR
    of the halves it walks its index of names instead and stops as soon as it has a page. The
    other orders sort the women in scope (a few thousand at most for one worker)."""
    order = NAME_ORDER
    columns = ("pk", "name_latin", "name_km")
    sort = SORTS.get(filters.get("sort") or "")
    if sort is not None:
        mothers = filter_mothers(mothers_for_user(user), filters, today, user)
        if filters.get("sort") == "facility" and get_language() == "km":
            sort = (F("facility__name_km").asc(nulls_last=True), *NAME_ORDER)
        return mothers.order_by(*sort).values_list("pk")
    if not user.can_read_cases or connections[Mother.objects.db].vendor != "sqlite":
        mothers = filter_mothers(mothers_for_user(user), filters, today, user)
        return mothers.order_by(*order).values_list(*columns)
    first, *others = [half.values_list(*columns) for half in _scope_halves(user, filters, today)]
    return first.union(*others, all=True).order_by(*order)


# What a row of the case list shows, and nothing else: a page builds fewer model fields.
_LISTED_MOTHER = (
    "code",
    "case_number",
    "is_closed",
    "admitted_on",
    "assigned_worker__full_name",
    "assigned_worker__username",
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
        .select_related("latest_episode__facility", "assigned_worker")
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


@dataclass(frozen=True)
class CaseloadRow:
    """One worker's open cases (or, with no worker, the cases nobody is responsible for)."""

    worker: User | None
    women: int
    inside: int
    flagged: int


def caseload_rows(supervisor: User) -> list[CaseloadRow]:
    """Each worker of her organisation with her open cases counted, in one grouped query (and
    one for the workers): all of them, those with a child inside, those with an open flag."""
    assert supervisor.organisation_id is not None
    flagged = Finding.objects.filter(mother=OuterRef("pk"), resolved_at__isnull=True)
    counts = {
        row["assigned_worker"]: row
        for row in Mother.objects.filter(
            organisation_id=supervisor.organisation_id, is_closed=False
        )
        .values("assigned_worker")
        .annotate(
            women=Count("pk"),
            inside=Count("pk", filter=Q(children_inside__gt=0)),
            flagged=Count("pk", filter=Q(Exists(flagged))),
        )
        .order_by()
    }
    workers = list(assignable_workers(supervisor.organisation_id))
    # A worker who left the organisation or the role may still hold cases: she is listed too.
    known = {w.pk for w in workers}
    others = [pk for pk in counts if pk is not None and pk not in known]
    workers += list(User.objects.filter(pk__in=others).order_by("full_name", "username"))
    empty = {"women": 0, "inside": 0, "flagged": 0}
    rows = []
    for worker in workers:
        row = counts.get(worker.pk, empty)
        rows.append(CaseloadRow(worker, row["women"], row["inside"], row["flagged"]))
    row = counts.get(None, empty)
    rows.append(CaseloadRow(None, row["women"], row["inside"], row["flagged"]))
    return rows


def pending_closures(supervisor: User) -> QuerySet[Closure]:
    """The closures of her organisation's cases waiting for a supervisor, oldest first."""
    if supervisor.organisation_id is None:
        return Closure.objects.none()
    return Closure.objects.filter(
        status=Closure.Status.PENDING, mother__organisation_id=supervisor.organisation_id
    ).order_by("requested_at")
