"""The court reports on the woman's file, and their events on her timeline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komar.cases.sections import Section, TimelineEvent, WomanFile
from komar.legal.models import CourtReport
from komar.legal.report_actions import OPEN_STATUSES, may_draft


def reports(page: WomanFile) -> list[CourtReport]:
    """Her reports, newest first (one query, shared by the section and the timeline)."""
    return page.memo(
        "legal.reports",
        lambda: list(
            CourtReport.objects.filter(mother=page.mother).select_related("author__organisation")
        ),
    )


def _reports(page: WomanFile) -> dict[str, Any]:
    rows = reports(page)
    current = next((r for r in rows if r.status in OPEN_STATUSES), None)
    return {
        "reports": rows,
        "open_report": current,
        "may_draft": current is None and may_draft(page.user, page.mother),
    }


def timeline(page: WomanFile) -> Iterable[TimelineEvent]:
    for court_report in reports(page):
        if court_report.finalised_at is None:
            continue
        yield TimelineEvent(
            timezone.localdate(court_report.finalised_at),
            _("Court report %(number)s final") % {"number": court_report.number},
            "legal",
        )


FILE_SECTIONS: list[Section[WomanFile]] = [
    Section(
        "court-reports",
        gettext_lazy("Court reports"),
        "legal/sections/report_list.html",
        70,
        _reports,
        width="half",
    ),
]
