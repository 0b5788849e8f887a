"""Stored findings, kept current.

Every action that changes the facts of a woman or her children calls `refresh_findings()` with
her id, inside its transaction: every registered rule (`komar.lib.rules`, filled by the
composition layer at start-up) is evaluated again for her and her children, and the stored
findings follow: new ones are raised, changed facts are updated in place, those that no longer
fire are resolved (and a new version of a rule resolves the old version's finding and raises
its own). The daily `refresh_findings` command does the same for every woman, so that rules
that depend on the date (a limit approaching, a review falling due) stay current; its
`--check` mode reports any stored finding that differs from a fresh evaluation.

The rule sets' deadlines (`komar.lib.rules.Deadline`) are evaluated from the same facts and
stored the same way (`Deadline`), with no history: set, moved or deleted.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connections, router, transaction
from django.utils import timezone

from komar.cases.models import Child, Deadline, Finding, Mother
from komar.lib import rules as engine

M = TypeVar("M", Finding, Deadline)

Key = tuple[str, int, int | None]  # rule code, mother id, child id (None: about the woman)


@dataclass(frozen=True)
class Expected:
    rule: engine.Rule
    mother_id: int
    child_id: int | None
    facility_id: int | None
    organisation_id: int
    born_on: dt.date | None
    facts: engine.StoredFacts

    def differs_from(self, stored: Finding) -> list[str]:
        """The fields of a stored open finding that no longer match."""
        wanted = {
            "rule_version": self.rule.version,
            "priority": self.rule.priority,
            "facility_id": self.facility_id,
            "organisation_id": self.organisation_id,
            "born_on": self.born_on,
            "facts": self.facts,
        }
        return [name for name, value in wanted.items() if getattr(stored, name) != value]


@dataclass(frozen=True)
class ExpectedDeadline:
    code: str
    mother_id: int
    child_id: int | None
    facility_id: int | None
    organisation_id: int
    born_on: dt.date | None
    due_on: dt.date
    lapses_on: dt.date | None

    def differs_from(self, stored: Deadline) -> list[str]:
        wanted = {
            "facility_id": self.facility_id,
            "organisation_id": self.organisation_id,
            "born_on": self.born_on,
            "due_on": self.due_on,
            "lapses_on": self.lapses_on,
        }
        return [name for name, value in wanted.items() if getattr(stored, name) != value]


@dataclass
class Expectation:
    """A fresh evaluation: the findings and the deadlines, by rule (or deadline) and subject."""

    findings: dict[Key, Expected] = field(default_factory=dict)
    deadlines: dict[Key, ExpectedDeadline] = field(default_factory=dict)


@dataclass
class Difference:
    """What a refresh changed, or (in check mode) would change."""

    raised: list[Expected] = field(default_factory=list)
    updated: list[tuple[Finding, list[str]]] = field(default_factory=list)
    resolved: list[Finding] = field(default_factory=list)
    deadlines_set: list[ExpectedDeadline] = field(default_factory=list)
    deadlines_moved: list[tuple[Deadline, list[str]]] = field(default_factory=list)
    deadlines_dropped: list[Deadline] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.raised
            or self.updated
            or self.resolved
            or self.deadlines_set
            or self.deadlines_moved
            or self.deadlines_dropped
        )

    def add(self, other: Difference) -> None:
        self.raised += other.raised
        self.updated += other.updated
        self.resolved += other.resolved
        self.deadlines_set += other.deadlines_set
        self.deadlines_moved += other.deadlines_moved
        self.deadlines_dropped += other.deadlines_dropped


def expect(mother_ids: Sequence[int], today: dt.date) -> Expectation:
    """A fresh evaluation of every registered rule and deadline for these women and their
    children."""
    mothers: dict[int, dict[str, Any]] = {
        m["pk"]: dict(m)
        # A closed case is out of the rules: its open findings are resolved.
        for m in Mother.objects.filter(pk__in=mother_ids, is_closed=False).values(
            "pk", "facility_id", "organisation_id", "date_of_birth"
        )
    }
    children: dict[int, dict[str, Any]] = {
        c["pk"]: dict(c)
        for c in Child.objects.filter(mother_id__in=mothers).values(
            "pk", "mother_id", "date_of_birth"
        )
    }
    expected = Expectation()
    with engine.shared_loads():
        for rule_set in engine.rule_sets():
            _evaluate(rule_set, mothers, children, today, expected)
    return expected


def _subject(
    subject: engine.Subject,
    subject_id: int,
    mothers: dict[int, dict[str, Any]],
    children: dict[int, dict[str, Any]],
) -> tuple[dict[str, Any], int | None, dt.date | None]:
    """The woman, the child's id (None for the woman herself) and the subject's birth date."""
    if subject == engine.CHILD:
        child = children[subject_id]
        return mothers[child["mother_id"]], child["pk"], child["date_of_birth"]
    mother = mothers[subject_id]
    return mother, None, mother["date_of_birth"]


def _evaluate(
    rule_set: engine.RuleSet[Any],
    mothers: dict[int, dict[str, Any]],
    children: dict[int, dict[str, Any]],
    today: dt.date,
    expected: Expectation,
) -> None:
    subjects = list(children) if rule_set.subject == engine.CHILD else list(mothers)
    if not subjects:
        return
    all_fired, dues = rule_set.evaluate_all(subjects, today)
    for due in dues:
        mother, child_id, born_on = _subject(rule_set.subject, due.subject_id, mothers, children)
        expected.deadlines[(due.deadline.code, mother["pk"], child_id)] = ExpectedDeadline(
            code=due.deadline.code,
            mother_id=mother["pk"],
            child_id=child_id,
            facility_id=mother["facility_id"],
            organisation_id=mother["organisation_id"],
            born_on=born_on,
            due_on=due.on,
            lapses_on=due.lapses_on,
        )
    for fired in all_fired:
        mother, child_id, born_on = _subject(rule_set.subject, fired.subject_id, mothers, children)
        expected.findings[(fired.rule.code, mother["pk"], child_id)] = Expected(
            rule=fired.rule,
            mother_id=mother["pk"],
            child_id=child_id,
            facility_id=mother["facility_id"],
            organisation_id=mother["organisation_id"],
            born_on=born_on,
            facts=fired.facts,
        )


def forked_processes_see_the_rows() -> bool:
    """Whether a process forked now, with a connection of its own, would read the rows this one
    wrote: not from inside a transaction, nor from an in-memory database (the tests')."""
    connection: Any = connections[router.db_for_write(Mother)]  # SQLite's has is_in_memory_db
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    return not connection.in_atomic_block and not in_memory


class Evaluations:
    """Fresh evaluations of chunks of women, handed back in the order they were asked for: made
    by `jobs` processes forked from this one, which only read, while this one goes on; or, with
    `jobs` 0, inside a transaction or on an in-memory database (the tests', which a forked
    process would not see), in this process when they are taken.

    Only for a database nobody else writes to meanwhile (a dataset being seeded, a benchmark's):
    an action taken while another process evaluates her would be followed by her refresh
    writing the evaluation made before it, until the next refresh.

        with Evaluations(today, jobs=2) as evaluations:
            for ids in chunks:
                evaluations.ask(ids)
            for ids, expectation in evaluations.rest():  # in order, waiting for each
                refresh_findings(ids, today=today, expectation=expectation)
    """

    def __init__(self, today: dt.date, *, jobs: int) -> None:
        self.today = today
        self.jobs = jobs
        self.pool: Any = None
        self.asked: deque[tuple[Sequence[int], Any]] = deque()

    def __enter__(self) -> Evaluations:
        if self.jobs >= 1 and forked_processes_see_the_rows():
            # A forked process must not share this one's connection: each opens its own.
            connections.close_all()
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs)
        return self

    def __exit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        if self.pool is not None:
            if kind is None:
                self.pool.close()
            else:
                self.pool.terminate()
            self.pool.join()
            self.pool = None

    def ask(self, mother_ids: Sequence[int]) -> None:
        pending = None
        if self.pool is not None:
            pending = self.pool.apply_async(_expect_in_worker, (mother_ids, self.today))
        self.asked.append((mother_ids, pending))

    def rest(self) -> Iterator[tuple[Sequence[int], Expectation]]:
        """Every evaluation asked for, in order, waiting for each."""
        while self.asked:
            yield self._take()

    def _take(self) -> tuple[Sequence[int], Expectation]:
        mother_ids, pending = self.asked.popleft()
        if pending is None:
            return mother_ids, expect(mother_ids, self.today)
        return mother_ids, pending.get()


