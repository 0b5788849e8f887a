"""The legal arithmetic: hours in police custody, days in pre-trial detention, and the legal
maximum of each, from the reference data (`LegalLimit`) and the case's own orders.

The maximum of pre-trial detention is the first term plus the extensions the law allows for the
class of offence (CPC 2007 art. 208 for felonies, art. 209 for misdemeanours), and for a
misdemeanour never more than half the minimum penalty incurred when that is recorded. What the
court actually ordered (the orders and extensions recorded) is the "ordered until" date; the
legal maximum is the date past which no order may keep her.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from komar.lib.dates import add_months


@dataclass(frozen=True)
class Limit:
    """A `LegalLimit` row's numbers (kept apart from the model, for the arithmetic's tests)."""

    police_custody_hours: int
    police_custody_extension_hours: int
    detention_allowed: bool
    detention_months: int
    extension_months: int
    max_extensions: int
    capped_at_half_minimum_penalty: bool

    @classmethod
    def of(cls, row: object) -> Limit:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


def max_detention_months(limit: Limit, minimum_penalty_months: int | None) -> int:
    """The longest pre-trial detention the law allows for the class, in months (0: none)."""
    if not limit.detention_allowed:
        return 0
    months = limit.detention_months + limit.extension_months * limit.max_extensions
    if limit.capped_at_half_minimum_penalty and minimum_penalty_months is not None:
        months = min(months, minimum_penalty_months // 2)
    return months


def max_detention_until(
    limit: Limit, detained_from: dt.date, minimum_penalty_months: int | None
) -> dt.date | None:
    """The last day pre-trial detention may last, counted from the day it started (the
    calendar months of `add_months`, the day before the same date `months` later)."""
    months = max_detention_months(limit, minimum_penalty_months)
    if months == 0:
        return None
    return add_months(detained_from, months) - dt.timedelta(days=1)


def detention_days(detained_from: dt.date, until: dt.date) -> int:
    """Days detained, counting the first day: detained on the 1st, on the 1st is one day."""
    return (until - detained_from).days + 1


def police_custody_hours(start: dt.datetime, end: dt.datetime | None) -> float:
    """Hours in police custody, to now if it has not ended."""
    return ((end or timezone.now()) - start).total_seconds() / 3600


def police_custody_allowed_hours(limit: Limit, extended: bool) -> int:
    return limit.police_custody_hours + (limit.police_custody_extension_hours if extended else 0)
