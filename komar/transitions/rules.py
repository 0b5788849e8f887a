"""The transitions workflow's flags: a child near the stay limit (or her mother's release) with no
plan, or close to it with no approved plan and assessed carer; a separation by override; a
follow-up visit overdue; a child in a residential institution; a plan's review overdue.

The thresholds are settings (`KOMAR_TRANSITION_*`, `KOMAR_FOLLOWUP_GRACE_DAYS`). The facts of
many children are read in a fixed number of queries (`load`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from komar.cases.models import Child, Mother, Placement
from komar.cases.rules import load_children
from komar.lib.rules import CHILD, Facts, Msg, RuleSet
from komar.transitions.models import Carer, FollowUpVisit, Separation, TransitionPlan

YES = Msg(_("Yes"))
NO = Msg(_("No"))


@dataclass
class TransitionFacts:
    child: Child
    today: dt.date
    expected_release: dt.date | None  # of her mother's open custody episode
    plan: TransitionPlan | None  # the newest plan
    approved_at: list[dt.datetime] = field(default_factory=list)  # when her plans were approved
    overrides: list[Separation] = field(default_factory=list)
    due_visits: list[FollowUpVisit] = field(default_factory=list)  # not yet made

    @property
    def inside(self) -> bool:
        placement = self.child.current_placement
        return placement is not None and placement.kind == Placement.Kind.WITH_MOTHER

    @property
    def days_to_limit(self) -> int:
        return (self.child.stay_limit_date - self.today).days

    @property
    def days_to_release(self) -> int | None:
        if self.expected_release is None:
            return None
        return (self.expected_release - self.today).days

    @property
    def days_to_leaving(self) -> int:
        """Days until she leaves the facility: the stay limit, or her mother's release if it is
        expected earlier."""
        release = self.days_to_release
        return self.days_to_limit if release is None else min(self.days_to_limit, release)

    @property
    def needs_plan_from(self) -> dt.date:
        """The day from which she needs a plan (the dates of `transition_plan_needed`):
        `KOMAR_TRANSITION_PLAN_DAYS` before her stay limit, or `KOMAR_TRANSITION_RELEASE_DAYS`
        before her mother's expected release, whichever comes first."""
        day = self.child.stay_limit_date - dt.timedelta(days=settings.KOMAR_TRANSITION_PLAN_DAYS)
        if self.expected_release is not None:
            release = dt.timedelta(days=settings.KOMAR_TRANSITION_RELEASE_DAYS)
            day = min(day, self.expected_release - release)
        return day

    @property
    def open_plan(self) -> TransitionPlan | None:
        plan = self.plan
        return plan if plan is not None and plan.status != TransitionPlan.Status.DONE else None


def load(ids: Sequence[int], today: dt.date) -> dict[int, TransitionFacts]:
    children = load_children(ids)
    mother_ids = {c.mother_id for c in children}
    releases = {
        row["pk"]: row["latest_episode__expected_release_date"]
        for row in Mother.objects.filter(
            pk__in=mother_ids, latest_episode__ended_on__isnull=True
        ).values("pk", "latest_episode__expected_release_date")
    }
    newest: dict[int, TransitionPlan] = {}
    approved: dict[int, list[dt.datetime]] = defaultdict(list)
    plans = (
        TransitionPlan.objects.filter(child_id__in=ids)
        .select_related("carer")
        .only("child_id", "status", "review_on", "decided_at", "created_at", "carer__status")
        .order_by("created_at", "pk")
    )
    for plan in plans:
        newest[plan.child_id] = plan
        if plan.decided_at is not None and plan.status in (
            TransitionPlan.Status.APPROVED,
            TransitionPlan.Status.DONE,
        ):
            approved[plan.child_id].append(plan.decided_at)
    overrides: dict[int, list[Separation]] = defaultdict(list)
    for separation in Separation.objects.filter(child_id__in=ids, by_override=True).only(
        "child_id", "separated_on", "created_at"
    ):
        overrides[separation.child_id].append(separation)
    visits: dict[int, list[FollowUpVisit]] = defaultdict(list)
    for visit in (
        FollowUpVisit.objects.filter(separation__child_id__in=ids, visited_on__isnull=True)
        .select_related("separation")
        .only("due_on", "separation__child_id")
    ):
        visits[visit.separation.child_id].append(visit)
    return {
        c.pk: TransitionFacts(
            child=c,
            today=today,
            expected_release=releases.get(c.mother_id),
            plan=newest.get(c.pk),
            approved_at=approved[c.pk],
            overrides=overrides[c.pk],
            due_visits=visits[c.pk],
        )
        for c in children
    }


RULES: RuleSet[TransitionFacts] = RuleSet("transitions", CHILD, load)


def _limit_facts(f: TransitionFacts) -> Facts:
    facts: Facts = {_("Stay limit"): f.child.stay_limit_date, _("Days left"): f.days_to_limit}
    if f.expected_release is not None:
        facts[_("Expected release date")] = f.expected_release
    return facts


# Its open findings are also "My work"'s children without a plan begun (`work.plans_to_prepare`).
PLAN_NEEDED = "transition_plan_needed"


