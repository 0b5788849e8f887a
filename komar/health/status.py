"""What a child's health records mean today: the WHO classification of a measurement in words,
which doses of the schedule are given, due or overdue, which milestones are past WHO's window,
and whether she is due a measurement or her admission health check.

`load(child_ids, today)` reads all of it for many children in a fixed number of queries (the
rules, "My work", the indicators); `for_child` does it for one (her page).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from komar.cases.models import Child
from komar.health.growth import DAYS_PER_MONTH
from komar.health.models import (
    MILESTONE_WINDOWS,
    HealthCheck,
    Immunisation,
    Measurement,
    Milestone,
    MilestoneKind,
    ScheduleDose,
)

MUAC_ACUTE_MM = 125  # MUAC at or below: acute malnutrition (6-59 months)
MUAC_SEVERE_MM = 115  # MUAC below: severe acute malnutrition
MUAC_FROM_DAYS = 183  # 6 months
MUAC_UNTIL_DAYS = 1826  # under 60 months

INDICATOR_NAMES: dict[str, Promise] = {
    "wfa": _("Weight-for-age"),
    "lhfa": _("Length/height-for-age"),
    "wflh": _("Weight-for-length/height"),
    "bmi": _("BMI-for-age"),
    "hcfa": _("Head circumference-for-age"),
}


@dataclass(frozen=True)
class Finding:
    """One classification of a measurement, in words, with how serious it is."""

    code: str
    words: str | Promise
    level: str  # "danger", "warning" or "info"


def classify(m: Measurement) -> list[Finding]:
    """WHO's cut-offs (WHO and UNICEF 2009; WHO Nutrition Landscape Information System):
    below -2 SD moderate, below -3 SD severe; weight-for-length/height above +2 SD overweight;
    MUAC at 6-59 months ≤ 125 mm acute malnutrition, < 115 mm severe; oedema of both feet is
    severe acute malnutrition. Implausible z-scores (WHO flags) are not classified."""
    found: list[Finding] = []
    flagged = set(m.implausible)

    def z(indicator: str) -> float | None:
        return None if indicator in flagged else m.z(indicator)

    def low(indicator: str, severe: str | Promise, moderate: str | Promise) -> None:
        value = z(indicator)
        if value is None:
            return
        if value < -3:
            found.append(Finding(f"{indicator}_severe", severe, "danger"))
        elif value < -2:
            found.append(Finding(f"{indicator}_moderate", moderate, "warning"))

    low("wfa", _("Severely underweight"), _("Underweight"))
    low("lhfa", _("Severely stunted"), _("Stunted"))
    low("wflh", _("Severely wasted"), _("Wasted"))
    wflh = z("wflh")
    if wflh is not None and wflh > 2:
        found.append(Finding("overweight", _("Overweight"), "warning"))
    low("bmi", _("BMI-for-age below -3 SD"), _("BMI-for-age below -2 SD"))
    low("hcfa", _("Head circumference below -3 SD"), _("Head circumference below -2 SD"))
    if m.oedema:
        found.append(
            Finding("oedema", _("Oedema of both feet: severe acute malnutrition"), "danger")
        )
    if m.muac_mm is not None and MUAC_FROM_DAYS <= m.age_days < MUAC_UNTIL_DAYS:
        if m.muac_mm < MUAC_SEVERE_MM:
            found.append(
                Finding("muac_severe", _("Severe acute malnutrition (MUAC under 115 mm)"), "danger")
            )
        elif m.muac_mm <= MUAC_ACUTE_MM:
            found.append(
                Finding("muac_acute", _("Acute malnutrition (MUAC 125 mm or less)"), "warning")
            )
    for indicator in m.implausible:
        name = INDICATOR_NAMES.get(indicator, indicator)
        found.append(
            Finding(
                f"{indicator}_implausible",
                _("%(indicator)s: implausible value, check the measurement") % {"indicator": name},
                "info",
            )
        )
    return found


def worst_level(findings: Sequence[Finding]) -> str:
    levels = {f.level for f in findings}
    for level in ("danger", "warning", "info"):
        if level in levels:
            return level
    return ""


class Measured(Protocol):
    """What `below` reads of a measurement (a model instance, or a row of its values)."""

    @property
    def lowest_z(self) -> float | None: ...
    @property
    def oedema(self) -> bool: ...
    @property
    def muac_mm(self) -> int | None: ...
    @property
    def age_days(self) -> int: ...


def below(m: Measured, cut: float) -> bool:
    """Any plausible z-score below `cut`, or (for -2) MUAC at or below 125 mm, (for -3) under
    115 mm, at 6-59 months; oedema counts as below -3."""
    if m.lowest_z is not None and m.lowest_z < cut:
        return True
    if m.oedema and cut <= -3:
        return True
    if m.muac_mm is not None and MUAC_FROM_DAYS <= m.age_days < MUAC_UNTIL_DAYS:
        return m.muac_mm < MUAC_SEVERE_MM if cut <= -3 else m.muac_mm <= MUAC_ACUTE_MM
    return False


# -- The schedule --------------------------------------------------------------------------


@dataclass(frozen=True)
class DoseState:
    dose: ScheduleDose
    due_on: dt.date
    overdue_from: dt.date
    given: Immunisation | None
    state: str  # "given", "overdue", "due", "upcoming", "later"


UPCOMING_DAYS = 30


def dose_states(
    born: dt.date, doses: Sequence[ScheduleDose], given: Sequence[Immunisation], today: dt.date
) -> list[DoseState]:
    """Each active dose of the schedule for a child born on `born`: given (when), overdue
    (not given and past its recommended age plus its grace), due (past its recommended age,
    within the grace), upcoming (within 30 days) or later. A dose given is listed even if it
    has since been deactivated."""
    by_dose = {i.dose_id: i for i in given}
    states = []
    for dose in doses:
        record = by_dose.get(dose.pk)
        if not dose.is_active and record is None:
            continue
        due_on = dose.due_on(born)
        overdue_from = dose.overdue_from(born)
        if record is not None:
            state = "given"
        elif today >= overdue_from:
            state = "overdue"
        elif today >= due_on:
            state = "due"
        elif (due_on - today).days <= UPCOMING_DAYS:
            state = "upcoming"
        else:
            state = "later"
        states.append(DoseState(dose, due_on, overdue_from, record, state))
    return states


def active_doses() -> list[ScheduleDose]:
    return list(ScheduleDose.objects.select_related("vaccine"))


# -- Milestones ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneState:
    kind: str
    label: str | Promise
    window: tuple[float, float]  # months, WHO 1st-99th percentile
    achieved: Milestone | None
    state: str  # "achieved", "achieved_late", "late" (past the window), "in_window", "later"

    @property
    def outside(self) -> bool:
        return self.state in ("late", "achieved_late")


def months(born: dt.date, on: dt.date) -> float:
    return (on - born).days / DAYS_PER_MONTH


def milestone_states(
    born: dt.date, achieved: Sequence[Milestone], today: dt.date
) -> list[MilestoneState]:
    by_kind = {m.kind: m for m in achieved}
    states = []
    for kind, label in MilestoneKind.choices:
        low, high = MILESTONE_WINDOWS[kind]
        record = by_kind.get(kind)
        if record is not None:
            state = "achieved_late" if months(born, record.achieved_on) > high else "achieved"
        else:
            age = months(born, today)
            state = "late" if age > high else "in_window" if age >= low else "later"
        states.append(MilestoneState(kind, label, (low, high), record, state))
    return states


# -- Everything about many children at once ------------------------------------------------


@dataclass
class ChildHealth:
    child: Child
    today: dt.date
    latest: Measurement | None = None
    checks: list[HealthCheck] = field(default_factory=list)
    immunisations: list[Immunisation] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    doses: list[ScheduleDose] = field(default_factory=list)

    @property
    def inside(self) -> bool:
        return self.child.is_inside

    @property
    def entered_on(self) -> dt.date | None:
        """The day she came to live inside with her mother (her current placement)."""
        placement = self.child.current_placement
        return placement.start_date if placement is not None and self.inside else None

    @property
    def measure_by(self) -> dt.date | None:
        """The day by which she should be measured (again), while inside."""
        if not self.inside:
            return None
        since = self.latest.measured_on if self.latest is not None else self.entered_on
        if since is None:
            return None
        return since + dt.timedelta(days=settings.KOMAR_HEALTH_MEASURE_DAYS)

    @property
    def check_by(self) -> dt.date | None:
        """The day by which her admission health check is due, if none is on record for this
        stay."""
        entered = self.entered_on
        if entered is None or any(c.checked_on >= entered for c in self.checks):
            return None
        return entered + dt.timedelta(days=settings.KOMAR_HEALTH_CHECK_DAYS)

    def dose_states(self) -> list[DoseState]:
        return dose_states(self.child.date_of_birth, self.doses, self.immunisations, self.today)

    def overdue(self) -> list[DoseState]:
        return [d for d in self.dose_states() if d.state == "overdue"]

    def milestone_states(self) -> list[MilestoneState]:
        return milestone_states(self.child.date_of_birth, self.milestones, self.today)

    def late_milestones(self) -> list[MilestoneState]:
        return [m for m in self.milestone_states() if m.state == "late"]


def latest_rows(measurements: QuerySet[Measurement], on: dt.date | None = None) -> QuerySet:
    """Of these measurements, each child's latest (on or before `on`): a window ranks each
    child's measurements in the database, so that only one row per child is read."""
    if on is not None:
        measurements = measurements.filter(measured_on__lte=on)
    return measurements.annotate(
        latest_rank=Window(
            RowNumber(),
            partition_by=[F("child_id")],
            order_by=[F("measured_on").desc(), F("created_at").desc()],
        )
    ).filter(latest_rank=1)


