"""Date arithmetic used across Komar. Pure functions, no Django."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the last day of the month where that day does not exist.

    A child born on 29 February reaches a 36-month limit on 28 February: the earlier of the two
    possible readings, so that planning is never late.
    """
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last_day))


def age_in_months(born: dt.date, on: dt.date) -> int:
    """Whole months of age on a day (0 before the first month is complete)."""
    months = (on.year - born.year) * 12 + (on.month - born.month)
    if add_months(born, months) > on:
        months -= 1
    return max(months, 0)


def earliest_birth_date_reaching_on_or_after(day: dt.date, months: int) -> dt.date:
    """The earliest birth date whose `months` anniversary (as add_months) is on or after `day`.

    Lets the database filter children by stay-limit date with a plain comparison on birth date:
    add_months is monotonic, so the stay limit is before `day` exactly for earlier births.
    """
    candidate = add_months(day, -months)
    one_day = dt.timedelta(days=1)
    while add_months(candidate - one_day, months) >= day:
        candidate -= one_day
    while add_months(candidate, months) < day:
        candidate += one_day
    return candidate
