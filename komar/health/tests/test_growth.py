"""WHO 2006 z-scores against WHO's own published values.

WHO's z-score tables give, for an age (or a length), the measurement at -3 … +3 SD rounded to
one decimal. A published value p for k SD means the curve at k lies within p +/- 0.05, so the
z-score of p - 0.05 is at most k and that of p + 0.05 at least k: `assert_on_curve` checks
exactly that. Age in months is converted as WHO does (days = months x 30.4375, rounded); the
month tables are computed at the exact age (182.6 days for 6 months) and ours at whole days, so
0.01 SD of slack is allowed for that half day.

Sources of the expected values (each test names its own):
- [WFA], [HCFA], [LFA0]: WHO Child Growth Standards, "Weight-for-age", "Head circumference-for-
  age" and "Length/height-for-age" z-score tables, boys and girls, birth to 5 years
  (https://www.who.int/tools/child-growth-standards/standards), as transcribed in
  github.com/DrRhea/xera-helmigrow, data/whoStandards.ts (rows checked here).
- [IDN]: the same WHO tables (weight-for-age girls, length-for-age boys) as reproduced in
  Indonesia's anthropometry standard (Permenkes 2/2020) database dumps in the search index
  (code files 34470338688 and 25318736267).
- [HFA24]: WHO "Height-for-age BOYS 2 to 5 years (z-scores)", 24 months: 78.0 81.0 84.1 87.1
  90.2 93.2 96.3, as quoted in a public test file of the search index (code file 70946738706).
- [WFL], [WFH]: WHO "Weight-for-length" (45-110 cm) and "Weight-for-height" (65-120 cm) z-score
  tables, as reproduced in Indonesia's anthropometry standard (Permenkes 2/2020) database dumps
  in the search index (code files 25318736267 boys wfl, 34470338688 girls wfl, 8993703553 boys wfh).
- [BMI]: WHO "BMI-for-age BOYS birth to 2 years (z-scores)", months 0-8, same dumps
  (34470338688, 10777615665).
- [ANTHRO]: the expected values of WHO's own `anthro` R package tests
  (github.com/WorldHealthOrganization/anthro, tests/testthat/test-zscore-*.R).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from komar.health.growth import Result, compute, lms_at_age, z_of

Z = (-3, -2, -1, 0, 1, 2, 3)


def score(result: Result, indicator: str) -> float:
    value = getattr(result, indicator)
    assert value is not None, indicator
    return float(value)


def days(months: int) -> int:
    return round(months * 30.4375)


def assert_on_curve(
    z_of_value: Callable[[float], float | None], published: tuple[float, ...]
) -> None:
    for k, p in zip(Z, published, strict=True):
        low, high = z_of_value(p - 0.05), z_of_value(p + 0.05)
        assert low is not None and high is not None
        assert low - 0.01 <= k <= high + 0.01, (k, p, low, high)


# [WFA] months: (-3 … +3 SD) in kg.
WFA_BOYS = {
    0: (2.1, 2.5, 2.9, 3.3, 3.9, 4.4, 5.0),
    6: (5.7, 6.4, 7.1, 7.9, 8.8, 9.8, 10.9),
    12: (6.9, 7.7, 8.6, 9.6, 10.8, 12.0, 13.3),
    24: (8.6, 9.7, 10.8, 12.2, 13.6, 15.3, 17.1),
    36: (10.0, 11.3, 12.7, 14.3, 16.2, 18.3, 20.7),
    48: (11.2, 12.7, 14.4, 16.3, 18.6, 21.2, 24.2),
    60: (12.4, 14.1, 16.0, 18.3, 21.0, 24.2, 27.9),
}
# [WFA] girls at birth; [IDN] girls at 6, 8, 12 and 16 months.
WFA_GIRLS = {
    0: (2.0, 2.4, 2.8, 3.2, 3.7, 4.2, 4.8),
    6: (5.1, 5.7, 6.5, 7.3, 8.2, 9.3, 10.6),
    8: (5.6, 6.3, 7.0, 7.9, 9.0, 10.2, 11.6),
    12: (6.3, 7.0, 7.9, 8.9, 10.1, 11.5, 13.1),
    16: (6.9, 7.7, 8.7, 9.8, 11.1, 12.6, 14.5),
}
# [HCFA] months: (-3 … +3 SD) in cm.
HCFA = {
    ("male", 0): (30.7, 31.9, 33.2, 34.5, 35.7, 37.0, 38.3),
    ("male", 12): (42.2, 43.5, 44.8, 46.1, 47.4, 48.6, 49.9),
    ("male", 24): (44.2, 45.5, 46.9, 48.3, 49.6, 51.0, 52.3),
    ("male", 36): (45.2, 46.6, 48.0, 49.5, 50.9, 52.3, 53.7),
    ("male", 60): (46.3, 47.7, 49.2, 50.7, 52.2, 53.7, 55.2),
    ("female", 0): (30.3, 31.5, 32.7, 33.9, 35.1, 36.2, 37.4),
    ("female", 12): (40.8, 42.2, 43.5, 44.9, 46.3, 47.6, 49.0),
}
# [LFA0] length (lying) at birth; [IDN] boys at 10, 12 and 14 months.
LFA = {
    ("male", 0): (44.2, 46.1, 48.0, 49.9, 51.8, 53.7, 55.6),
    ("male", 10): (66.4, 68.7, 71.0, 73.3, 75.6, 77.9, 80.1),
    ("male", 12): (68.6, 71.0, 73.4, 75.7, 78.1, 80.5, 82.9),
    ("male", 14): (70.6, 73.1, 75.6, 78.0, 80.5, 83.0, 85.5),
    ("female", 0): (43.6, 45.4, 47.3, 49.1, 51.0, 52.9, 54.7),
}
# [WFL] length in cm (a child under 2): (-3 … +3 SD) in kg.
WFL = {
    ("male", 45.0): (1.9, 2.0, 2.2, 2.4, 2.7, 3.0, 3.3),
    ("male", 50.0): (2.6, 2.8, 3.0, 3.3, 3.6, 4.0, 4.4),
    ("male", 52.5): (3.0, 3.3, 3.6, 3.9, 4.2, 4.6, 5.1),
    ("female", 45.0): (1.9, 2.1, 2.3, 2.5, 2.7, 3.0, 3.3),
    ("female", 48.0): (2.3, 2.5, 2.7, 3.0, 3.3, 3.6, 4.0),
    ("female", 50.0): (2.6, 2.8, 3.1, 3.4, 3.7, 4.0, 4.5),
}
# [WFH] height in cm (a boy of 2 years or more), standing.
WFH_BOYS = {
    86.0: (9.4, 10.2, 11.0, 11.9, 12.9, 14.1, 15.4),
    87.0: (9.6, 10.4, 11.2, 12.2, 13.2, 14.4, 15.7),
    88.5: (9.9, 10.7, 11.6, 12.5, 13.6, 14.8, 16.1),
}
# [BMI] boys, months: (-3 … +3 SD) in kg/m2.
BMI_BOYS = {
    0: (10.2, 11.1, 12.2, 13.4, 14.8, 16.3, 18.1),
    2: (12.5, 13.7, 15.0, 16.3, 17.8, 19.4, 21.1),
    5: (13.5, 14.7, 15.9, 17.3, 18.8, 20.5, 22.3),
}


@pytest.mark.parametrize("months", sorted(WFA_BOYS))
def test_weight_for_age_of_boys_matches_who_tables(months) -> None:
    assert_on_curve(
        lambda kg: compute(sex="male", age_days=days(months), weight_kg=kg).wfa,
        WFA_BOYS[months],
    )


@pytest.mark.parametrize("months", sorted(WFA_GIRLS))
def test_weight_for_age_of_girls_matches_who_tables(months) -> None:
    assert_on_curve(
        lambda kg: compute(sex="female", age_days=days(months), weight_kg=kg).wfa,
        WFA_GIRLS[months],
    )


@pytest.mark.parametrize(("sex", "months"), sorted(HCFA))
def test_head_circumference_for_age_matches_who_tables(sex, months) -> None:
    assert_on_curve(
        lambda cm: compute(sex=sex, age_days=days(months), head_cm=cm).hcfa,
        HCFA[(sex, months)],
    )


@pytest.mark.parametrize(("sex", "months"), sorted(LFA))
def test_length_for_age_matches_who_tables(sex, months) -> None:
    assert_on_curve(
        lambda cm: compute(sex=sex, age_days=days(months), length_cm=cm, lying=True).lhfa,
        LFA[(sex, months)],
    )


def test_height_for_age_at_two_years_standing_matches_who_tables() -> None:
    # [HFA24] 24 months measured standing is day 731: the height table, no adjustment.
    assert_on_curve(
        lambda cm: compute(sex="male", age_days=731, length_cm=cm, lying=False).lhfa,
        (78.0, 81.0, 84.1, 87.1, 90.2, 93.2, 96.3),
    )


def test_a_child_of_two_measured_lying_loses_0_7_cm() -> None:
    # [HFA24]: the median height at 24 months is 87.1 cm; lying, the same child measures
    # 0.7 cm more, so 87.8 cm lying at 731 days is the median (-0.7 cm).
    lying = compute(sex="male", age_days=731, length_cm=87.8, lying=True)
    assert lying.length_cm == pytest.approx(87.1)
    standing = compute(sex="male", age_days=731, length_cm=87.1, lying=False)
    assert lying.lhfa == standing.lhfa
    assert abs(standing.lhfa) <= 0.02


def test_a_child_under_two_measured_standing_gains_0_7_cm() -> None:
    # [LFA0] median length at 1 month, boys: 54.7 cm; measured standing, 54.0 cm + 0.7.
    standing = compute(sex="male", age_days=days(1), length_cm=54.0, lying=False)
    assert standing.length_cm == pytest.approx(54.7)
    lying = compute(sex="male", age_days=days(1), length_cm=54.7, lying=True)
    assert standing.lhfa == lying.lhfa
    assert abs(lying.lhfa) <= 0.03


@pytest.mark.parametrize(("sex", "cm"), sorted(WFL))
def test_weight_for_length_matches_who_tables(sex, cm) -> None:
    # A child under two: the weight-for-length table, her length as measured (lying).
    assert_on_curve(
        lambda kg: compute(sex=sex, age_days=200, weight_kg=kg, length_cm=cm, lying=True).wflh,
        WFL[(sex, cm)],
    )


@pytest.mark.parametrize("cm", sorted(WFH_BOYS))
def test_weight_for_height_matches_who_tables(cm) -> None:
    # A boy of three: the weight-for-height table, standing.
    assert_on_curve(
        lambda kg: compute(sex="male", age_days=1100, weight_kg=kg, length_cm=cm, lying=False).wflh,
        WFH_BOYS[cm],
    )


def test_weight_for_length_is_interpolated_between_tenths_of_a_centimetre() -> None:
    # WHO interpolates L, M and S between 87.0 and 87.1 cm; 87.05 lies between their z-scores.
    at = [
        score(compute(sex="male", age_days=1100, weight_kg=12.2, length_cm=cm, lying=False), "wflh")
        for cm in (87.0, 87.05, 87.1)
    ]
    assert at[0] >= at[1] >= at[2]
    assert at[0] != at[2]


@pytest.mark.parametrize("months", sorted(BMI_BOYS))
def test_bmi_for_age_matches_who_tables(months) -> None:
    def z(bmi: float) -> float:
        # A boy whose weight over (length in m)² is `bmi`, measured lying as a baby.
        length = 60.0
        weight = bmi * (length / 100) ** 2
        return score(
            compute(
                sex="male", age_days=days(months), weight_kg=weight, length_cm=length, lying=True
            ),
            "bmi",
        )

    assert_on_curve(z, BMI_BOYS[months])


def test_weight_for_age_of_a_girl_as_who_anthro_computes_it() -> None:
    # [ANTHRO] anthro_zscore_weight_for_age(17, 1522, ..., sex = 2) == 0.24
    assert compute(sex="female", age_days=1522, weight_kg=17).wfa == 0.24


def test_length_for_age_beyond_minus_3_is_not_restricted() -> None:
    # [ANTHRO] anthro_zscore_length_for_age(50, 44, ..., 1) == round(((50 / 56.4833) - 1) /
    # 0.03492, 2): the plain LMS value even beyond -3 SD (-3.29).
    assert compute(sex="male", age_days=44, length_cm=50, lying=True).lhfa == -3.29
    assert lms_at_age("lfa", "male", 44) == (1.0, 56.4833, 0.03492)


def test_weight_for_age_beyond_plus_3_uses_the_restricted_method() -> None:
    # Boys at birth, WHO's LMS (weight-for-age table, month 0): L 0.3487, M 3.3464, S 0.14602.
    # By hand: SD3 = 3.3464 x (1 + 0.3487 x 0.14602 x 3)^(1/0.3487) = 5.0306 kg,
    # SD2 = 4.4193 kg; z* = 3 + (5.6 - 5.0306) / (5.0306 - 4.4193) = 3.93.
    # The unrestricted LMS value would be ((5.6/3.3464)^0.3487 - 1)/(0.3487 x 0.14602) = 3.86.
    assert lms_at_age("wfa", "male", 0) == (0.3487, 3.3464, 0.14602)
    assert compute(sex="male", age_days=0, weight_kg=5.6).wfa == 3.93
    assert round(z_of(5.6, (0.3487, 3.3464, 0.14602), restricted=False), 2) == 3.86


def test_weight_for_age_below_minus_3_uses_the_restricted_method() -> None:
    # [WFA] boys, 12 months: -3 SD 6.9 kg, -2 SD 7.7 kg. Beyond -3 SD each kilogram counts
    # 1 / (SD2 - SD3) SD: 6.0 kg is about -3 - 0.9/0.8 = -4.13 (the table's rounding allows
    # +/-0.1).
    assert -4.25 <= score(compute(sex="male", age_days=days(12), weight_kg=6.0), "wfa") <= -4.0


def test_weight_for_length_below_minus_3_uses_the_restricted_method() -> None:
    # [WFL] boys 50 cm: -3 SD 2.6, -2 SD 2.8: 2.4 kg is about -3 - 0.2/0.2 = -4 (+/-0.35 for
    # the rounding of the table).
    low = compute(sex="male", age_days=100, weight_kg=2.4, length_cm=50, lying=True)
    assert -4.35 <= score(low, "wflh") <= -3.65


def test_who_flags_implausible_values() -> None:
    # [ANTHRO] a girl of 1 day weighing 10.37 kg is flagged (weight-for-age above +5), and so
    # is a BMI of 25 at 1 day.
    heavy = compute(sex="female", age_days=1, weight_kg=10.37)
    assert "wfa" in heavy.implausible
    assert heavy.plausible("wfa") is None
    bmi = 25.0
    baby = compute(sex="female", age_days=1, weight_kg=bmi * 0.5**2, length_cm=50, lying=True)
    assert "bmi" in baby.implausible


def test_the_flags_have_who_limits_for_each_indicator() -> None:
    # Length-for-age +5.5 SD is plausible (limit +6); weight-for-age +5.5 SD is not (limit +5).
    # Boys at birth, WHO's LMS: length L 1, M 49.8842, S 0.03795.
    length = 49.8842 * (1 + 0.03795 * 5.5)
    tall = compute(sex="male", age_days=0, length_cm=length, lying=True)
    assert tall.lhfa == 5.5 and "lhfa" not in tall.implausible
    short = compute(sex="male", age_days=0, length_cm=49.8842 * (1 - 0.03795 * 6.2), lying=True)
    assert "lhfa" in short.implausible
    # Weight-for-age about -5.75 is plausible (limit -6).
    light = compute(sex="male", age_days=days(12), weight_kg=4.7)
    assert -6 <= score(light, "wfa") < -5 and "wfa" not in light.implausible


def test_oedema_leaves_the_weight_based_z_scores_out() -> None:
    r = compute(sex="male", age_days=400, weight_kg=8, length_cm=72, lying=True, oedema=True)
    assert (r.wfa, r.wflh, r.bmi) == (None, None, None)
    assert r.lhfa is not None


def test_no_z_score_at_60_months_or_more() -> None:
    assert compute(sex="male", age_days=1827, weight_kg=18).wfa is None
    assert compute(sex="male", age_days=1825, weight_kg=18).wfa is not None


def test_weight_for_length_switches_to_weight_for_height_at_731_days() -> None:
    # 731 days standing 87 cm: [WFH] boys 87 cm, median 12.2 kg.
    assert (
        abs(compute(sex="male", age_days=731, weight_kg=12.2, length_cm=87, lying=False).wflh)
        < 0.05
    )
    # 730 days lying 87 cm: the weight-for-length table, not the weight-for-height one.
    lying = compute(sex="male", age_days=730, weight_kg=12.2, length_cm=87, lying=True)
    assert score(lying, "wflh") > 0.1
