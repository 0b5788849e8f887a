"""The decision-support engine: named, versioned rules, the facts they used, the registry.

Each workflow owns its rules in its own `rules.py`: a `RuleSet` with the kind of subject its
rules look at (a child or a woman), a loader that reads the facts of many subjects in a fixed
number of queries, and the rules, plain functions that return the facts they used when they
fire, or None. The composition layer lists the rule sets once (`casefile/plugins.py`) and
`install()`s them here at start-up, so that actions in any layer can re-evaluate every rule
(`cases/findings.py` stores the findings) without importing the apps above them.

Facts are stored, so they are kept free of any language: a label is an English msgid (a lazy
`gettext_lazy` string, or a plain one) and a value is a date, a number, a word to translate
(`Msg`), a list of words, or text typed by a person (`Text`). `shown()` renders them in the
language of the request. Change a rule's logic → bump its version.

A rule set may also name deadlines (`RuleSet.deadline`): the date by which something is due for
a subject (a measurement, an admission health check), computed from the same facts and stored
beside the findings (`cases.Deadline`), so that a work list on "My work" reads its first rows,
the soonest first, from an index of the user's scope instead of her whole caseload. A deadline is
not a flag: it has no version, no history and no "Why?"; it is replaced when its date changes
and deleted when nothing is due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from django.utils import translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext

Subject = Literal["child", "mother"]
CHILD: Subject = "child"
MOTHER: Subject = "mother"
LEVELS = ("danger", "warning")  # in order of urgency


@dataclass(frozen=True)
class Msg:
    """A word or phrase to translate when shown (its English msgid)."""

    text: str | Promise


@dataclass(frozen=True)
class Text:
    """Words typed by a person (a name): shown as they are."""

    text: str


@dataclass(frozen=True)
class Estimated:
    """A date that is an estimate, shown with "(estimated)"."""

    date: dt.date


FactValue = dt.date | int | Msg | Text | Estimated | Sequence[Msg]
Facts = dict[str | Promise, FactValue]
StoredFacts = list[list[Any]]  # [[label msgid, {"type": value}], ...], in the rule's order

T = TypeVar("T")


@dataclass(frozen=True)
class Rule:
    code: str
    version: int
    title: str | Promise
    standard: str | Promise
    level: str  # "danger" (a flag to act on) or "warning"
    subject: Subject
    check: Callable[[Any], Facts | None] = field(repr=False, compare=False)

    @property
    def priority(self) -> int:
        return LEVELS.index(self.level)


@dataclass(frozen=True)
class Deadline:
    """A date by which something is to be done for a subject (a child to measure by, a health
    check to record by): not a flag, but a row of a work list on "My work", stored with the
    findings so that the list is an indexed range in the user's scope, the soonest first.

    `due(facts)` returns the date, or None when nothing is to be done. A deadline that does not
    depend on today stays put until the facts change (the actions refresh it), so the list
    ("due within a week") is a range of dates read with today's.

    `lapses(facts)`, if given, returns the day from which the deadline no longer applies with
    no change of the facts, only of the date (a woman is no longer to be screened once her
    youngest child is 18), or None: the lists leave it out from that day on, before the nightly
    refresh deletes it."""

    code: str
    subject: Subject
    due: Callable[[Any], dt.date | None] = field(repr=False, compare=False)
    lapses: Callable[[Any], dt.date | None] | None = field(default=None, repr=False, compare=False)


@dataclass
class RuleSet(Generic[T]):
    """The rules of one workflow over one kind of subject, and how to load their facts.

    `load(ids, today)` returns the facts of each subject id that exists (children or women)."""

    name: str
    subject: Subject
    load: Callable[[Sequence[int], dt.date], dict[int, T]]
    rules: list[Rule] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)

    def rule(
        self, code: str, *, version: int, title: str | Promise, standard: str | Promise, level: str
    ) -> Callable[[Callable[[T], Facts | None]], Callable[[T], Facts | None]]:
        assert level in LEVELS, level

        def register(check: Callable[[T], Facts | None]) -> Callable[[T], Facts | None]:
            self.rules.append(Rule(code, version, title, standard, level, self.subject, check))
            return check

        return register

    def deadline(
        self, code: str, *, lapses: Callable[[T], dt.date | None] | None = None
    ) -> Callable[[Callable[[T], dt.date | None]], Callable[[T], dt.date | None]]:
        def register(due: Callable[[T], dt.date | None]) -> Callable[[T], dt.date | None]:
            self.deadlines.append(Deadline(code, self.subject, due, lapses))
            return due

        return register

    def evaluate(self, ids: Sequence[int], today: dt.date) -> list[Fired]:
        """Every rule of the set on every subject: what fired, with the facts as stored."""
        return self.evaluate_all(ids, today)[0]

    def evaluate_all(self, ids: Sequence[int], today: dt.date) -> tuple[list[Fired], list[Due]]:
        """Every rule and deadline of the set on every subject, from one load of their facts."""
        fired: list[Fired] = []
        dues: list[Due] = []
        with translation.override(None):  # facts are stored as msgids, in no language
            for pk, facts in self.load(ids, today).items():
                for r in self.rules:
                    used = r.check(facts)
                    if used is not None:
                        fired.append(Fired(r, pk, store_facts(used)))
                for d in self.deadlines:
                    on = d.due(facts)
                    if on is not None:
                        lapses_on = d.lapses(facts) if d.lapses is not None else None
                        dues.append(Due(d, pk, on, lapses_on))
        return fired, dues


@dataclass(frozen=True)
class Fired:
    """A rule that fired for one subject (a child's or a woman's id)."""

    rule: Rule
    subject_id: int
    facts: StoredFacts


@dataclass(frozen=True)
class Due:
    """A deadline that applies to one subject, its date, and the day it lapses (if any)."""

    deadline: Deadline
    subject_id: int
    on: dt.date
    lapses_on: dt.date | None = None


_RULE_SETS: list[RuleSet[Any]] = []


def install(rule_sets: Iterable[RuleSet[Any]]) -> None:
    """Register the rule sets (called once at start-up by the composition layer)."""
    _RULE_SETS.clear()
    codes: set[str] = set()
    deadline_codes: set[str] = set()
    for rule_set in rule_sets:
        for r in rule_set.rules:
            if r.code in codes:
                raise ValueError(f"two rules share the code {r.code!r}")
            codes.add(r.code)
        for d in rule_set.deadlines:
            if d.code in deadline_codes:
                raise ValueError(f"two deadlines share the code {d.code!r}")
            deadline_codes.add(d.code)
        _RULE_SETS.append(rule_set)


def rule_sets(subject: Subject | None = None) -> list[RuleSet[Any]]:
    return [s for s in _RULE_SETS if subject is None or s.subject == subject]


def all_rules() -> list[Rule]:
    return [r for s in _RULE_SETS for r in s.rules]


def rule_by_code(code: str) -> Rule | None:
    return next((r for r in all_rules() if r.code == code), None)


# Loads shared by the rule sets of one evaluation (the same children, say), never kept beyond it.

_SHARED: ContextVar[dict[Any, Any] | None] = ContextVar("komar_rules_shared", default=None)


@contextmanager
def shared_loads() -> Iterator[None]:
    """Within this block, `shared()` loads each key once."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(key: Any, load: Callable[[], T]) -> T:
    memo = _SHARED.get()
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    value: T = memo[key]
    return value


