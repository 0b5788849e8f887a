"""What a legal case means today: hours in police custody against the hours allowed, days in
pre-trial detention against the legal maximum for the class of offence, the date the court's
orders run until, the next hearing, what is pending.

A custody **stay** is an episode and those that follow it by transfer (the registry closes one
episode and opens the next on the same day, carrying the legal facts): a transfer does not
restart pre-trial detention, so the figures are counted over the whole stay, and the stay has
one legal case (on its first episode, where the arrest is).

The figures are read in a fixed number of queries, for one woman's file (`figures_for_file`),
one case (`figures_for_case`) or many women at once (`latest_for_mothers`, for the rules: the
loads are shared through `komar.lib.rules.shared` with every rule set of one evaluation).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone

from komar.cases.models import CustodyEpisode
from komar.cases.sections import WomanFile, episodes
from komar.legal import limits
from komar.legal.limits import Limit
from komar.legal.models import Application, DetentionOrder, Hearing, LegalCase, LegalLimit
from komar.lib.dates import add_months
from komar.lib.rules import shared

LegalStatus = CustodyEpisode.LegalStatus
# The statuses in which pre-trial detention (or police custody) is still running.
BEFORE_JUDGMENT = (LegalStatus.POLICE_CUSTODY, LegalStatus.PRE_TRIAL)
# Releases that end a detention before any prison sentence: she was held before trial until
# then (the status "pre-trial" is replaced by "released" when she leaves).
RELEASED_BEFORE_SENTENCE = (
    CustodyEpisode.ReleaseKind.BAIL,
    CustodyEpisode.ReleaseKind.ACQUITTED,
    CustodyEpisode.ReleaseKind.SUSPENDED,
)
# What the rules read of an episode (the whole row is not needed for every woman).
EPISODE_FIELDS = (
    "pk",
    "code",
    "mother_id",
    "facility_id",
    "admission_date",
    "ended_on",
    "end_reason",
    "release_kind",
    "legal_status",
    "lawyer",
    "court",
    "created_at",
)


@dataclass(frozen=True)
class Stay:
    """One custody from admission to release: an episode and those that followed it by
    transfer, oldest first."""

    episodes: tuple[CustodyEpisode, ...]

    @property
    def first(self) -> CustodyEpisode:
        return self.episodes[0]

    @property
    def latest(self) -> CustodyEpisode:
        return self.episodes[-1]

    @property
    def admitted_on(self) -> dt.date:
        return self.first.admission_date

    @property
    def is_open(self) -> bool:
        return self.latest.ended_on is None

    @property
    def ended_on(self) -> dt.date | None:
        return self.latest.ended_on

    @property
    def legal_status(self) -> str:
        return self.latest.legal_status

    @property
    def episode_ids(self) -> frozenset[int]:
        return frozenset(e.pk for e in self.episodes)

    def holds(self, episode: CustodyEpisode) -> bool:
        return episode.pk in self.episode_ids


def _follows(previous: CustodyEpisode, episode: CustodyEpisode) -> bool:
    return (
        previous.end_reason == CustodyEpisode.EndReason.TRANSFERRED
        and previous.ended_on == episode.admission_date
    )


def stays_of(episodes: Iterable[CustodyEpisode]) -> list[Stay]:
    """One woman's episodes as stays, newest first."""
    ordered = sorted(episodes, key=lambda e: (e.admission_date, e.created_at, e.pk))
    chains: list[list[CustodyEpisode]] = []
    for episode in ordered:
        if chains and _follows(chains[-1][-1], episode):
            chains[-1].append(episode)
        else:
            chains.append([episode])
    return [Stay(tuple(chain)) for chain in reversed(chains)]


def stay_holding(episodes: Iterable[CustodyEpisode], episode: CustodyEpisode) -> Stay:
    """The stay an episode belongs to, among the woman's episodes."""
    for stay in stays_of(episodes):
        if stay.holds(episode):
            return stay
    raise ValueError("the episode is not one of these")


def load_limits() -> dict[str, Limit]:
    """The legal limits per class of offence (reference data, one query)."""
    return {row.offence_class: Limit.of(row) for row in LegalLimit.objects.all()}


def _limits(cases: Sequence[LegalCase]) -> dict[str, Limit]:
    """The limits, if any case is recorded: without one, no class is known and no police
    custody is recorded, so no limit applies (and no query is made)."""
    return load_limits() if cases else {}


