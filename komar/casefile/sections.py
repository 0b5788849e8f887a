"""The sections the file composes itself: the timeline of every workflow, and its audit."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from komar.accounts.models import AUDIT_READ_ROLES
from komar.audit.models import AuditEntry
from komar.casefile import plugins
from komar.cases.sections import Section, TimelineEvent, WomanFile


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


CHANGES = [AuditEntry.Action.CREATE, AuditEntry.Action.CHANGE, AuditEntry.Action.DELETE]
AUDIT_ROWS_ON_FILE = 10


def audit_entries(mother_id: int, kind: str) -> QuerySet[AuditEntry]:
    """Her file's audit trail, changes or views (each kind apart: views would hide changes)."""
    entries = AuditEntry.objects.filter(mother_id=mother_id).select_related("actor")
    if kind == "views":
        entries = entries.filter(action=AuditEntry.Action.VIEW)
    else:
        entries = entries.filter(action__in=CHANGES)
    return entries.order_by("-at", "-pk")


def _audit(page: WomanFile) -> dict[str, Any]:
    return {
        "changes": list(audit_entries(page.mother.pk, "changes")[:AUDIT_ROWS_ON_FILE]),
        "views": list(audit_entries(page.mother.pk, "views")[:AUDIT_ROWS_ON_FILE]),
    }


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
