"""Counselling on the woman's file, the child's page and the timeline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komar.cases.sections import ChildPage, Plugin, Section, TimelineEvent, WomanFile
from komar.counselling import rules
from komar.counselling.models import ChildDecision, CounsellingSession


def sessions(page: WomanFile) -> list[CounsellingSession]:
    return page.memo(
        "counselling.sessions",
        lambda: list(
            page.mother.counselling_sessions.select_related("counsellor").prefetch_related(
                Prefetch("decisions", queryset=ChildDecision.objects.select_related("child"))
            )
        ),
    )


def _sessions(page: WomanFile) -> dict[str, Any]:
    return {"sessions": sessions(page)}


def _decisions(page: ChildPage) -> dict[str, Any]:
    return {
        "decisions": list(
            page.child.decisions.select_related("session").order_by("-session__held_on")
        )
    }


def events(page: WomanFile) -> Iterable[TimelineEvent]:
    for session in sessions(page):
        yield TimelineEvent(
            session.held_on,
            _("Counselling session: %(stage)s") % {"stage": session.get_stage_display()},
            "counselling",
        )


PLUGIN = Plugin(
    name="counselling",
    file_sections=[
        Section(
            "counselling",
            gettext_lazy("Counselling and decisions"),
            "counselling/sections/sessions.html",
            40,
            _sessions,
        ),
    ],
    child_sections=[
        Section(
            "decisions",
            gettext_lazy("Decisions"),
            "counselling/sections/child_decisions.html",
            30,
            _decisions,
        ),
    ],
    timeline=events,
    rule_sets=[rules.RULES],
)
