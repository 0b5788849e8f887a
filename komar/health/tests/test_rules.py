"""Every branch of the health rules. Sophea's son Vichet (born 15 January 2025) lives inside with
her at Siem Reap since 10 January 2026; her daughter lives with her grandmother. Today is
20 March 2026 (Vichet is 429 days, 14.1 months, old) unless a test says otherwise."""

from __future__ import annotations

import datetime as dt

import pytest

from komar.cases.models import Finding
from komar.health.rules import RULES
from komar.health.tests.helpers import achieve, check, give, inside, measure

TODAY = dt.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def vichet(sophea):
    return inside(sophea)


@pytest.fixture
def dara_child(sophea):
    return next(c for c in sophea.children.all() if not c.is_inside)


def fired(child, today=TODAY) -> dict[str, dict]:
    return {
        f.rule.code: dict(f.facts)
        for f in RULES.evaluate([child.pk], today)
        if f.subject_id == child.pk
    }


def facts(child, code, today=TODAY):
    found = [f for f in RULES.evaluate([child.pk], today) if f.rule.code == code]
    assert found, f"{code} did not fire"
    return {label: value for label, value in found[0].facts}


# -- not_measured ----------------------------------------------------------------------------


def test_a_child_never_measured_is_flagged_92_days_after_entering(vichet) -> None:
    # Inside since 10 January: 92 days later is 12 April; flagged from 13 April.
    assert "not_measured" not in fired(vichet, dt.date(2026, 4, 12))
    assert "not_measured" in fired(vichet, dt.date(2026, 4, 13))
    got = facts(vichet, "not_measured", dt.date(2026, 4, 13))
    assert got["Inside since"] == {"date": "2026-01-10"}


def test_a_child_measured_in_the_last_three_months_is_not_flagged(sokha, vichet) -> None:
    measure(vichet, sokha, dt.date(2026, 3, 1), weight_kg=10.0)
    # 1 March + 92 days = 1 June.
    assert "not_measured" not in fired(vichet, dt.date(2026, 6, 1))
    assert "not_measured" in fired(vichet, dt.date(2026, 6, 2))
    got = facts(vichet, "not_measured", dt.date(2026, 6, 2))
    assert got["Latest measurement"] == {"date": "2026-03-01"}


def test_a_child_outside_is_never_flagged_for_measurements(dara_child) -> None:
    assert fired(dara_child, dt.date(2027, 1, 1)) == {}


# -- growth ----------------------------------------------------------------------------------
# WHO weight-for-age, boys 14 months: -3 SD 7.2 kg, -2 SD 8.1 kg, median 10.1 kg
# (13 months: 7.1, 7.9, 9.9). Vichet is 13.9 months old on 15 March.


def test_a_z_score_below_minus_3_is_danger(sokha, vichet) -> None:
    measure(vichet, sokha, dt.date(2026, 3, 15), weight_kg=7.0)
    codes = fired(vichet)
    assert "growth_below_3sd" in codes and "growth_below_2sd" not in codes
    assert Finding.objects.filter(child=vichet, rule_code="growth_below_3sd", priority=0).exists()


def test_a_z_score_between_minus_3_and_minus_2_is_a_warning(sokha, vichet) -> None:
    measure(vichet, sokha, dt.date(2026, 3, 15), weight_kg=7.8)
    codes = fired(vichet)
    assert "growth_below_2sd" in codes and "growth_below_3sd" not in codes
    label = "Weight-for-age"
    assert label in facts(vichet, "growth_below_2sd")


def test_a_normal_measurement_raises_no_growth_flag(sokha, vichet) -> None:
    measure(vichet, sokha, dt.date(2026, 3, 15), weight_kg=10.1, length_cm=77.0)
    assert not {"growth_below_2sd", "growth_below_3sd"} & set(fired(vichet))


def test_muac_of_125_mm_or_less_is_a_warning_and_under_115_danger(sokha, vichet) -> None:
    measure(vichet, sokha, dt.date(2026, 3, 15), muac_mm=125)
    assert "growth_below_2sd" in fired(vichet)
    measure(vichet, sokha, dt.date(2026, 3, 16), muac_mm=126)
    assert not {"growth_below_2sd", "growth_below_3sd"} & set(fired(vichet))
    measure(vichet, sokha, dt.date(2026, 3, 17), muac_mm=114)
    assert "growth_below_3sd" in fired(vichet)
    assert facts(vichet, "growth_below_3sd")["MUAC (mm)"] == {"number": 114}


def test_muac_is_not_judged_under_6_months(sokha, siem_reap) -> None:
    from komar.conftest import child_inside, register

    mother = register(sokha, siem_reap, children=[child_inside(born=dt.date(2025, 11, 1))])
    baby = inside(mother)
    measure(baby, sokha, dt.date(2026, 3, 15), muac_mm=110)  # 134 days old
    assert not {"growth_below_2sd", "growth_below_3sd"} & set(fired(baby))


