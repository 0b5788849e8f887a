"""Figures of periods that have ended, counted once and stored (`FacilityFigures`).

A page that shows twelve months of a facility's numbers (the monthly statistics, the monitor's
children's health by month) counts the current month, and a month that ended less than
`KOMAR_FIGURES_SETTLED_DAYS` (7) days ago, as they are, and reads the older months from here:
what is missing is counted, for the facilities missing only, and stored. Each kind of figures
is counted by a function of its app, `(facility ids, day) -> {facility id: {name: count}}`,
which the composition layer installs (`casefile/plugins.py`) so that `manage.py
refresh_figures` can count the recent ones again every night: a record entered late, or
corrected, reaches the past months by the next morning. A kind's name carries a version
("research.month/1"): a change in what it counts bumps it, and the figures stored under the old
name are no longer read, and are deleted by the next `refresh_figures`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from komar.facilities.models import FacilityFigures

Values = dict[str, int]
Count = Callable[[list[int], dt.date], Mapping[int, Values]]

KINDS: dict[str, Count] = {}


def settled(last_day: dt.date, today: dt.date) -> bool:
    """A period that ended `KOMAR_FIGURES_SETTLED_DAYS` days ago or more is read from the
    store; a more recent one, still being entered, is counted on every request."""
    return last_day < today - dt.timedelta(days=settings.KOMAR_FIGURES_SETTLED_DAYS)


def install(kinds: Mapping[str, Count]) -> None:
    KINDS.update(kinds)


def ended(
    kind: str, facility_ids: Iterable[int], days: Iterable[dt.date], count: Count
) -> dict[dt.date, dict[int, Values]]:
    """The figures of each ended period (`days`) for each facility: the stored ones, in one
    query; the missing ones counted with `count` (once per period, for the facilities missing)
    and stored."""
    ids = list(dict.fromkeys(facility_ids))
    wanted = list(dict.fromkeys(days))
    found: dict[dt.date, dict[int, Values]] = {day: {} for day in wanted}
    if not ids or not wanted:
        return found
    for facility_id, on, values in FacilityFigures.objects.filter(
        kind=kind, on__in=wanted, facility_id__in=ids
    ).values_list("facility_id", "on", "values"):
        found[on][facility_id] = values
    now = timezone.now()
    fresh: list[FacilityFigures] = []
    for day in wanted:
        missing = [pk for pk in ids if pk not in found[day]]
        if not missing:
            continue
        counted = count(missing, day)
        for pk in missing:
            values = {name: int(n) for name, n in counted[pk].items()}
            found[day][pk] = values
            fresh.append(
                FacilityFigures(kind=kind, facility_id=pk, on=day, values=values, computed_at=now)
            )
    if fresh:
        # Another request may have stored the same figures meanwhile: theirs are as good.
        with transaction.atomic():
            FacilityFigures.objects.bulk_create(fresh, ignore_conflicts=True)
    return found


def refresh(today: dt.date, days: int) -> list[tuple[str, dt.date, int]]:
    """Count again the stored figures of the periods of the last `days` days, with their
    kind's installed function: (kind, period, facilities) for each."""
    since = today - dt.timedelta(days=days)
    stored: dict[tuple[str, dt.date], list[int]] = defaultdict(list)
    for kind, on, facility_id in FacilityFigures.objects.filter(on__gte=since).values_list(
        "kind", "on", "facility_id"
    ):
        stored[(kind, on)].append(facility_id)
    done = []
    now = timezone.now()
    for (kind, on), ids in sorted(stored.items()):
        count = KINDS.get(kind)
        if count is None:  # a kind no longer counted: forgotten
            FacilityFigures.objects.filter(kind=kind, on=on).delete()
            continue
        counted = count(ids, on)
        with transaction.atomic():
            for facility_id in ids:
                values = {name: int(n) for name, n in counted[facility_id].items()}
                FacilityFigures.objects.filter(kind=kind, on=on, facility_id=facility_id).update(
                    values=values, computed_at=now
                )
        done.append((kind, on, len(ids)))
    return done
