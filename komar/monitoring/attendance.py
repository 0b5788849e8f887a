"""The child-friendly space's register: today's list of children, and the month's figures per
child and per facility (a fixed number of queries whatever the number of children or days)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from komar.accounts.models import User
from komar.cases.access import scope
from komar.cases.models import Child
from komar.facilities.models import Facility
from komar.lib.dates import age_in_months
from komar.monitoring.access import children_inside_facility
from komar.monitoring.models import Attendance, Register, next_month


def children_for_register(user: User, facility: Facility) -> list[Child]:
    """The children inside the facility whose files she may see, youngest last, by name."""
    children = list(
        children_inside_facility([facility.pk])
        .filter(scope(user, "mother__"))
        .select_related("mother")
        .order_by("name_latin", "name_km", "pk")
    )
    return children


@dataclass
class ChildMonth:
    child: Child
    days: int = 0
    hours: Decimal = Decimal("0")
    age_months: int = 0  # at the month's end (or today, in the current month)


@dataclass
class DayFigures:
    on: dt.date
    children: int
    hours: Decimal


@dataclass
class MonthFigures:
    month: dt.date
    open_days: int = 0  # registers taken
    attendances: int = 0  # child-days
    hours: Decimal = Decimal("0")
    children: list[ChildMonth] = field(default_factory=list)
    days: list[DayFigures] = field(default_factory=list)

    @property
    def distinct_children(self) -> int:
        return len(self.children)

    @property
    def average_per_day(self) -> Decimal:
        """Children a day, over the days it was open (one decimal)."""
        if not self.open_days:
            return Decimal("0")
        return (Decimal(self.attendances) / self.open_days).quantize(Decimal("0.1"))


def month_figures(facility: Facility, month: dt.date, today: dt.date) -> MonthFigures:
    """The month's registers at the facility: each day (children, hours), each child who came
    (days, hours) and the totals. Two queries."""
    registers = list(
        Register.objects.filter(facility=facility, on__gte=month, on__lt=next_month(month))
        .order_by("on")
        .values_list("pk", "on")
    )
    figures = MonthFigures(month=month, open_days=len(registers))
    age_on = min(today, next_month(month) - dt.timedelta(days=1))
    rows = Attendance.objects.filter(register_id__in=[pk for pk, _ in registers]).select_related(
        "child__mother"
    )
    per_day: dict[int, list[Decimal]] = defaultdict(list)
    per_child: dict[int, ChildMonth] = {}
    for row in rows:
        per_day[row.register_id].append(row.hours)
        entry = per_child.setdefault(
            row.child_id,
            ChildMonth(row.child, age_months=age_in_months(row.child.date_of_birth, age_on)),
        )
        entry.days += 1
        entry.hours += row.hours
    for pk, on in registers:
        hours = per_day.get(pk, [])
        figures.days.append(DayFigures(on, len(hours), sum(hours, Decimal("0"))))
        figures.attendances += len(hours)
        figures.hours += sum(hours, Decimal("0"))
    figures.children = sorted(
        per_child.values(), key=lambda c: (-c.days, c.child.mother.case_number, c.child.pk)
    )
    return figures


def open_days(facility_pks: list[int], month: dt.date) -> dict[int, int]:
    """How many days each facility's register was taken in the month (one query)."""
    found: dict[int, int] = defaultdict(int)
    for facility_id in Register.objects.filter(
        facility_id__in=facility_pks, on__gte=month, on__lt=next_month(month)
    ).values_list("facility_id", flat=True):
        found[facility_id] += 1
    return dict(found)
