"""The date rules of a woman's file: what cannot be true is refused, what is unlikely is confirmed.

One set of rules for every path that writes: the forms call them to show the worker what is
wrong (in her language, on the field concerned), and the actions call them again before they
write, so no path stores an impossible record. Each rule compares a proposed date with what is
already recorded about the woman, read once into a `History` (dates only, three queries).

A `Problem` is either impossible (refused, with the reason) or improbable (`confirmable`): the
form then shows a box to tick, and the action stores the codes she confirmed in its audit row.
The workflow apps (counselling, assessments) add their own rules with the same `Problem`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Min
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from komar.cases.models import Child, Consent, CustodyEpisode, Mother, Placement

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from komar.lib.dates import add_months, age_in_months

# Nothing in a file happened before this: an earlier year is a typing mistake.
EARLIEST = dt.date(1900, 1, 1)
# A mother younger than MIN or older than MAX at a birth cannot be right; younger than YOUNG or
# older than OLD is possible but rare enough to be checked.
MIN_AGE_AT_BIRTH = 10
YOUNG_AT_BIRTH = 13
OLD_AT_BIRTH = 55
MAX_AGE_AT_BIRTH = 65
# An admission more than this many years ago is probably a mistyped year.
ADMISSION_YEARS_BACK = 30
# A pregnancy lasts about nine months: an expected delivery further than this from today
# is checked, and further than the second bound cannot be a pregnancy in course.
DELIVERY_MONTHS = 10
DELIVERY_MONTHS_MAX = 24
# A woman older than this today is checked (a mistyped year of birth is far more likely).
OLDEST_WOMAN = 80


@dataclass(frozen=True)
class Problem:
    """`kind` names the rule (stored in the audit row when confirmed); `subject` tells apart
    several problems of one kind in one form (two children, say)."""

    kind: str
    field: str
    message: StrOrPromise
    confirmable: bool = False
    subject: str = ""

    @property
    def code(self) -> str:
        """The value of the box she ticks to confirm it."""
        return f"{self.subject}__{self.kind}" if self.subject else self.kind


# What each improbable date she confirmed was, named on the file's history.
CONFIRMED_LABELS = {
    "mother_age_at_birth": _("the mother's age at a birth"),
    "mother_old": _("her age"),
    "delivery_far_ahead": _("an expected delivery more than 10 months ahead"),
    "delivery_long_past": _("an expected delivery more than 10 months ago"),
    "born_outside_custody": _("a birth in custody with no custody recorded that day"),
    "admitted_long_ago": _("an admission more than 30 years ago"),
}


@dataclass(frozen=True)
class Stay:
    """One custody episode: admitted on, ended on (None while she is held)."""

    pk: int | None
    admitted: dt.date
    ended: dt.date | None

    def holds(self, day: dt.date) -> bool:
        """She was in custody that day, by this episode (from admission to its end)."""
        return self.admitted <= day and (self.ended is None or day <= self.ended)

    def holds_after_admission(self, day: dt.date) -> bool:
        return self.admitted < day and (self.ended is None or day <= self.ended)


@dataclass
class History:
    """The dates already recorded about one woman, against which a new date is checked."""

    born: dt.date | None = None
    stays: list[Stay] = field(default_factory=list)
    # Each child: (pk, date of birth, first placement's start or None).
    children: list[tuple[int | None, dt.date, dt.date | None]] = field(default_factory=list)
    earliest_consent: dt.date | None = None

    @classmethod
    def of(cls, mother: Mother) -> History:
        if mother.pk is None:
            return cls(born=mother.date_of_birth)
        stays = [
            Stay(pk, admitted, ended)
            for pk, admitted, ended in CustodyEpisode.objects.filter(mother=mother)
            .order_by("admission_date", "pk")
            .values_list("pk", "admission_date", "ended_on")
        ]
        children: list[tuple[int | None, dt.date, dt.date | None]] = [
            (pk, born, first)
            for pk, born, first in Child.objects.filter(mother=mother)
            .annotate(first=Min("placements__start_date"))
            .values_list("pk", "date_of_birth", "first")
        ]
        consent = Consent.objects.filter(mother=mother).aggregate(first=Min("given_on"))["first"]
        return cls(
            born=mother.date_of_birth, stays=stays, children=children, earliest_consent=consent
        )

    def in_custody_on(self, day: dt.date) -> bool:
        return any(s.holds(day) for s in self.stays)

    def other_stays(self, pk: int | None) -> list[Stay]:
        return [s for s in self.stays if pk is None or s.pk != pk]


def _d(day: dt.date) -> str:
    return date_format(day)


def _today() -> dt.date:
    return timezone.localdate()


def plain_date(field_name: str, day: dt.date | None, *, future: bool = False) -> list[Problem]:
    """Every date: not before 1900, and not in the future unless the future is meant."""
    if day is None:
        return []
    if day < EARLIEST:
        return [
            Problem(
                "before_1900",
                field_name,
                _("A date before 1900 cannot be right: check the year."),
            )
        ]
    if not future and day > _today():
        return [Problem("in_future", field_name, _("This date is in the future."))]
    return []


def _age_at_birth(mother_born: dt.date, child_born: dt.date) -> int:
    return age_in_months(mother_born, child_born) // 12 if child_born >= mother_born else -1


def _birth_problems(
    mother_born: dt.date, child_born: dt.date, *, field_name: str, code: str, who: str
) -> list[Problem]:
    """The mother's age at one birth: impossible below 10, checked below 13 or above 55."""
    if child_born < mother_born:
        return [
            Problem(
                "child_before_mother",
                field_name,
                _("%(who)s was born on %(child)s, before the mother (%(mother)s).")
                % {"who": who, "child": _d(child_born), "mother": _d(mother_born)},
            )
        ]
    age = _age_at_birth(mother_born, child_born)
    if age < MIN_AGE_AT_BIRTH or age > MAX_AGE_AT_BIRTH:
        return [
            Problem(
                "mother_too_young_at_birth",
                field_name,
                _("By these dates the mother was %(age)s at the birth of %(who)s: check them.")
                % {"age": age, "who": who},
            )
        ]
    if age < YOUNG_AT_BIRTH or age > OLD_AT_BIRTH:
        return [
            Problem(
                "mother_age_at_birth",
                field_name,
                _("The mother was %(age)s at the birth of %(who)s.") % {"age": age, "who": who},
                confirmable=True,
                subject=f"{code}-{age}",
            )
        ]
    return []


