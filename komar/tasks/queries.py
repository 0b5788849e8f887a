"""What a user has to do: due reviews, assessments to approve, flags on her files.

Flags are the stored findings (`cases.Finding`), kept current by the actions and the daily
`refresh_findings` command: reading them is an indexed query whatever the size of her scope.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Count, Model, QuerySet, Window

from komar.accounts.models import User
from komar.assessments.actions import APPROVER_ROLES
from komar.assessments.models import Assessment, Determination
from komar.cases.access import scope
from komar.cases.models import Finding
from komar.cases.queries import open_findings_halves
from komar.counselling.models import CounsellingSession
from komar.legal import queries as legal
from komar.lib.paging import with_rows
from komar.lib.rules import Rule, all_rules

REVIEW_HORIZON_DAYS = 14
# What a row names of a woman or a child: her link and her names (the rest of her file is not
# read for a list).
_NAMES = ("code", "name_km", "name_latin")


def _names(prefix: str) -> list[str]:
    return [f"{prefix}{field}" for field in _NAMES]


def reviews_due(user: User, today: dt.date) -> QuerySet[CounsellingSession]:
    """Each woman's latest session whose review is due within two weeks or overdue, the most
    overdue first."""
    return (
        CounsellingSession.objects.filter(
            scope(user, "mother__"),
            mother__is_closed=False,  # a closed case is out of the active lists
            is_latest=True,
            review_on__lte=today + dt.timedelta(days=REVIEW_HORIZON_DAYS),
        )
        .select_related("mother")
        .only("code", "review_on", *_names("mother__"))
        .order_by("review_on", "pk")
    )


def determination_reviews_due(user: User, today: dt.date) -> QuerySet[Determination]:
    """Each child's latest determination whose review is due or overdue."""
    return (
        Determination.objects.filter(
            scope(user, "child__mother__"),
            child__mother__is_closed=False,
            is_latest=True,
            review_on__lte=today + dt.timedelta(days=REVIEW_HORIZON_DAYS),
        )
        .select_related("child__mother")
        .order_by("review_on", "pk")
    )


def assessments_to_approve(user: User) -> QuerySet[Assessment]:
    if user.role not in APPROVER_ROLES or user.organisation_id is None:
        return Assessment.objects.none()
    return (
        Assessment.objects.filter(
            scope(user, "child__mother__"),
            child__mother__is_closed=False,
            organisation_id=user.organisation_id,
            status=Assessment.Status.SUBMITTED,
        )
        .exclude(assessor=user)
        .exclude(authors=user)
        .select_related("child", "assessor")
        .order_by("submitted_at", "pk")
    )


def assessments_returned_to(user: User) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(
            scope(user, "child__mother__"),
            child__mother__is_closed=False,
            assessor=user,
            status=Assessment.Status.RETURNED,
        )
        .select_related("child")
        .order_by("-decided_at", "-pk")
    )


def _open_halves(user: User, rule: Rule | None = None) -> list[QuerySet[Finding]]:
    return open_findings_halves(user, None if rule is None else rule.code)


def count_findings(user: User, rule: Rule | None = None) -> int:
    """How many open flags (of one rule, if given) are on the files she can see."""
    first, *others = [half.values("pk") for half in _open_halves(user, rule)]
    return first.union(*others, all=True).count()


def findings_for_user(
    user: User, rule: Rule | None = None, *, rules: Sequence[str] | None = None
) -> QuerySet[Finding, tuple[Any, ...]]:
    """The open flags on the files she can see (of one rule, or of the rules coded `rules`, if
    given), the most urgent first: danger before warning, then by rule, then the oldest child
    (nearest her stay limit) first; as (id, priority, rule, birth date) rows."""
    columns = ("pk", "priority", "rule_code", "born_on")
    codes = rule.code if rule is not None else rules
    halves = open_findings_halves(user, codes)
    first, *others = [half.values_list(*columns) for half in halves]
    return first.union(*others, all=True).order_by("priority", "rule_code", "born_on", "pk")


