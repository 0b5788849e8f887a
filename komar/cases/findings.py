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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction
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


def compare(mother_ids: Sequence[int], today: dt.date) -> tuple[Difference, Expectation]:
    """How the stored open findings and deadlines of these women differ from a fresh
    evaluation."""
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


@transaction.atomic
def refresh_findings(
    mother_ids: Iterable[int], *, today: dt.date | None = None, now: dt.datetime | None = None
) -> Difference:
    """Bring the stored findings of these women (and their children) in line with the rules."""
    ids = sorted(set(mother_ids))
    today = today or timezone.localdate()
    now = now or timezone.now()
    difference, expectation = compare(ids, today)
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
    Finding.objects.bulk_create(
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
    )
    _store_deadlines(difference, expectation.deadlines)
    return difference


def _store_deadlines(difference: Difference, expected: dict[Key, ExpectedDeadline]) -> None:
    if difference.deadlines_dropped:
        Deadline.objects.filter(pk__in=[d.pk for d in difference.deadlines_dropped]).delete()
    _update(
        Deadline,
        difference.deadlines_moved,
        lambda d: expected[(d.code, d.mother_id, d.child_id)],
    )
    Deadline.objects.bulk_create(
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
