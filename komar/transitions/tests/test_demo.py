"""The transitions demo (`transitions/demo.py`, composed by `seed_demo`): plans in every state for
the children near the limit, their carers assessed and approved where the plan needs it, dates
that fit the registry's, the stored findings those a fresh evaluation gives, and `--flush`
removes it all."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from komar.audit.models import AuditEntry
from komar.cases.models import Deadline, Placement
from komar.transitions.models import (
    Carer,
    FollowUpVisit,
    PlacementCarer,
    Separation,
    TransitionPlan,
)
from komar.transitions.rules import PLAN_BEGUN, PLAN_REVIEW_DUE

pytestmark = pytest.mark.django_db


def seed(*args: str) -> None:
    call_command("seed_demo", *args, stdout=io.StringIO())


def test_the_demo_draws_plans_in_every_state_that_fit_the_registry() -> None:
    seed("--size", "300")
    today = timezone.localdate()
    statuses = Counter(TransitionPlan.objects.values_list("status", flat=True))
    for status in ("draft", "submitted", "approved", "returned"):
        assert statuses[status] >= 1, status
    for plan in TransitionPlan.objects.select_related("carer", "child__current_placement"):
        assert plan.child.mother_id == plan.mother_id
        if plan.status in ("submitted", "approved"):
            assert plan.carer is not None and plan.carer.is_approved
            assert plan.planned_on is not None and plan.review_on is not None
        if plan.status != "done":
            assert plan.child.is_inside
            assert plan.created_at.date() <= today
    for carer in Carer.objects.prefetch_related("children"):
        assert all(c.mother_id == carer.mother_id for c in carer.children.all())
    # The registry's demo separates some children from their mothers (cases/demo.py): each is
    # planned and approved, or recorded by an override, and followed up.
    separations = list(Separation.objects.select_related("placement", "child"))
    assert len(separations) >= 3
    assert FollowUpVisit.objects.filter(visited_on__isnull=False).exists()
    for separation in separations:
        before = separation.child.placements.get(end_date=separation.separated_on)
        assert before.kind == Placement.Kind.WITH_MOTHER
        placement = separation.placement
        assert placement.child_id == separation.child_id
        assert placement.start_date == separation.separated_on <= today
        assert placement.kind not in (Placement.Kind.WITH_MOTHER, Placement.Kind.MOTHER_OUTSIDE)
        assert separation.by_override or separation.plan is not None
    for visit in FollowUpVisit.objects.select_related("separation", "stage"):
        assert visit.due_on == visit.stage.due_after(visit.separation.separated_on)
        assert (
            visit.visited_on is None or visit.separation.separated_on <= visit.visited_on <= today
        )
    for link in PlacementCarer.objects.select_related("placement", "carer"):
        assert link.carer.mother_id == link.placement.child.mother_id
    assert not AuditEntry.objects.filter(object_type__startswith="transitions.").exists()
    out = io.StringIO()
    call_command("refresh_findings", "--check", stdout=out)
    assert "would raise 0, would update 0, would resolve 0" in out.getvalue()
    # Its plans under way are stored deadlines of "My work" too, as a fresh evaluation has them.
    assert "deadlines: would set 0, would move 0, would drop 0" in out.getvalue()
    codes = Counter(Deadline.objects.values_list("code", flat=True))
    assert codes[PLAN_BEGUN] >= 1 and codes[PLAN_REVIEW_DUE] >= 1
    out = io.StringIO()
    call_command("check_dates", stdout=out)
    assert "No record breaks a date rule." in out.getvalue()
    seed("--size", "300", "--flush")
    assert TransitionPlan.objects.count() == sum(statuses.values())
