"""The facility monitor's home (her facilities' snapshots, checklists and children's health, as
counts and charts), one facility's page, and the minimal view of one child she follows."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from komar.audit.actions import do_log_file_view, do_log_list_view
from komar.cases.models import Finding
from komar.health.queries import HealthIndicators
from komar.lib.http import client_ip
from komar.lib.rules import rule_by_code
from komar.monitoring import queries, work
from komar.monitoring.access import (
    get_child_minimal,
    get_facility_for_user,
    may_monitor,
    require_reader,
)
from komar.monitoring.charts import Series, column_chart
from komar.monitoring.checklist_views import url_args as checklist_url
from komar.monitoring.health_figures import available, health_figures_on, measured_share
from komar.monitoring.models import first_of_month, next_month, quarter_label, quarter_of

HEALTH_MONTHS = 6
HOME_WORK_ROWS = 100  # her home shows every row (its lists on "My work" link here for the rest)
FOLLOWED_SHOWN = 100  # a facility's page lists the most urgent children with a flag, no more


def _month_label(month: dt.date) -> str:
    return date_format(month, "M")


def _month_ends(today: dt.date, count: int) -> list[dt.date]:
    """The last day of each of the `count - 1` months before this one, then today."""
    ends = [today]
    month = first_of_month(today)
    while len(ends) < count:
        ends.append(month - dt.timedelta(days=1))
        month = first_of_month(ends[-1])
    return list(reversed(ends))


@dataclass(frozen=True)
class HealthOverMonths:
    rows: list[dict[str, Any]]
    chart: Any
    today: dict[int, HealthIndicators]  # today's figures of each facility
    counted_at: dt.datetime | None  # when the recent figures were counted


def _health_over_months(pks: list[int], today: dt.date) -> HealthOverMonths:
    """Per month end (then today): measured share, below -2 SD, immunisations overdue, summed
    over the facilities; their chart; and today's figures of each facility. Past month ends
    are read from the stored figures, today's from those counted a few minutes ago."""
    rows: list[dict[str, Any]] = []
    ends = _month_ends(today, HEALTH_MONTHS)
    health = health_figures_on(pks, ends, today)
    by_day = health.days
    for end in ends:
        figures = by_day[end].values()
        inside = sum(f.children_inside for f in figures)
        measured = sum(f.measured_3m for f in figures)
        rows.append(
            {
                "on": end,
                "inside": inside,
                "measured": measured,
                "share": round(100 * measured / inside) if inside else None,
                "below_2sd": sum(f.below_2sd for f in figures),
                "overdue": sum(f.immunisations_overdue for f in figures),
            }
        )
    chart = column_chart(
        [_month_label(r["on"]) for r in rows],
        [
            Series(_("Children inside"), [r["inside"] for r in rows]),
            Series(_("Measured in the last 3 months"), [r["measured"] for r in rows]),
            Series(_("Below −2 SD"), [r["below_2sd"] for r in rows]),  # noqa: RUF001 (a minus)
            Series(_("Immunisation overdue"), [r["overdue"] for r in rows]),
        ],
    )
    return HealthOverMonths(rows, chart, by_day[today], health.counted_at)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Her facilities: last month's snapshot, the latest checklist and the children's health, a
    row each; over the last twelve months, the children inside (from the snapshots) and the
    checklists' scores; her lists of work."""
    user = require_reader(request)
    today = timezone.localdate()
    overviews = queries.overview(user, today)
    pks = [o.facility.pk for o in overviews]
    health = _health_over_months(pks, today)
    health_now = health.today
    months = queries.months_back(today)
    last_month = months[-1]
    children_chart = column_chart(
        [_month_label(m) for m in months],
        [
            Series(
                _("Children inside"),
                [
                    sum(
                        o.snapshots[m].children_inside or 0
                        for o in overviews
                        if m in o.snapshots and o.snapshots[m].is_completed
                    )
                    if any(m in o.snapshots and o.snapshots[m].is_completed for o in overviews)
                    else None
                    for m in months
                ],
            ),
            Series(
                _("Women held"),
                [
                    sum(
                        o.snapshots[m].women or 0
                        for o in overviews
                        if m in o.snapshots and o.snapshots[m].is_completed
                    )
                    if any(m in o.snapshots and o.snapshots[m].is_completed for o in overviews)
                    else None
                    for m in months
                ],
            ),
        ],
    )
    periods = sorted({c.checklist.period for o in overviews for c in o.checklists})[-6:]
    shares: list[float | None] = []
    for period in periods:
        found = [
            c.share
            for o in overviews
            for c in o.checklists
            if c.checklist.period == period and c.checklist.is_completed and c.share is not None
        ]
        shares.append(round(sum(found) / len(found)) if found else None)
    checklist_chart = column_chart(
        [quarter_label(p) for p in periods],
        [Series(_("Average score (%)"), shares)],
        top=100,
        suffix="%",
    )
    rows = [
        {
            "overview": o,
            "last_month": o.snapshots.get(last_month),
            "health": health_now.get(o.facility.pk),
            "measured_share": (
                measured_share(health_now[o.facility.pk]) if o.facility.pk in health_now else None
            ),
        }
        for o in overviews
    ]
    return render(
        request,
        "monitoring/home.html",
        {
            "rows": rows,
            "last_month": last_month,
            "children_chart": children_chart,
            "checklist_chart": checklist_chart,
            "health_available": available(),
            "health_rows": health.rows,
            "health_chart": health.chart,
            "health_counted_at": health.counted_at,
            "recent_minutes": settings.KOMAR_FIGURES_RECENT_MINUTES,
            "work": work.my_work(user, today, HOME_WORK_ROWS),
            "may_monitor": may_monitor(user),
            "today": today,
            "settled_days": settings.KOMAR_FIGURES_SETTLED_DAYS,
            "quarter": quarter_of(today),
        },
    )