# Facts: stored without a language, shown in the user's.


def _msgid(text: str | Promise) -> str:
    return str(text)  # called with translation off (`store_facts`): the English msgid


def store_facts(facts: Facts) -> StoredFacts:
    with translation.override(None):
        return [[_msgid(label), _store_value(value)] for label, value in facts.items()]


def _store_value(value: FactValue) -> dict[str, Any]:
    if isinstance(value, Estimated):
        return {"date": value.date.isoformat(), "estimated": True}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, bool):
        raise TypeError("say yes or no with Msg, not a bool")
    if isinstance(value, int):
        return {"number": value}
    if isinstance(value, Msg):
        return {"msg": _msgid(value.text)}
    if isinstance(value, Text):
        return {"text": value.text}
    return {"msgs": [_msgid(m.text) for m in value]}


def shown(stored: StoredFacts) -> list[tuple[str, str]]:
    """Stored facts as (label, value) pairs in the active language."""
    return [(gettext(label), _show_value(value)) for label, value in stored]


def _show_value(value: dict[str, Any]) -> str:
    if "date" in value:
        text = date_format(dt.date.fromisoformat(value["date"]), "DATE_FORMAT")
        if value.get("estimated"):
            text = gettext("%(date)s (estimated)") % {"date": text}
        return text
    if "number" in value:
        return str(value["number"])
    if "msg" in value:
        return gettext(value["msg"])
    if "text" in value:
        return str(value["text"])
    return ", ".join(gettext(m) for m in value.get("msgs", []))
