"""Public reads of the health records for other apps (the monitoring app's facility pages).

`indicators(facility_ids, on)`: per facility, the children living inside with their mothers,
how many were measured in the last 3 months, how many are below -2 SD (or -3 SD) on their
latest measurement, and how many have a dose of the national schedule overdue. Four queries,
whatever the number of facilities or children. Documented in docs/health.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from komar.cases.models import Child, Placement
from komar.health.models import Immunisation
from komar.health.status import active_doses, below, latest_measurements


@dataclass(frozen=True)
class HealthIndicators:
    children_inside: int = 0
    measured_3m: int = 0  # measured within KOMAR_HEALTH_MEASURE_DAYS (92) days up to `on`
    below_2sd: int = 0  # latest measurement: a plausible z-score < -2, or MUAC ≤ 125 mm
    below_3sd: int = 0  # the same below -3, MUAC < 115 mm, or oedema
    immunisations_overdue: int = 0  # children with at least one dose overdue on `on`
    immunisation_doses_overdue: int = 0  # overdue doses, all children together


def indicators(facility_ids: Iterable[int], on: dt.date) -> dict[int, HealthIndicators]:
    """One entry per facility asked for (zeros where nobody lives inside)."""
    wanted = list(dict.fromkeys(facility_ids))
    children = list(
        Child.objects.filter(
            current_placement__kind=Placement.Kind.WITH_MOTHER,
            current_placement__facility_id__in=wanted,
        ).values_list("pk", "current_placement__facility_id", "date_of_birth")
    )
    ids = [pk for pk, _facility, _born in children]
    latest = latest_measurements(ids, on) if ids else {}
    given: dict[int, set[int]] = defaultdict(set)
    if ids:
        rows = Immunisation.objects.filter(child_id__in=ids, given_on__lte=on)
        for child_id, dose_id in rows.values_list("child_id", "dose_id"):
            given[child_id].add(dose_id)
    doses = [d for d in active_doses() if d.is_active] if ids else []
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
        overdue = sum(1 for d in doses if d.pk not in given[pk] and on >= d.overdue_from(born))
        if overdue:
            c["immunisations_overdue"] += 1
            c["immunisation_doses_overdue"] += overdue
    return {f: HealthIndicators(**counts[f]) for f in wanted}