@dataclass
class CaseFigures:
    """One stay, its legal case (if any is recorded) and what they mean on `today`."""

    stay: Stay
    legal_case: LegalCase | None
    orders: list[DetentionOrder]  # oldest first
    hearings: list[Hearing]  # oldest first
    applications: list[Application]  # oldest first
    limits: Mapping[str, Limit]
    today: dt.date
    now: dt.datetime = field(default_factory=timezone.now)

    # -- The offence and its class

    @property
    def offence_class(self) -> str:
        return self.legal_case.offence_class if self.legal_case is not None else ""

    @property
    def limit(self) -> Limit | None:
        """The limits for her class of offence; None while the class is not recorded."""
        return self.limits.get(self.offence_class) if self.offence_class else None

    @property
    def minimum_penalty_months(self) -> int | None:
        return self.legal_case.minimum_penalty_months if self.legal_case is not None else None

    @property
    def lawyer(self) -> str:
        """The lawyer or legal-aid provider of her current (latest) episode."""
        return self.stay.latest.lawyer

    # -- Police custody (CPC art. 96)

    @property
    def police_custody_extended(self) -> bool:
        return self.legal_case is not None and self.legal_case.police_custody_extended

    @property
    def police_custody_ongoing(self) -> bool:
        """Police custody has begun and has no end recorded, and she is in police custody now."""
        case = self.legal_case
        return (
            case is not None
            and case.police_custody_start is not None
            and case.police_custody_end is None
            and self.stay.is_open
            and self.stay.legal_status == LegalStatus.POLICE_CUSTODY
        )

    @property
    def police_custody_start_day(self) -> dt.date | None:
        case = self.legal_case
        if case is None or case.police_custody_start is None:
            return None
        return timezone.localdate(case.police_custody_start)

    @cached_property
    def police_custody_hours(self) -> int | None:
        """Whole hours in police custody: to its recorded end, or to now while it lasts. Unknown
        (None) without a start, or without an end once she is no longer in police custody."""
        case = self.legal_case
        if case is None or case.police_custody_start is None:
            return None
        if case.police_custody_end is None and not self.police_custody_ongoing:
            return None
        hours = limits.police_custody_hours(
            case.police_custody_start, case.police_custody_end or self.now
        )
        return max(int(hours), 0)

    @property
    def police_custody_allowed_hours(self) -> int | None:
        """The hours the law allows: for her class, with the extension if one is recorded and
        the class allows one. Before the class is known, the shortest custody of any class
        without an extension (48 hours), and unknown with one."""
        if self.limit is not None:
            return limits.police_custody_allowed_hours(self.limit, self.police_custody_extended)
        if self.police_custody_extended or not self.limits:
            return None
        return min(limit.police_custody_hours for limit in self.limits.values())

    @property
    def police_custody_hours_over(self) -> int | None:
        """Hours past what the law allows (None if within it or unknown)."""
        hours, allowed = self.police_custody_hours, self.police_custody_allowed_hours
        if hours is None or allowed is None or hours <= allowed:
            return None
        return hours - allowed

    @property
    def extension_not_allowed(self) -> bool:
        """An extension is recorded for a class whose police custody cannot be extended."""
        return (
            self.police_custody_extended
            and self.limit is not None
            and self.limit.police_custody_extension_hours == 0
        )

    # -- Pre-trial detention (CPC arts. 205, 208, 209)

    @property
    def first_order(self) -> DetentionOrder | None:
        firsts = [o for o in self.orders if o.kind == DetentionOrder.Kind.ORDER] or self.orders
        return min(firsts, key=lambda o: (o.ordered_on, o.pk)) if firsts else None

    @property
    def detained_from(self) -> dt.date | None:
        """The day pre-trial detention began: the first detention order, else her admission
        while her legal status is pre-trial, or if she was released from it (bail, acquittal,
        a non-custodial sentence). None: not known to be in pre-trial detention."""
        if self.first_order is not None:
            return self.first_order.ordered_on
        if self.stay.legal_status == LegalStatus.PRE_TRIAL:
            return self.stay.admitted_on
        if not self.stay.is_open and self.stay.latest.release_kind in RELEASED_BEFORE_SENTENCE:
            return self.stay.admitted_on
        return None

    @property
    def detained_from_order(self) -> bool:
        return self.first_order is not None

    @property
    def judgment_on(self) -> dt.date | None:
        return self.legal_case.judgment_on if self.legal_case is not None else None

    @property
    def detention_running(self) -> bool:
        """She is in pre-trial detention today: held, before judgment, with a start."""
        return (
            self.stay.is_open
            and self.stay.legal_status in BEFORE_JUDGMENT
            and self.judgment_on is None
            and self.detained_from is not None
        )

    @property
    def detained_until(self) -> dt.date | None:
        """The last day counted: today while it runs, else the judgment or the end of the stay
        (None: it ended on a day not recorded, the status having moved on)."""
        start = self.detained_from
        if start is None:
            return None
        if self.detention_running:
            return self.today
        ends = [d for d in (self.judgment_on, self.stay.ended_on) if d is not None]
        return max(min(ends), start) if ends else None

    @property
    def detention_days(self) -> int | None:
        start, until = self.detained_from, self.detained_until
        if start is None or until is None or until < start:
            return None
        return limits.detention_days(start, until)

    @property
    def max_months(self) -> int | None:
        """The longest pre-trial detention the law allows for her class, in months (0: none
        allowed); None while the class is not recorded."""
        if self.limit is None:
            return None
        return limits.max_detention_months(self.limit, self.minimum_penalty_months)

    @property
    def cap_unknown(self) -> bool:
        """The class is capped at half the minimum penalty, and that penalty is not recorded:
        the maximum shown may be longer than the true one."""
        return (
            self.limit is not None
            and self.limit.detention_allowed
            and self.limit.capped_at_half_minimum_penalty
            and self.minimum_penalty_months is None
        )

    @property
    def max_until(self) -> dt.date | None:
        """The last day the law allows her to be held before trial (None: unknown, or none
        allowed at all)."""
        if self.limit is None or self.detained_from is None:
            return None
        return limits.max_detention_until(
            self.limit, self.detained_from, self.minimum_penalty_months
        )

    @property
    def none_allowed(self) -> bool:
        """The law allows no pre-trial detention for her class (a petty offence, or a cap of
        half a minimum penalty under a month)."""
        return self.max_months == 0

    @property
    def days_left(self) -> int | None:
        """Days left before the legal maximum, counted from the last day counted (negative:
        days past it); None when the maximum or the detention is unknown."""
        until = self.detained_until
        if until is None:
            return None
        if self.max_until is not None:
            return (self.max_until - until).days
        if self.none_allowed and self.detention_days is not None:
            return -self.detention_days
        return None

    @property
    def days_over(self) -> int | None:
        left = self.days_left
        return -left if left is not None and left < 0 else None

    @property
    def ordered_until(self) -> dt.date | None:
        """The last day the court's orders cover: the first order's date, plus the terms of
        the order and of each extension."""
        first = self.first_order
        if first is None:
            return None
        months = sum(o.term_months for o in self.orders)
        return add_months(first.ordered_on, months) - dt.timedelta(days=1)

    @property
    def orders_lapsed(self) -> bool:
        """She is still held before trial after the last day the orders cover."""
        until = self.ordered_until
        return self.detention_running and until is not None and until < self.today

    # -- Hearings and applications

    @property
    def latest_hearing(self) -> Hearing | None:
        """The latest hearing that took place (not one scheduled ahead)."""
        held = [h for h in self.hearings if not h.is_scheduled]
        return max(held, key=lambda h: (h.held_on, h.pk)) if held else None

    @property
    def next_hearing(self) -> dt.date | None:
        """The next hearing: one scheduled ahead, or the date the latest one set, whichever is
        first, if it is today or later."""
        ahead = [h.held_on for h in self.hearings if h.is_scheduled and h.held_on >= self.today]
        latest = self.latest_hearing
        if latest is not None and latest.next_on is not None and latest.next_on >= self.today:
            ahead.append(latest.next_on)
        return min(ahead, default=None)

    @property
    def hearing_not_recorded(self) -> dt.date | None:
        """The date of a hearing that should have taken place and is not recorded: one
        scheduled for a day now past, or the date the latest one set, now past."""
        passed = [h.held_on for h in self.hearings if h.is_scheduled and h.held_on < self.today]
        if passed:
            return min(passed)
        latest = self.latest_hearing
        if latest is None or latest.next_on is None or latest.next_on >= self.today:
            return None
        if any(h.is_scheduled and h.held_on >= latest.next_on for h in self.hearings):
            return None  # the date was moved: a hearing is scheduled on or after it
        return latest.next_on

    @property
    def pending(self) -> list[Application]:
        return [a for a in self.applications if a.outcome == Application.Outcome.PENDING]