@login_required
@require_GET
def facility_page(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """One facility: its snapshots month by month, its checklists quarter by quarter, the
    children's health, and the children inside with an open flag (case number, age, flags:
    no name). Audited as a list view."""
    user = require_reader(request)
    facility = get_facility_for_user(user, code)
    today = timezone.localdate()
    months = queries.months_back(today)
    overview = next(o for o in queries.overview(user, today) if o.facility.pk == facility.pk)
    snapshot_rows = [(m, overview.snapshots.get(m)) for m in months]
    snapshot_chart = column_chart(
        [_month_label(m) for m in months],
        [
            Series(
                _("Children inside"),
                [s.children_inside if s and s.is_completed else None for _m, s in snapshot_rows],
            ),
            Series(
                _("Women held"),
                [s.women if s and s.is_completed else None for _m, s in snapshot_rows],
            ),
        ],
    )
    checklists = overview.checklists[-8:]
    checklist_chart = column_chart(
        [c.checklist.period_label for c in checklists],
        [
            Series(
                _("Score (%)"), [c.share if c.checklist.is_completed else None for c in checklists]
            )
        ],
        top=100,
        suffix="%",
    )
    followed, followed_total = queries.children_to_follow(facility, FOLLOWED_SHOWN)
    health = _health_over_months([facility.pk], today)
    do_log_list_view(
        actor=user,
        name=f"monitoring:facility:{facility.pk}",
        shown=len(followed),
        ip=client_ip(request),
    )
    this_quarter = quarter_of(today)
    return render(
        request,
        "monitoring/facility.html",
        {
            "facility": facility,
            "overview": overview,
            "snapshot_rows": list(reversed(snapshot_rows)),
            "snapshot_chart": snapshot_chart,
            "checklists": [
                (
                    c,
                    reverse(
                        "monitoring:checklist", kwargs=checklist_url(facility, c.checklist.period)
                    ),
                )
                for c in reversed(overview.checklists)
            ],
            "this_quarter_url": reverse(
                "monitoring:checklist", kwargs=checklist_url(facility, this_quarter)
            ),
            "checklist_chart": checklist_chart,
            "has_this_quarter": any(
                c.checklist.period == this_quarter for c in overview.checklists
            ),
            "this_quarter": this_quarter,
            "followed": [(r, [rule_by_code(f.rule_code) for f in r.findings]) for r in followed],
            "followed_total": followed_total,
            "health_available": available(),
            "health_rows": health.rows,
            "health_chart": health.chart,
            "health_counted_at": health.counted_at,
            "recent_minutes": settings.KOMAR_FIGURES_RECENT_MINUTES,
            "may_monitor": may_monitor(user),
            "today": today,
            "settled_days": settings.KOMAR_FIGURES_SETTLED_DAYS,
            "this_month": first_of_month(today),
            "month_over": next_month,
        },
    )


@login_required
@require_GET
def child_minimal(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """One child inside her facilities, as much as following her case needs: the case number,
    her age in months, the facility, her open flags by rule. No name,
    no file. Every opening is audited (a view of the child)."""
    user = require_reader(request)
    child = get_child_minimal(request, code)
    do_log_file_view(actor=user, obj=child, mother=child.mother, ip=client_ip(request))
    today = timezone.localdate()
    findings = list(
        Finding.objects.filter(child=child, resolved_at__isnull=True).order_by(
            "priority", "rule_code"
        )
    )
    placement = child.current_placement
    assert placement is not None
    return render(
        request,
        "monitoring/child.html",
        {
            "child": child,
            "case_number": child.mother.case_number,
            "age_months": child.age_months(today),
            "facility": placement.facility,
            "flags": [(f, rule_by_code(f.rule_code)) for f in findings],
            "today": today,
        },
    )
