"""What a user has to do: due reviews, assessments to approve, flags on her files."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Exists, OuterRef, Q, QuerySet

from komar.accounts.models import User
from komar.assessments.actions import APPROVER_ROLES
from komar.assessments.models import Assessment, Determination
from komar.cases.access import mothers_for_user
from komar.cases.models import Child, Placement
from komar.counselling.models import ChildDecision, CounsellingSession
from komar.tasks.rules import Finding, Rule, evaluate, load_facts

REVIEW_HORIZON_DAYS = 14
MAX_ROWS = 100


def _later_than() -> Q:
    """A record held after the outer one: a later day, or the same day and recorded after it."""
    return (
        Q(held_on__gt=OuterRef("held_on"))
        | Q(held_on=OuterRef("held_on"), created_at__gt=OuterRef("created_at"))
        | Q(held_on=OuterRef("held_on"), created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
    )


ReviewedRecord = TypeVar("ReviewedRecord", CounsellingSession, Determination)


def _latest_due(
    model: type[ReviewedRecord], *, per: str, scope: str, user: User, today: dt.date
) -> QuerySet[ReviewedRecord]:
    """The latest record `per` woman or child whose review date is past or within two weeks."""
    later = model.objects.filter(**{per: OuterRef(per)}).filter(_later_than())
    return (
        model.objects.filter(
            **{f"{scope}__in": mothers_for_user(user)},
            review_on__lte=today + dt.timedelta(days=REVIEW_HORIZON_DAYS),
        )
        .exclude(Exists(later))
        .order_by("review_on")
    )


def reviews_due(user: User, today: dt.date) -> QuerySet[CounsellingSession]:
    """Each woman's latest session whose review is due or overdue."""
    due = _latest_due(CounsellingSession, per="mother", scope="mother", user=user, today=today)
    return due.select_related("mother")[:MAX_ROWS]


def determination_reviews_due(user: User, today: dt.date) -> QuerySet[Determination]:
    """Each child's latest determination whose review is due or overdue."""
    due = _latest_due(Determination, per="child", scope="child__mother", user=user, today=today)
    return due.select_related("child__mother")[:MAX_ROWS]


def assessments_to_approve(user: User) -> QuerySet[Assessment]:
    if user.role not in APPROVER_ROLES or user.organisation_id is None:
        return Assessment.objects.none()
    return (
        Assessment.objects.filter(
            organisation_id=user.organisation_id,
            status=Assessment.Status.SUBMITTED,
            child__mother__in=mothers_for_user(user),
        )
        .exclude(assessor=user)
        .exclude(authors=user)
        .select_related("child", "assessor")
        .order_by("submitted_at")[:MAX_ROWS]
    )


def assessments_returned_to(user: User) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(
            assessor=user,
            status=Assessment.Status.RETURNED,
            child__mother__in=mothers_for_user(user),
        )
        .select_related("child")
        .order_by("-decided_at")[:MAX_ROWS]
    )


def children_to_check(user: User) -> QuerySet[Child]:
    """The children a rule can fire for: inside, whereabouts unknown, or with a decision or an
    assessment on record."""
    return (
        Child.objects.filter(mother__in=mothers_for_user(user))
        .filter(
            Q(current_placement__kind=Placement.Kind.WITH_MOTHER)
            | Q(current_placement__isnull=True)
            | Q(current_placement__kind=Placement.Kind.UNKNOWN)
            | Exists(ChildDecision.objects.filter(child=OuterRef("pk")))
            | Exists(Assessment.objects.filter(child=OuterRef("pk")))
        )
        .select_related("current_placement", "mother")
    )


def findings_for_user(user: User, today: dt.date, rule: Rule | None = None) -> list[Finding]:
    """Every flag on the children she can see (of one rule, if given), the most urgent first:
    danger before warning, then by rule, then the oldest child (nearest her stay limit) first."""
    rules = None if rule is None else [rule]
    findings = evaluate(load_facts(children_to_check(user), today), rules)
    order = {"danger": 0, "warning": 1}
    findings.sort(
        key=lambda f: (order.get(f.rule.level, 2), f.rule.code, f.child.date_of_birth, f.child.pk)
    )
    return findings


@dataclass(frozen=True)
class RuleCount:
    rule: Rule
    count: int


def count_by_rule(findings: list[Finding]) -> list[RuleCount]:
    """How many flags each rule raised, in the order the findings come."""
    counts = Counter(f.rule.code for f in findings)
    rules = {f.rule.code: f.rule for f in findings}
    return [RuleCount(rules[code], n) for code, n in counts.items()]
