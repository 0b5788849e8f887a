"""The monthly snapshot: started from the last one's answers, completed with the registry's
counts frozen (checked against a table computed by hand), corrected with optimistic locking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict, InvalidAction
from komar.conftest import child_inside, client_for, register
from komar.monitoring import actions
from komar.monitoring.models import Register, Snapshot
from komar.monitoring.tests.helpers import LAST_MONTH, NOW, snapshot

URL = "/monitoring/snapshots/{code}/{year}/{month}/"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def nary(sokha, siem_reap):
    """Admitted on 5 February 2026 with a daughter born 1 March 2023 (her stay limit, 36 months,
    is 1 March 2026)."""
    return register(
        sokha,
        siem_reap,
        name_latin="Keo Nary",
        admission_date=dt.date(2026, 2, 5),
        children=[child_inside(born=dt.date(2023, 3, 1), since=dt.date(2026, 2, 5))],
    )


def _form(snapshot_, **changes):
    data = {
        "version": str(snapshot_.version),
        "food_allowance_riel": "2000",
        "space_m2_per_child": "1.5",
        "space_description": "One room of 40 m² for 12 women and 6 children.",
        "health_services": "A nurse every weekday; the provincial hospital for a sick child.",
        "outdoor_minutes": "120",
        "visits_policy": "Thursdays, 30 minutes, through a grille.",
        "cfs_open_days": "18",
        "notes": "",
    }
    return {**data, **changes}


def test_a_new_snapshot_starts_from_the_last_ones_answers_and_the_register(
    monitor, siem_reap
) -> None:
    first = actions.do_start_snapshot(siem_reap, dt.date(2026, 1, 1), actor=monitor)
    assert first.food_allowance_riel == 1750  # the facility's, seeded
    client_for(monitor).post(
        URL.format(code=siem_reap.code, year=2026, month=1) + "edit/", _form(first)
    )
    for day in (2, 3, 9):
        Register.objects.create(facility=siem_reap, on=dt.date(2026, 2, day), recorded_by=monitor)
    second = snapshot(siem_reap, monitor)
    assert (second.food_allowance_riel, second.outdoor_minutes) == (2000, 120)
    assert second.visits_policy == "Thursdays, 30 minutes, through a grille."
    assert second.cfs_open_days == 3  # from February's register, not January's answer
    assert second.status == "draft" and second.women is None
    assert AuditEntry.objects.filter(object_code=str(second.code), action="create").exists()
    assert actions.do_start_snapshot(siem_reap, LAST_MONTH, actor=monitor) == second


def test_completing_freezes_the_months_counts_as_computed_by_hand(
    monitor, sokha, siem_reap, sophea, nary
) -> None:
    """February 2026 at Siem Reap, counted on 28 February:

    | count                     | Sophea's | Nary's | all |
    |---------------------------|----------|--------|-----|
    | women held                | 1        | 1      | 2   |
    | pre-trial                 | 1        | 1      | 2   |
    | without a lawyer          | 1        | 1      | 2   |
    | children inside           | 1        | 1      | 2   |
    | 12-23 months (13 months)  | 1        |        | 1   |
    | 24-35 months (35 months)  |          | 1      | 1   |
    | near the limit (1 day)    |          | 1      | 1   |
    | admitted in February      |          | 1      | 1   |
    """
    draft = snapshot(siem_reap, monitor)
    response = client_for(monitor).post(
        URL.format(code=siem_reap.code, year=2026, month=2) + "edit/",
        {**_form(draft), "complete": "1"},
    )
    assert response.status_code == 302
    done = Snapshot.objects.get(pk=draft.pk)
    assert done.status == "completed" and done.completed_by == monitor
    assert done.counted_on == dt.date(2026, 2, 28)
    expected = {
        "women": 2,
        "pregnant": 0,
        "pre_trial": 2,
        "without_lawyer": 2,
        "children_inside": 2,
        "age_0_11": 0,
        "age_12_23": 1,
        "age_24_35": 1,
        "age_36_plus": 0,
        "born_inside": 0,
        "near_limit": 1,
        "over_limit": 0,
        "admissions": 1,
        "releases": 0,
        "births_inside": 0,
        "separations": 0,
        "placed_in_institution": 0,
    }
    assert {name: getattr(done, name) for name in expected} == expected
    assert (done.food_allowance_riel, done.space_m2_per_child) == (2000, Decimal("1.5"))
    entry = AuditEntry.objects.filter(object_code=str(done.code), action="change").get()
    assert "status" in entry.fields and "food_allowance_riel" in entry.fields
    # Frozen: a woman admitted later, into February, does not change it.
    register(sokha, siem_reap, name_latin="Late", admission_date=dt.date(2026, 2, 10))
    page = client_for(monitor).get(URL.format(code=siem_reap.code, year=2026, month=2))
    assert page.context["snapshot"].women == 2 and page.context["live"] == []


def test_this_month_cannot_be_completed_before_it_is_over(monitor, siem_reap) -> None:
    draft = snapshot(siem_reap, monitor, dt.date(2026, 3, 1))
    with pytest.raises(InvalidAction, match="once the month is over"):
        actions.do_change_snapshot(draft, {}, expected_version=1, complete=True, actor=monitor)
    response = client_for(monitor).post(
        URL.format(code=siem_reap.code, year=2026, month=3) + "edit/",
        {**_form(draft), "complete": "1"},
    )
    assert response.status_code == 200
    assert "once the month is over" in response.content.decode()
    assert Snapshot.objects.get().status == "draft"


def test_a_correction_after_someone_else_saved_is_a_conflict(monitor, siem_reap, sokha) -> None:
    draft = snapshot(siem_reap, monitor)
    actions.do_change_snapshot(draft, {"outdoor_minutes": 60}, expected_version=1, actor=monitor)
    with pytest.raises(EditConflict):
        actions.do_change_snapshot(
            draft, {"outdoor_minutes": 90}, expected_version=1, actor=monitor
        )
    response = client_for(monitor).post(
        URL.format(code=siem_reap.code, year=2026, month=2) + "edit/",
        _form(draft, version="1", outdoor_minutes="90"),
    )
    assert response.status_code == 409
    assert response.context["conflict"]["differences"]
    assert Snapshot.objects.get().outdoor_minutes == 60
    # Saved again with the differences in front of her: hers is kept.
    again = client_for(monitor).post(
        URL.format(code=siem_reap.code, year=2026, month=2) + "edit/",
        _form(draft, version="2", outdoor_minutes="90"),
    )
    assert again.status_code == 302 and Snapshot.objects.get().outdoor_minutes == 90


def test_a_completed_snapshot_is_corrected_but_its_counts_stay(monitor, siem_reap, sophea) -> None:
    draft = snapshot(siem_reap, monitor)
    done = actions.do_change_snapshot(draft, {}, expected_version=1, complete=True, actor=monitor)
    corrected = actions.do_change_snapshot(
        done, {"outdoor_minutes": 45}, expected_version=done.version, actor=monitor
    )
    assert corrected.outdoor_minutes == 45 and corrected.women == 1 and corrected.is_completed
    with pytest.raises(InvalidAction):
        actions.do_change_snapshot(
            corrected, {}, expected_version=corrected.version, complete=True, actor=monitor
        )


def test_bad_answers_are_refused_in_her_language_nothing_lost(monitor, siem_reap) -> None:
    draft = snapshot(siem_reap, monitor)
    response = client_for(monitor).post(
        URL.format(code=siem_reap.code, year=2026, month=2) + "edit/",
        _form(draft, outdoor_minutes="2000", cfs_open_days="40", food_allowance_riel="-5"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"outdoor_minutes", "cfs_open_days", "food_allowance_riel"}
    assert "Thursdays, 30 minutes" in response.content.decode()
