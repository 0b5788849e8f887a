"""A supervisor's dashboard: the open flags on her caseload by rule, the reviews due, and the
last twelve months (flags raised and resolved, counselling sessions), per worker too. Counted
over the women she may see (`cases.access.scope`), in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from komar.accounts.models import User
from komar.assessments.models import Determination
from komar.cases.access import mothers_for_user, scope
from komar.cases.models import Finding
from komar.counselling.models import CounsellingSession
from komar.lib.dates import add_months
from komar.lib.rules import rule_by_code

SOON_DAYS = 14


@dataclass
class RuleCount:
    code: str
    title: str
    level: str
    count: int


@dataclass
class WorkerRow:
    name: str
    women: int
    flags: int
    overdue: int


@dataclass
class Dashboard:
    today: dt.date
    women: int
    rules: list[RuleCount]
    sessions_overdue: int
    sessions_soon: int
    determinations_overdue: int
    determinations_soon: int
    months: list[dt.date]
    raised: list[int]
    resolved: list[int]
    sessions: list[int]
    workers: list[WorkerRow]

    @property
    def flags(self) -> int:
        return sum(r.count for r in self.rules)


def _by_month(rows: Any, months: list[dt.date]) -> list[int]:
    found = {m.date() if isinstance(m, dt.datetime) else m: n for m, n in rows}
    return [found.get(m, 0) for m in months]


def build(user: User, today: dt.date) -> Dashboard:
    findings = Finding.objects.filter(scope(user, mother="mother_id"))
    open_flags = findings.filter(resolved_at__isnull=True)
    rules = []
    for code, priority, n in (
        open_flags.values_list("rule_code", "priority")
        .annotate(n=Count("pk"))
        .order_by("priority", "rule_code")
    ):
        rule = rule_by_code(code)
        rules.append(
            RuleCount(code, str(rule.title) if rule else code, ("danger", "warning")[priority], n)
        )
    latest = CounsellingSession.objects.filter(scope(user, "mother__"), is_latest=True).filter(
        mother__is_closed=False
    )
    soon = today + dt.timedelta(days=SOON_DAYS)
    determinations = Determination.objects.filter(
        scope(user, "child__mother__"), is_latest=True, child__mother__is_closed=False
    )
    first = add_months(today.replace(day=1), -11)
    months = [add_months(first, i) for i in range(12)]
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    raised = _by_month(
        findings.filter(raised_at__gte=start)
        .annotate(m=TruncMonth("raised_at"))
        .values_list("m")
        .annotate(n=Count("pk"))
        .values_list("m", "n"),
        months,
    )
    resolved = _by_month(
        findings.filter(resolved_at__gte=start)
        .annotate(m=TruncMonth("resolved_at"))
        .values_list("m")
        .annotate(n=Count("pk"))
        .values_list("m", "n"),
        months,
    )
    sessions = _by_month(
        CounsellingSession.objects.filter(scope(user, "mother__"), held_on__gte=first)
        .annotate(m=TruncMonth("held_on"))
        .values_list("m")
        .annotate(n=Count("pk"))
        .values_list("m", "n"),
        months,
    )
    women = mothers_for_user(user).filter(is_closed=False)
    per_worker = Counter(
        dict(women.values_list("assigned_worker__full_name").annotate(n=Count("pk")).order_by())
    )
    flags_worker = Counter(
        dict(
            open_flags.values_list("mother__assigned_worker__full_name")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    overdue_worker = Counter(
        dict(
            latest.filter(review_on__lt=today)
            .values_list("mother__assigned_worker__full_name")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    workers = [
        WorkerRow(name or "—", per_worker[name], flags_worker[name], overdue_worker[name])
        for name in sorted(set(per_worker) | set(flags_worker), key=lambda n: n or "")
    ]
    return Dashboard(
        today=today,
        women=sum(per_worker.values()),
        rules=rules,
        sessions_overdue=latest.filter(review_on__lt=today).count(),
        sessions_soon=latest.filter(review_on__gte=today, review_on__lte=soon).count(),
        determinations_overdue=determinations.filter(review_on__lt=today).count(),
        determinations_soon=determinations.filter(
            review_on__gte=today, review_on__lte=soon
        ).count(),
        months=months,
        raised=raised,
        resolved=resolved,
        sessions=sessions,
        workers=workers,
    )


def month_chart(months: list[dt.date], series: list[tuple[str, str, list[int]]]) -> dict[str, Any]:
    """Grouped vertical bars, one group per month: (label, colour, values) per series."""
    width, left, bottom, top_pad = 460, 28, 150, 12
    largest = max((v for _l, _c, values in series for v in values), default=0) or 1
    group = (width - left - 6) / len(months)
    bar = (group - 4) / len(series)
    bars = []
    for i, month in enumerate(months):
        for j, (label, colour, values) in enumerate(series):
            h = round((bottom - top_pad) * values[i] / largest, 1)
            bars.append(
                {
                    "x": round(left + i * group + 2 + j * bar, 1),
                    "y": round(bottom - h, 1),
                    "w": round(bar - 1, 1),
                    "h": h,
                    "colour": colour,
                    "title": f"{month:%Y-%m} · {label}: {values[i]}",
                }
            )
    labels = [{"x": round(left + i * group + 2, 1), "month": m} for i, m in enumerate(months)]
    return {
        "width": width,
        "height": bottom + 18,
        "bottom": bottom,
        "left": left,
        "bars": bars,
        "labels": labels,
        "largest": largest,
        "series": [(label, colour) for label, colour, _v in series],
    }
