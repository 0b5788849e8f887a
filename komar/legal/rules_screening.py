"""The flag about diversion screening: a woman held before trial with a child under three, or
pregnant, not screened within a week of her admission.

Her admission is the start of her custody: a transfer from one facility to another does not
start it again, and a screening done before the transfer still counts. The flag is resolved by
a screening of this custody, however late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from komar.cases.models import Child, CustodyEpisode, Mother
from komar.legal.eligibility import CHILD_AGE_YEARS, SCREENED_STATUSES, child_counts_until
from komar.legal.models import Screening
from komar.lib.dates import add_months
from komar.lib.rules import MOTHER, Facts, Msg, RuleSet

# "A child under 3": the youngest children, whose separation from her weighs most.
YOUNG_CHILD_MONTHS = 36


def screening_days() -> int:
    return int(getattr(settings, "KOMAR_SCREENING_DAYS", 7))


@dataclass
class WomanFacts:
    legal_status: str
    admitted_on: dt.date  # the start of her custody (before any transfer)
    is_pregnant: bool
    youngest_born: dt.date | None  # her youngest child under three, if any
    last_screened_on: dt.date | None
    today: dt.date
    # For the deadline of the women to screen (`legal.queries.women_to_screen`), which asks
    # more than the flag: breastfeeding, or a child under 18, and a screening of this custody
    # as the list reads it (of her current episode, or of one ended by a transfer with no
    # release since).
    is_breastfeeding: bool = False
    youngest_minor_born: dt.date | None = None  # her youngest child under 18, if any
    screened_this_custody: bool = False


def custody_start(episodes: Sequence[tuple[dt.date, dt.date | None, str]]) -> dt.date:
    """The admission that began her current custody: walk back over the transfers.

    `episodes` are (admitted, ended, end reason), oldest first, the last one open."""
    start = episodes[-1][0]
    for admitted, ended, reason in reversed(episodes[:-1]):
        if reason != CustodyEpisode.EndReason.TRANSFERRED or ended is None:
            break
        if ended < start - dt.timedelta(days=1):  # a gap: an earlier custody
            break
        start = admitted
    return start


def load(ids: Sequence[int], today: dt.date) -> dict[int, WomanFacts]:
    """The women held before trial, with the facts of the rule and of the deadline (four
    queries)."""
    held = {
        row["pk"]: row
        for row in Mother.objects.filter(
            pk__in=ids,
            legal_status__in=SCREENED_STATUSES,
            latest_episode__ended_on__isnull=True,
        ).values("pk", "legal_status", "is_pregnant", "is_breastfeeding", "latest_episode_id")
    }
    if not held:
        return {}
    episodes: dict[int, list[tuple[dt.date, dt.date | None, str]]] = {}
    episode_ends: dict[int, tuple[dt.date | None, str]] = {}
    released: dict[int, list[dt.date]] = {}
    for pk, mother_id, admitted, ended, reason in (
        CustodyEpisode.objects.filter(mother_id__in=held)
        .order_by("mother_id", "admission_date", "pk")
        .values_list("pk", "mother_id", "admission_date", "ended_on", "end_reason")
    ):
        episodes.setdefault(mother_id, []).append((admitted, ended, reason))
        episode_ends[pk] = (ended, reason)
        if reason == CustodyEpisode.EndReason.RELEASED and ended is not None:
            released.setdefault(mother_id, []).append(ended)
    # Her youngest child: under three for the flag, under 18 for the deadline.
    youngest = dict(
        Child.objects.filter(
            mother_id__in=held, date_of_birth__gt=add_months(today, -12 * CHILD_AGE_YEARS)
        )
        .values("mother_id")
        .annotate(born=Max("date_of_birth"))
        .values_list("mother_id", "born")
    )
    young_after = add_months(today, -YOUNG_CHILD_MONTHS)
    last_screened: dict[int, dt.date] = {}
    screened_now: set[int] = set()
    for mother_id, screened_on, episode_id in Screening.objects.filter(
        mother_id__in=held
    ).values_list("mother_id", "screened_on", "episode_id"):
        if mother_id not in last_screened or screened_on > last_screened[mother_id]:
            last_screened[mother_id] = screened_on
        ended, reason = episode_ends.get(episode_id, (None, ""))
        if episode_id is None:
            continue  # not of a custody: it does not count as this custody's (as the list reads)
        if episode_id == held[mother_id]["latest_episode_id"] or (
            reason == CustodyEpisode.EndReason.TRANSFERRED
            and not any(ended is not None and out >= ended for out in released.get(mother_id, []))
        ):
            screened_now.add(mother_id)
    facts = {}
    for pk, row in held.items():
        born = youngest.get(pk)
        facts[pk] = WomanFacts(
            legal_status=row["legal_status"],
            admitted_on=custody_start(episodes[pk]),  # held: she has an open episode
            is_pregnant=row["is_pregnant"],
            youngest_born=born if born is not None and born > young_after else None,
            last_screened_on=last_screened.get(pk),
            today=today,
            is_breastfeeding=row["is_breastfeeding"],
            youngest_minor_born=born,
            screened_this_custody=pk in screened_now,
        )
    return facts


RULES: RuleSet[WomanFacts] = RuleSet("legal.screening", MOTHER, load)


@RULES.rule(
    "screening_overdue",
    version=1,
    title=_("Not screened for diversion in time"),
    standard=_(
        "Bangkok Rules 57 and 64: non-custodial measures are preferred for pregnant women and "
        "women with dependent children, and gender-specific diversion is developed for them; "
        "Ministry of Justice guideline: investigating judges collect information on pregnancy "
        "and young children before ordering pre-trial detention, and avoid it where no "
        "alternative care exists."
    ),
    level="danger",
)
def screening_overdue(f: WomanFacts) -> Facts | None:
    if not f.is_pregnant and f.youngest_born is None:
        return None
    if f.last_screened_on is not None and f.last_screened_on >= f.admitted_on:
        return None  # screened during this custody
    due = f.admitted_on + dt.timedelta(days=screening_days())
    if f.today <= due:
        return None
    facts: Facts = {
        _("Legal status"): Msg(CustodyEpisode.LegalStatus(f.legal_status).label),
        _("Admitted on"): f.admitted_on,
        _("Screening due by"): due,
    }
    if f.is_pregnant:
        facts[_("Pregnant")] = Msg(_("Yes"))
    if f.youngest_born is not None:
        facts[_("Youngest child's date of birth")] = f.youngest_born
    facts[_("Screenings of this custody")] = 0
    return facts


# The women to screen on "My work" and the legal work pages: every woman who should be screened
# (`eligibility.eligible`) and has not been during this custody, due a week after the start of
# her custody. Stored, so that the lists are ranges of her scope's index, with the day she
# stops being eligible by the date alone (her youngest child turns 18): the lists leave her out
# from that day, before the nightly refresh deletes the deadline.
SCREENING_DUE = "legal_screening_due"


def screening_lapses(f: WomanFacts) -> dt.date | None:
    """The day her youngest child under 18 turns 18, unless she is pregnant or breastfeeding
    (which only an action changes)."""
    if f.is_pregnant or f.is_breastfeeding or f.youngest_minor_born is None:
        return None
    return child_counts_until(f.youngest_minor_born)


@RULES.deadline(SCREENING_DUE, lapses=screening_lapses)
def screening_due(f: WomanFacts) -> dt.date | None:
    if f.screened_this_custody:
        return None
    if not (f.is_pregnant or f.is_breastfeeding or f.youngest_minor_born is not None):
        return None
    return f.admitted_on + dt.timedelta(days=screening_days())


RULE_SETS: list[RuleSet[Any]] = [RULES]
