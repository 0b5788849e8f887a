"""Ages as people say them: in months below three years, in years and months above."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

from komar.lib.dates import age_in_months

register = template.Library()

MONTHS_UP_TO = 36


def age_label(born: dt.date, on: dt.date) -> str:
    months = age_in_months(born, on)
    if months < MONTHS_UP_TO:
        return ngettext("%(n)s month old", "%(n)s months old", months) % {"n": months}
    years, rest = divmod(months, 12)
    if rest == 0:
        return ngettext("%(n)s year old", "%(n)s years old", years) % {"n": years}
    # Three years or more: "years" is always plural; the months may be one.
    return ngettext(
        "%(years)s years and %(months)s month old",
        "%(years)s years and %(months)s months old",
        rest,
    ) % {"years": years, "months": rest}


@register.filter
def age(born: dt.date | None, on: dt.date | None = None) -> str:
    """`{{ child.date_of_birth|age }}` (or `|age:today`)."""
    if born is None:
        return ""
    return age_label(born, on or timezone.localdate())
