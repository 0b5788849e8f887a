"""Records of the transitions workflow, built through the real actions, for a fixed today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from komar.accounts.models import User
from komar.cases.models import Child, Mother
from komar.conftest import child_inside, register
from komar.facilities.models import Facility
from komar.transitions import actions
from komar.transitions.models import Carer, CarerAssessment, TransitionPlan

TODAY = dt.date(2026, 6, 15)
NOON_IN_PHNOM_PENH = dt.datetime(2026, 6, 15, 5, tzinfo=dt.UTC)
# Stay limits (36 months) counted from TODAY:
NEAR_BORN = dt.date(2023, 10, 15)  # limit 2026-10-15: 122 days left
URGENT_BORN = dt.date(2023, 8, 1)  # limit 2026-08-01: 47 days left
FAR_BORN = dt.date(2025, 1, 15)  # limit 2028-01-15


def woman(
    actor: User, facility: Facility, born: dt.date = NEAR_BORN, **extra: Any
) -> tuple[Mother, Child]:
    mother = register(actor, facility, children=[child_inside(born=born)], **extra)
    return mother, mother.children.get()


def add_carer(mother: Mother, actor: User, children: list[Child], **data: Any) -> Carer:
    values = {
        "name_km": "យឹម សំ",
        "name_latin": "Yim Sam",
        "relationship": "grandmother",
        "age": 58,
        "village": "Kouk Chak",
        "commune": "Sla Kram",
        "district": "Siem Reap",
        "phone": "012345678",
        "is_emergency_carer": True,
        **data,
    }
    return actions.do_add_carer(mother, values, children, actor=actor)


def assess(carer: Carer, actor: User, **data: Any) -> CarerAssessment:
    values = {
        "assessed_on": TODAY - dt.timedelta(days=3),
        "willingness": "yes",
        "home_visit_on": TODAY - dt.timedelta(days=3),
        "home_visit_findings": "A safe wooden house; two grandchildren live there.",
        "support_needs": ["transport", "school_fees"],
        "distance_km": 12,
        "visit_cost_riel": 20000,
        **data,
    }
    return actions.do_assess_carer(carer, values, actor=actor)


def approved_carer(mother: Mother, worker: User, supervisor: User, child: Child) -> Carer:
    carer = add_carer(mother, worker, [child])
    assessment = assess(carer, worker)
    actions.do_decide_carer_assessment(assessment, approve=True, comments="", actor=supervisor)
    carer.refresh_from_db()
    return carer


def plan_data(carer: Carer | None, worker: User, **data: Any) -> dict[str, Any]:
    return {
        "option": "relative",
        "carer": carer,
        "option_reason": "",
        "mothers_view": "She wants her mother to raise him until she is released.",
        "childs_view": "Too young to say; he is calm with his grandmother.",
        "goals": "A gradual move to his grandmother's house before the limit.",
        "planned_on": TODAY + dt.timedelta(days=60),
        "contact_plan": "Grandmother brings him to visit every two weeks; calls on Sundays.",
        "transport_paid_by": "This NGO",
        "responsible": worker,
        "review_on": TODAY + dt.timedelta(days=60),
        **data,
    }


def written_plan(child: Child, worker: User, carer: Carer | None, **data: Any) -> TransitionPlan:
    plan = actions.do_start_plan(child, actor=worker, today=TODAY)
    return actions.do_change_plan(
        plan, plan_data(carer, worker, **data), expected_version=plan.version, actor=worker
    )


def approved_plan(
    child: Child, worker: User, supervisor: User, carer: Carer | None, **data: Any
) -> TransitionPlan:
    plan = written_plan(child, worker, carer, **data)
    plan = actions.do_submit_plan(plan, actor=worker)
    return actions.do_decide_plan(plan, approve=True, comments="", actor=supervisor)
