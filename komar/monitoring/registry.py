"""The registry's numbers a snapshot freezes: one facility's counts on a day and its month's
flows, as the snapshot's own field names.

They come from `komar.cases.stats` (`facility_counts`, `month_flows`), the registry's single
definition of each count, so that the monitor's snapshot, the dashboards and the research
exports count alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from komar.cases import stats
from komar.monitoring.models import AGE_BAND_FIELDS

COUNTS = (
    "women",
    "pregnant",
    "pre_trial",
    "without_lawyer",
    "children_inside",
    "born_inside",
    "near_limit",
    "over_limit",
)
FLOWS = ("admissions", "releases", "births_inside", "separations", "placed_in_institution")


def snapshot_counts(
    facility_ids: Iterable[int], first: dt.date, last: dt.date
) -> dict[int, dict[str, int]]:
    """Each facility's counts on `last` and its flows from `first` to `last`, by field name."""
    ids = list(facility_ids)
    counts = stats.facility_counts(ids, last)
    flows = stats.month_flows(ids, first, last)
    found: dict[int, dict[str, int]] = {}
    for pk in ids:
        values: dict[str, int] = {name: 0 for name in (*COUNTS, *AGE_BAND_FIELDS.values(), *FLOWS)}
        c = counts.get(pk)
        if c is not None:
            for name in COUNTS:
                values[name] = int(getattr(c, name))
            for band, name in AGE_BAND_FIELDS.items():
                values[name] = int(c.by_age_band.get(band, 0))
        f = flows.get(pk)
        if f is not None:
            for name in FLOWS:
                values[name] = int(getattr(f, name))
        found[pk] = values
    return found
