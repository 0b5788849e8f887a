"""Every write to a child's health records: atomic, audited (field names only, never values),
dates checked again (the forms check them first), corrections with optimistic locking, and
followed by a refresh of her mother's stored findings (the health rules read these records).

A measurement's z-scores are computed here, from the child's sex and date of birth, and stored
with it; a correction recomputes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from komar.accounts.models import User
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict, InvalidAction
from komar.cases.findings import refresh_for
from komar.cases.models import Child
from komar.health import growth
from komar.health.models import (
    HealthCheck,
    HealthEvent,
    Immunisation,
    Measurement,
    Milestone,
)

Created = AuditEntry.Action.CREATE
Changed = AuditEntry.Action.CHANGE

MEASUREMENT_FIELDS = (
    "measured_on",
    "weight_kg",
    "length_cm",
    "position",
    "head_cm",
    "muac_mm",
    "oedema",
    "notes",
)
IMMUNISATION_FIELDS = ("dose", "given_on", "place", "from_card")
MILESTONE_FIELDS = ("kind", "achieved_on")
EVENT_FIELDS = ("kind", "started_on", "ended_on", "place", "description")
CHECK_FIELDS = ("checked_on", "examiner", "findings", "needs_follow_up")
DATE_FIELDS = ("measured_on", "given_on", "achieved_on", "started_on", "ended_on", "checked_on")

R = TypeVar("R", Measurement, Immunisation, Milestone, HealthEvent, HealthCheck)


class DateRefused(InvalidAction):
    """A date before the child's birth or in the future (the forms say so first)."""


def _values(data: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: data[name] for name in names if name in data}


def _set_fields(values: Mapping[str, Any]) -> list[str]:
    return [name for name, value in values.items() if value not in (None, "", False)]


def _check_dates(child: Child, values: Mapping[str, Any]) -> None:
    today = timezone.localdate()
    for name in DATE_FIELDS:
        value = values.get(name)
        if isinstance(value, dt.date) and (value < child.date_of_birth or value > today):
            raise DateRefused(name)


def measurement_values(child: Child, values: Mapping[str, Any]) -> dict[str, Any]:
    """The stored z-scores of a measurement with these values (WHO 2006, `growth.compute`)."""

    def number(name: str) -> float | None:
        value = values.get(name)
        return float(value) if isinstance(value, (int, float, Decimal)) and value else None

    measured_on: dt.date = values["measured_on"]
    age_days = (measured_on - child.date_of_birth).days
    result = growth.compute(
        sex=child.sex,
        age_days=age_days,
        weight_kg=number("weight_kg"),
        length_cm=number("length_cm"),
        lying=values.get("position") != Measurement.Position.STANDING,
        head_cm=number("head_cm"),
        oedema=bool(values.get("oedema")),
    )
    plausible = [result.plausible(i) for i in growth.INDICATORS]
    present = [z for z in plausible if z is not None]
    return {
        "age_days": age_days,
        "z_wfa": result.wfa,
        "z_lhfa": result.lhfa,
        "z_wflh": result.wflh,
        "z_bmi": result.bmi,
        "z_hcfa": result.hcfa,
        "implausible": sorted(result.implausible),
        "lowest_z": min(present) if present else None,
    }


def _create(
    model: type[R],
    child: Child,
    values: dict[str, Any],
    *,
    actor: User,
    ip: str | None,
    derived: Mapping[str, Any] | None = None,
) -> R:
    _check_dates(child, values)
    manager: models.Manager[R] = model.objects
    record = manager.create(child=child, recorded_by=actor, **values, **(derived or {}))
    write_audit(
        actor=actor,
        action=Created,
        obj=record,
        mother=child.mother,
        fields=_set_fields(values),
        ip=ip,
    )
    refresh_for(child.mother)
    return record


