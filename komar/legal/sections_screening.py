"""The diversion screening on the woman's file and her timeline: her latest screening (its
candidates and the measures chosen), and a link to screen her while a screening can still keep
her out of prison. Two queries, however many screenings she has."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komar.cases.sections import Section, TimelineEvent, WomanFile
from komar.legal.eligibility import is_eligible
from komar.legal.models import Screening
from komar.legal.screening import chosen_labels, sorted_candidates


def screenings(page: WomanFile) -> list[Screening]:
    return page.memo(
        "legal.screenings",
        lambda: list(
            Screening.objects.filter(mother=page.mother)
            .select_related("screened_by")
            .order_by("-screened_on", "-pk")
        ),
    )


def _screening(page: WomanFile) -> dict[str, Any]:
    history = screenings(page)
    latest = history[0] if history else None
    return {
        "latest": latest,
        "candidates": sorted_candidates(latest.candidates) if latest else [],
        "chosen": chosen_labels(latest.chosen) if latest else [],
        "earlier": len(history) - 1 if history else 0,
        "eligible": not page.mother.is_closed and is_eligible(page.mother, page.today),
    }


def timeline(page: WomanFile) -> Iterable[TimelineEvent]:
    for screening in screenings(page):
        if screening.chosen:
            text = _("Screened for diversion; measures to pursue: %(measures)s") % {
                "measures": ", ".join(chosen_labels(screening.chosen))
            }
        else:
            text = _("Screened for diversion")
        yield TimelineEvent(screening.screened_on, text, "legal")


FILE_SECTIONS: list[Section[WomanFile]] = [
    Section(
        "screening",
        gettext_lazy("Diversion screening"),
        "legal/sections/screening.html",
        36,
        _screening,
    ),
]
