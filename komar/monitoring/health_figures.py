"""The children's health indicators of the monitor's home, from the health app
(`komar.health.queries.indicators`, see docs/health.md): the share of children inside measured in
the last three months, those below -2 SD, those with an immunisation overdue."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from komar.facilities import figures
from komar.health.queries import HealthIndicators, indicators

# The stored figures of a past month's last day. Change what `count` returns -> bump the
# version after the slash: the figures stored under the old name are then forgotten.
KIND = "health.indicators/1"


def available() -> bool:
    """The health figures are shown (kept as a switch for the pages' templates)."""
    return True


def measured_share(figures: HealthIndicators) -> int | None:
    if not figures.children_inside:
        return None
    return round(100 * figures.measured_3m / figures.children_inside)


def count(facility_ids: list[int], on: dt.date) -> dict[int, dict[str, int]]:
    """The figures on a day as stored (`komar.facilities.figures`)."""
    return {pk: dataclasses.asdict(f) for pk, f in indicators(facility_ids, on).items()}


@dataclasses.dataclass(frozen=True)
class HealthByDay:
    days: dict[dt.date, dict[int, HealthIndicators]]
    # When the figures of the days not settled yet (today's) were counted: stored for
    # `KOMAR_FIGURES_RECENT_MINUTES`, so the page says so. None: no such day asked for.
    counted_at: dt.datetime | None


def health_figures_on(
    facility_ids: Iterable[int], days: Iterable[dt.date], today: dt.date
) -> HealthByDay:
    """Each facility's figures on each day: the days a week ago or more read from the stored
    figures (counted once, then every night again for a year); the more recent ones, today's
    too, read from the figures counted within the last few minutes, or counted now."""
    ids = list(facility_ids)
    wanted = list(dict.fromkeys(days))
    past = [day for day in wanted if figures.settled(day, today)]
    stored = figures.ended(KIND, ids, past, count)
    recent = figures.recent(KIND, ids, [day for day in wanted if day not in stored], count)
    found = {
        day: {pk: HealthIndicators(**values) for pk, values in by_pk.items()}
        for day, by_pk in (stored | recent.figures).items()
    }
    return HealthByDay({day: found[day] for day in wanted}, recent.counted_at)
