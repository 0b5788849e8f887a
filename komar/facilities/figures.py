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

The periods not settled yet (today, the current month) can be stored too, for a few minutes
(`recent`, `KOMAR_FIGURES_RECENT_MINUTES`): a page that counts tens of thousands of children
inside for today then counts them once for everyone who opens it within those minutes, and
says when it counted them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from komar.facilities.models import FacilityFigures

Values = dict[str, int]
Count = Callable[[list[int], dt.date], Mapping[int, Values]]

KINDS: dict[str, Count] = {}
# Kinds that count the present (the children inside now): only today's row is of use.
NOW_KINDS: set[str] = set()
NEVER_FRESH = dt.datetime.max.replace(tzinfo=dt.UTC)


def settled(last_day: dt.date, today: dt.date) -> bool:
    """A period that ended `KOMAR_FIGURES_SETTLED_DAYS` days ago or more is read from the
    store; a more recent one, still being entered, is counted on every request."""
    return last_day < today - dt.timedelta(days=settings.KOMAR_FIGURES_SETTLED_DAYS)


def install(kinds: Mapping[str, Count], now: Mapping[str, Count] | None = None) -> None:
    """The kinds of figures and who counts them; `now`: those that count the present."""
    KINDS.update(kinds)
    KINDS.update(now or {})
    NOW_KINDS.update(now or {})


def ended(
    kind: str, facility_ids: Iterable[int], days: Iterable[dt.date], count: Count
) -> dict[dt.date, dict[int, Values]]:
    """The figures of each ended period (`days`) for each facility: the stored ones, in one
    query; the missing ones counted with `count` (once per period, for the facilities missing)
    and stored."""
    return _stored(kind, facility_ids, days, count, counted_since=None).figures


@dataclass(frozen=True)
class Recent:
    figures: dict[dt.date, dict[int, Values]]
    counted_at: dt.datetime | None  # when the oldest of them was counted (None: no figures)


def recent(kind: str, facility_ids: Iterable[int], days: Iterable[dt.date], count: Count) -> Recent:
    """The figures of periods still being entered (today, a month that ended within the week):
    those counted less than `KOMAR_FIGURES_RECENT_MINUTES` ago are read as stored, the others
    counted now and stored, so that the many people who open the same page within minutes pay
    for one count. The page says when they were counted (`counted_at`)."""
    minutes = settings.KOMAR_FIGURES_RECENT_MINUTES
    # 0 minutes: nothing stored is recent enough, everything is counted again.
    since = timezone.now() - dt.timedelta(minutes=minutes) if minutes > 0 else NEVER_FRESH
    return _stored(kind, facility_ids, days, count, counted_since=since)


def _stored(
    kind: str,
    facility_ids: Iterable[int],
    days: Iterable[dt.date],
    count: Count,
    *,
    counted_since: dt.datetime | None,
) -> Recent:
    """The stored figures counted since `counted_since` (any, if None), in one query; the
    others counted (once per period, for the facilities missing) and stored."""
    ids = list(dict.fromkeys(facility_ids))
    wanted = list(dict.fromkeys(days))
    found: dict[dt.date, dict[int, Values]] = {day: {} for day in wanted}
    if not ids or not wanted:
        return Recent(found, None)
    oldest: dt.datetime | None = None
    stale: set[tuple[dt.date, int]] = set()
    for facility_id, on, values, computed_at in FacilityFigures.objects.filter(
        kind=kind, on__in=wanted, facility_id__in=ids
    ).values_list("facility_id", "on", "values", "computed_at"):
        if counted_since is not None and computed_at < counted_since:
            stale.add((on, facility_id))
            continue
        found[on][facility_id] = values
        oldest = computed_at if oldest is None else min(oldest, computed_at)
    now = timezone.now()
    fresh: list[FacilityFigures] = []
    again: list[tuple[dt.date, int, Values]] = []
    for day in wanted:
        missing = [pk for pk in ids if pk not in found[day]]
        if not missing:
            continue
        counted = count(missing, day)
        oldest = now if oldest is None else min(oldest, now)
        for pk in missing:
            values = {name: int(n) for name, n in counted[pk].items()}
            found[day][pk] = values
            if (day, pk) in stale:
                again.append((day, pk, values))
            else:
                fresh.append(
                    FacilityFigures(
                        kind=kind, facility_id=pk, on=day, values=values, computed_at=now
                    )
                )
    if fresh or again:
        # Another request may have stored the same figures meanwhile: theirs are as good.
        with transaction.atomic():
            FacilityFigures.objects.bulk_create(fresh, ignore_conflicts=True)
            for day, pk, values in again:
                FacilityFigures.objects.filter(kind=kind, on=day, facility_id=pk).update(
                    values=values, computed_at=now
                )
    return Recent(found, oldest)


def refresh(today: dt.date, days: int) -> list[tuple[str, dt.date, int]]:
    """Count again the stored figures of the periods of the last `days` days, with their
    kind's installed function: (kind, period, facilities) for each. The figures of a kind no
    longer installed, and those of the present (`NOW_KINDS`) older than today, are deleted."""
    since = today - dt.timedelta(days=days)
    FacilityFigures.objects.filter(kind__in=NOW_KINDS, on__lt=today).delete()
    stored = _stored_keys(FacilityFigures.objects.filter(on__gte=since).exclude(kind__in=NOW_KINDS))
    return _count_again(stored)


def refresh_recent(today: dt.date) -> list[tuple[str, dt.date, int]]:
    """Count again the stored figures of the periods not settled yet (`recent`) a little before
    pages would count them themselves, so that nobody waits for them: run every minute
    (docs/deployment.md). Only the rows pages asked for are stored, so only those are kept."""
    minutes = settings.KOMAR_FIGURES_RECENT_MINUTES
    if minutes <= 0:
        return []
    before = timezone.now() - dt.timedelta(minutes=max(1, minutes - 2))
    unsettled = today - dt.timedelta(days=settings.KOMAR_FIGURES_SETTLED_DAYS)
    rows = FacilityFigures.objects.filter(
        on__gte=unsettled, computed_at__lte=before, kind__in=KINDS
    )
    rows = rows.exclude(kind__in=NOW_KINDS, on__lt=today)
    return _count_again(_stored_keys(rows))


def _stored_keys(rows: QuerySet[FacilityFigures]) -> dict[tuple[str, dt.date], list[int]]:
    stored: dict[tuple[str, dt.date], list[int]] = defaultdict(list)
    for kind, on, facility_id in rows.values_list("kind", "on", "facility_id"):
        stored[(kind, on)].append(facility_id)
    return stored


def _count_again(stored: Mapping[tuple[str, dt.date], list[int]]) -> list[tuple[str, dt.date, int]]:
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
