"""Follow-up visits: 2 weeks, 1, 3, 6 and 12 months after the separation (reference data from
the migration); each visit recorded schedules the next."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from komar.cases.actions import InvalidAction
from komar.transitions import actions
from komar.transitions.models import FollowUpStage, FollowUpVisit
from komar.transitions.tests.factories import (
    NOON_IN_PHNOM_PENH,
    TODAY,
    approved_carer,
    approved_plan,
    woman,
)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOON_IN_PHNOM_PENH, tick=False)


@pytest.mark.django_db
def test_the_stages_are_seeded_in_order() -> None:
    rows = [(s.code, s.months, s.days) for s in FollowUpStage.objects.order_by("order")]
    assert rows == [("2w", 0, 14), ("1m", 1, 0), ("3m", 3, 0), ("6m", 6, 0), ("12m", 12, 0)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("separated", "expected"),
    [
        # Hand-computed: 2 weeks, then months keeping the day, clamped to the month's end.
        (
            dt.date(2026, 1, 31),
            ["2026-02-14", "2026-02-28", "2026-04-30", "2026-07-31", "2027-01-31"],
        ),
        (
            dt.date(2027, 11, 30),
            ["2027-12-14", "2027-12-30", "2028-02-29", "2028-05-30", "2028-11-30"],
        ),
        (
            dt.date(2026, 6, 15),
            ["2026-06-29", "2026-07-15", "2026-09-15", "2026-12-15", "2027-06-15"],
        ),
    ],
)
def test_each_stage_falls_on_its_date(separated, expected) -> None:
    dates = [s.due_after(separated).isoformat() for s in FollowUpStage.objects.order_by("order")]
    assert dates == expected


@pytest.fixture
def separation(sokha, dara, siem_reap):
    mother, child = woman(sokha, siem_reap)
    carer = approved_carer(mother, sokha, dara, child)
    approved_plan(child, sokha, dara, carer)
    return actions.do_record_separation(child, separated_on=TODAY, actor=sokha)


def visit_data(on: dt.date) -> dict:
    return {
        "visited_on": on,
        "wellbeing": "Playing, eating well.",
        "health_growth": "No illness.",
        "weight_kg": Decimal("12.5"),
        "height_cm": Decimal("91.0"),
        "education": "too_young",
        "carer_coping": "Tired but coping; needs rice.",
        "support_given": "25 kg rice.",
        "contact_with_mother": "One visit to the prison.",
        "protection_concerns": "",
        "stability": "stable",
    }


def test_each_visit_schedules_the_next_from_the_separation(sokha, separation, time_machine) -> None:
    first = separation.visits.get()
    assert first.due_on == dt.date(2026, 6, 29)
    time_machine.move_to(dt.datetime(2026, 6, 30, 5, tzinfo=dt.UTC), tick=False)
    following = actions.do_record_visit(first, visit_data(dt.date(2026, 6, 30)), actor=sokha)
    assert following is not None
    assert (following.stage.code, following.due_on) == ("1m", dt.date(2026, 7, 15))
    first.refresh_from_db()
    assert first.weight_kg == Decimal("12.5") and first.recorded_by == sokha


def test_the_worker_may_set_the_next_date(sokha, separation, time_machine) -> None:
    time_machine.move_to(dt.datetime(2026, 6, 30, 5, tzinfo=dt.UTC), tick=False)
    first = separation.visits.get()
    following = actions.do_record_visit(
        first, visit_data(dt.date(2026, 6, 30)), next_due_on=dt.date(2026, 7, 10), actor=sokha
    )
    assert following is not None and following.due_on == dt.date(2026, 7, 10)
    with pytest.raises(InvalidAction):
        actions.do_record_visit(
            following,
            visit_data(dt.date(2026, 6, 30)),
            next_due_on=dt.date(2026, 6, 30),
            actor=sokha,
        )


def test_the_twelve_month_visit_is_the_last(sokha, separation, time_machine) -> None:
    visit = separation.visits.get()
    for _ in range(5):
        time_machine.move_to(
            dt.datetime.combine(visit.due_on, dt.time(5), tzinfo=dt.UTC), tick=False
        )
        following = actions.do_record_visit(visit, visit_data(visit.due_on), actor=sokha)
        if following is None:
            break
        visit = following
    assert visit.stage.code == "12m"
    assert FollowUpVisit.objects.filter(separation=separation).count() == 5
    assert not FollowUpVisit.objects.filter(separation=separation, visited_on=None).exists()


def test_a_visit_is_recorded_once_and_not_before_the_separation(sokha, separation) -> None:
    visit = separation.visits.get()
    with pytest.raises(InvalidAction):
        actions.do_record_visit(visit, visit_data(TODAY - dt.timedelta(days=1)), actor=sokha)
    actions.do_record_visit(visit, visit_data(TODAY), actor=sokha)
    with pytest.raises(InvalidAction):
        actions.do_record_visit(visit, visit_data(TODAY), actor=sokha)
