"""The transitions lists on "My work": plans to prepare, plans and carer assessments to approve
(supervisors), plans to review, follow-up visits due, and (for supervisors, the escalation)
children living in a residential institution.

Each list is one query through the woman's scope, sliced to `count + 1`, but for the plans to
prepare (three: the stored flags, the stored deadlines of the plans begun, the children listed)
and the plans to review (two: the stored deadlines, the children's plans)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komar.accounts.models import User
from komar.cases.access import scope
from komar.cases.models import Child, Placement
from komar.cases.queries import ELDEST, deadlines_by, open_findings_halves
from komar.lib.urls import link
from komar.lib.work import WorkList, WorkRow, first
from komar.transitions.access import is_supervisor
from komar.transitions.models import CarerAssessment, FollowUpVisit, TransitionPlan
from komar.transitions.rules import PLAN_BEGUN, PLAN_NEEDED, PLAN_REVIEW_DUE, TO_REVIEW

SOON_DAYS = 14  # a review or a visit shows this many days before it is due
# What a plan's row shows of the child.
_CHILD_NAMES = ("child__code", "child__name_km", "child__name_latin", "child__date_of_birth")


def plans_to_prepare(user: User, today: dt.date, count: int) -> WorkList:
    """The children inside near the limit (or their mother's release) whose plan is not written
    and submitted yet, the eldest first: those with no plan begun are the open flags
    `transition_plan_needed`, those with a draft, or a plan returned to be reworked, the
    deadlines `transition_plan_begun` due by today (both stored, read through the indexes of
    her scope's halves). Three queries, none of which reads her whole caseload."""
    halves = [h.values_list("born_on", "child_id") for h in open_findings_halves(user, PLAN_NEEDED)]
    first_half, *others = halves
    keys = set(first_half.union(*others, all=True).order_by("born_on", "child_id")[: count + 1])
    begun = deadlines_by(user, PLAN_BEGUN, today=today, by=today, count=count, order=ELDEST)
    keys.update((row.born_on, row.child_id) for row in begun if row.child_id is not None)
    # Each child once, even if a stored birth date lagged behind her record's.
    ids = list(dict.fromkeys(pk for _born, pk in sorted(keys)))[: count + 1]
    children = Child.objects.filter(pk__in=ids).only(
        "code", "name_km", "name_latin", "date_of_birth"
    )
    rows, more = first(sorted(children, key=lambda c: (c.date_of_birth, c.pk)), count)
    return WorkList(
        key="transition-plans",
        title=gettext_lazy("Transition plans to prepare"),
        rows=[
            WorkRow(
                text=_("%(name)s: plan where she will live") % {"name": c.display_name},
                url=link("transitions:plan_open", c.code),
                on=c.stay_limit_date,
                note=gettext_lazy("stay limit"),
                urgent=c.days_left(today) <= settings.KOMAR_TRANSITION_URGENT_DAYS,
            )
            for c in rows
        ],
        more=more,
    )


def plans_to_approve(user: User, organisation_id: int, count: int) -> WorkList:
    plans = (
        TransitionPlan.objects.filter(scope(user, "mother__"))
        .filter(status=TransitionPlan.Status.SUBMITTED, mother__organisation_id=organisation_id)
        .exclude(authors=user)
        .select_related("child")
        .order_by("submitted_at", "pk")[: count + 1]
    )
    rows, more = first(plans, count)
    return WorkList(
        key="transition-approve",
        title=gettext_lazy("Transition plans to approve"),
        rows=[
            WorkRow(
                text=_("%(name)s: transition plan") % {"name": p.child.display_name},
                url=p.get_absolute_url(),
                on=p.planned_on,
                note=gettext_lazy("planned separation"),
            )
            for p in rows
        ],
        more=more,
    )


def carers_to_approve(user: User, organisation_id: int, count: int) -> WorkList:
    assessments = (
        CarerAssessment.objects.filter(scope(user, "carer__mother__"))
        .filter(
            status=CarerAssessment.Status.SUBMITTED,
            carer__mother__organisation_id=organisation_id,
        )
        .exclude(assessor=user)
        .select_related("carer")
        .order_by("created_at", "pk")[: count + 1]
    )
    rows, more = first(assessments, count)
    return WorkList(
        key="carer-approve",
        title=gettext_lazy("Carer assessments to approve"),
        rows=[
            WorkRow(
                text=_("%(name)s (%(relationship)s)")
                % {"name": a.carer.display_name, "relationship": a.carer.relationship},
                url=reverse("transitions:carer_assessment_decide", kwargs={"code": a.code}),
                on=a.assessed_on,
            )
            for a in rows
        ],
        more=more,
    )


def plans_to_review(user: User, today: dt.date, count: int) -> WorkList:
    """The submitted or approved plans of children inside whose review falls within two weeks
    or is overdue, the soonest first: the stored deadlines `transition_plan_review_due` (a range
    of her scope's indexes), then the children's plans. Two queries."""
    due = deadlines_by(
        user, PLAN_REVIEW_DUE, today=today, by=today + dt.timedelta(days=SOON_DAYS), count=count
    )
    newest: dict[int, TransitionPlan] = {}
    for plan in (
        TransitionPlan.objects.filter(child_id__in=[row.child_id for row in due])
        .select_related("child")
        .only("code", "status", "review_on", "created_at", *_CHILD_NAMES)
        .order_by("created_at", "pk")
    ):
        newest[plan.child_id] = plan  # the child's newest plan, the one the deadline is of
    plans: list[TransitionPlan] = []
    for row in due:
        found = newest.get(row.child_id) if row.child_id is not None else None
        if found is not None and found.status in TO_REVIEW and found.review_on is not None:
            plans.append(found)
    rows, more = first(plans, count)
    return WorkList(
        key="transition-review",
        title=gettext_lazy("Transition plans to review"),
        rows=[
            WorkRow(
                text=_("%(name)s: review the transition plan") % {"name": p.child.display_name},
                url=p.get_absolute_url(),
                on=p.review_on,
                note=gettext_lazy("overdue") if p.review_on and p.review_on < today else "",
                urgent=p.review_on is not None and p.review_on < today,
            )
            for p in rows
        ],
        more=more,
    )


def visits_due(user: User, today: dt.date, count: int) -> WorkList:
    visits = (
        FollowUpVisit.objects.filter(scope(user, "separation__mother__"))
        .filter(visited_on__isnull=True, due_on__lte=today + dt.timedelta(days=SOON_DAYS))
        .select_related("separation__child", "stage")
        .order_by("due_on", "pk")[: count + 1]
    )
    rows, more = first(visits, count)
    return WorkList(
        key="followup-visits",
        title=gettext_lazy("Follow-up visits due"),
        rows=[
            WorkRow(
                text=_("%(name)s: follow-up visit, %(stage)s")
                % {"name": v.separation.child.display_name, "stage": v.stage},
                url=v.get_absolute_url(),
                on=v.due_on,
                note=gettext_lazy("overdue") if v.due_on < today else "",
                urgent=v.due_on < today,
            )
            for v in rows
        ],
        more=more,
    )


def in_institutions(user: User, count: int) -> WorkList:
    children = (
        Child.objects.filter(scope(user, "mother__"))
        .filter(current_placement__kind=Placement.Kind.INSTITUTION)
        .select_related("current_placement")
        .order_by("current_placement__start_date", "pk")[: count + 1]
    )
    rows, more = first(children, count)
    return WorkList(
        key="in-institutions",
        title=gettext_lazy("Children in a residential institution"),
        rows=[
            WorkRow(
                text=_("%(name)s: review the placement") % {"name": c.display_name},
                url=c.get_absolute_url(),
                on=c.current_placement.start_date if c.current_placement else None,
                note=gettext_lazy("since"),
                urgent=True,
            )
            for c in rows
        ],
        more=more,
    )


def my_work(user: User, today: dt.date, count: int) -> Sequence[WorkList]:
    if not user.can_read_cases:
        return []
    lists: list[WorkList] = []
    if user.can_write_cases:
        lists.append(plans_to_prepare(user, today, count))
    organisation_id = user.organisation_id
    if is_supervisor(user) and organisation_id is not None:
        lists += [
            plans_to_approve(user, organisation_id, count),
            carers_to_approve(user, organisation_id, count),
        ]
    if user.can_write_cases:
        lists += [plans_to_review(user, today, count), visits_due(user, today, count)]
    if is_supervisor(user):
        lists.append(in_institutions(user, count))
    return lists
