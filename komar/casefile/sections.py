"""The sections the file composes itself: the timeline of every workflow, and its audit."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from komar.accounts.models import AUDIT_READ_ROLES
from komar.audit.models import AuditEntry
from komar.casefile import plugins
from komar.cases.sections import Section, TimelineEvent, WomanFile

AUDIT_ROWS = 50


def timeline(page: WomanFile) -> list[TimelineEvent]:
    """What happened to a woman and her children, newest first, from every workflow."""
    events = [
        event
        for plugin in plugins.PLUGINS
        if plugin.timeline is not None
        for event in plugin.timeline(page)
    ]
    events.sort(key=lambda e: e.on, reverse=True)
    return events


def _timeline(page: WomanFile) -> dict[str, Any]:
    return {"timeline": timeline(page)}


def _audit(page: WomanFile) -> dict[str, Any]:
    entries = AuditEntry.objects.filter(mother=page.mother).select_related("actor")
    return {"audit_entries": list(entries.order_by("-at")[:AUDIT_ROWS])}


FILE_SECTIONS: list[Section[WomanFile]] = [
    Section(
        "timeline", _("Timeline"), "casefile/sections/timeline.html", 70, _timeline, width="half"
    ),
    Section(
        "audit",
        _("Who has seen and changed this file"),
        "casefile/sections/audit.html",
        90,
        _audit,
        readers=AUDIT_READ_ROLES,
    ),
]
