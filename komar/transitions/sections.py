"""The transitions workflow's plug-in: its sections of the woman's file and the child's page, its
timeline events, its rule sets and its lists on "My work"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komar.cases.models import Mother
from komar.cases.sections import ChildPage, Plugin, Section, TimelineEvent, WomanFile
from komar.transitions import rules, work
from komar.transitions.access import may_write
from komar.transitions.models import Carer, Reintegration, Separation, TransitionPlan


def _plans(page: WomanFile) -> list[TransitionPlan]:
    return page.memo(
        "transitions.plans",
        lambda: list(
            TransitionPlan.objects.filter(mother=page.mother)
            .select_related("carer")
            .order_by("created_at", "pk")
        ),
    )


def _separations(page: WomanFile) -> list[Separation]:
    return page.memo(
        "transitions.separations",
        lambda: list(
            Separation.objects.filter(mother=page.mother)
            .select_related("carer", "placement")
            .prefetch_related("visits__stage")
        ),
    )


def _file(page: WomanFile) -> dict[str, Any]:
    newest: dict[int, TransitionPlan] = {}
    for plan in _plans(page):
        newest[plan.child_id] = plan
    carers = list(Carer.objects.filter(mother=page.mother).prefetch_related("children"))
    return {
        "carers": carers,
        "inside": [(c, newest.get(c.pk)) for c in page.children if c.is_inside],
        "separations": _separations(page),
        "may_write_transitions": may_write(page.user, page.mother),
    }


def _child(page: ChildPage) -> dict[str, Any]:
    child = page.child
    plans = list(
        TransitionPlan.objects.filter(child=child)
        .select_related("carer", "responsible")
        .order_by("-created_at", "-pk")
    )
    separations = list(
        Separation.objects.filter(child=child)
        .select_related("carer", "placement")
        .prefetch_related("visits__stage")
    )
    return {
        "plan": plans[0] if plans else None,
        "earlier_plans": plans[1:],
        "carers": list(child.carers.all()),
        "separations": separations,
        "reintegrations": list(Reintegration.objects.filter(child=child)),
        "may_write_transitions": may_write(page.user, child.mother),
        "may_reintegrate": may_write(page.user, child.mother)
        and not child.is_inside
        and _release_known(child.mother),
    }


def _release_known(mother: Mother) -> bool:
    """She is released, or her release is expected: the time for a reintegration plan."""
    episode = mother.latest_episode
    return episode is None or not episode.is_open or episode.expected_release_date is not None


def timeline(page: WomanFile) -> Iterable[TimelineEvent]:
    names = page.child_names()
    for plan in _plans(page):
        if plan.decided_at is not None and plan.status in (
            TransitionPlan.Status.APPROVED,
            TransitionPlan.Status.DONE,
        ):
            yield TimelineEvent(
                plan.decided_at.date(),
                _("Transition plan for %(name)s approved") % {"name": names[plan.child_id]},
                "transition",
            )
    for separation in _separations(page):
        text = (
            _("%(name)s left the facility (supervisor's override)")
            if separation.by_override
            else _("%(name)s left the facility as planned")
        )
        yield TimelineEvent(
            separation.separated_on, text % {"name": names[separation.child_id]}, "transition"
        )
        for visit in separation.visits.all():
            if visit.visited_on is not None:
                yield TimelineEvent(
                    visit.visited_on,
                    _("Follow-up visit to %(name)s (%(stage)s)")
                    % {"name": names[separation.child_id], "stage": visit.stage},
                    "transition",
                )


PLUGIN = Plugin(
    name="transitions",
    file_sections=[
        Section(
            "transitions",
            gettext_lazy("Carers and transitions"),
            "transitions/sections/file.html",
            35,
            _file,
        ),
    ],
    child_sections=[
        Section(
            "transition",
            gettext_lazy("Transition plan, carers and follow-up"),
            "transitions/sections/child.html",
            25,
            _child,
        ),
    ],
    timeline=timeline,
    rule_sets=rules.RULE_SETS,
    work=work.my_work,
)
