"""Classification in words at WHO's cut-offs, and the schedule and milestone arithmetic, on
values worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from komar.health.models import Measurement, Milestone, ScheduleDose
from komar.health.status import classify, dose_states, milestone_states


def m(**values) -> Measurement:
    values.setdefault("age_days", 400)
    values.setdefault("implausible", [])
    return Measurement(measured_on=dt.date(2026, 3, 1), **values)


def codes(measurement) -> list[str]:
    return [f.code for f in classify(measurement)]


@pytest.mark.parametrize(
    ("z", "expected"),
    [(-3.01, ["wfa_severe"]), (-3.0, ["wfa_moderate"]), (-2.01, ["wfa_moderate"]), (-2.0, [])],
)
def test_weight_for_age_cut_offs(z, expected) -> None:
    # Underweight below -2 SD, severely below -3 SD (WHO; NLiS): -2.00 itself is not below.
    assert codes(m(z_wfa=z)) == expected


def test_stunting_wasting_and_overweight_in_words() -> None:
    found = classify(m(z_lhfa=-3.2, z_wflh=-2.4))
    assert [(f.code, str(f.words), f.level) for f in found] == [
        ("lhfa_severe", "Severely stunted", "danger"),
        ("wflh_moderate", "Wasted", "warning"),
    ]
    assert codes(m(z_wflh=2.01)) == ["overweight"]
    assert codes(m(z_wflh=2.0)) == []


def test_the_words_are_in_the_users_language() -> None:
    found = classify(m(z_wfa=-2.5))
    with translation.override("km"):
        # Before the Khmer catalogue has the word it falls back to English; either way the
        # same lazy text the page renders.
        assert str(found[0].words) in {"Underweight", translation.gettext("Underweight")}


@pytest.mark.parametrize(
    ("mm", "age", "expected"),
    [
        (125, 400, ["muac_acute"]),  # ≤ 125 mm at 6-59 months: acute malnutrition
        (126, 400, []),
        (115, 400, ["muac_acute"]),
        (114, 400, ["muac_severe"]),  # < 115 mm: severe
        (110, 182, []),  # under 6 months (183 days): MUAC not judged
        (110, 183, ["muac_severe"]),
        (110, 1826, []),  # 60 months: no longer
    ],
)
def test_muac_cut_offs(mm, age, expected) -> None:
    assert codes(m(muac_mm=mm, age_days=age)) == expected


def test_oedema_is_severe_acute_malnutrition() -> None:
    assert codes(m(oedema=True)) == ["oedema"]


def test_an_implausible_value_is_named_not_classified() -> None:
    found = classify(m(z_wfa=-7.1, implausible=["wfa"]))
    assert [f.code for f in found] == ["wfa_implausible"]
    assert "implausible" in str(found[0].words)


# -- The schedule -------------------------------------------------------------------------------


def dose(slug: str, number: int) -> ScheduleDose:
    return ScheduleDose.objects.get(vaccine__slug=slug, dose_number=number)


@pytest.mark.django_db
def test_the_schedule_arithmetic_from_the_date_of_birth() -> None:
    born = dt.date(2026, 1, 1)
    penta1, bcg, mr1 = dose("penta", 1), dose("bcg", 1), dose("mr", 1)
    # Penta 1 at 6 weeks: 1 January + 42 days = 12 February; overdue 28 days later, from
    # 13 March (day 71).
    assert penta1.due_on(born) == dt.date(2026, 2, 12)
    assert penta1.overdue_from(born) == dt.date(2026, 3, 13)
    # BCG at birth, overdue after 14 days: from 16 January.
    assert bcg.overdue_from(born) == dt.date(2026, 1, 16)
    # MR 1 at 9 months (274 days): 2 October 2026.
    assert mr1.due_on(born) == dt.date(2026, 10, 2)

    def state(on: dt.date, d: ScheduleDose) -> str:
        return next(s.state for s in dose_states(born, [d], [], on) if s.dose == d)

    assert state(dt.date(2026, 1, 12), penta1) == "later"  # 31 days before
    assert state(dt.date(2026, 1, 13), penta1) == "upcoming"  # 30 days before
    assert state(dt.date(2026, 2, 12), penta1) == "due"
    assert state(dt.date(2026, 3, 12), penta1) == "due"
    assert state(dt.date(2026, 3, 13), penta1) == "overdue"


@pytest.mark.django_db
def test_a_dose_given_is_given_whatever_the_date_and_an_inactive_dose_is_left_out() -> None:
    from komar.health.models import Immunisation

    born = dt.date(2025, 1, 1)
    penta1, ipv = dose("penta", 1), dose("ipv", 1)
    given = Immunisation(dose=penta1, given_on=dt.date(2025, 6, 1))
    ipv.is_active = False
    states = {
        s.dose.pk: s.state for s in dose_states(born, [penta1, ipv], [given], dt.date(2026, 1, 1))
    }
    assert states == {penta1.pk: "given"}


@pytest.mark.django_db
def test_the_national_schedule_is_seeded_with_its_source() -> None:
    doses = {(d.vaccine.slug, d.dose_number): d.age_days for d in ScheduleDose.objects.all()}
    assert doses == {
        ("bcg", 1): 0,
        ("hepb", 1): 0,
        ("bopv", 1): 42,
        ("bopv", 2): 70,
        ("bopv", 3): 98,
        ("penta", 1): 42,
        ("penta", 2): 70,
        ("penta", 3): 98,
        ("pcv", 1): 42,
        ("pcv", 2): 70,
        ("pcv", 3): 98,
        ("ipv", 1): 98,
        ("mr", 1): 274,
        ("mr", 2): 548,
        ("je", 1): 274,
    }
    assert all("Cambodia" in d.source for d in ScheduleDose.objects.all())


# -- Milestones ---------------------------------------------------------------------------------


def test_milestone_windows_in_months_of_30_4375_days() -> None:
    born = dt.date(2025, 1, 1)

    # Sitting without support: window 3.8-9.2 months; 9.2 x 30.4375 = 280.0 days, so on day
    # 280 (8 October 2025) it is still in the window, on day 281 late.
    def sitting(on: dt.date, achieved: list[Milestone] = []) -> str:  # noqa: B006
        return next(s.state for s in milestone_states(born, achieved, on) if s.kind == "sitting")

    assert sitting(dt.date(2025, 4, 1)) == "later"  # 90 days: before 3.8 months (115.7 days)
    assert sitting(dt.date(2025, 5, 1)) == "in_window"  # 120 days
    assert sitting(dt.date(2025, 10, 8)) == "in_window"
    assert sitting(dt.date(2025, 10, 9)) == "late"
    late = Milestone(kind="sitting", achieved_on=dt.date(2025, 11, 1))
    on_time = Milestone(kind="sitting", achieved_on=dt.date(2025, 8, 1))
    assert sitting(dt.date(2026, 1, 1), [late]) == "achieved_late"
    assert sitting(dt.date(2026, 1, 1), [on_time]) == "achieved"