def _assemble(
    episode_rows: Iterable[CustodyEpisode],
    cases: Iterable[LegalCase],
    orders: Iterable[DetentionOrder],
    hearings: Iterable[Hearing],
    applications: Iterable[Application],
    limit_rows: Mapping[str, Limit],
    today: dt.date,
    now: dt.datetime,
) -> dict[int, list[CaseFigures]]:
    """Each woman's stays (newest first), each with its legal case and what it holds."""
    by_mother: dict[int, list[CustodyEpisode]] = defaultdict(list)
    for episode in episode_rows:
        by_mother[episode.mother_id].append(episode)
    case_of_episode: dict[int, LegalCase] = {}
    for legal_case in sorted(cases, key=lambda c: (c.created_at, c.pk), reverse=True):
        case_of_episode[legal_case.episode_id] = legal_case  # the oldest wins (one per stay)
    orders_of: dict[int, list[DetentionOrder]] = defaultdict(list)
    for order in orders:
        orders_of[order.legal_case_id].append(order)
    hearings_of: dict[int, list[Hearing]] = defaultdict(list)
    for hearing in hearings:
        hearings_of[hearing.legal_case_id].append(hearing)
    applications_of: dict[int, list[Application]] = defaultdict(list)
    for application in applications:
        applications_of[application.legal_case_id].append(application)
    result: dict[int, list[CaseFigures]] = {}
    for mother_id, own in by_mother.items():
        figures = []
        for stay in stays_of(own):
            found = next(
                (case_of_episode[e.pk] for e in stay.episodes if e.pk in case_of_episode), None
            )
            pk = found.pk if found is not None else 0
            figures.append(
                CaseFigures(
                    stay=stay,
                    legal_case=found,
                    orders=sorted(orders_of[pk], key=lambda o: (o.ordered_on, o.pk)),
                    hearings=sorted(hearings_of[pk], key=lambda h: (h.held_on, h.pk)),
                    applications=sorted(applications_of[pk], key=lambda a: (a.filed_on, a.pk)),
                    limits=limit_rows,
                    today=today,
                    now=now,
                )
            )
        result[mother_id] = figures
    return result


