"""Read-side queries for the registry: the case list's filters and a woman's timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from komar.cases.models import Child, Consent, CustodyEpisode, Mother, Placement
from komar.lib.dates import earliest_birth_date_reaching_on_or_after

if TYPE_CHECKING:  # the registry's queries do not depend on the apps built on it
    from komar.assessments.models import Assessment, Determination
    from komar.counselling.models import CounsellingSession


def _children_inside() -> QuerySet[Child]:
    return Child.objects.filter(
        mother=OuterRef("pk"), current_placement__kind=Placement.Kind.WITH_MOTHER
    )


def filter_mothers(
    queryset: QuerySet[Mother], filters: dict[str, Any], today: dt.date
) -> QuerySet[Mother]:
    if filters.get("facility"):
        queryset = queryset.filter(latest_episode__facility=filters["facility"])
    if filters.get("legal_status"):
        queryset = queryset.filter(latest_episode__legal_status=filters["legal_status"])
    if filters.get("pregnant"):
        queryset = queryset.filter(is_pregnant=True)
    months = settings.KOMAR_CHILD_STAY_LIMIT_MONTHS
    # Children whose limit is today or later were born on or after `reaching_today`.
    reaching_today = earliest_birth_date_reaching_on_or_after(today, months)
    warning_end = today + dt.timedelta(days=settings.KOMAR_STAY_LIMIT_WARNING_DAYS + 1)
    reaching_after_warning = earliest_birth_date_reaching_on_or_after(warning_end, months)
    child = filters.get("child")
    if child == "inside":
        queryset = queryset.filter(Exists(_children_inside()))
    elif child == "over_limit":
        queryset = queryset.filter(
            Exists(_children_inside().filter(date_of_birth__lt=reaching_today))
        )
    elif child == "near_limit":
        queryset = queryset.filter(
            Exists(
                _children_inside().filter(
                    date_of_birth__gte=reaching_today, date_of_birth__lt=reaching_after_warning
                )
            )
        )
    elif child == "unknown":
        unknown = Child.objects.filter(mother=OuterRef("pk")).filter(
            current_placement__isnull=True
        ) | Child.objects.filter(
            mother=OuterRef("pk"), current_placement__kind=Placement.Kind.UNKNOWN
        )
        queryset = queryset.filter(Exists(unknown))
    return queryset


def with_list_relations(queryset: QuerySet[Mother]) -> QuerySet[Mother]:
    """Everything one row of the case list shows, in a fixed number of queries."""
    return queryset.select_related("latest_episode__facility").prefetch_related(
        Prefetch(
            "children",
            queryset=Child.objects.select_related("current_placement"),
        )
    )


@dataclass(frozen=True)
class TimelineEvent:
    on: dt.date
    text: str
    kind: str


def timeline(
    mother: Mother,
    episodes: list[CustodyEpisode],
    children: list[Child],
    placements: list[Placement],
    consents: list[Consent],
    *,
    sessions: Sequence[CounsellingSession] = (),
    assessments: Sequence[Assessment] = (),
    determinations: Sequence[Determination] = (),
) -> list[TimelineEvent]:
    """What happened to a woman and her children, newest first, from the records themselves."""
    events: list[TimelineEvent] = []
    for episode in episodes:
        events.append(
            TimelineEvent(
                episode.admission_date,
                _("Admitted to %(facility)s (%(status)s)")
                % {"facility": episode.facility, "status": episode.get_legal_status_display()},
                "custody",
            )
        )
        if episode.ended_on and episode.end_reason == CustodyEpisode.EndReason.TRANSFERRED:
            events.append(
                TimelineEvent(
                    episode.ended_on,
                    _("Transferred out of %(facility)s") % {"facility": episode.facility},
                    "custody",
                )
            )
        elif episode.ended_on:
            events.append(
                TimelineEvent(
                    episode.ended_on,
                    _("Released from %(facility)s: %(kind)s")
                    % {"facility": episode.facility, "kind": episode.get_release_kind_display()},
                    "custody",
                )
            )
    names = {c.pk: c.display_name for c in children}
    for child in children:
        events.append(
            TimelineEvent(
                child.date_of_birth,
                _("%(name)s was born") % {"name": child.display_name},
                "child",
            )
        )
    for placement in placements:
        where = str(placement.get_kind_display())
        if placement.facility_id:
            where = _("%(kind)s: %(place)s") % {"kind": where, "place": placement.facility}
        elif placement.carer_name:
            where = _("%(kind)s: %(place)s") % {"kind": where, "place": placement.carer_name}
        events.append(
            TimelineEvent(
                placement.start_date,
                _("%(name)s: %(where)s") % {"name": names[placement.child_id], "where": where},
                "placement",
            )
        )
    for consent in consents:
        events.append(
            TimelineEvent(
                consent.given_on,
                _("Consent given: %(purpose)s") % {"purpose": consent.get_purpose_display()},
                "consent",
            )
        )
        if consent.withdrawn_on:
            events.append(
                TimelineEvent(
                    consent.withdrawn_on,
                    _("Consent withdrawn: %(purpose)s")
                    % {"purpose": consent.get_purpose_display()},
                    "consent",
                )
            )
    for session in sessions:
        events.append(
            TimelineEvent(
                session.held_on,
                _("Counselling session: %(stage)s") % {"stage": session.get_stage_display()},
                "counselling",
            )
        )
    for assessment in assessments:
        events.append(
            TimelineEvent(
                assessment.assessed_on,
                _("Best-interests assessment of %(name)s: %(status)s")
                % {"name": names[assessment.child_id], "status": assessment.get_status_display()},
                "assessment",
            )
        )
    for determination in determinations:
        events.append(
            TimelineEvent(
                determination.held_on,
                _("Best-interests determination for %(name)s: %(decision)s")
                % {
                    "name": names[determination.child_id],
                    "decision": determination.get_decision_display(),
                },
                "assessment",
            )
        )
    events.sort(key=lambda e: e.on, reverse=True)
    return events