def test_oedema_is_danger(sokha, vichet) -> None:
    measure(vichet, sokha, dt.date(2026, 3, 15), length_cm=77.0, oedema=True)
    assert "growth_below_3sd" in fired(vichet)


def test_an_implausible_z_score_is_not_a_flag(sokha, vichet) -> None:
    # 3.5 kg at 14 months: weight-for-age far below -6, a mistyped weight.
    m = measure(vichet, sokha, dt.date(2026, 3, 15), weight_kg=3.5)
    assert m.implausible == ["wfa"] and m.lowest_z is None
    assert not {"growth_below_2sd", "growth_below_3sd"} & set(fired(vichet))


def test_only_the_latest_measurement_counts(sokha, vichet) -> None:
    measure(vichet, sokha, dt.date(2026, 2, 1), weight_kg=7.0)
    measure(vichet, sokha, dt.date(2026, 3, 15), weight_kg=10.1)
    assert not {"growth_below_2sd", "growth_below_3sd"} & set(fired(vichet))


# -- immunisation_overdue ---------------------------------------------------------------------

FIRST_YEAR = [
    ("bcg", 1),
    ("hepb", 1),
    ("bopv", 1),
    ("bopv", 2),
    ("bopv", 3),
    ("penta", 1),
    ("penta", 2),
    ("penta", 3),
    ("pcv", 1),
    ("pcv", 2),
    ("pcv", 3),
    ("ipv", 1),
    ("mr", 1),
    ("je", 1),
]


def test_every_dose_past_its_grace_and_not_given_is_overdue(vichet) -> None:
    # At 429 days every dose but MR 2 (548 days) is past its age and grace: 14 overdue; the
    # oldest was due at birth.
    got = facts(vichet, "immunisation_overdue")
    assert got["Doses overdue"] == {"number": 14}
    assert got["Oldest due on"] == {"date": "2025-01-15"}


def test_no_flag_once_every_dose_due_is_given(sokha, vichet) -> None:
    for slug, number in FIRST_YEAR:
        give(vichet, sokha, slug, number, dt.date(2026, 3, 1))
    assert "immunisation_overdue" not in fired(vichet)
    # MR 2 is due at 548 days (17 July 2026), overdue from 15 August (548 + 28 + 1 days).
    assert "immunisation_overdue" not in fired(vichet, dt.date(2026, 8, 14))
    assert "immunisation_overdue" in fired(vichet, dt.date(2026, 8, 15))


def test_a_child_outside_is_not_flagged_for_immunisations(dara_child) -> None:
    assert "immunisation_overdue" not in fired(dara_child)


# -- milestone_late ----------------------------------------------------------------------------


def test_milestones_past_the_window_are_flagged(vichet) -> None:
    # At 14.1 months the windows of sitting (9.2), standing with assistance (11.4),
    # crawling (13.5) and walking with assistance (13.7) have closed.
    got = facts(vichet, "milestone_late")
    assert got["Milestones"] == {
        "msgs": [
            "Sitting without support",
            "Standing with assistance",
            "Hands-and-knees crawling",
            "Walking with assistance",
        ]
    }


def test_no_milestone_flag_once_they_are_achieved(sokha, vichet) -> None:
    for kind in ("sitting", "standing_assisted", "crawling", "walking_assisted"):
        achieve(vichet, sokha, kind, dt.date(2025, 12, 1))
    assert "milestone_late" not in fired(vichet)
    # Standing alone closes at 16.9 months: 15 January 2025 + 514 days = 13 June 2026.
    assert "milestone_late" not in fired(vichet, dt.date(2026, 6, 13))
    assert "milestone_late" in fired(vichet, dt.date(2026, 6, 14))


# -- no_health_check ---------------------------------------------------------------------------


def test_no_health_check_14_days_after_entering(vichet) -> None:
    assert "no_health_check" not in fired(vichet, dt.date(2026, 1, 24))
    assert "no_health_check" in fired(vichet, dt.date(2026, 1, 25))
    got = facts(vichet, "no_health_check", dt.date(2026, 1, 25))
    assert got == {"Inside since": {"date": "2026-01-10"}, "Days allowed": {"number": 14}}


def test_a_health_check_since_entering_clears_it(sokha, vichet) -> None:
    check(vichet, sokha, dt.date(2026, 1, 12))
    assert "no_health_check" not in fired(vichet)


def test_a_health_check_before_this_stay_does_not_count(sokha, vichet) -> None:
    check(vichet, sokha, dt.date(2025, 12, 1))
    assert "no_health_check" in fired(vichet)


def test_a_child_outside_needs_no_admission_check(dara_child) -> None:
    assert "no_health_check" not in fired(dara_child)
