"""What the monitor's pages read: her facilities' snapshots and checklists over time, the
checklist's score, the children she follows. Each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import get_language

from komar.accounts.models import User
from komar.cases.access import facility_ids, scope_ids
from komar.cases.models import Child, Finding
from komar.facilities import figures
from komar.facilities.models import Facility
from komar.monitoring.access import children_inside_facility, facilities_for, may_monitor
from komar.monitoring.models import (
    Checklist,
    Register,
    Score,
    Snapshot,
    Status,
    first_of_month,
    previous_month,
)

MONTHS_SHOWN = 12


def months_back(today: dt.date, count: int = MONTHS_SHOWN) -> list[dt.date]:
    """The `count` months up to last month, the oldest first."""
    months = [previous_month(first_of_month(today))]
    while len(months) < count:
        months.append(previous_month(months[-1]))
    return list(reversed(months))


@dataclass
class ChecklistResult:
    checklist: Checklist
    met: int = 0
    partly: int = 0
    not_met: int = 0
    not_assessed: int = 0

    @property
    def assessed(self) -> int:
        return self.met + self.partly + self.not_met

    @property
    def share(self) -> int | None:
        """Met counts whole, partly met half, over the indicators assessed (a percentage,
        rounded half up); None when none was assessed."""
        if not self.assessed:
            return None
        points = Decimal(2 * self.met + self.partly) * 100 / (2 * self.assessed)
        return int(points.quantize(Decimal("1"), rounding="ROUND_HALF_UP"))


def checklist_results(checklists: QuerySet[Checklist]) -> list[ChecklistResult]:
    """Each checklist with its count of each score (one query)."""
    annotated = checklists.annotate(
        n_met=Count("scores", filter=Q(scores__value=Score.Value.MET)),
        n_partly=Count("scores", filter=Q(scores__value=Score.Value.PARTLY)),
        n_not_met=Count("scores", filter=Q(scores__value=Score.Value.NOT_MET)),
        n_not_assessed=Count("scores", filter=Q(scores__value=Score.Value.NOT_ASSESSED)),
    )
    return [
        ChecklistResult(c, c.n_met, c.n_partly, c.n_not_met, c.n_not_assessed) for c in annotated
    ]


@dataclass
class FacilityOverview:
    facility: Facility
    snapshots: dict[dt.date, Snapshot] = field(default_factory=dict)  # by month
    checklists: list[ChecklistResult] = field(default_factory=list)  # oldest first
    children_inside: int = 0
    flagged_children: int = 0

    @property
    def latest_snapshot(self) -> Snapshot | None:
        completed = [s for s in self.snapshots.values() if s.is_completed]
        return max(completed, key=lambda s: s.month, default=None)

    @property
    def latest_checklist(self) -> ChecklistResult | None:
        done = [c for c in self.checklists if c.checklist.is_completed]
        return done[-1] if done else None


# How many children live inside each facility now, and how many of them have an open flag:
# stored for a few minutes (`komar.facilities.figures.recent`), as today's health figures, so
# that a monitor's pages do not count the children of every facility on every request. Not
# installed for the nightly refresh: it counts the children inside now, so a stored row is of
# no use the next day, and the refresh forgets it.
INSIDE_KIND = "monitoring.inside/1"


def count_inside(facility_ids: list[int], on: dt.date) -> dict[int, dict[str, int]]:
    """The children inside each facility now, and those with an open flag (two queries; `on`
    is today: only the stored row's key)."""
    found = {pk: {"children_inside": 0, "flagged_children": 0} for pk in facility_ids}
    inside = children_inside_facility(facility_ids)
    for facility_id, n in (
        inside.values_list("inside_facility_id")
        .annotate(n=Count("*"))  # inside the index
        .values_list("inside_facility_id", "n")
    ):
        found[facility_id]["children_inside"] = n
    flagged = (
        inside.filter(_open_flag())
        .values_list("inside_facility_id")
        .annotate(n=Count("pk"))
        .values_list("inside_facility_id", "n")
    )
    for facility_id, n in flagged:
        found[facility_id]["flagged_children"] = n
    return found


def overview(user: User, today: dt.date) -> list[FacilityOverview]:
    """Her facilities, each with its snapshots of the last twelve months, its checklists and
    how many children are inside (with an open flag), as counted within the last few minutes.
    Four queries when those are stored."""
    facilities = list(facilities_for(user))
    pks = [f.pk for f in facilities]
    found = {f.pk: FacilityOverview(f) for f in facilities}
    months = months_back(today)
    for snapshot in Snapshot.objects.filter(facility_id__in=pks, month__gte=months[0]):
        found[snapshot.facility_id].snapshots[snapshot.month] = snapshot
    for result in checklist_results(
        Checklist.objects.filter(facility_id__in=pks).order_by("period")
    ):
        found[result.checklist.facility_id].checklists.append(result)
    counts = figures.recent(INSIDE_KIND, pks, [today], count_inside).figures.get(today, {})
    for facility_id, values in counts.items():
        found[facility_id].children_inside = values["children_inside"]
        found[facility_id].flagged_children = values["flagged_children"]
    return list(found.values())


def _open_flag() -> Exists:
    """The child has an open finding (a subquery: a join would also match children with no
    finding at all)."""
    return Exists(Finding.objects.filter(child=OuterRef("pk"), resolved_at__isnull=True))


@dataclass
class FollowedChild:
    child: Child
    findings: list[Finding]


def children_to_follow(facility: Facility, count: int) -> tuple[list[FollowedChild], int]:
    """The `count` most urgent children inside the facility with an open flag (by their most
    urgent flag, then the eldest first), with their open flags, and how many there are in all
    (three queries, whatever the number of children): what the minimal view shows, no name."""
    flagged = children_inside_facility([facility.pk]).filter(_open_flag())
    urgency = Finding.objects.filter(child=OuterRef("pk"), resolved_at__isnull=True)
    children = list(
        flagged.select_related("mother")
        .annotate(urgency=Subquery(urgency.order_by("priority").values("priority")[:1]))
        .order_by("urgency", "date_of_birth", "pk")[:count]
    )
    findings: dict[int, list[Finding]] = defaultdict(list)
    for finding in Finding.objects.filter(
        child__in=[c.pk for c in children], resolved_at__isnull=True
    ).order_by("priority", "rule_code"):
        assert finding.child_id is not None
        findings[finding.child_id].append(finding)
    total = flagged.count() if len(children) == count else len(children)
    return [FollowedChild(c, findings[c.pk]) for c in children], total


# "My work".


@dataclass(frozen=True)
class RegisterDue:
    code: uuid.UUID  # the facility's
    name_en: str
    name_km: str
    children: int

    def __str__(self) -> str:
        return self.name_km if get_language() == "km" else self.name_en


def attendance_due(user: User, today: dt.date) -> list[RegisterDue]:
    """Her facilities with a child-friendly space where children whose files she sees are
    inside and today's register is not taken yet, with how many children (one query)."""
    taken = Register.objects.filter(on=today).values("facility_id")
    rows = (
        children_inside_facility(facility_ids(user))
        .filter(
            # Her scope as a set of ids (`scope_ids`): a probe per child, no read of the woman.
            scope_ids(user, mothers=Q(children_inside__gt=0)),
            inside_facility__has_child_friendly_space=True,
        )
        .exclude(inside_facility_id__in=taken)
        .values("inside_facility__code", "inside_facility__name_en", "inside_facility__name_km")
        .annotate(n=Count("*"))  # not the ids: the index holds all it reads
        .order_by("inside_facility__name_en")
    )
    return [
        RegisterDue(
            r["inside_facility__code"],
            r["inside_facility__name_en"],
            r["inside_facility__name_km"],
            r["n"],
        )
        for r in rows
    ]


def snapshots_due(user: User, today: dt.date) -> list[tuple[Facility, dt.date, Snapshot | None]]:
    """For a facility monitor: her facilities whose snapshot for last month is not completed
    (from `KOMAR_SNAPSHOT_DUE_DAY` of this month on), with the draft if one is started; and
    this month's drafts are not listed (the month is not over). Two queries."""
    if not may_monitor(user) or today.day < settings.KOMAR_SNAPSHOT_DUE_DAY:
        return []
    month = previous_month(first_of_month(today))
    facilities = list(facilities_for(user))
    snapshots = {
        s.facility_id: s
        for s in Snapshot.objects.filter(facility_id__in=[f.pk for f in facilities], month=month)
    }
    due = []
    for facility in facilities:
        snapshot = snapshots.get(facility.pk)
        if snapshot is None or snapshot.status != Status.COMPLETED:
            due.append((facility, month, snapshot))
    return due
