"""The monitoring workflow's demo data, written once the demo women and their casework are in.

- The child-friendly spaces' registers for the last 60 days (Monday to Saturday, not today, so
  that "today's register" is on the staff's "My work"), for the children then inside: most
  come on most days, for one to three hours.
- Each facility's snapshots of the last 12 months, completed with the registry's counts frozen
  (`registry.snapshot_counts`, as the monitor's action does), the answers changing a little from
  month to month; a third of the facilities have no snapshot, or only a draft, for last month.
- Each facility's Bangkok Rules checklists for the last two quarters (completed, the later one a
  little better) and, for some, this quarter's draft.

Rows are written in bulk without audit entries (an audit trail of events that never happened
would be false); codes are drawn from the seeded generator, so one seed gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from komar.accounts.models import User
from komar.cases import demo as registry
from komar.cases.models import Child, Placement
from komar.facilities.models import Facility
from komar.monitoring import registry as counts
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
    previous_month,
    previous_quarter,
    quarter_of,
)

REGISTER_DAYS = 60
SNAPSHOT_MONTHS = 12
HOURS = [Decimal(h) for h in ("1", "1.5", "2", "2", "2.5", "3")]
SPACE = [
    "One room for the women and their children; mats on the floor, a fan.",
    "A separate room for mothers with children, with a window onto the yard.",
    "The children sleep with their mothers in the women's block; the room is crowded.",
]
HEALTH = [
    "The prison nurse sees the children on weekdays; a sick child goes to the referral hospital.",
    "A health centre visits every two weeks; the nurse keeps the children's vaccination cards.",
]
VISITS = [
    "Thursdays and Sundays, 30 minutes; children may sit with their mother.",
    "Once a week through a grille; children of 5 or older may not visit.",
]
EVIDENCE = {
    Score.Value.MET: "Seen during the visit and confirmed by the chief of the women's block.",
    Score.Value.PARTLY: "Done for some children only, according to the nurse's register.",
    Score.Value.NOT_MET: "Not seen; the staff said there is no budget for it.",
}


class Monitoring:
    def __init__(self, rng: random.Random, ref: registry.Reference) -> None:
        self.rng = rng
        self.ref = ref
        self.today = ref.today
        self.monitor: User = ref.users["monitor"]
        self.new_register = registry.Unsaved(Register)
        self.new_attendance = registry.Unsaved(Attendance)

    def code(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def recorder(self, facility: Facility) -> User:
        return (
            self.ref.users["sokha"] if facility == self.ref.siem_reap else self.ref.users["admin"]
        )

    def registers(self, facilities: list[Facility]) -> tuple[list[Register], list[Attendance]]:
        spaces = [f for f in facilities if f.has_child_friendly_space]
        first = self.today - dt.timedelta(days=REGISTER_DAYS)
        stays = list(
            Placement.objects.filter(
                Q(end_date__isnull=True) | Q(end_date__gt=first),
                kind=Placement.Kind.WITH_MOTHER,
                facility__in=spaces,
                start_date__lt=self.today,
            )
            .order_by("facility_id", "child_id", "start_date")
            .values_list("facility_id", "child_id", "start_date", "end_date")
        )
        # Each child's habit: most come most days, a few seldom.
        habit = {child_id: self.rng.choice((0.9, 0.8, 0.7, 0.3)) for _f, child_id, _s, _e in stays}
        registers, rows = [], []
        for facility in spaces:
            here = [s for s in stays if s[0] == facility.pk]
            for n in range(REGISTER_DAYS, 0, -1):
                day = self.today - dt.timedelta(days=n)
                inside = [s for s in here if s[2] <= day and (s[3] is None or s[3] > day)]
                if day.weekday() == 6 or not inside:  # closed on Sundays, or no child
                    continue
                register = self.new_register(
                    code=self.code(),
                    facility=facility,
                    on=day,
                    recorded_by=self.recorder(facility),
                    created_at=self.ref.now - dt.timedelta(days=n),
                    updated_at=self.ref.now - dt.timedelta(days=n),
                )
                registers.append(register)
                for _f, child_id, _start, _end in inside:
                    if self.rng.random() < habit[child_id]:
                        rows.append(
                            self.new_attendance(
                                code=self.code(),
                                register=register,
                                child_id=child_id,
                                hours=self.rng.choice(HOURS),
                            )
                        )
        return registers, rows

    def snapshots(
        self, facilities: list[Facility], open_days: dict[tuple[int, dt.date], int]
    ) -> list[Snapshot]:
        months = [previous_month(first_of_month(self.today))]
        while len(months) < SNAPSHOT_MONTHS:
            months.append(previous_month(months[-1]))
        months.reverse()
        last = months[-1]
        snapshots = []
        for facility in facilities:
            answers: dict[str, Any] = {
                "food_allowance_riel": facility.food_allowance_riel or 1750,
                "space_m2_per_child": Decimal(self.rng.choice(("1.2", "1.5", "2.0", "2.5"))),
                "space_description": self.rng.choice(SPACE),
                "health_services": self.rng.choice(HEALTH),
                "outdoor_minutes": self.rng.choice((60, 90, 120, 180)),
                "visits_policy": self.rng.choice(VISITS),
            }
            fate = self.rng.random()  # last month: missing, a draft, or completed
            for month in months:
                if month == last and fate < 0.2:
                    continue
                if self.rng.random() < 0.15:  # conditions change now and then
                    answers["outdoor_minutes"] = self.rng.choice((60, 90, 120, 180))
                    answers["food_allowance_riel"] += self.rng.choice((0, 0, 250))
                draft = month == last and fate < 0.35
                stamp = timezone.make_aware(
                    dt.datetime.combine(next_month(month) + dt.timedelta(days=3), dt.time(10))
                )
                snapshot = Snapshot(
                    code=self.code(),
                    facility=facility,
                    month=month,
                    status=Status.DRAFT if draft else Status.COMPLETED,
                    cfs_open_days=(
                        open_days.get((facility.pk, month), self.rng.randint(16, 24))
                        if facility.has_child_friendly_space
                        else None
                    ),
                    created_by=self.monitor,
                    completed_by=None if draft else self.monitor,
                    completed_at=None if draft else stamp,
                    created_at=stamp,
                    updated_at=stamp,
                    **answers,
                )
                snapshots.append(snapshot)
        by_month: dict[dt.date, list[Snapshot]] = {}
        for snapshot in snapshots:
            if snapshot.status == Status.COMPLETED:
                by_month.setdefault(snapshot.month, []).append(snapshot)
        for month, frozen in by_month.items():
            end = next_month(month) - dt.timedelta(days=1)
            found = counts.snapshot_counts([s.facility_id for s in frozen], month, end)
            for snapshot in frozen:
                for name, value in found[snapshot.facility_id].items():
                    setattr(snapshot, name, value)
                snapshot.counted_on = end
        return snapshots

    def checklists(self, facilities: list[Facility]) -> tuple[list[Checklist], list[Score]]:
        indicators = list(Indicator.objects.filter(is_active=True))
        this = quarter_of(self.today)
        periods = [previous_quarter(previous_quarter(this)), previous_quarter(this)]
        checklists, scores = [], []
        for facility in facilities:
            base = self.rng.uniform(0.3, 0.7)  # how well this facility does
            chosen = [*periods, this] if self.rng.random() < 0.4 else periods
            for step, period in enumerate(chosen):
                draft = period == this
                stamp = timezone.make_aware(
                    dt.datetime.combine(min(period + dt.timedelta(days=80), self.today), dt.time(9))
                )
                checklist = Checklist(
                    code=self.code(),
                    facility=facility,
                    period=period,
                    status=Status.DRAFT if draft else Status.COMPLETED,
                    created_by=self.monitor,
                    completed_by=None if draft else self.monitor,
                    completed_at=None if draft else stamp,
                    created_at=stamp,
                    updated_at=stamp,
                )
                checklists.append(checklist)
                good = min(base + 0.1 * step, 0.95)
                for indicator in indicators:
                    if draft and self.rng.random() < 0.6:
                        value = Score.Value.NOT_ASSESSED
                    else:
                        draw = self.rng.random()
                        value = (
                            Score.Value.MET
                            if draw < good
                            else Score.Value.PARTLY
                            if draw < good + 0.25
                            else Score.Value.NOT_MET
                            if draw < 0.97
                            else Score.Value.NOT_ASSESSED
                        )
                    scores.append(
                        Score(
                            checklist=checklist,
                            indicator=indicator,
                            value=value,
                            evidence=EVIDENCE.get(value, ""),
                        )
                    )
        return checklists, scores


def draw(rng: random.Random, ref: registry.Reference) -> list[list[Any]]:
    """The demo's monitoring records, by table in the order they are written: drawn before the
    database's write lock is taken (the snapshots' counts read the registry, some ten seconds
    at 100,000 women); `registry.write_tables` writes them."""
    generator = Monitoring(rng, ref)
    facilities = sorted(set(ref.facilities.items), key=lambda f: f.name_en)
    registers, rows = generator.registers(facilities)
    open_days: dict[tuple[int, dt.date], int] = {}
    for register in registers:
        key = (register.facility_id, first_of_month(register.on))
        open_days[key] = open_days.get(key, 0) + 1
    snapshots = generator.snapshots(facilities, open_days)
    checklists, scores = generator.checklists(facilities)
    return [registers, rows, snapshots, checklists, scores]


def _demo_users(organisation_ids: list[int]) -> list[int]:
    return list(
        User.objects.filter(organisation_id__in=organisation_ids).values_list("pk", flat=True)
    )


def flush(organisation_ids: list[int]) -> None:
    """Delete the demo's monitoring records (before the registry deletes the demo women): the
    attendance of the demo children, and what the demo users recorded."""
    users = _demo_users(organisation_ids)
    children = Child.objects.filter(mother__organisation_id__in=organisation_ids)
    Attendance.objects.filter(Q(child__in=children) | Q(register__recorded_by__in=users)).delete()
    Register.objects.filter(recorded_by__in=users).delete()
    Score.objects.filter(checklist__created_by__in=users).delete()
    Checklist.objects.filter(created_by__in=users).delete()
    Snapshot.objects.filter(created_by__in=users).delete()


def summary(organisation_ids: list[int]) -> dict[str, int]:
    users = _demo_users(organisation_ids)
    registers = Register.objects.filter(recorded_by__in=users)
    snapshots = Snapshot.objects.filter(created_by__in=users)
    return {
        "attendance registers": registers.count(),
        "  attendances": Attendance.objects.filter(register__in=registers).count(),
        "snapshots": snapshots.count(),
        "  completed": snapshots.filter(status=Status.COMPLETED).count(),
        "checklists": Checklist.objects.filter(created_by__in=users).count(),
    }