def latest_measurements(ids: Sequence[int], on: dt.date | None = None) -> dict[int, Measurement]:
    """Each child's latest measurement (on or before `on`), in one query."""
    rows = latest_rows(Measurement.objects.filter(child_id__in=ids), on)
    return {m.child_id: m for m in rows}


def load(children: Sequence[Child], today: dt.date) -> dict[int, ChildHealth]:
    """Everything the rules and lists read, for children loaded with `current_placement`: five
    queries whatever their number."""
    ids = [c.pk for c in children]
    latest = latest_measurements(ids)
    checks: dict[int, list[HealthCheck]] = defaultdict(list)
    for check in HealthCheck.objects.filter(child_id__in=ids).only("pk", "child_id", "checked_on"):
        checks[check.child_id].append(check)
    given: dict[int, list[Immunisation]] = defaultdict(list)
    for i in Immunisation.objects.filter(child_id__in=ids).only(
        "pk", "child_id", "dose_id", "given_on"
    ):
        given[i.child_id].append(i)
    achieved: dict[int, list[Milestone]] = defaultdict(list)
    for m in Milestone.objects.filter(child_id__in=ids).only(
        "pk", "child_id", "kind", "achieved_on"
    ):
        achieved[m.child_id].append(m)
    doses = active_doses()
    return {
        c.pk: ChildHealth(
            child=c,
            today=today,
            latest=latest.get(c.pk),
            checks=checks.get(c.pk, []),
            immunisations=given.get(c.pk, []),
            milestones=achieved.get(c.pk, []),
            doses=doses,
        )
        for c in children
    }
