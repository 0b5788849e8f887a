"""The health lists on "My work": children inside (in her scope) due or overdue for a
measurement, and those whose admission health check is due. Each is read from the stored
deadlines (`health.rules`, kept with the findings by the actions and the daily refresh): the
first rows of a range of her scope's indexes, then the children listed; three queries for both
lists whatever the size of her caseload."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komar.accounts.models import User
from komar.cases.models import Child
from komar.cases.queries import DueRow, deadlines_by
from komar.health.access import may_read_health
from komar.health.models import Measurement
from komar.health.rules import CHECK_DUE, MEASURE_DUE
from komar.lib.work import WorkList, WorkRow

SOON_DAYS = 7  # a measurement due within a week is listed already


def _children(ids: list[int]) -> dict[int, Child]:
    """The children listed, with what a row shows, and whether she was ever measured."""
    return {
        child.pk: child
        for child in Child.objects.filter(pk__in=ids)
        .order_by()
        .select_related("mother")
        .annotate(measured=Exists(Measurement.objects.filter(child_id=OuterRef("pk"))))
        .only(
            "pk",
            "code",
            "name_km",
            "name_latin",
            "date_of_birth",
            "mother__name_km",
            "mother__name_latin",
            "mother__case_number",
        )
    }


def _listed(due: list[DueRow], children: dict[int, Child]) -> list[tuple[dt.date, Child]]:
    return [
        (row.due_on, children[row.child_id])
        for row in due
        if row.child_id is not None and row.child_id in children
    ]


def health_lists(
    user: User, today: dt.date, count: int
) -> tuple[list[tuple[dt.date, Child, bool]], list[tuple[dt.date, Child]]]:
    """The first `count` + 1 rows of both lists, each (due, child[, measured before]), the
    soonest due first, then the eldest: from her stored deadlines (one query each), then the
    children listed (one). Three queries.

    - Children to measure: due within a week or overdue, by the deadline of `health.rules`
      (her latest measurement and `KOMAR_HEALTH_MEASURE_DAYS`; a child never measured is due
      from the day she came inside).
    - Admission health checks: no check since she came inside, due `KOMAR_HEALTH_CHECK_DAYS`
      after (the flag `no_health_check`'s deadline), however far ahead.
    """
    soon = today + dt.timedelta(days=SOON_DAYS)
    measure = deadlines_by(user, MEASURE_DUE, today=today, by=soon, count=count)
    checks = deadlines_by(user, CHECK_DUE, today=today, by=dt.date.max, count=count)
    children = _children([row.child_id for row in [*measure, *checks] if row.child_id is not None])
    return (
        [
            (due, child, bool(getattr(child, "measured", False)))
            for due, child in _listed(measure, children)
        ],
        _listed(checks, children),
    )


def _text(child: Child) -> str:
    return _("%(child)s (%(mother)s)") % {
        "child": child.display_name,
        "mother": child.mother.display_name,
    }


def my_work(user: Any, today: dt.date, count: int) -> list[WorkList]:
    if not isinstance(user, User) or not may_read_health(user) or not user.can_write_cases:
        return []
    measure, checks = health_lists(user, today, count)
    lists = [
        WorkList(
            key="health-measure",
            title=gettext_lazy("Children to measure"),
            rows=[
                WorkRow(
                    text=_text(child),
                    url=reverse("health:measurement_new", args=[child.code]),
                    on=due,
                    note=(gettext_lazy("overdue") if due < today else gettext_lazy("due"))
                    if measured
                    else gettext_lazy("never measured"),
                    urgent=due < today or not measured,
                )
                for due, child, measured in measure[:count]
            ],
            more=len(measure) > count,
        ),
        WorkList(
            key="health-check",
            title=gettext_lazy("Admission health checks to record"),
            rows=[
                WorkRow(
                    text=_text(child),
                    url=reverse("health:check_new", args=[child.code]),
                    on=due,
                    note=gettext_lazy("overdue") if due < today else gettext_lazy("due"),
                    urgent=due < today,
                )
                for due, child in checks[:count]
            ],
            more=len(checks) > count,
        ),
    ]
    return lists
