"""The legal work lists ("My work" and the full lists behind it) and the figures of a facility's
legal page, all read inside the user's scope (`cases.access.scope`); a facility monitor, who has
none, sees the facility's figures only, over the women of her facilities (`counted`).

Each list is one query whatever the number of rows (the rows it names are joined, not read one
by one; "My work" reads the hearings' ids, then their rows: `hearings_by_id`); the facility's
figures are two queries, counted here rather than in SQL because the measures chosen are a JSON
list on each screening.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, When

from komar.accounts.models import Role, User
from komar.cases.access import facility_ids, scope
from komar.cases.models import Deadline, Mother
from komar.cases.queries import (
    SOONEST_WOMAN,
    count_deadlines,
    deadline_mothers,
    deadlines_by,
)
from komar.facilities.models import Facility
from komar.legal.eligibility import SCREENED_STATUSES
from komar.legal.models import Application, CourtReport, Hearing, Measure, Screening
from komar.legal.report_actions import REVIEWER_ROLES
from komar.legal.rules_deadlines import APPLICATION_PENDING, HEARING_AHEAD
from komar.legal.rules_screening import SCREENING_DUE
from komar.lib.dates import add_months
from komar.lib.paging import with_rows

HEARING_HORIZON_DAYS = 14
# Who sees a facility's legal page: those who oversee the work there. The page holds counts
# only, no name and no link to a file, so a facility monitor, who opens no personal file, sees
# it too (over every woman held or last held in her facilities: `counted`).
FACILITY_PAGE_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR, Role.FACILITY_MONITOR})
FACILITY_MONTHS = 12
# A count below this is shown (the page is for staff) but marked small: a change of one or two
# women moves it, and it could point to a woman if it left the staff.
SMALL_COUNT = 5

_NAMES = ("code", "name_km", "name_latin")
# Asked again of a woman to screen, on her row (`women_to_screen`).
_TO_SCREEN = Q(legal_status__in=SCREENED_STATUSES, is_closed=False)
# What a row of the women to screen shows.
_SCREEN_ROW = (*_NAMES, "admitted_on", "legal_status", "is_pregnant", "is_breastfeeding")


def _names(prefix: str) -> list[str]:
    return [f"{prefix}{name}" for name in _NAMES]


def hearings_ahead(user: User, today: dt.date) -> QuerySet[Hearing]:
    """The hearings of the next two weeks (today included) on the open cases she can see, the
    soonest first, each annotated with its date `on`.

    A hearing is ahead either as a row of its own dated in the window (held today: a hearing
    is recorded once it has taken place), or as the next date a court set at the latest
    hearing of the case (`next_on`, when no later hearing is recorded yet), as
    `derived.CaseFigures.next_hearing` reads it: a date set and then recorded as its own row
    is listed once.

    The second kind is read from the women whose stored deadline `legal_hearing_ahead` (the
    soonest date still to come among her cases' next dates, `rules_deadlines.py`) falls in the
    window, through her scope's indexes, then their cases' hearings: not from every hearing or
    every case she can see. The first kind is a range of the index of hearing dates."""
    end = today + dt.timedelta(days=HEARING_HORIZON_DAYS)
    later = Hearing.objects.filter(legal_case=OuterRef("legal_case")).filter(
        Q(held_on__gt=OuterRef("held_on")) | Q(held_on=OuterRef("held_on"), pk__gt=OuterRef("pk"))
    )
    held = Hearing.objects.filter(
        scope(user, "legal_case__mother__"), held_on__gte=today, held_on__lte=end
    ).values("pk")
    set_ahead = (
        Hearing.objects.filter(
            # Up to the window's end, not from today: a deadline stored before today may have
            # passed while her other case's next date, later, falls in the window (the nightly
            # refresh moves it on). A date in the window is never before her deadline.
            deadline_mothers(
                user, HEARING_AHEAD, today=today, until=end, field="legal_case__mother_id"
            ),
            next_on__gte=today,
            next_on__lte=end,
        )
        .filter(~Exists(later))
        .values("pk")
    )
    return (
        Hearing.objects.filter(
            # One set of ids, the union of the two kinds: an OR of two `IN`s made PostgreSQL
            # read every hearing, case and woman (150 ms at 100,000 women), SQLite too.
            pk__in=held.order_by().union(set_ahead.order_by(), all=True),
            legal_case__mother__is_closed=False,
        )
        .annotate(on=_hearing_day(today))
        .select_related("legal_case__mother")
        .only(*_HEARING_FIELDS)
        .order_by("on", "pk")
    )


def _hearing_day(today: dt.date) -> Case:
    """The day a hearing ahead is on: its own (held today), or the next date it set."""
    return Case(When(held_on__gte=today, then=F("held_on")), default=F("next_on"))


_HEARING_FIELDS = (
    "held_on",
    "next_on",
    "kind",
    "court",
    "legal_case__code",
    *_names("legal_case__mother__"),
)


def hearings_by_id(today: dt.date) -> Callable[[Sequence[int]], QuerySet[Hearing]]:
    """The rows of `hearings_ahead` for the ids found, read by id alone."""

    def fetch(ids: Sequence[int]) -> QuerySet[Hearing]:
        return (
            Hearing.objects.filter(pk__in=ids)
            .annotate(on=_hearing_day(today))
            .select_related("legal_case__mother")
            .only(*_HEARING_FIELDS)
        )

    return fetch


def women_to_screen(user: User, today: dt.date) -> QuerySet[Mother]:
    """The women she can see who should be screened for diversion (`eligibility.eligible`)
    and have not been during this custody, the longest held first (her custody's start, a
    transfer not starting it again), then the eldest.

    Screened during this custody: a screening of her current episode, or of an earlier one
    that ended by a transfer with no release since (a transfer does not start her custody
    again). Read from the stored deadlines `legal_screening_due` (`rules_screening.py`, kept by
    the actions and the daily refresh) that apply today, through her scope's indexes: a woman
    stops being eligible with the date only when her youngest child turns 18, the deadline's
    lapse day, and never starts to be with the date alone, so the list is exact on the day
    without asking `eligible` of each woman. The deadline falls a week after her custody began,
    so it gives the order. Her legal status and her case's state, on her row, are asked
    again."""
    due = Deadline.objects.filter(mother=OuterRef("pk"), code=SCREENING_DUE, child=None)
    return (
        Mother.objects.filter(_TO_SCREEN, deadline_mothers(user, SCREENING_DUE, today=today))
        .annotate(screening_due=Subquery(due.values("due_on")[:1]))
        .only(*_SCREEN_ROW)
        .order_by("screening_due", "date_of_birth", "pk")
    )


def first_women_to_screen(user: User, today: dt.date, count: int) -> tuple[list[Mother], int]:
    """The first `count` women of `women_to_screen`, in its order, and how many it holds, from
    the stored deadlines alone: counted inside the index of each half of her scope, the first
    read from its range, then those women by id (three queries, whatever the length of the
    list: 3,700 women at 100,000 for a social worker, each read to be counted before)."""
    total = count_deadlines(user, SCREENING_DUE, today=today)
    due = deadlines_by(
        user, SCREENING_DUE, today=today, by=dt.date.max, count=count, order=SOONEST_WOMAN
    )
    ids = [row.mother_id for row in due[:count]]
    return with_rows(ids, _women_to_screen_by_id), total


def _women_to_screen_by_id(ids: Sequence[int]) -> QuerySet[Mother]:
    return Mother.objects.filter(_TO_SCREEN, pk__in=ids).only(*_SCREEN_ROW)


def reports_to_finish(user: User) -> QuerySet[CourtReport]:
    """Her court reports still in draft, those a reviewer returned first (a returned report is a
    draft again, with the reviewer's note), then the most recently changed."""
    return (
        CourtReport.objects.filter(
            scope(user, "mother__"),
            mother__is_closed=False,
            author=user,
            status=CourtReport.Status.DRAFT,
        )
        .annotate(
            returned=Case(
                When(Q(reviewer__isnull=False) | ~Q(review_note=""), then=True), default=False
            )
        )
        .select_related("mother", "supersedes")
        .only(
            "code",
            "status",
            "review_note",
            "reviewer",
            "updated_at",
            "supersedes__number",
            *_names("mother__"),
        )
        .order_by("-returned", "-updated_at", "-pk")
    )


def reports_to_review(user: User) -> QuerySet[CourtReport]:
    """The court reports of her organisation submitted for review (for a reviewer, as
    `report_actions.may_review` says: a supervisor), never her own, the longest waiting
    first."""
    if user.role not in REVIEWER_ROLES or user.organisation_id is None:
        return CourtReport.objects.none()
    return (
        CourtReport.objects.filter(
            scope(user, "mother__"),
            mother__is_closed=False,
            status=CourtReport.Status.IN_REVIEW,
            author__organisation_id=user.organisation_id,
        )
        .exclude(author=user)
        .select_related("mother", "author", "supersedes")
        .order_by("submitted_at", "pk")
    )


def applications_pending(user: User, today: dt.date) -> QuerySet[Application]:
    """The applications filed on behalf of the women she can see that wait for the court's
    decision, the longest waiting first: those of the women with a stored deadline
    `legal_application_pending` (`rules_deadlines.py`) in her scope's indexes."""
    return (
        Application.objects.filter(
            deadline_mothers(user, APPLICATION_PENDING, today=today, field="legal_case__mother_id"),
            legal_case__mother__is_closed=False,
            outcome=Application.Outcome.PENDING,
        )
        .select_related("legal_case__mother")
        .only("code", "kind", "filed_on", "legal_case__code", *_names("legal_case__mother__"))
        .order_by("filed_on", "pk")
    )


# The facility's legal page.


def facilities_for(user: User) -> QuerySet[Facility]:
    """The facilities whose legal page she may open: those she works in, or, for an
    administrator given none (a national one), those her organisation works in."""
    if user.role not in FACILITY_PAGE_ROLES or not user.is_active:
        return Facility.objects.none()
    own = facility_ids(user)
    if own:
        return Facility.objects.filter(pk__in=own).order_by("name_en")
    if user.role == Role.ADMINISTRATOR and user.organisation_id is not None:
        return Facility.objects.filter(organisations=user.organisation_id).order_by("name_en")
    return Facility.objects.none()


def months_ending(today: dt.date, count: int = FACILITY_MONTHS) -> list[dt.date]:
    """The first days of the last `count` months, this one last."""
    this_month = today.replace(day=1)
    return [add_months(this_month, -back) for back in range(count - 1, -1, -1)]


@dataclass
class MonthFigures:
    month: dt.date  # its first day
    screened: int = 0  # women screened (once each, however often that month)
    measures: Counter[str] = field(default_factory=Counter)  # measure code -> screenings
    filed: int = 0
    granted: int = 0
    refused: int = 0

    @property
    def proposed(self) -> int:
        return sum(self.measures.values())


@dataclass
class FacilityFigures:
    facility: Facility
    months: list[MonthFigures]
    screened: int  # the women screened over the months, each once
    women: int  # the women behind the figures, each once (what the audit row records)

    @property
    def totals(self) -> MonthFigures:
        """The months added up (the women screened counted once each)."""
        total = MonthFigures(self.months[0].month, screened=self.screened)
        for m in self.months:
            total.filed += m.filed
            total.granted += m.granted
            total.refused += m.refused
            total.measures.update(m.measures)
        return total


def counted(user: User, prefix: str = "") -> Q:
    """The women a facility's figures count, as a condition on a woman (or on `prefix`): those
    in her scope (`cases.access.scope`). A facility monitor opens no file, so she has no scope;
    the figures are counts, never names, and she counts every woman held or last held in her
    facilities, as the prison department's scope does."""
    if user.role == Role.FACILITY_MONITOR:
        if not user.is_active:
            return Q(pk__in=[])
        return Q(**{f"{prefix}facility_id__in": facility_ids(user)})
    return scope(user, prefix)


def facility_figures(user: User, facility: Facility, today: dt.date) -> FacilityFigures:
    """Month by month over the last twelve months (this one so far): the women screened in
    the facility (the episode screened was there), the measures chosen in those screenings,
    the applications filed (by the date filed) and those granted or refused (by the date
    decided) in its cases. Only the women `counted` for her are counted. Two queries."""
    months = months_ending(today)
    first = months[0]
    by_month = {m: MonthFigures(m) for m in months}
    women: set[int] = set()

    screenings = Screening.objects.filter(
        counted(user, "mother__"),
        episode__facility=facility,
        screened_on__gte=first,
        screened_on__lte=today,
    ).values_list("screened_on", "mother_id", "chosen")
    screened: dict[dt.date, set[int]] = {m: set() for m in months}
    for on, mother_id, chosen in screenings:
        month = on.replace(day=1)
        screened[month].add(mother_id)
        by_month[month].measures.update(c for c in chosen or [] if c in Measure.values)
        women.add(mother_id)
    for month, ids in screened.items():
        by_month[month].screened = len(ids)
    screened_women = len(women)

    applications = Application.objects.filter(
        counted(user, "legal_case__mother__"),
        Q(filed_on__gte=first, filed_on__lte=today)
        | Q(decided_on__gte=first, decided_on__lte=today),
        legal_case__episode__facility=facility,
    ).values_list("filed_on", "outcome", "decided_on", "legal_case__mother_id")
    for filed_on, outcome, decided_on, mother_id in applications:
        women.add(mother_id)
        if first <= filed_on <= today:
            by_month[filed_on.replace(day=1)].filed += 1
        if decided_on is not None and first <= decided_on <= today:
            decided = by_month[decided_on.replace(day=1)]
            if outcome == Application.Outcome.GRANTED:
                decided.granted += 1
            elif outcome == Application.Outcome.REFUSED:
                decided.refused += 1
    return FacilityFigures(facility, [by_month[m] for m in months], screened_women, len(women))


def is_small(count: int) -> bool:
    return 0 < count < SMALL_COUNT