def check_mother(
    history: History,
    *,
    born: dt.date | None,
    is_pregnant: bool = False,
    expected_delivery: dt.date | None = None,
) -> list[Problem]:
    """Her own dates, against her children, her custody and her consents."""
    problems = plain_date("date_of_birth", born)
    problems += plain_date("expected_delivery_date", expected_delivery, future=True)
    today = _today()
    if born is not None and not problems:
        age = age_in_months(born, today) // 12
        if age < MIN_AGE_AT_BIRTH:
            problems.append(
                Problem(
                    "mother_too_young",
                    "date_of_birth",
                    _("By this date of birth she is %(age)s years old: check the year.")
                    % {"age": age},
                )
            )
        elif age > OLDEST_WOMAN:
            problems.append(
                Problem(
                    "mother_old",
                    "date_of_birth",
                    _("By this date of birth she is %(age)s years old.") % {"age": age},
                    confirmable=True,
                )
            )
        for i, (_pk, child_born, _first) in enumerate(history.children, start=1):
            problems += _birth_problems(
                born,
                child_born,
                field_name="date_of_birth",
                code=f"child{i}",
                who=str(_("her child born on %(date)s") % {"date": _d(child_born)}),
            )
        for stay in history.stays:
            if stay.admitted < born:
                problems.append(
                    Problem(
                        "admitted_before_born",
                        "date_of_birth",
                        _("She was admitted to custody on %(date)s, before this date of birth.")
                        % {"date": _d(stay.admitted)},
                    )
                )
                break
        if history.earliest_consent is not None and history.earliest_consent < born:
            problems.append(
                Problem(
                    "consent_before_born",
                    "date_of_birth",
                    _("Her consent is recorded on %(date)s, before this date of birth.")
                    % {"date": _d(history.earliest_consent)},
                )
            )
    if is_pregnant and expected_delivery is not None and expected_delivery >= EARLIEST:
        if expected_delivery > add_months(today, DELIVERY_MONTHS_MAX) or expected_delivery < (
            add_months(today, -DELIVERY_MONTHS_MAX)
        ):
            problems.append(
                Problem(
                    "delivery_far",
                    "expected_delivery_date",
                    _("A delivery more than two years from today cannot be a pregnancy in course."),
                )
            )
        elif expected_delivery > add_months(today, DELIVERY_MONTHS):
            problems.append(
                Problem(
                    "delivery_far_ahead",
                    "expected_delivery_date",
                    _("The expected delivery is more than 10 months ahead."),
                    confirmable=True,
                )
            )
        elif expected_delivery < add_months(today, -DELIVERY_MONTHS):
            problems.append(
                Problem(
                    "delivery_long_past",
                    "expected_delivery_date",
                    _(
                        "The expected delivery was more than 10 months ago: if the baby is born, "
                        "register the birth."
                    ),
                    confirmable=True,
                )
            )
        if born is not None and expected_delivery >= born:
            problems += _birth_problems(
                born,
                expected_delivery,
                field_name="expected_delivery_date",
                code="unborn",
                who=str(_("the expected baby")),
            )
    return problems


