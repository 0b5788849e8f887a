"""The legal case on her file: a section with the figures of her current custody (days in
pre-trial detention against the legal maximum, the next hearing, what is pending) and the
links to record things; and the case's events on her timeline. Both read the same loads
(`derived.figures_for_file`, shared through the page's memo), in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from komar.cases.models import CustodyEpisode
from komar.cases.sections import Section, TimelineEvent, WomanFile
from komar.legal.derived import figures_for_file
from komar.legal.models import Application, DetentionOrder


def _section(page: WomanFile) -> dict[str, Any]:
    stays = figures_for_file(page)
    current = stays[0] if stays else None
    children_to_place = []
    if (
        current is not None
        and not current.stay.is_open
        and current.stay.latest.end_reason == CustodyEpisode.EndReason.RELEASED
    ):
        # Released, and a child is still recorded inside with her: ask where she lives now.
        children_to_place = [child for child in page.children if child.is_inside]
    return {
        "current": current,
        "earlier": stays[1:],
        "children_to_place": children_to_place,
    }


def timeline(page: WomanFile) -> Iterable[TimelineEvent]:
    for figures in figures_for_file(page):
        case = figures.legal_case
        if case is None:
            continue
        if case.arrested_at is not None:
            text = _("Arrested")
            if case.arrest_place:
                text = _("Arrested at %(place)s") % {"place": case.arrest_place}
            yield TimelineEvent(timezone.localdate(case.arrested_at), text, "legal")
        for order in figures.orders:
            months = order.term_months
            template = (
                ngettext(
                    "Detention order: %(months)s month",
                    "Detention order: %(months)s months",
                    months,
                )
                if order.kind == DetentionOrder.Kind.ORDER
                else ngettext(
                    "Pre-trial detention extended: %(months)s month",
                    "Pre-trial detention extended: %(months)s months",
                    months,
                )
            )
            yield TimelineEvent(order.ordered_on, template % {"months": months}, "legal")
        for hearing in figures.hearings:
            text = _("Hearing: %(kind)s") % {"kind": hearing.get_kind_display()}
            if hearing.is_scheduled:
                text = _("Hearing scheduled: %(kind)s") % {"kind": hearing.get_kind_display()}
            elif hearing.court:
                text = _("Hearing: %(kind)s, %(court)s") % {
                    "kind": hearing.get_kind_display(),
                    "court": hearing.court,
                }
            yield TimelineEvent(hearing.held_on, text, "legal")
        for application in figures.applications:
            kind = application.get_kind_display()
            yield TimelineEvent(
                application.filed_on, _("Application filed: %(kind)s") % {"kind": kind}, "legal"
            )
            if application.outcome != Application.Outcome.PENDING and application.decided_on:
                yield TimelineEvent(
                    application.decided_on,
                    _("Application decided: %(kind)s: %(outcome)s")
                    % {"kind": kind, "outcome": application.get_outcome_display()},
                    "legal",
                )
        if case.judgment_on is not None and case.judgment:
            yield TimelineEvent(
                case.judgment_on,
                _("Judgment: %(judgment)s") % {"judgment": case.get_judgment_display()},
                "legal",
            )


FILE_SECTIONS: list[Section[WomanFile]] = [
    Section("legal-case", gettext_lazy("Legal case"), "legal/sections/case.html", 25, _section),
]