def _for_mothers(ids: Sequence[int], today: dt.date) -> dict[int, CaseFigures]:
    rows = list(CustodyEpisode.objects.filter(mother_id__in=ids).only(*EPISODE_FIELDS))
    cases = list(LegalCase.objects.filter(mother_id__in=ids))
    if cases:
        orders = list(DetentionOrder.objects.filter(legal_case__mother_id__in=ids))
        hearings = list(Hearing.objects.filter(legal_case__mother_id__in=ids))
        applications = list(Application.objects.filter(legal_case__mother_id__in=ids))
    else:
        orders, hearings, applications = [], [], []
    every = _assemble(
        rows, cases, orders, hearings, applications, _limits(cases), today, timezone.now()
    )
    return {pk: stays[0] for pk, stays in every.items() if stays}


def latest_for_mothers(ids: Sequence[int], today: dt.date) -> dict[int, CaseFigures]:
    """Each woman's latest stay and its figures (women never admitted are left out), in a
    fixed number of queries, shared by every rule set of one evaluation."""
    return shared(("legal.latest_figures", tuple(ids), today), lambda: _for_mothers(ids, today))


def figures_for_file(page: WomanFile) -> list[CaseFigures]:
    """Her stays, newest first, with their legal cases: for her file's section and timeline."""

    def load() -> list[CaseFigures]:
        rows = episodes(page)
        cases = list(LegalCase.objects.filter(mother=page.mother))
        if cases:
            orders = list(DetentionOrder.objects.filter(legal_case__in=cases))
            hearings = list(Hearing.objects.filter(legal_case__in=cases))
            applications = list(Application.objects.filter(legal_case__in=cases))
        else:
            orders, hearings, applications = [], [], []
        every = _assemble(
            rows, cases, orders, hearings, applications, _limits(cases), page.today, timezone.now()
        )
        return every.get(page.mother.pk, [])

    return page.memo("legal.case_figures", load)


def figures_for_episode(episode: CustodyEpisode, today: dt.date | None = None) -> CaseFigures:
    """The figures of the stay an episode belongs to."""
    today = today or timezone.localdate()
    rows = list(
        CustodyEpisode.objects.filter(mother_id=episode.mother_id).select_related(
            "facility", "offence_category"
        )
    )
    cases = list(LegalCase.objects.filter(mother_id=episode.mother_id))
    orders = list(DetentionOrder.objects.filter(legal_case__in=cases))
    hearings = list(Hearing.objects.filter(legal_case__in=cases))
    applications = list(Application.objects.filter(legal_case__in=cases))
    every = _assemble(
        rows, cases, orders, hearings, applications, _limits(cases), today, timezone.now()
    )
    for figures in every.get(episode.mother_id, []):
        if figures.stay.holds(episode):
            return figures
    raise ValueError("the episode has no stay")


def figures_for_case(legal_case: LegalCase, today: dt.date | None = None) -> CaseFigures:
    return figures_for_episode(legal_case.episode, today)