def _expect_in_worker(mother_ids: Sequence[int], today: dt.date) -> Expectation:
    return expect(mother_ids, today)  # looked up when called, in the forked process


def compare(
    mother_ids: Sequence[int], today: dt.date, expectation: Expectation | None = None
) -> tuple[Difference, Expectation]:
    """How the stored open findings and deadlines of these women differ from a fresh
    evaluation (`expectation`, when it was made beforehand by `Evaluations`)."""
    if expectation is None:
        expectation = expect(mother_ids, today)
    expected = expectation.findings
    stored = {
        (f.rule_code, f.mother_id, f.child_id): f
        for f in Finding.objects.filter(mother_id__in=mother_ids, resolved_at__isnull=True)
    }
    difference = Difference()
    for key, finding in stored.items():
        wanted = expected.get(key)
        if wanted is None or wanted.rule.version != finding.rule_version:
            difference.resolved.append(finding)
        else:
            fields = wanted.differs_from(finding)
            if fields:
                difference.updated.append((finding, fields))
    for key, wanted in expected.items():
        current = stored.get(key)
        if current is None or current.rule_version != wanted.rule.version:
            difference.raised.append(wanted)
    _compare_deadlines(mother_ids, expectation.deadlines, difference)
    return difference, expectation


def _compare_deadlines(
    mother_ids: Sequence[int], expected: dict[Key, ExpectedDeadline], difference: Difference
) -> None:
    stored = {
        (d.code, d.mother_id, d.child_id): d
        for d in Deadline.objects.filter(mother_id__in=mother_ids)
    }
    for key, deadline in stored.items():
        wanted = expected.get(key)
        if wanted is None:
            difference.deadlines_dropped.append(deadline)
        else:
            fields = wanted.differs_from(deadline)
            if fields:
                difference.deadlines_moved.append((deadline, fields))
    difference.deadlines_set += [e for key, e in expected.items() if key not in stored]


