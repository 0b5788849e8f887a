"""Best-interests assessments and determinations on the child's page and the timeline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komar.assessments import rules
from komar.assessments.models import Assessment, Determination
from komar.cases.sections import ChildPage, Plugin, Section, TimelineEvent, WomanFile


def _assessments(page: ChildPage) -> dict[str, Any]:
    return {
        "assessments": list(page.child.assessments.select_related("assessor")),
        "determinations": list(page.child.determinations.all()),
    }


def events(page: WomanFile) -> Iterable[TimelineEvent]:
    names = page.child_names()
    for assessment in Assessment.objects.filter(child__mother=page.mother):
        yield TimelineEvent(
            assessment.assessed_on,
            _("Best-interests assessment of %(name)s: %(status)s")
            % {"name": names[assessment.child_id], "status": assessment.get_status_display()},
            "assessment",
        )
    for determination in Determination.objects.filter(child__mother=page.mother):
        yield TimelineEvent(
            determination.held_on,
            _("Best-interests determination for %(name)s: %(decision)s")
            % {
                "name": names[determination.child_id],
                "decision": determination.get_decision_display(),
            },
            "assessment",
        )


PLUGIN = Plugin(
    name="assessments",
    child_sections=[
        Section(
            "assessments",
            gettext_lazy("Best-interests assessments"),
            "assessments/sections/child_assessments.html",
            40,
            _assessments,
        ),
    ],
    timeline=events,
    rule_sets=[rules.RULES],
)
