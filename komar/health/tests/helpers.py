"""Records built through the real actions, for the health tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from komar.accounts.models import User
from komar.cases.models import Child, Mother
from komar.health import actions
from komar.health.models import HealthCheck, Immunisation, Measurement, Milestone, ScheduleDose


def inside(mother: Mother) -> Child:
    return next(c for c in mother.children.select_related("current_placement") if c.is_inside)


def measure(child: Child, actor: User, on: dt.date, **values: Any) -> Measurement:
    data: dict[str, Any] = {"measured_on": on, "oedema": False, "notes": "", "position": ""}
    for name, value in values.items():
        data[name] = Decimal(str(value)) if isinstance(value, float) else value
    if "length_cm" in values and not values.get("position"):
        data["position"] = "lying"
    return actions.do_record_measurement(child, data, actor=actor)


def give(child: Child, actor: User, slug: str, number: int, on: dt.date) -> Immunisation:
    dose = ScheduleDose.objects.get(vaccine__slug=slug, dose_number=number)
    return actions.do_record_immunisation(
        child, {"dose": dose, "given_on": on, "place": "", "from_card": False}, actor=actor
    )


def achieve(child: Child, actor: User, kind: str, on: dt.date) -> Milestone:
    return actions.do_record_milestone(child, {"kind": kind, "achieved_on": on}, actor=actor)


def check(child: Child, actor: User, on: dt.date, findings: str = "Well.") -> HealthCheck:
    return actions.do_record_health_check(
        child,
        {"checked_on": on, "examiner": "Dr Chan", "findings": findings, "needs_follow_up": False},
        actor=actor,
    )
