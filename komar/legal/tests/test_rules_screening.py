"""The flag `screening_overdue`: a woman in police custody or pre-trial detention with a child
under three, or pregnant, not screened within a week of her admission."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from komar.cases.actions import (
    do_admit_mother,
    do_change_episode,
    do_change_mother,
    do_release_mother,
    do_transfer_mother,
)
from komar.cases.findings import compare, refresh_findings
from komar.cases.models import Deadline, Finding, Mother
from komar.conftest import child_inside, child_with_grandmother, register
from komar.legal import rules_screening
from komar.legal.eligibility import CHILD_AGE_YEARS, child_counts_until, is_eligible
from komar.legal.rules_screening import custody_start
from komar.legal.tests.test_screening_new import screened
from komar.lib.dates import add_months

ADMITTED = dt.date(2026, 1, 10)


def at(time_machine: Any, day: dt.date) -> None:
    time_machine.move_to(dt.datetime(day.year, day.month, day.day, 3, tzinfo=dt.UTC), tick=False)


def flag(mother: Mother) -> Finding | None:
    return Finding.objects.filter(
        mother=mother, rule_code="screening_overdue", resolved_at__isnull=True
    ).first()


def facts(finding: Finding) -> dict[str, Any]:
    return {label: value for label, value in finding.facts}


def test_it_fires_the_day_after_the_week_is_out(time_machine, sokha, siem_reap) -> None:
    at(time_machine, dt.date(2026, 1, 17))
    mother = register(sokha, siem_reap, children=[child_inside()])
    assert flag(mother) is None  # the seventh day: still in time
    at(time_machine, dt.date(2026, 1, 18))
    refresh_findings([mother.pk])
    finding = flag(mother)
    assert finding is not None and finding.level == "danger" and finding.rule_version == 1
    assert facts(finding) == {
        "Legal status": {"msg": "Pre-trial detention"},
        "Admitted on": {"date": "2026-01-10"},
        "Screening due by": {"date": "2026-01-17"},
        "Youngest child's date of birth": {"date": "2025-01-15"},
        "Screenings of this custody": {"number": 0},
    }


def test_it_fires_for_a_pregnant_woman_with_no_child(time_machine, sokha, siem_reap) -> None:
    at(time_machine, dt.date(2026, 3, 20))
    mother = register(
        sokha, siem_reap, children=[], is_pregnant=True, expected_delivery_date=dt.date(2026, 6, 1)
    )
    finding = flag(mother)
    assert finding is not None and facts(finding)["Pregnant"] == {"msg": "Yes"}
    assert "Youngest child's date of birth" not in facts(finding)


def test_a_child_over_three_does_not_raise_it(time_machine, sokha, siem_reap) -> None:
    at(time_machine, dt.date(2026, 3, 20))
    mother = register(sokha, siem_reap, children=[child_with_grandmother()])
    assert flag(mother) is None
    # Her child turns three: a child "under three" is younger than 36 months.
    at(time_machine, dt.date(2026, 3, 20))
    young = register(
        sokha, siem_reap, name_latin="Keo Mala", children=[child_inside(born=dt.date(2023, 3, 21))]
    )
    assert flag(young) is not None
    at(time_machine, dt.date(2026, 3, 21))
    refresh_findings([young.pk])
    assert flag(young) is None


@pytest.mark.parametrize("status", ["awaiting_judgment", "sentenced"])
def test_it_does_not_fire_after_the_trial(time_machine, sokha, siem_reap, status) -> None:
    at(time_machine, dt.date(2026, 3, 20))
    mother = register(sokha, siem_reap, children=[child_inside()])
    assert flag(mother) is not None
    episode = mother.latest_episode
    do_change_episode(
        episode, {"legal_status": status}, expected_version=episode.version, actor=sokha
    )
    assert flag(mother) is None


def test_it_fires_in_police_custody_too(time_machine, sokha, siem_reap) -> None:
    at(time_machine, dt.date(2026, 3, 20))
    mother = register(sokha, siem_reap, children=[child_inside()])
    episode = mother.latest_episode
    do_change_episode(
        episode, {"legal_status": "police_custody"}, expected_version=episode.version, actor=sokha
    )
    assert facts(flag(mother))["Legal status"] == {"msg": "Police custody"}


def test_a_screening_resolves_it_however_late(time_machine, vicheka, sophea, shares_with_legal_aid):
    at(time_machine, dt.date(2026, 3, 20))
    refresh_findings([sophea.pk])
    assert flag(sophea) is not None
    screened(sophea, vicheka, screened_on=dt.date(2026, 3, 19))
    assert flag(sophea) is None
    resolved = Finding.objects.get(mother=sophea, rule_code="screening_overdue")
    assert resolved.resolution == Finding.Resolution.NO_LONGER_APPLIES


def test_a_transfer_does_not_start_her_custody_again(
    time_machine, vicheka, sokha, sophea, shares_with_legal_aid, battambang
) -> None:
    at(time_machine, dt.date(2026, 1, 14))
    screened(sophea, vicheka, screened_on=dt.date(2026, 1, 14))
    at(time_machine, dt.date(2026, 2, 1))
    do_transfer_mother(sophea, to_facility=battambang, on=dt.date(2026, 2, 1), actor=sokha)
    at(time_machine, dt.date(2026, 3, 20))
    refresh_findings([sophea.pk])
    assert flag(sophea) is None  # screened during this custody, before the transfer


def test_a_new_custody_needs_a_new_screening(
    time_machine, vicheka, sokha, sophea, shares_with_legal_aid, siem_reap
) -> None:
    at(time_machine, dt.date(2026, 1, 14))
    screened(sophea, vicheka, screened_on=dt.date(2026, 1, 14))
    at(time_machine, dt.date(2026, 2, 1))
    do_release_mother(sophea, on=dt.date(2026, 2, 1), release_kind="bail", actor=sokha)
    at(time_machine, dt.date(2026, 3, 1))
    do_admit_mother(
        Mother.objects.get(pk=sophea.pk),
        {"facility": siem_reap, "admission_date": dt.date(2026, 3, 1), "legal_status": "pre_trial"},
        actor=sokha,
    )
    at(time_machine, dt.date(2026, 3, 20))
    refresh_findings([sophea.pk])
    finding = flag(sophea)
    assert finding is not None and facts(finding)["Admitted on"] == {"date": "2026-03-01"}


def test_the_number_of_days_is_a_setting(time_machine, settings, sokha, siem_reap) -> None:
    settings.KOMAR_SCREENING_DAYS = 30
    at(time_machine, dt.date(2026, 2, 9))
    mother = register(sokha, siem_reap, children=[child_inside()])
    assert flag(mother) is None
    at(time_machine, dt.date(2026, 2, 10))
    refresh_findings([mother.pk])
    assert facts(flag(mother))["Screening due by"] == {"date": "2026-02-09"}


def test_a_pregnancy_ending_without_a_young_child_resolves_it(time_machine, sokha, siem_reap):
    at(time_machine, dt.date(2026, 3, 20))
    mother = register(
        sokha, siem_reap, children=[], is_pregnant=True, expected_delivery_date=dt.date(2026, 6, 1)
    )
    assert flag(mother) is not None
    do_change_mother(
        mother,
        {"is_pregnant": False, "expected_delivery_date": None},
        expected_version=mother.version,
        actor=sokha,
    )
    assert flag(mother) is None


def test_custody_start_walks_back_over_transfers_only() -> None:
    jan, feb, mar = dt.date(2026, 1, 10), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
    assert custody_start([(jan, feb, "transferred"), (feb, None, "")]) == jan
    assert custody_start([(jan, feb, "released"), (mar, None, "")]) == mar
    # A transfer out long before this admission is an earlier custody.
    assert custody_start([(jan, feb, "transferred"), (mar, None, "")]) == mar


def test_the_loader_reads_many_women_in_four_queries(time_machine, sokha, siem_reap) -> None:
    at(time_machine, dt.date(2026, 3, 20))
    ids = [
        register(sokha, siem_reap, name_latin=f"Woman {i}", children=[child_inside()]).pk
        for i in range(5)
    ]
    with CaptureQueriesContext(connection) as captured:
        loaded = rules_screening.load(ids, dt.date(2026, 3, 20))
    assert len(loaded) == 5 and len(captured.captured_queries) == 4


def test_the_stored_flags_agree_with_a_fresh_evaluation(
    time_machine, vicheka, sokha, sophea, shares_with_legal_aid, siem_reap
) -> None:
    at(time_machine, dt.date(2026, 3, 20))
    other = register(sokha, siem_reap, name_latin="Keo Mala", children=[child_inside()])
    screened(sophea, vicheka)
    difference, _ = compare([sophea.pk, other.pk], dt.date(2026, 3, 20))
    assert not difference
    call_command("refresh_findings", "--check")


@pytest.mark.parametrize(
    "born",
    [
        dt.date(2008, 2, 29),  # no 29 February in 2026
        dt.date(2008, 3, 1),
        dt.date(2008, 1, 31),
        dt.date(2008, 4, 30),
        dt.date(2008, 12, 31),
        dt.date(2009, 2, 28),
        dt.date(2010, 2, 28),  # 18 in 2028, a leap year
        dt.date(2010, 3, 1),
    ],
)
def test_a_child_counts_until_the_day_eligible_stops_counting_him(born: dt.date) -> None:
    # `eligible` counts a child born after the day 18 years (by `add_months`) before today:
    # the lapse day is the first day on which that fails, and every later day fails too.
    until = child_counts_until(born)
    for offset in range(-40, 40):
        day = until + dt.timedelta(days=offset)
        assert (born > add_months(day, -12 * CHILD_AGE_YEARS)) == (day < until), day


def mother_of(time_machine: Any, actor: Any, facility: Any, born: dt.date) -> Mother:
    """A woman registered on 20 February 2026 with one child, outside, born on `born`."""
    at(time_machine, dt.date(2026, 2, 20))
    return register(
        actor,
        facility,
        date_of_birth=dt.date(1985, 3, 2),
        children=[child_with_grandmother(born=born)],
    )


def test_her_deadline_lapses_on_the_day_eligible_stops_counting_a_29_february_child(
    time_machine, sokha, siem_reap
) -> None:
    woman = mother_of(time_machine, sokha, siem_reap, born=dt.date(2008, 2, 29))
    deadline = Deadline.objects.get(mother=woman, code=rules_screening.SCREENING_DUE)
    assert deadline.lapses_on == dt.date(2026, 3, 1)
    assert is_eligible(woman, dt.date(2026, 2, 28))
    assert not is_eligible(woman, dt.date(2026, 3, 1))


def test_a_lapse_day_changed_by_hand_is_reported_and_put_back(
    time_machine, sokha, siem_reap
) -> None:
    woman = mother_of(time_machine, sokha, siem_reap, born=dt.date(2010, 5, 6))
    Deadline.objects.filter(mother=woman).update(lapses_on=None)
    difference, _ = compare([woman.pk], dt.date(2026, 2, 20))
    assert [fields for _d, fields in difference.deadlines_moved] == [["lapses_on"]]
    refresh_findings([woman.pk])
    assert Deadline.objects.get(mother=woman).lapses_on == dt.date(2028, 5, 6)
