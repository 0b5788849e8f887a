"""The children's health indicators of the monitor's home, from the health app
(`komar.health.queries.indicators`, see docs/health.md): the share of children inside measured in
the last three months, those below -2 SD, those with an immunisation overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from komar.health.queries import HealthIndicators, indicators


def available() -> bool:
    """The health figures are shown (kept as a switch for the pages' templates)."""
    return True


def measured_share(figures: HealthIndicators) -> int | None:
    if not figures.children_inside:
        return None
    return round(100 * figures.measured_3m / figures.children_inside)


def health_figures(facility_ids: Iterable[int], on: dt.date) -> dict[int, HealthIndicators]:
    """Each facility's figures on `on` (four queries whatever the number of facilities)."""
    return indicators(list(facility_ids), on)
