"""Stored findings, kept current.

Every action that changes the facts of a woman or her children calls `refresh_findings()` with
her id, inside its transaction: every registered rule (`komar.lib.rules`, filled by the
composition layer at start-up) is evaluated again for her and her children, and the stored
findings follow: new ones are raised, changed facts are updated in place, those that no longer
fire are resolved (and a new version of a rule resolves the old version's finding and raises
its own). The daily `refresh_findings` command does the same for every woman, so that rules
that depend on the date (a limit approaching, a review falling due) stay current; its
`--check` mode reports any stored finding that differs from a fresh evaluation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from komar.cases.models import Child, Finding, Mother
from komar.lib import rules as engine

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


@dataclass
class Difference:
    """What a refresh changed, or (in check mode) would change."""

    raised: list[Expected] = field(default_factory=list)
    updated: list[tuple[Finding, list[str]]] = field(default_factory=list)
    resolved: list[Finding] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.raised or self.updated or self.resolved)

    def add(self, other: Difference) -> None:
        self.raised += other.raised
        self.updated += other.updated
        self.resolved += other.resolved


def expected_findings(mother_ids: Sequence[int], today: dt.date) -> dict[Key, Expected]:
    """A fresh evaluation of every registered rule for these women and their children."""
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
    expected: dict[Key, Expected] = {}
    with engine.shared_loads():
        for rule_set in engine.rule_sets():
            _evaluate(rule_set, mothers, children, today, expected)
    return expected


def _evaluate(
    rule_set: engine.RuleSet[Any],
    mothers: dict[int, dict[str, Any]],
    children: dict[int, dict[str, Any]],
    today: dt.date,
    expected: dict[Key, Expected],
) -> None:
    subjects = list(children) if rule_set.subject == engine.CHILD else list(mothers)
    if not subjects:
        return
    for fired in rule_set.evaluate(subjects, today):
        child_id: int | None = None
        born_on: dt.date | None
        if rule_set.subject == engine.CHILD:
            child = children[fired.subject_id]
            child_id, mother = child["pk"], mothers[child["mother_id"]]
            born_on = child["date_of_birth"]
        else:
            mother = mothers[fired.subject_id]
            born_on = mother["date_of_birth"]
        expected[(fired.rule.code, mother["pk"], child_id)] = Expected(
            rule=fired.rule,
            mother_id=mother["pk"],
            child_id=child_id,
            facility_id=mother["facility_id"],
            organisation_id=mother["organisation_id"],
            born_on=born_on,
            facts=fired.facts,
        )


def compare(mother_ids: Sequence[int], today: dt.date) -> tuple[Difference, dict[Key, Expected]]:
    """How the stored open findings of these women differ from a fresh evaluation."""
    expected = expected_findings(mother_ids, today)
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
    return difference, expected


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
    difference, expected = compare(ids, today)
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
    changed: set[str] = set()
    for finding, fields in difference.updated:
        wanted = expected[(finding.rule_code, finding.mother_id, finding.child_id)]
        for name in fields:
            setattr(finding, name, getattr(wanted, name))
        changed.update(fields)
    if changed:
        Finding.objects.bulk_update([f for f, _ in difference.updated], sorted(changed))
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
    return difference


def refresh_for(mother: Mother) -> None:
    """For actions: refresh one woman's findings (and her children's) in their transaction."""
    refresh_findings([mother.pk])
