"""What the monitoring tests share: the pinned day and records made through the real actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from komar.monitoring import actions
from komar.monitoring.models import Checklist, Register, Snapshot

# 2026-03-20, 10:00 in Phnom Penh (UTC+7).
NOW = dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 20)
LAST_MONTH = dt.date(2026, 2, 1)
THIS_QUARTER = dt.date(2026, 1, 1)


def take(facility: Any, user: Any, hours: dict[Any, str], shown: list[Any]) -> Register:
    """Today's register through the action: `hours` by child, `shown` the children listed."""
    register = Register.objects.filter(facility=facility, on=TODAY).first()
    return actions.do_take_attendance(
        facility,
        TODAY,
        {c.pk: Decimal(h) for c, h in hours.items()},
        shown=[c.pk for c in shown],
        expected_version=register.version if register else None,
        actor=user,
    )


def snapshot(facility: Any, monitor: Any, month: dt.date = LAST_MONTH) -> Snapshot:
    return actions.do_start_snapshot(facility, month, actor=monitor)


def checklist(facility: Any, monitor: Any, period: dt.date = THIS_QUARTER) -> Checklist:
    return actions.do_start_checklist(facility, period, actor=monitor)
