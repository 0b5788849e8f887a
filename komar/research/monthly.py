"""Monthly statistics: for each facility a user may see, and for all of them together, who was
held at the end of the month (`cases.stats.facility_counts`), what happened during it
(`cases.stats.month_flows`), and the counselling sessions and best-interests assessments done
(by the facility of the session, and the facility the woman was held in at the assessment's
date as far as her latest episode tells); each month of the last twelve."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from komar.accounts.models import Role, User
from komar.assessments.models import Assessment
from komar.cases import stats
from komar.cases.access import facility_ids
from komar.counselling.models import CounsellingSession
from komar.facilities import figures
from komar.facilities.models import Facility
from komar.lib.dates import add_months

MEASURES: tuple[tuple[str, Any], ...] = (
    ("women", _("Women held")),
    ("pregnant", _("Pregnant women")),
    ("children_inside", _("Children inside")),
    ("age_0-11", _("Children inside, 0-11 months")),
    ("age_12-23", _("Children inside, 12-23 months")),
    ("age_24-35", _("Children inside, 24-35 months")),
    ("age_36+", _("Children inside, 36 months and over")),
    ("born_inside", _("Children born inside")),
    ("near_limit", _("Near the stay limit")),
    ("over_limit", _("Over the stay limit")),
    ("pre_trial", _("Pre-trial mothers")),
    ("without_lawyer", _("Mothers without a lawyer")),
    ("separations", _("Separations during the month")),
    ("placed_in_institution", _("Placed in an institution during the month")),
    ("sessions", _("Counselling sessions during the month")),
    ("assessments", _("Best-interests assessments during the month")),
)


def facilities_for(user: User) -> list[Facility]:
    """Hers and her organisation's (a researcher's or an administrator's organisation)."""
    ids = set(facility_ids(user))
    if user.organisation_id is not None and user.role in (Role.ADMINISTRATOR, Role.RESEARCHER):
        ids |= set(
            Facility.objects.filter(organisations=user.organisation_id).values_list("pk", flat=True)
        )
    return list(Facility.objects.filter(pk__in=ids).order_by("name_en"))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(first: dt.date) -> dt.date:
    return add_months(first, 1) - dt.timedelta(days=1)


@dataclass
class Month:
    first: dt.date
    last: dt.date
    values: dict[int, dict[str, int]]  # facility id -> measure -> count

    def total(self, key: str) -> int:
        return sum(v[key] for v in self.values.values())


def month_figures(ids: list[int], first: dt.date, today: dt.date) -> Month:
    last = min(month_end(first), today)
    counts = stats.facility_counts(ids, last)
    flows = stats.month_flows(ids, first, last)
    sessions = dict(
        CounsellingSession.objects.filter(
            facility_id__in=ids, held_on__gte=first, held_on__lte=last
        )
        .values_list("facility_id")
        .annotate(n=Count("pk"))
        .values_list("facility_id", "n")
    )
    assessments = dict(
        Assessment.objects.filter(
            Q(child__mother__facility_id__in=ids), assessed_on__gte=first, assessed_on__lte=last
        )
        .values_list("child__mother__facility_id")
        .annotate(n=Count("pk"))
        .values_list("child__mother__facility_id", "n")
    )
    values: dict[int, dict[str, int]] = {}
    for pk in ids:
        c, f = counts[pk], flows[pk]
        row = {
            "women": c.women,
            "pregnant": c.pregnant,
            "children_inside": c.children_inside,
            "born_inside": c.born_inside,
            "near_limit": c.near_limit,
            "over_limit": c.over_limit,
            "pre_trial": c.pre_trial,
            "without_lawyer": c.without_lawyer,
            "separations": f.separations,
            "placed_in_institution": f.placed_in_institution,
            "sessions": sessions.get(pk, 0),
            "assessments": assessments.get(pk, 0),
        }
        for band, n in c.by_age_band.items():
            row[f"age_{band}"] = n
        values[pk] = row
    return Month(first, last, values)


@dataclass
class Report:
    facilities: list[Facility]
    month: Month
    trend: list[Month]
    suppress: bool

    def cell(self, value: int) -> str:
        if self.suppress and 0 < value < 5:
            return "<5"
        return str(value)

    @property
    def table(self) -> list[tuple[Any, list[str], str]]:
        rows = []
        for key, label in MEASURES:
            cells = [self.cell(self.month.values[f.pk][key]) for f in self.facilities]
            rows.append((label, cells, self.cell(self.month.total(key))))
        return rows

    @property
    def trend_table(self) -> list[tuple[Any, list[str]]]:
        return [(label, [self.cell(m.total(key)) for m in self.trend]) for key, label in MEASURES]


# The stored figures of a month that has ended, by its first day. Change what `count` returns
# -> bump the version after the slash: the figures stored under the old name are then forgotten.
KIND = "research.month/1"


def count(facility_ids: list[int], first: dt.date) -> dict[int, dict[str, int]]:
    """A month's figures as stored (`komar.facilities.figures`): the whole month."""
    return month_figures(facility_ids, first, month_end(first)).values


def report(user: User, month: dt.date, today: dt.date, facility: Facility | None = None) -> Report:
    """The month and the eleven before it: the months that ended a week ago or more read from
    the stored figures (counted once, then every night again for a year), the others counted
    now."""
    facilities = [facility] if facility else facilities_for(user)
    ids = [f.pk for f in facilities]
    first = month_start(month)
    firsts = [add_months(first, -i) for i in range(11, -1, -1)]
    ended = [f for f in firsts if figures.settled(month_end(f), today)]
    stored = figures.ended(KIND, ids, ended, count)
    trend = [
        Month(f, month_end(f), stored[f]) if f in stored else month_figures(ids, f, today)
        for f in firsts
    ]
    return Report(facilities, trend[-1], trend, suppress=user.role == Role.RESEARCHER)


def by_month(rows: list[Month], key: str) -> dict[dt.date, int]:
    out: dict[dt.date, int] = defaultdict(int)
    for m in rows:
        out[m.first] = m.total(key)
    return out


__all__ = ["TruncMonth", "report"]