def _change(
    record: R,
    values: dict[str, Any],
    expected_version: int,
    *,
    actor: User,
    ip: str | None,
    derive: bool = False,
) -> R:
    """Write the fields that differ, only if nobody saved since `expected_version`."""
    model = type(record)
    manager: models.Manager[R] = model.objects
    current = manager.select_for_update().select_related("child__mother").get(pk=record.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    child = current.child
    _check_dates(child, values)
    changed = [name for name, value in values.items() if _differs(current, name, value)]
    if not changed:
        return current
    update: dict[str, Any] = {name: values[name] for name in changed}
    if derive:
        merged = {name: getattr(current, name) for name in MEASUREMENT_FIELDS} | values
        update |= measurement_values(child, merged)
    update["version"] = F("version") + 1
    update["updated_at"] = timezone.now()
    rows = manager.filter(pk=record.pk, version=expected_version).update(**update)
    if rows != 1:
        raise EditConflict(manager.get(pk=record.pk))
    write_audit(
        actor=actor, action=Changed, obj=current, mother=child.mother, fields=changed, ip=ip
    )
    refresh_for(child.mother)
    return manager.select_related("child__mother").get(pk=record.pk)


def _differs(current: models.Model, name: str, value: Any) -> bool:
    saved = getattr(current, name)
    if isinstance(saved, models.Model) or isinstance(value, models.Model):
        return getattr(saved, "pk", saved) != getattr(value, "pk", value)
    return bool(saved != value)


# -- Measurements ---------------------------------------------------------------------------


@transaction.atomic
def do_record_measurement(
    child: Child, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> Measurement:
    values = _values(data, MEASUREMENT_FIELDS)
    _check_dates(child, values)
    return _create(
        Measurement, child, values, actor=actor, ip=ip, derived=measurement_values(child, values)
    )


@transaction.atomic
def do_correct_measurement(
    measurement: Measurement,
    data: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> Measurement:
    values = _values(data, MEASUREMENT_FIELDS)
    return _change(measurement, values, expected_version, actor=actor, ip=ip, derive=True)


# -- Immunisations, milestones, illnesses, the admission check ------------------------------


@transaction.atomic
def do_record_immunisation(
    child: Child, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> Immunisation:
    values = _values(data, IMMUNISATION_FIELDS)
    if Immunisation.objects.filter(child=child, dose=values["dose"]).exists():
        raise InvalidAction("this dose is already recorded")
    return _create(Immunisation, child, values, actor=actor, ip=ip)


@transaction.atomic
def do_correct_immunisation(
    immunisation: Immunisation,
    data: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> Immunisation:
    values = _values(data, IMMUNISATION_FIELDS)
    dose = values.get("dose")
    if (
        dose is not None
        and Immunisation.objects.filter(child_id=immunisation.child_id, dose=dose)
        .exclude(pk=immunisation.pk)
        .exists()
    ):
        raise InvalidAction("this dose is already recorded")
    return _change(immunisation, values, expected_version, actor=actor, ip=ip)


@transaction.atomic
def do_record_milestone(
    child: Child, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> Milestone:
    values = _values(data, MILESTONE_FIELDS)
    if Milestone.objects.filter(child=child, kind=values["kind"]).exists():
        raise InvalidAction("this milestone is already recorded")
    return _create(Milestone, child, values, actor=actor, ip=ip)


@transaction.atomic
def do_correct_milestone(
    milestone: Milestone,
    data: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> Milestone:
    values = _values(data, MILESTONE_FIELDS)
    kind = values.get("kind")
    if (
        kind is not None
        and Milestone.objects.filter(child_id=milestone.child_id, kind=kind)
        .exclude(pk=milestone.pk)
        .exists()
    ):
        raise InvalidAction("this milestone is already recorded")
    return _change(milestone, values, expected_version, actor=actor, ip=ip)


@transaction.atomic
def do_record_health_event(
    child: Child, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> HealthEvent:
    return _create(HealthEvent, child, _values(data, EVENT_FIELDS), actor=actor, ip=ip)


@transaction.atomic
def do_correct_health_event(
    event: HealthEvent,
    data: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> HealthEvent:
    return _change(event, _values(data, EVENT_FIELDS), expected_version, actor=actor, ip=ip)


@transaction.atomic
def do_record_health_check(
    child: Child, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> HealthCheck:
    return _create(HealthCheck, child, _values(data, CHECK_FIELDS), actor=actor, ip=ip)


@transaction.atomic
def do_correct_health_check(
    check: HealthCheck,
    data: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> HealthCheck:
    return _change(check, _values(data, CHECK_FIELDS), expected_version, actor=actor, ip=ip)