def check_child(
    history: History,
    *,
    born: dt.date,
    born_in_custody: bool = False,
    child_pk: int | None = None,
    lives_since: dt.date | None = None,
) -> list[Problem]:
    """A child's birth date, against the mother's, her custody and where the child has lived.

    `lives_since` is the start of the child's (first) placement when it is entered with her.
    """
    problems = plain_date("date_of_birth", born)
    if problems:
        return problems
    if history.born is not None:
        problems += _birth_problems(
            history.born, born, field_name="date_of_birth", code="child", who=str(_("this child"))
        )
    first = lives_since
    for pk, _born, first_placement in history.children:
        if pk is not None and pk == child_pk and first_placement is not None:
            first = first_placement if first is None else min(first, first_placement)
    if first is not None and first < born:
        problems.append(
            Problem(
                "lives_before_born",
                "date_of_birth",
                _(
                    "The child is recorded as living somewhere from %(date)s, "
                    "before this birth date."
                )
                % {"date": _d(first)},
            )
        )
    if born_in_custody and not history.in_custody_on(born):
        problems.append(
            Problem(
                "born_outside_custody",
                "born_in_custody",
                _("No custody of the mother is recorded on the child's birth date."),
                confirmable=True,
            )
        )
    return problems


def check_stay(
    history: History,
    *,
    admitted: dt.date,
    expected_release: dt.date | None = None,
    episode_pk: int | None = None,
    ended: dt.date | None = None,
) -> list[Problem]:
    """An admission (new or corrected): after her birth, and overlapping no other custody."""
    problems = plain_date("admission_date", admitted)
    problems += plain_date("expected_release_date", expected_release, future=True)
    if problems:
        return problems
    today = _today()
    if history.born is not None and admitted < history.born:
        problems.append(
            Problem(
                "admitted_before_born",
                "admission_date",
                _("This admission is before her date of birth (%(date)s).")
                % {"date": _d(history.born)},
            )
        )
    if admitted < add_months(today, -12 * ADMISSION_YEARS_BACK):
        problems.append(
            Problem(
                "admitted_long_ago",
                "admission_date",
                _("This admission is more than 30 years ago."),
                confirmable=True,
            )
        )
    if expected_release is not None and expected_release < admitted:
        problems.append(
            Problem(
                "release_before_admission",
                "expected_release_date",
                _("The expected release date is before admission."),
            )
        )
    if ended is not None and ended < admitted:
        problems.append(
            Problem(
                "ended_before_admission",
                "admission_date",
                _("This custody ended on %(date)s, before this admission date.")
                % {"date": _d(ended)},
            )
        )
    mine = Stay(episode_pk, admitted, ended)
    for other in history.other_stays(episode_pk):
        if _overlap(mine, other):
            problems.append(
                Problem(
                    "custody_overlap",
                    "admission_date",
                    _(
                        "Another custody is recorded from %(start)s to %(end)s: "
                        "two custodies cannot overlap."
                    )
                    % {
                        "start": _d(other.admitted),
                        "end": _d(other.ended) if other.ended else _("today"),
                    },
                )
            )
            break
    return problems


