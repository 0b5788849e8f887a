"""The health lists on "My work": children inside (in her scope) due or overdue for a
measurement, and those whose admission health check is due. One query whatever the size of her
caseload: the children, with the dates of their latest measurement and health check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komar.accounts.models import User
from komar.cases.access import scope
from komar.cases.models import Child, Placement
from komar.health.access import may_read_health
from komar.lib.work import WorkList, WorkRow

SOON_DAYS = 7  # a measurement due within a week is listed already


def _children_inside(user: User) -> list[Child]:
    """Her children inside, each with the date of her latest measurement and of her latest
    health check (one query: two aggregates over the child's rows)."""
    return list(
        Child.objects.filter(
            scope(user, "mother__"), current_placement__kind=Placement.Kind.WITH_MOTHER
        )
        .select_related("mother", "current_placement")
        .only(
            "pk",
            "code",
            "name_km",
            "name_latin",
            "date_of_birth",
            "mother__name_km",
            "mother__name_latin",
            "mother__case_number",
            "current_placement__kind",
            "current_placement__start_date",
        )
        .annotate(last_measured=Max("measurements__measured_on"))
        .annotate(last_checked=Max("health_checks__checked_on"))
    )


def _text(child: Child) -> str:
    return _("%(child)s (%(mother)s)") % {
        "child": child.display_name,
        "mother": child.mother.display_name,
    }


def my_work(user: Any, today: dt.date, count: int) -> list[WorkList]:
    if not isinstance(user, User) or not may_read_health(user) or not user.can_write_cases:
        return []
    children = _children_inside(user)
    measure: list[tuple[dt.date, Child, bool]] = []
    checks: list[tuple[dt.date, Child]] = []
    for child in children:
        placement = child.current_placement
        assert placement is not None
        last: dt.date | None = child.last_measured  # type: ignore[attr-defined]
        checked: dt.date | None = child.last_checked  # type: ignore[attr-defined]
        if last is None:
            measure.append((today, child, False))
        else:
            due = last + dt.timedelta(days=settings.KOMAR_HEALTH_MEASURE_DAYS)
            if due <= today + dt.timedelta(days=SOON_DAYS):
                measure.append((due, child, True))
        if checked is None or checked < placement.start_date:
            checks.append(
                (placement.start_date + dt.timedelta(days=settings.KOMAR_HEALTH_CHECK_DAYS), child)
            )
    measure.sort(key=lambda row: (row[0], row[1].date_of_birth))
    checks.sort(key=lambda row: (row[0], row[1].date_of_birth))
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
