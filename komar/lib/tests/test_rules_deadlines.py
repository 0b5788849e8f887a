"""A rule set's deadlines (`komar.lib.rules.RuleSet.deadline`), evaluated from its facts."""

from __future__ import annotations

import datetime as dt

from komar.lib.rules import MOTHER, RuleSet


def test_a_deadline_and_its_lapse_day_come_from_the_same_facts() -> None:
    rules: RuleSet[int] = RuleSet("test", MOTHER, lambda ids, today: {pk: pk for pk in ids})

    def lapses(day: int) -> dt.date | None:
        return dt.date(2027, 1, day) if day > 1 else None

    @rules.deadline("due", lapses=lapses)
    def due(day: int) -> dt.date | None:
        return dt.date(2026, 1, day) if day < 3 else None

    fired, dues = rules.evaluate_all([1, 2, 3], dt.date(2026, 1, 1))
    assert fired == []
    assert [(d.subject_id, d.on, d.lapses_on) for d in dues] == [
        (1, dt.date(2026, 1, 1), None),
        (2, dt.date(2026, 1, 2), dt.date(2027, 1, 2)),
    ]


def test_a_deadline_without_a_lapse_day_never_lapses() -> None:
    rules: RuleSet[int] = RuleSet("test", MOTHER, lambda ids, today: {pk: pk for pk in ids})
    rules.deadline("due")(lambda day: dt.date(2026, 1, day))
    _fired, dues = rules.evaluate_all([4], dt.date(2026, 1, 1))
    assert [(d.on, d.lapses_on) for d in dues] == [(dt.date(2026, 1, 4), None)]