def most_urgent(user: User, counts: Sequence[RuleCount], count: int) -> list[int]:
    """The ids of her `count` most urgent open flags (as `findings_for_user` orders them), read
    from the rules that hold them only: the first rules, most urgent first, whose flags
    (`counts`, from `count_by_rule`) reach `count`. So the database sorts the flags of a rule
    or two, not every open flag on her files (23,000 for a social worker at 100,000 women).
    One query, none if she has no flag."""
    needed: list[str] = []
    total = 0
    for row in counts:
        if total >= count:
            break
        needed.append(row.rule.code)
        total += row.count
    if not needed:
        return []
    return [row[0] for row in findings_for_user(user, rules=needed)[:count]]


def shown_findings(ids: Sequence[int]) -> QuerySet[Finding]:
    """These findings with what a row shows: the child and the woman (her names; the child's
    mother is the finding's own woman, not joined twice)."""
    return (
        Finding.objects.filter(pk__in=ids)
        .select_related("child", "mother")
        .only(
            "rule_code",
            "rule_version",
            "priority",
            "facts",
            "raised_at",
            *_names("child__"),
            *_names("mother__"),
        )
    )


@dataclass(frozen=True)
class RuleCount:
    rule: Rule
    count: int


def count_by_rule(user: User) -> list[RuleCount]:
    """How many open flags each rule raised on her files, most urgent rules first (one query
    per half of her scope)."""
    counts: Counter[str] = Counter()
    for half in _open_halves(user):
        # COUNT(*), not of the ids: the half's index holds every column read (an index-only
        # scan on PostgreSQL, where counting the ids read 6,000 pages of the table).
        grouped = half.values_list("rule_code").annotate(n=Count("*"))
        counts.update(dict(grouped.values_list("rule_code", "n")))
    rules = sorted(all_rules(), key=lambda r: (r.priority, r.code))
    return [RuleCount(r, counts[r.code]) for r in rules if counts.get(r.code)]


M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Capped(Generic[M]):
    """The first rows of a list, and how many it holds in all."""

    rows: list[M]
    total: int

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


def capped(queryset: QuerySet[M], count: int) -> Capped[M]:
    """The first `count` rows and how many there are in all, in one query: the total is a
    window over the rows the list orders anyway (`COUNT(*) OVER ()`), not a second pass."""
    rows = list(queryset.annotate(capped_total=Window(Count("pk")))[:count])
    return Capped(rows, rows[0].capped_total if rows else 0)


def capped_by_keys(
    queryset: QuerySet[M], count: int, fetch: Callable[[Sequence[Any]], QuerySet[M]]
) -> Capped[M]:
    """The same for a list whose length is bounded by its nature (the hearings of two weeks):
    every key in one query (the count), the first rows by id in another (`fetch`)."""
    keys = list(queryset.values_list("pk", flat=True))
    return Capped(with_rows(keys[:count], fetch), len(keys))


@dataclass(frozen=True)
class LegalWork:
    """The legal work on the files she can see (`legal/queries.py`): hearings of the next two
    weeks, women to screen, her court reports to finish, reports to review (a supervisor's),
    applications waiting for the court."""

    hearings: Capped[Any]
    to_screen: Capped[Any]
    to_finish: Capped[Any]
    to_review: Capped[Any]
    pending: Capped[Any]

    def __bool__(self) -> bool:
        lists = (self.hearings, self.to_screen, self.to_finish, self.to_review, self.pending)
        return any(part.total for part in lists)


def legal_work(user: User, today: dt.date, count: int) -> LegalWork:
    """One query per list (a supervisor's reports to review among them), and one more for a
    list longer than `count`; two for the hearings, three for the women to screen."""
    return LegalWork(
        hearings=capped_by_keys(
            legal.hearings_ahead(user, today), count, legal.hearings_by_id(today)
        ),
        to_screen=Capped(*legal.first_women_to_screen(user, today, count)),
        to_finish=capped(legal.reports_to_finish(user), count),
        to_review=capped(legal.reports_to_review(user), count),
        pending=capped(legal.applications_pending(user, today), count),
    )