def _resolution(finding: Finding, closed: set[int]) -> str:
    if finding.mother_id in closed:
        return Finding.Resolution.CASE_CLOSED
    rule = engine.rule_by_code(finding.rule_code)
    if rule is None:
        return Finding.Resolution.RULE_RETIRED
    if rule.version != finding.rule_version:
        return Finding.Resolution.RULE_CHANGED
    return Finding.Resolution.NO_LONGER_APPLIES


# Writes unsaved rows of one model (a finding or a deadline).
Insert = Callable[[list[Any]], None]


def _bulk_create(rows: list[Any]) -> None:
    if rows:
        type(rows[0]).objects.bulk_create(rows)


@transaction.atomic
def refresh_findings(
    mother_ids: Iterable[int],
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    expectation: Expectation | None = None,
    insert: Insert | None = None,
) -> Difference:
    """Bring the stored findings of these women (and their children) in line with the rules
    (with `expectation`: with that evaluation of them, made beforehand; with `insert`: writing
    the new findings and deadlines with it, as the demo load does in bulk)."""
    insert = insert or _bulk_create
    ids = sorted(set(mother_ids))
    today = today or timezone.localdate()
    now = now or timezone.now()
    difference, expectation = compare(ids, today, expectation)
    expected = expectation.findings
    closed = (
        set(
            Mother.objects.filter(
                pk__in={f.mother_id for f in difference.resolved}, is_closed=True
            ).values_list("pk", flat=True)
        )
        if difference.resolved
        else set()
    )
    for finding in difference.resolved:
        finding.resolved_at = now
        finding.resolution = _resolution(finding, closed)
    Finding.objects.bulk_update(difference.resolved, ["resolved_at", "resolution"])
    _update(
        Finding,
        difference.updated,
        lambda f: expected[(f.rule_code, f.mother_id, f.child_id)],
    )
    insert(
        [
            Finding(
                rule_code=e.rule.code,
                rule_version=e.rule.version,
                priority=e.rule.priority,
                mother_id=e.mother_id,
                child_id=e.child_id,
                facility_id=e.facility_id,
                organisation_id=e.organisation_id,
                born_on=e.born_on,
                facts=e.facts,
                raised_at=now,
            )
            for e in difference.raised
        ]
    )
    _store_deadlines(difference, expectation.deadlines, insert)
    return difference


