"""Records for rule tests, made through the real actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from komar.accounts.models import User
from komar.assessments.actions import (
    do_approve_assessment,
    do_record_determination,
    do_start_assessment,
    do_submit_assessment,
)
from komar.assessments.models import Assessment, Determination
from komar.cases.models import Child
from komar.counselling.actions import do_record_session
from komar.counselling.models import CounsellingSession


def counsel(
    child: Child,
    actor: User,
    *,
    decision: str = "with_mother",
    decided_by: str = "mother",
    held_on: dt.date = dt.date(2026, 2, 1),
    review_on: dt.date = dt.date(2026, 5, 1),
    **extra: Any,
) -> CounsellingSession:
    data = {"held_on": held_on, "stage": "in_custody", "review_on": review_on, **extra}
    if decision == "institution":
        data.setdefault("institution_justification", "No family could be found.")
    return do_record_session(
        child.mother,
        data,
        factors=[],
        main_factor=None,
        decisions=[{"child": child, "decision": decision, "decided_by": decided_by}],
        actor=actor,
    )


def assess(
    child: Child,
    actor: User,
    *,
    approve_by: User | None = None,
    submit: bool = False,
    assessed_on: dt.date = dt.date(2026, 2, 1),
    **data: Any,
) -> Assessment:
    assessment = do_start_assessment(
        child,
        {"occasion": "entry", "assessed_on": assessed_on, **data},
        elements={"views": ("She smiles at her mother.", "no_concern")},
        actor=actor,
    )
    if submit or approve_by is not None:
        assessment = do_submit_assessment(assessment, actor=actor)
    if approve_by is not None:
        assessment = do_approve_assessment(assessment, actor=approve_by)
    return assessment


def determine(child: Child, actor: User, *, review_on: dt.date) -> Determination:
    return do_record_determination(
        child,
        {
            "held_on": dt.date(2026, 2, 10),
            "decision": "relative",
            "decision_reasons": "The grandmother is able and willing.",
            "review_on": review_on,
        },
        assessment=None,
        reasons=["over_limit"],
        members=[("A", "social worker"), ("B", "supervisor"), ("C", "DoSVY officer")],
        actor=actor,
    )
