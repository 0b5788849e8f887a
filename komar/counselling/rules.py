"""Rules about counselling: a child inside never counselled, a review overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from komar.cases.models import Child
from komar.cases.rules import load_children
from komar.counselling.models import ChildDecision
from komar.lib.rules import CHILD, Facts, Msg, RuleSet, shared


@dataclass
class ChildFacts:
    child: Child
    today: dt.date
    latest_decision: ChildDecision | None = None  # of her latest counselling session


def latest_decisions(ids: Sequence[int]) -> dict[int, ChildDecision]:
    """Each child's latest decision (of her most recent session), in one query per
    evaluation."""
    return shared(("counselling.latest_decisions", tuple(ids)), lambda: _latest(ids))


def _latest(ids: Sequence[int]) -> dict[int, ChildDecision]:
    latest: dict[int, ChildDecision] = {}
    decisions = (
        ChildDecision.objects.filter(child_id__in=ids)
        .select_related("session")
        .only(
            "pk",
            "child_id",
            "decision",
            "decided_by",
            "session__review_on",
            "session__preference",
        )
        .order_by("child_id", "-session__held_on", "-session__created_at", "-pk")
    )
    for decision in decisions:
        assert decision.child_id is not None
        latest.setdefault(decision.child_id, decision)
    return latest


def load(ids: Sequence[int], today: dt.date) -> dict[int, ChildFacts]:
    decisions = latest_decisions(ids)
    return {c.pk: ChildFacts(c, today, decisions.get(c.pk)) for c in load_children(ids)}


RULES: RuleSet[ChildFacts] = RuleSet("counselling", CHILD, load)


@RULES.rule(
    "no_counselling",
    version=1,
    title=_("A child inside with no counselling on record"),
    standard=_("Bangkok Rules 2(2) and 49; UN Alternative Care Guidelines para. 48"),
    level="warning",
)
def no_counselling(f: ChildFacts) -> Facts | None:
    if f.child.is_inside and f.latest_decision is None:
        return {
            _("Lives"): Msg(_("with the mother in the facility")),
            _("Decisions on record"): 0,
        }
    return None


@RULES.rule(
    "review_overdue",
    version=1,
    title=_("The review of the decision is overdue"),
    standard=_("UN Alternative Care Guidelines para. 67 (review at least every three months)"),
    level="danger",
)
def review_overdue(f: ChildFacts) -> Facts | None:
    decision = f.latest_decision
    if decision is not None and decision.session.review_on < f.today:
        return {
            _("Latest decision"): Msg(decision.get_decision_display()),
            _("Review date"): decision.session.review_on,
        }
    return None
