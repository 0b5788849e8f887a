"""Public reads of the health records for other apps (the monitoring app's facility pages).

`indicators(facility_ids, on)`: per facility, the children living inside with their mothers,
how many were measured in the last 3 months, how many are below -2 SD (or -3 SD) on their
latest measurement, and how many have a dose of the national schedule overdue. Four queries,
whatever the number of facilities or children: the children inside on the day (from the
placement history, so a past day counts who lived inside then), their latest measurement on or
before it (one row a child, ranked in the database), the doses given by then, and the schedule.
Documented in docs/health.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from komar.cases.models import Placement
from komar.cases.stats import inside_on
from komar.health.models import Immunisation, Measurement, ScheduleDose
from komar.health.status import active_doses, below, latest_rows


@dataclass(frozen=True)
class HealthIndicators:
    children_inside: int = 0
    measured_3m: int = 0  # measured within KOMAR_HEALTH_MEASURE_DAYS (92) days up to `on`
    below_2sd: int = 0  # latest measurement: a plausible z-score < -2, or MUAC ≤ 125 mm
    below_3sd: int = 0  # the same below -3, MUAC < 115 mm, or oedema
    immunisations_overdue: int = 0  # children with at least one dose overdue on `on`
    immunisation_doses_overdue: int = 0  # overdue doses, all children together


@dataclass(frozen=True)
class _Latest:
    measured_on: dt.date
    lowest_z: float | None
    oedema: bool
    muac_mm: int | None
    age_days: int


def indicators(facility_ids: Iterable[int], on: dt.date) -> dict[int, HealthIndicators]:
    """One entry per facility asked for (zeros where nobody lives inside)."""
    wanted = list(dict.fromkeys(facility_ids))
    placements = Placement.objects.filter(inside_on(on), facility_id__in=wanted)
    children = list(placements.values_list("child_id", "facility_id", "child__date_of_birth"))
    inside = placements.values("child_id")  # a subquery: no list of ids sent back
    latest: dict[int, _Latest] = {}
    given: dict[int, set[int]] = defaultdict(set)
    doses: list[ScheduleDose] = []
    if children:
        rows = latest_rows(Measurement.objects.filter(child_id__in=inside), on)
        for child_id, *values in rows.values_list(
            "child_id", "measured_on", "lowest_z", "oedema", "muac_mm", "age_days"
        ):
            latest[child_id] = _Latest(*values)
        done = Immunisation.objects.filter(child_id__in=inside, given_on__lte=on)
        for child_id, dose_id in done.values_list("child_id", "dose_id"):
            given[child_id].add(dose_id)
        doses = [d for d in active_doses() if d.is_active]
    # The days from which each dose, not given, is overdue for a child born on the day before.
    overdue_after = [(d.pk, d.overdue_from(dt.date.min) - dt.date.min) for d in doses]
    since = on - dt.timedelta(days=settings.KOMAR_HEALTH_MEASURE_DAYS)
    counts: dict[int, dict[str, int]] = {f: defaultdict(int) for f in wanted}
    for pk, facility, born in children:
        c = counts[facility]
        c["children_inside"] += 1
        m = latest.get(pk)
        if m is not None:
            if m.measured_on > since:
                c["measured_3m"] += 1
            if below(m, -2):
                c["below_2sd"] += 1
            if below(m, -3):
                c["below_3sd"] += 1
        age = on - born
        done_doses = given.get(pk, ())
        overdue = sum(1 for dose, after in overdue_after if age >= after and dose not in done_doses)
        if overdue:
            c["immunisations_overdue"] += 1
            c["immunisation_doses_overdue"] += overdue
    return {f: HealthIndicators(**counts[f]) for f in wanted}
