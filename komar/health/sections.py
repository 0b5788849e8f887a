"""The health workflow's plug-in: a section of the child's page (her latest measurement with
its z-scores and classification, immunisations overdue or due, milestones past WHO's window, a
link to her health page), a smaller section of the woman's file (her children's health at a
glance), timeline events (illnesses, referrals, hospital stays, admission health checks), its
rule set and its lists on "My work"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komar.cases.models import Child
from komar.cases.sections import ChildPage, Plugin, Section, TimelineEvent, WomanFile
from komar.health import rules, status
from komar.health.access import HEALTH_READ_ROLES, may_write_health
from komar.health.models import HealthCheck, HealthEvent, Measurement
from komar.health.work import my_work

READERS = frozenset(str(role) for role in HEALTH_READ_ROLES)


def _health(page: ChildPage | WomanFile, children: list[Child]) -> dict[int, status.ChildHealth]:
    return page.memo("health.status", lambda: status.load(children, page.today))


def _summary(h: status.ChildHealth) -> dict[str, Any]:
    findings = status.classify(h.latest) if h.latest is not None else []
    states = h.dose_states()
    return {
        "child": h.child,
        "health": h,
        "latest": h.latest,
        "findings": findings,
        "level": status.worst_level(findings),
        "overdue": [d for d in states if d.state == "overdue"],
        "due": [d for d in states if d.state == "due"],
        "late_milestones": h.late_milestones(),
    }


def _child_section(page: ChildPage) -> dict[str, Any]:
    health = _health(page, [page.child])[page.child.pk]
    return {**_summary(health), "can_write_health": may_write_health(page.user, page.child)}


def _file_section(page: WomanFile) -> dict[str, Any]:
    health = _health(page, page.children)
    return {"rows": [_summary(health[c.pk]) for c in page.children]}


def timeline(page: WomanFile) -> Iterable[TimelineEvent]:
    names = page.child_names()
    ids = list(names)
    if not ids:
        return
    for event in HealthEvent.objects.filter(child_id__in=ids).only(
        "kind", "started_on", "child_id", "place"
    ):
        text = _("%(child)s: %(what)s") % {
            "child": names[event.child_id],
            "what": event.get_kind_display(),
        }
        if event.place:
            text = f"{text}, {event.place}"
        yield TimelineEvent(event.started_on, text, "health")
    for check in HealthCheck.objects.filter(child_id__in=ids).only("checked_on", "child_id"):
        yield TimelineEvent(
            check.checked_on,
            _("%(child)s: health check at admission") % {"child": names[check.child_id]},
            "health",
        )
    low = Measurement.objects.filter(child_id__in=ids, lowest_z__lt=-2).only(
        "measured_on", "child_id", "lowest_z"
    )
    for m in low:
        yield TimelineEvent(
            m.measured_on,
            _("%(child)s: measured below -2 SD") % {"child": names[m.child_id]},
            "health",
        )


PLUGIN = Plugin(
    name="health",
    file_sections=[
        Section(
            id="health",
            title=gettext_lazy("Children's health"),
            template="health/sections/file.html",
            order=35,
            load=_file_section,
            width="half",
            readers=READERS,
        )
    ],
    child_sections=[
        Section(
            id="health",
            title=gettext_lazy("Health"),
            template="health/sections/child.html",
            order=15,
            load=_child_section,
            readers=READERS,
        )
    ],
    timeline=timeline,
    rule_sets=rules.RULE_SETS,
    work=my_work,
)