def _store_deadlines(
    difference: Difference, expected: dict[Key, ExpectedDeadline], insert: Insert
) -> None:
    if difference.deadlines_dropped:
        Deadline.objects.filter(pk__in=[d.pk for d in difference.deadlines_dropped]).delete()
    _update(
        Deadline,
        difference.deadlines_moved,
        lambda d: expected[(d.code, d.mother_id, d.child_id)],
    )
    insert(
        [
            Deadline(
                code=e.code,
                mother_id=e.mother_id,
                child_id=e.child_id,
                facility_id=e.facility_id,
                organisation_id=e.organisation_id,
                born_on=e.born_on,
                due_on=e.due_on,
                lapses_on=e.lapses_on,
            )
            for e in difference.deadlines_set
        ]
    )


def _update(
    model: type[M], rows: list[tuple[M, list[str]]], wanted_for: Callable[[M], Any]
) -> None:
    """Set the fields that differ (`rows`: each stored row and its differing fields) to the
    fresh evaluation's values, in one bulk update of the fields that changed."""
    changed: set[str] = set()
    for row, fields in rows:
        wanted = wanted_for(row)
        for name in fields:
            setattr(row, name, getattr(wanted, name))
        changed.update(fields)
    if changed:
        model.objects.bulk_update([row for row, _fields in rows], sorted(changed))


def refresh_for(mother: Mother) -> None:
    """For actions: refresh one woman's findings (and her children's) in their transaction."""
    refresh_findings([mother.pk])


def update_planner_statistics() -> None:
    """Planner statistics, after the daily refresh (and a demo load): SQLite has no autovacuum
    to gather them, and without them it reads a user's flags and reviews through the wrong
    indexes."""
    connection = connections[router.db_for_write(Finding)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            _forget_grant_statistics(cursor)


# SQLite keeps one average per index (no histogram in Debian's build): the open grants' index by
# organisation is averaged over the organisations that hold grants, often a single one (the
# legal aid organisation), so the planner expects every grant to match and reads the whole
# table, for each part of a query that asks for an organisation's grants (3 ms each at 22,000
# grants, 17 of them in a social worker's "My work", whose organisation holds none). Without
# statistics for that index, SQLite reads the organisation's range of it (0.05 ms when empty,
# the same 3 ms as the table when the organisation holds them all).
GRANT_INDEX = "grant_open_org_idx"


def _forget_grant_statistics(cursor: Any) -> None:
    cursor.execute("DELETE FROM sqlite_stat1 WHERE idx = %s", [GRANT_INDEX])
    cursor.execute("ANALYZE sqlite_schema")  # the planner reloads the statistics
