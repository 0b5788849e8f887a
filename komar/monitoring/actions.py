"""Every write of monitoring: the register, the snapshot, the checklist. Atomic and audited
(field names only, never values)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from komar.accounts.models import User
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict, InvalidAction
from komar.facilities.models import Facility
from komar.monitoring import attendance, registry
from komar.monitoring.models import (
    Attendance,
    Checklist,
    Indicator,
    Register,
    Score,
    Snapshot,
    Status,
    first_of_month,
    next_month,
    quarter_of,
)

PAST_DAY_REFUSED = _(
    "A register can be taken or corrected on its own day only. This day is over: ask your "
    "supervisor to note the correction in a case note instead."
)
MONTH_NOT_OVER = _("A month's snapshot can be completed once the month is over.")
ALREADY_COMPLETED = _("This has already been completed.")


def _differs(current: Any, name: str, value: Any) -> bool:
    return bool(getattr(current, name) != value)


# The register.


@transaction.atomic
def do_take_attendance(
    facility: Facility,
    on: dt.date,
    hours: Mapping[int, Decimal],
    *,
    shown: Iterable[int],
    expected_version: int | None,
    actor: User,
    ip: str | None = None,
) -> Register:
    """Save the day's register for the children she was shown (`shown`, their ids): those in
    `hours` came, for that long; the others did not. Rows of children she was not shown (another
    organisation's) are left as they are. Only today's register can be written."""
    if on != timezone.localdate():
        raise InvalidAction(PAST_DAY_REFUSED)
    shown_ids = set(shown)
    if not set(hours) <= shown_ids:
        raise InvalidAction("a child who was not on the list")
    limit = Decimal(settings.KOMAR_CFS_MAX_HOURS)
    if any(not (Decimal("0") < h <= limit) for h in hours.values()):
        raise InvalidAction("hours out of range")
    register = Register.objects.select_for_update().filter(facility=facility, on=on).first()
    created = register is None
    if register is None:
        if expected_version is not None:
            raise InvalidAction("the register was removed")
        try:
            with transaction.atomic():
                register = Register.objects.create(facility=facility, on=on, recorded_by=actor)
        except IntegrityError:  # someone saved the first register of the day meanwhile
            register = Register.objects.select_for_update().get(facility=facility, on=on)
            raise EditConflict(register) from None
    elif expected_version is None or register.version != expected_version:
        raise EditConflict(register)
    existing = {a.child_id: a for a in register.attendances.filter(child_id__in=shown_ids)}
    changed = False
    gone = [a.pk for child_id, a in existing.items() if child_id not in hours]
    if gone:
        Attendance.objects.filter(pk__in=gone).delete()
        changed = True
    for child_id, value in hours.items():
        row = existing.get(child_id)
        if row is None:
            Attendance.objects.create(register=register, child_id=child_id, hours=value)
            changed = True
        elif row.hours != value:
            row.hours = value
            row.save(update_fields=["hours"])
            changed = True
    if created or changed:
        if not created:
            register.version += 1
            register.recorded_by = actor
            register.updated_at = timezone.now()
            register.save(update_fields=["version", "recorded_by", "updated_at"])
        write_audit(
            actor=actor,
            action=AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE,
            obj=register,
            mother=None,
            fields=["attendance", "hours"],
            ip=ip,
        )
    return register


# The monthly snapshot.


def _carried_over(facility: Facility, month: dt.date) -> dict[str, Any]:
    """What a new snapshot starts from: the last one's answers (conditions change slowly), the
    facility's recorded allowance where there is none, and the month's register."""
    values: dict[str, Any] = {}
    last = Snapshot.objects.filter(facility=facility, month__lt=month).order_by("-month").first()
    if last is not None:
        values = {name: getattr(last, name) for name in Snapshot.RECORDED_FIELDS}
        values["notes"] = ""
    if values.get("food_allowance_riel") is None:
        values["food_allowance_riel"] = facility.food_allowance_riel
    if facility.has_child_friendly_space:
        values["cfs_open_days"] = attendance.open_days([facility.pk], month).get(facility.pk, 0)
    else:
        values["cfs_open_days"] = None
    return values


@transaction.atomic
def do_start_snapshot(
    facility: Facility, month: dt.date, *, actor: User, ip: str | None = None
) -> Snapshot:
    """The month's draft snapshot (or the one already started)."""
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate()):
        raise InvalidAction("a month to come")
    found = Snapshot.objects.filter(facility=facility, month=month).first()
    if found is not None:
        return found
    snapshot = Snapshot.objects.create(
        facility=facility, month=month, created_by=actor, **_carried_over(facility, month)
    )
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=snapshot,
        mother=None,
        fields=Snapshot.RECORDED_FIELDS,
        ip=ip,
    )
    return snapshot