def _overlap(a: Stay, b: Stay) -> bool:
    """Two stays share more than a day of change-over (a transfer ends one and opens the next
    on the same day)."""
    far = dt.date.max
    a_end, b_end = a.ended or far, b.ended or far
    return a.admitted < b_end and b.admitted < a_end


def check_stay_end(history: History, *, stay: Stay, on: dt.date) -> list[Problem]:
    """A release or transfer date: not before the admission, not in the future."""
    problems = plain_date("on", on)
    if not problems and on < stay.admitted:
        problems.append(
            Problem(
                "ended_before_admission",
                "on",
                _("This date is before her admission (%(date)s).") % {"date": _d(stay.admitted)},
            )
        )
    return problems


def check_placement(
    *,
    child_born: dt.date | None,
    start: dt.date,
    current_start: dt.date | None = None,
) -> list[Problem]:
    """Where a child lives from a date: not before her birth, and after the current placement."""
    problems = plain_date("start_date", start)
    if problems:
        return problems
    if child_born is not None and start < child_born:
        problems.append(
            Problem(
                "placed_before_born",
                "start_date",
                _("The child cannot live somewhere before the date of birth."),
            )
        )
    if current_start is not None and start < current_start:
        problems.append(
            Problem(
                "placed_before_current",
                "start_date",
                _("The current placement began on %(date)s: a new one cannot start before it.")
                % {"date": _d(current_start)},
            )
        )
    elif current_start is not None and start == current_start:
        problems.append(
            Problem(
                "placed_same_day",
                "start_date",
                _(
                    "The current placement also began on %(date)s: a move on the same day "
                    "would last no time at all. Enter the day of the move."
                )
                % {"date": _d(current_start)},
            )
        )
    return problems


def check_event(
    history: History, *, field_name: str, day: dt.date, what: StrOrPromise
) -> list[Problem]:
    """A dated event about the woman (a consent, a session): on or after her birth."""
    problems = plain_date(field_name, day)
    if not problems and history.born is not None and day < history.born:
        problems.append(
            Problem(
                "before_born",
                field_name,
                _("%(what)s is dated before her date of birth (%(date)s).")
                % {"what": what, "date": _d(history.born)},
            )
        )
    return problems


def check_about_child(
    *, field_name: str, day: dt.date, child_born: dt.date, what: StrOrPromise
) -> list[Problem]:
    """A dated event about a child (an assessment, a decision): not before the child's birth."""
    if day < child_born:
        return [
            Problem(
                "before_child_born",
                field_name,
                _("%(what)s is dated before the child was born (%(date)s).")
                % {"what": what, "date": _d(child_born)},
            )
        ]
    return []


def refused(problems: Iterable[Problem], confirmed: Collection[str]) -> list[Problem]:
    """The problems that stop a write: every impossible one, and improbable ones not confirmed."""
    return [p for p in problems if not p.confirmable or p.code not in confirmed]


def confirmations(problems: Iterable[Problem], confirmed: Collection[str]) -> list[str]:
    """The kinds of the improbable dates that she confirmed (stored in the audit row)."""
    return sorted({p.kind for p in problems if p.confirmable and p.code in confirmed})


