"""The health lists on "My work": children inside (in her scope) due or overdue for a
measurement, and those whose admission health check is due. Two queries whatever the size of her
caseload, each reading only the rows it shows: the children inside, with the date of their latest
measurement (or health check) from the index on the child's records, filtered, ordered and cut in
the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import DateField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komar.accounts.models import User
from komar.cases.access import scope_ids
from komar.cases.models import Child, Placement
from komar.health.access import may_read_health
from komar.health.models import HealthCheck, Measurement
from komar.lib.work import WorkList, WorkRow

SOON_DAYS = 7  # a measurement due within a week is listed already


def _children_inside(user: User) -> QuerySet[Child]:
    """Her children inside, with what a row shows. Her scope is read from the women's indexes,
    those with a child inside only (`scope_ids`), then their children by the mother's index."""
    return (
        Child.objects.filter(
            scope_ids(user, mothers=Q(children_inside__gt=0)),
            current_placement__kind=Placement.Kind.WITH_MOTHER,
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
    )


def _latest(model: type[Measurement] | type[HealthCheck], field: str) -> Subquery:
    rows = model.objects.filter(child_id=OuterRef("pk")).order_by(f"-{field}")
    return Subquery(rows.values(field)[:1], output_field=DateField())


def to_measure(user: User, today: dt.date, count: int) -> list[tuple[dt.date, Child, bool]]:
    """(due, child, measured before) for the first `count` + 1 children due for a measurement
    within a week or overdue, never measured first (due today), then by due date and age."""
    every = dt.timedelta(days=settings.KOMAR_HEALTH_MEASURE_DAYS)
    # Due within a week: no measurement after `due_by`; a never-measured child is due today.
    # Filtered with NOT EXISTS (one probe of `measurement_child_idx`), so that the latest
    # measurement is read only for the children listed, once (the order uses the column).
    due_by = today + dt.timedelta(days=SOON_DAYS) - every
    recent = Measurement.objects.filter(child_id=OuterRef("pk"), measured_on__gt=due_by)
    # A never-measured child sorts as if her last measurement were `every` days ago: due today.
    children = (
        _children_inside(user)
        .filter(~Exists(recent))
        .annotate(last_measured=_latest(Measurement, "measured_on"))
        .annotate(measure_key=Coalesce(F("last_measured"), Value(today - every)))
        .order_by("measure_key", "date_of_birth", "pk")[: count + 1]
    )
    rows: list[tuple[dt.date, Child, bool]] = []
    for child in children:
        last: dt.date | None = child.last_measured
        rows.append((today if last is None else last + every, child, last is not None))
    return rows


def checks_due(user: User, count: int) -> list[tuple[dt.date, Child]]:
    """(due, child) for the first `count` + 1 children with no health check since they came
    inside, by the day they came and age: no check on or after her current placement's start
    (one probe of `healthcheck_child_idx` per child)."""
    since = HealthCheck.objects.filter(
        child_id=OuterRef("pk"), checked_on__gte=OuterRef("current_placement__start_date")
    )
    children = (
        _children_inside(user)
        .filter(~Exists(since))
        .order_by("current_placement__start_date", "date_of_birth", "pk")[: count + 1]
    )
    after = dt.timedelta(days=settings.KOMAR_HEALTH_CHECK_DAYS)
    rows: list[tuple[dt.date, Child]] = []
    for child in children:
        placement = child.current_placement
        assert placement is not None
        rows.append((placement.start_date + after, child))
    return rows


def _text(child: Child) -> str:
    return _("%(child)s (%(mother)s)") % {
        "child": child.display_name,
        "mother": child.mother.display_name,
    }


def my_work(user: Any, today: dt.date, count: int) -> list[WorkList]:
    if not isinstance(user, User) or not may_read_health(user) or not user.can_write_cases:
        return []
    measure = to_measure(user, today, count)
    checks = checks_due(user, count)
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
