"""The deadlines of the legal work lists on "My work" and the legal work pages, stored
(`cases.Deadline`) so that a list finds its women through her scope's indexes, then reads only
those women's records:

- `legal_hearing_ahead`: the soonest date still to come that a court set for the next hearing
  of one of her legal cases (the `next_on` of each case's latest hearing, as
  `derived.CaseFigures.next_hearing` reads it). It depends on the date: the actions keep it when
  a hearing is recorded or corrected, and the daily refresh moves it on once a date has passed.
- `legal_application_pending`: the day her oldest application still waiting for the court's
  decision was filed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min

from komar.legal.models import Application, Hearing
from komar.lib.rules import MOTHER, RuleSet


@dataclass
class WorkFacts:
    today: dt.date
    next_dates: list[dt.date] = field(default_factory=list)  # set at each case's latest hearing
    oldest_pending: dt.date | None = None  # filed on: her oldest application waiting


def load(ids: Sequence[int], today: dt.date) -> dict[int, WorkFacts]:
    """The women with a hearing or an application recorded: the next date set at each case's
    latest hearing, and her oldest application waiting (two queries)."""
    latest: dict[int, tuple[int, dt.date | None]] = {}  # case -> (woman, next date)
    for case_id, mother_id, next_on in (
        Hearing.objects.filter(legal_case__mother_id__in=ids)
        .order_by("legal_case_id", "held_on", "pk")
        .values_list("legal_case_id", "legal_case__mother_id", "next_on")
    ):
        latest[case_id] = (mother_id, next_on)  # the last row of each case is its latest
    facts: dict[int, WorkFacts] = {}
    for mother_id, next_on in latest.values():
        found = facts.setdefault(mother_id, WorkFacts(today))
        if next_on is not None:
            found.next_dates.append(next_on)
    for mother_id, filed_on in (
        Application.objects.filter(
            legal_case__mother_id__in=ids, outcome=Application.Outcome.PENDING
        )
        .values("legal_case__mother_id")
        .annotate(oldest=Min("filed_on"))
        .values_list("legal_case__mother_id", "oldest")
    ):
        facts.setdefault(mother_id, WorkFacts(today)).oldest_pending = filed_on
    return facts


RULES: RuleSet[WorkFacts] = RuleSet("legal.work", MOTHER, load)

HEARING_AHEAD = "legal_hearing_ahead"
APPLICATION_PENDING = "legal_application_pending"


@RULES.deadline(HEARING_AHEAD)
def hearing_ahead(f: WorkFacts) -> dt.date | None:
    ahead = [on for on in f.next_dates if on >= f.today]
    return min(ahead) if ahead else None


@RULES.deadline(APPLICATION_PENDING)
def application_pending(f: WorkFacts) -> dt.date | None:
    return f.oldest_pending


RULE_SETS: list[RuleSet[Any]] = [RULES]
