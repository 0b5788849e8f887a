"""Stored deadlines (`cases.Deadline`, the health rule set's): set, moved and dropped by the
actions in their transaction, copied with her scope, and checked by the daily command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from komar.cases.actions import do_move_child, do_transfer_mother
from komar.cases.findings import compare
from komar.cases.models import Deadline
from komar.health.rules import CHECK_DUE, MEASURE_DUE
from komar.health.tests.helpers import check, inside, measure
from komar.lib import rules as engine

TODAY = dt.date(2026, 3, 20)
ENTERED = dt.date(2026, 1, 10)  # Vichet's placement inside (the `sophea` fixture)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def vichet(sophea):
    return inside(sophea)


def deadlines(child) -> dict[str, dt.date]:
    return dict(Deadline.objects.filter(child=child).values_list("code", "due_on"))


def test_a_child_inside_has_both_deadlines_from_the_day_she_came_in(vichet) -> None:
    assert deadlines(vichet) == {
        MEASURE_DUE: ENTERED,  # never measured: due from the day she came inside
        CHECK_DUE: ENTERED + dt.timedelta(days=settings.KOMAR_HEALTH_CHECK_DAYS),
    }
    stored = Deadline.objects.get(child=vichet, code=MEASURE_DUE)
    mother = vichet.mother
    assert (stored.mother_id, stored.facility_id, stored.organisation_id, stored.born_on) == (
        mother.pk,
        mother.facility_id,
        mother.organisation_id,
        vichet.date_of_birth,
    )


def test_recording_moves_or_drops_them_in_the_same_action(sokha, vichet) -> None:
    measure(vichet, sokha, dt.date(2026, 3, 1), weight_kg=10.0)
    every = dt.timedelta(days=settings.KOMAR_HEALTH_MEASURE_DAYS)
    assert deadlines(vichet)[MEASURE_DUE] == dt.date(2026, 3, 1) + every
    check(vichet, sokha, dt.date(2026, 1, 12))
    assert deadlines(vichet) == {MEASURE_DUE: dt.date(2026, 3, 1) + every}


@pytest.mark.usefixtures("allow_unplanned_moves")
def test_a_child_leaving_drops_them(sokha, vichet) -> None:
    do_move_child(
        vichet,
        {"kind": "relative", "carer_name": "Yim Sam", "start_date": dt.date(2026, 3, 1)},
        actor=sokha,
    )
    assert deadlines(vichet) == {}


def test_a_transfer_moves_them_with_her_scope(sokha, vichet, battambang) -> None:
    do_transfer_mother(vichet.mother, to_facility=battambang, on=dt.date(2026, 3, 1), actor=sokha)
    facilities = set(Deadline.objects.filter(child=vichet).values_list("facility_id", flat=True))
    assert facilities == {battambang.pk}


def run_check() -> str:
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("refresh_findings", "--check", stdout=out)
    return out.getvalue()


def test_the_check_reports_a_deadline_that_differs_and_the_refresh_mends_it(vichet) -> None:
    call_command("refresh_findings", "--check", stdout=io.StringIO())  # all as evaluated
    Deadline.objects.filter(child=vichet, code=MEASURE_DUE).update(due_on=dt.date(2027, 1, 1))
    assert f"{MEASURE_DUE} ['due_on']" in run_check()
    Deadline.objects.filter(child=vichet, code=CHECK_DUE).delete()
    assert f"missing: deadline {CHECK_DUE}" in run_check()
    Deadline.objects.create(
        code="retired_deadline",
        mother=vichet.mother,
        child=vichet,
        organisation_id=vichet.mother.organisation_id,
        due_on=TODAY,
    )
    assert "stale: deadline" in run_check()
    out = io.StringIO()
    call_command("refresh_findings", stdout=out)
    assert "set 1, moved 1, dropped 1" in out.getvalue()
    difference, _expected = compare([vichet.mother_id], TODAY)
    assert not difference
    assert deadlines(vichet)[MEASURE_DUE] == ENTERED


def test_two_deadlines_may_not_share_a_code() -> None:
    installed = engine.rule_sets()
    health = next(s for s in installed if s.name == "health")
    twin = engine.RuleSet("twin", engine.CHILD, health.load)
    twin.deadline(MEASURE_DUE)(lambda facts: None)
    with pytest.raises(ValueError, match="two deadlines share the code"):
        engine.install([*installed, twin])
    engine.install(installed)
    assert engine.rule_sets() == installed


def test_the_lists_leave_out_a_deadline_from_its_lapse_day(sokha, vichet) -> None:
    from komar.cases.queries import deadlines_by

    # No health deadline lapses; one given a lapse day is read as a lapsing one would be.
    def listed(today: dt.date) -> list[int | None]:
        rows = deadlines_by(sokha, CHECK_DUE, today=today, by=dt.date.max, count=5)
        return [row.child_id for row in rows]

    assert listed(TODAY) == [vichet.pk]
    Deadline.objects.filter(child=vichet, code=CHECK_DUE).update(lapses_on=TODAY)
    assert listed(TODAY - dt.timedelta(days=1)) == [vichet.pk]
    assert listed(TODAY) == []
