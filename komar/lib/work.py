"""The lists a workflow adds to "My work": what she has to do next, the most urgent first.

A workflow app that gives people work (plans to approve, visits due, measurements overdue) has a
`work.py` whose `my_work(user, today, count)` returns its `WorkList`s for that user: the first
`count` rows of each, and whether there are more. The composition layer lists the sources once
(`casefile/plugins.py`) and `install()`s them here at start-up; "My work" (`tasks`) shows every
list that has rows, or says it is empty where the list is her own work (`always`), and links a
longer one to its own page (`more_url`) or to its full list, a page at a time (`list_for`).

Each source reads its rows in a fixed number of queries whatever the size of her caseload, and
through the workflow's access getters' scope, so a list never names a woman she may not see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class WorkRow:
    text: str  # what to do and about whom (her name may appear: the page is hers)
    url: str  # where to do it; never with personal data in it
    on: dt.date | None = None  # when it is due, or happened
    note: str | Promise = ""  # a short reason ("overdue", "the court's answer is awaited")
    urgent: bool = False


@dataclass(frozen=True)
class WorkList:
    key: str  # the section's id on the page (`id="work-<key>"`)
    title: str | Promise
    rows: Sequence[WorkRow]
    more: bool = False
    more_url: str = ""  # the full, paged list, when there is one
    always: bool = False  # shown even when empty: it is her own work
    empty: str | Promise = ""  # what to say when it is empty


# (user, today, count) -> her lists; `user` is an accounts.User (lib sits below accounts).
WorkSource = Callable[[Any, dt.date, int], Sequence[WorkList]]

SOURCES: list[WorkSource] = []


def install(sources: Iterable[WorkSource]) -> None:
    for source in sources:
        if source not in SOURCES:
            SOURCES.append(source)


def lists_for(user: Any, today: dt.date, count: int) -> list[WorkList]:
    """Every installed workflow's lists for her, in plug-in order; empty ones left out unless
    they are her own work."""
    found: list[WorkList] = []
    for source in SOURCES:
        found += [w for w in source(user, today, count) if w.rows or w.always]
    return found


def list_for(user: Any, today: dt.date, key: str, count: int) -> WorkList | None:
    """Her list `key` with its first `count` rows (a full list's page is read this way: the
    source's own list, with as many rows as the pages up to it), empty or not; None if no
    source gives her that list (not her role's, or no such list)."""
    for source in SOURCES:
        for work in source(user, today, count):
            if work.key == key:
                return work
    return None


def first(rows: Iterable[Any], count: int) -> tuple[list[Any], bool]:
    """The first `count` of `rows` (a queryset sliced to count + 1), and whether there are more."""
    taken = list(rows)
    return taken[:count], len(taken) > count