@RULES.rule(
    PLAN_NEEDED,
    version=1,
    title=_("A transition plan is needed"),
    standard=_(
        "Bangkok Rule 52(1) and (2): the separation is planned from an individual assessment, "
        "and the child leaves only once alternative care has been identified; UN Alternative "
        "Care Guidelines paras. 63-65: a written plan with its goals and measures."
    ),
    level="warning",
)
def transition_plan_needed(f: TransitionFacts) -> Facts | None:
    if not f.inside or f.open_plan is not None:
        return None
    release = f.days_to_release
    near_limit = f.days_to_limit <= settings.KOMAR_TRANSITION_PLAN_DAYS
    near_release = release is not None and release <= settings.KOMAR_TRANSITION_RELEASE_DAYS
    if not (near_limit or near_release):
        return None
    facts = _limit_facts(f)
    facts[_("Transition plan")] = Msg(_("None"))
    return facts


@RULES.rule(
    "transition_not_ready",
    version=1,
    title=_("Leaving soon without an approved plan and an assessed carer"),
    standard=_(
        "Bangkok Rule 52(2): removal only once alternative care has been identified; UN "
        "Alternative Care Guidelines paras. 57 and 63: decided through a proper procedure, "
        "with the carer assessed and the plan agreed."
    ),
    level="danger",
)
def transition_not_ready(f: TransitionFacts) -> Facts | None:
    if not f.inside or f.days_to_leaving > settings.KOMAR_TRANSITION_URGENT_DAYS:
        return None
    plan = f.open_plan
    approved = plan is not None and plan.status == TransitionPlan.Status.APPROVED
    carer = (
        plan is not None and plan.carer is not None and plan.carer.status == Carer.Status.APPROVED
    )
    if approved and carer:
        return None
    return {
        **_limit_facts(f),
        _("Approved transition plan"): YES if approved else NO,
        _("Assessed and approved carer"): YES if carer else NO,
    }


@RULES.rule(
    "separation_override",
    version=1,
    title=_("Separated by a supervisor's override"),
    standard=_(
        "Bangkok Rule 52(2) and UN Alternative Care Guidelines paras. 57 and 67: a separation "
        "without an approved plan is followed at once by an assessment and a written plan."
    ),
    level="danger",
)
def separation_override(f: TransitionFacts) -> Facts | None:
    for separation in f.overrides:
        if not any(at >= separation.created_at for at in f.approved_at):
            return {
                _("Date of separation"): separation.separated_on,
                _("Approved transition plan"): NO,
            }
    return None


@RULES.rule(
    "followup_overdue",
    version=1,
    title=_("A follow-up visit is overdue"),
    standard=_(
        "Bangkok Rule 52(3) and UN Alternative Care Guidelines paras. 67 and 49-51: a child "
        "placed after separation is followed up, and her contact with her mother supported."
    ),
    level="warning",
)
def followup_overdue(f: TransitionFacts) -> Facts | None:
    late = [
        v for v in f.due_visits if (f.today - v.due_on).days > settings.KOMAR_FOLLOWUP_GRACE_DAYS
    ]
    if not late:
        return None
    first = min(late, key=lambda v: v.due_on)
    return {_("Visit due on"): first.due_on, _("Days overdue"): (f.today - first.due_on).days}


@RULES.rule(
    "placed_in_institution",
    version=1,
    title=_("Living in a residential care institution"),
    standard=_(
        "UN Alternative Care Guidelines paras. 21-23: residential care only where it is "
        "specifically appropriate, and for young children, especially under three, family-based "
        "care; the supervisor reviews the placement."
    ),
    level="danger",
)
def placed_in_institution(f: TransitionFacts) -> Facts | None:
    placement = f.child.current_placement
    if placement is None or placement.kind != Placement.Kind.INSTITUTION:
        return None
    return {
        _("Where the child lives"): Msg(_("Residential care institution")),
        _("Since"): placement.start_date,
    }


@RULES.rule(
    "plan_review_overdue",
    version=1,
    title=_("The transition plan's review is overdue"),
    standard=_(
        "UN Alternative Care Guidelines para. 67: plans reviewed at least every three months."
    ),
    level="warning",
)
def plan_review_overdue(f: TransitionFacts) -> Facts | None:
    plan = f.open_plan
    if not f.inside or plan is None or plan.review_on is None or plan.review_on >= f.today:
        return None
    return {_("Review date"): plan.review_on, _("Days overdue"): (f.today - plan.review_on).days}


# The deadlines of "My work"'s transitions lists (`work.py`), stored for every child inside whose
# plan is under way, so that each list is a range of her scope's indexes, not a join of every
# plan to every woman: a plan begun (a draft, or returned to be reworked) from the day she needs
# one, the plans to prepare beside the flags `transition_plan_needed`; a submitted or approved
# plan by its review date. A child has one open plan at most (`actions.do_start_plan`).
PLAN_BEGUN = "transition_plan_begun"
PLAN_REVIEW_DUE = "transition_plan_review_due"
BEGUN = (TransitionPlan.Status.DRAFT, TransitionPlan.Status.RETURNED)
TO_REVIEW = (TransitionPlan.Status.SUBMITTED, TransitionPlan.Status.APPROVED)


def _open_plan_in(f: TransitionFacts, statuses: tuple[str, ...]) -> TransitionPlan | None:
    """Her open plan, if she lives inside and it is in one of these states."""
    plan = f.open_plan
    return plan if f.inside and plan is not None and plan.status in statuses else None


@RULES.deadline(PLAN_BEGUN)
def plan_begun(f: TransitionFacts) -> dt.date | None:
    return f.needs_plan_from if _open_plan_in(f, BEGUN) is not None else None


@RULES.deadline(PLAN_REVIEW_DUE)
def plan_review_due(f: TransitionFacts) -> dt.date | None:
    plan = _open_plan_in(f, TO_REVIEW)
    return plan.review_on if plan is not None else None


RULE_SETS = [RULES]
