"""Monitoring's lists on "My work" (and on the monitor's home): today's registers not taken yet,
for those who take them; last month's snapshots not completed, for the facility monitor.

The "snapshot missing" reminder is a list here, not a rule: the rule engine's subjects are a
child and a woman (`lib/rules.py`), and its stored findings belong to a woman's file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komar.accounts.models import User
from komar.lib.work import WorkList, WorkRow, first
from komar.monitoring import queries
from komar.monitoring.access import may_monitor, may_take_attendance


def my_work(user: User, today: dt.date, count: int) -> Sequence[WorkList]:
    lists = []
    if may_take_attendance(user):
        rows, more = first(
            (
                WorkRow(
                    text=_("Take today's register at %(facility)s") % {"facility": due},
                    url=reverse("monitoring:register", kwargs={"code": due.code}),
                    on=today,
                    note=_("%(n)s children inside") % {"n": due.children},
                )
                for due in queries.attendance_due(user, today)
            ),
            count,
        )
        lists.append(
            WorkList(
                key="attendance",
                title=gettext_lazy("Child-friendly space: today's register"),
                rows=rows,
                more=more,
            )
        )
    if may_monitor(user):
        snapshots = queries.snapshots_due(user, today)
        rows, more = first(
            (
                WorkRow(
                    text=_("Complete the snapshot of %(month)s at %(facility)s")
                    % {"month": date_format(month, "YEAR_MONTH_FORMAT"), "facility": facility},
                    url=reverse(
                        "monitoring:snapshot",
                        kwargs={"code": facility.code, "year": month.year, "month": month.month},
                    ),
                    note=_("draft started") if snapshot is not None else _("not started"),
                    urgent=snapshot is None,
                )
                for facility, month, snapshot in snapshots
            ),
            count,
        )
        lists.append(
            WorkList(
                key="snapshots",
                title=gettext_lazy("Monthly snapshots to complete"),
                rows=rows,
                more=more,
                more_url=reverse("monitoring:home"),
                always=True,
                empty=gettext_lazy("Every snapshot of last month is completed."),
            )
        )
    return lists
