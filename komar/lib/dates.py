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