@transaction.atomic
def do_change_snapshot(
    snapshot: Snapshot,
    data: Mapping[str, Any],
    *,
    expected_version: int,
    complete: bool = False,
    actor: User,
    ip: str | None = None,
) -> Snapshot:
    """Save what the monitor recorded (a draft, or a correction of a completed snapshot), and
    with `complete` freeze the registry's counts for the month. Optimistic locking: if anyone
    saved it since `expected_version`, `EditConflict` and nothing is written."""
    current = Snapshot.objects.select_for_update().select_related("facility").get(pk=snapshot.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    if complete and current.is_completed:
        raise InvalidAction(ALREADY_COMPLETED)
    if complete and next_month(current.month) > timezone.localdate():
        raise InvalidAction(MONTH_NOT_OVER)
    changed = [
        name
        for name in Snapshot.RECORDED_FIELDS
        if name in data and _differs(current, name, data[name])
    ]
    for name in changed:
        setattr(current, name, data[name])
    written = list(changed)
    if complete:
        counts = registry.snapshot_counts([current.facility_id], current.month, current.last_day)[
            current.facility_id
        ]
        for name, value in counts.items():
            setattr(current, name, value)
        current.counted_on = current.last_day
        current.status = Status.COMPLETED
        current.completed_by = actor
        current.completed_at = timezone.now()
        written += [*counts, "counted_on", "status", "completed_by", "completed_at"]
    if not written:
        return current
    current.version += 1
    current.updated_at = timezone.now()
    current.save(update_fields=[*written, "version", "updated_at"])
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        obj=current,
        mother=None,
        fields=[*changed, *(["status"] if complete else [])],
        ip=ip,
    )
    return current


# The checklist.


@transaction.atomic
def do_start_checklist(
    facility: Facility, period: dt.date, *, actor: User, ip: str | None = None
) -> Checklist:
    """The quarter's checklist (or the one already started), one score per active indicator,
    each "not assessed"."""
    period = quarter_of(period)
    if period > quarter_of(timezone.localdate()):
        raise InvalidAction("a quarter to come")
    found = Checklist.objects.filter(facility=facility, period=period).first()
    if found is not None:
        return found
    checklist = Checklist.objects.create(facility=facility, period=period, created_by=actor)
    Score.objects.bulk_create(
        Score(checklist=checklist, indicator=indicator)
        for indicator in Indicator.objects.filter(is_active=True)
    )
    write_audit(actor=actor, action=AuditEntry.Action.CREATE, obj=checklist, mother=None, ip=ip)
    return checklist


@transaction.atomic
def do_change_checklist(
    checklist: Checklist,
    scores: Mapping[int, tuple[str, str]],
    *,
    expected_version: int,
    complete: bool = False,
    actor: User,
    ip: str | None = None,
) -> Checklist:
    """Save the scores (indicator id → (score, evidence)); with `complete`, mark it completed.
    A score other than "not assessed" needs its evidence. Optimistic locking as a snapshot."""
    current = Checklist.objects.select_for_update().get(pk=checklist.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    if complete and current.is_completed:
        raise InvalidAction(ALREADY_COMPLETED)
    for value, evidence in scores.values():
        if value not in Score.Value.values:
            raise InvalidAction("unknown score")
        if value != Score.Value.NOT_ASSESSED and not evidence.strip():
            raise InvalidAction("a score without evidence")
    changed: set[str] = set()
    for score in current.scores.filter(indicator_id__in=list(scores)):
        value, evidence = scores[score.indicator_id]
        fields = [
            name
            for name, new in (("value", value), ("evidence", evidence.strip()))
            if getattr(score, name) != new
        ]
        if fields:
            score.value, score.evidence = value, evidence.strip()
            score.save(update_fields=fields)
            changed.update(fields)
    written: list[str] = []
    if complete:
        current.status = Status.COMPLETED
        current.completed_by = actor
        current.completed_at = timezone.now()
        written = ["status", "completed_by", "completed_at"]
    if not changed and not written:
        return current
    current.version += 1
    current.updated_at = timezone.now()
    current.save(update_fields=[*written, "version", "updated_at"])
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        obj=current,
        mother=None,
        fields=[*(["scores"] if changed else []), *(["status"] if complete else [])],
        ip=ip,
    )
    return current