def check_with_mother(
    history: History, *, start: dt.date, field_name: str = "start_date"
) -> list[Problem]:
    """A child placed with her mother inside: she is in custody, and was from that date."""
    open_stays = [s for s in history.stays if s.ended is None]
    if not open_stays:
        return [
            Problem(
                "mother_not_in_custody",
                "kind",
                _("She is not in custody: the child cannot be with her inside."),
            )
        ]
    if start < open_stays[-1].admitted:
        return [
            Problem(
                "inside_before_admission",
                field_name,
                _("A child cannot be with her mother inside before admission (%(date)s).")
                % {"date": _d(open_stays[-1].admitted)},
            )
        ]
    return []


@dataclass(frozen=True)
class Part:
    """Which form of the registration page a problem belongs to: "mother", "episode", or
    "child"/"placement" with the child's index."""

    form: str
    index: int = 0

    @property
    def key(self) -> str:
        return self.form if self.form in ("mother", "episode") else f"{self.form}{self.index}"


def check_registration(
    *,
    mother: Mapping[str, Any],
    episode: Mapping[str, Any] | None,
    children: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
) -> list[tuple[Part, Problem]]:
    """Every date of a registration (her, her custody, each child and placement) at once."""
    found: list[tuple[Part, Problem]] = []
    born = mother.get("date_of_birth")
    found += [
        (Part("mother"), p)
        for p in check_mother(
            History(),
            born=born,
            is_pregnant=bool(mother.get("is_pregnant")),
            expected_delivery=mother.get("expected_delivery_date"),
        )
    ]
    history = History(born=born)
    if episode is not None:
        found += [
            (Part("episode"), p)
            for p in check_stay(
                history,
                admitted=episode["admission_date"],
                expected_release=episode.get("expected_release_date"),
            )
        ]
        history.stays.append(Stay(None, episode["admission_date"], None))
    for i, (child, placement) in enumerate(children):
        child_born = child["date_of_birth"]
        found += [
            (Part("child", i), p)
            for p in check_child(
                history,
                born=child_born,
                born_in_custody=bool(child.get("born_in_custody")),
                lives_since=placement["start_date"],
            )
            if p.kind != "lives_before_born"
        ]
        found += [
            (Part("placement", i), p)
            for p in check_placement(child_born=child_born, start=placement["start_date"])
        ]
        if placement.get("kind") == Placement.Kind.WITH_MOTHER:
            found += [
                (Part("placement", i), p)
                for p in check_with_mother(history, start=placement["start_date"])
            ]
    return found


# The rules of each write on a woman's file, for its form and its action alike.


def placement_problems(child: Child, cleaned: Mapping[str, Any]) -> list[Problem]:
    """The date rules of a child's move (the action checks the same)."""
    current = child.current_placement
    problems = check_placement(
        child_born=child.date_of_birth,
        start=cleaned["start_date"],
        current_start=current.start_date if current is not None else None,
    )
    if cleaned.get("kind") == Placement.Kind.WITH_MOTHER:
        problems += check_with_mother(History.of(child.mother), start=cleaned["start_date"])
    return problems


def birth_problems(mother: Mother, born: dt.date) -> list[Problem]:
    """A birth registered on her file (the action checks the same)."""
    history = History.of(mother)
    in_custody = mother.is_in_custody
    problems = check_child(history, born=born, born_in_custody=in_custody)
    episode = mother.latest_episode
    if in_custody and episode is not None and born < episode.admission_date:
        problems.append(
            Problem(
                "born_before_admission",
                "date_of_birth",
                _(
                    "The birth is before her admission to custody (%(date)s): add the child "
                    "as one born before custody instead."
                )
                % {"date": _d(episode.admission_date)},
            )
        )
    return problems


def consent_problems(mother: Mother, given_on: dt.date) -> list[Problem]:
    return check_event(
        History.of(mother), field_name="given_on", day=given_on, what=_("The consent")
    )
