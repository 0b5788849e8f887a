"""A child's growth chart: her measurements on WHO's reference curves from -3 to +3 SD, drawn
here as SVG (no script, no external service). The same drawing is on her health page and in
the printed health record (WeasyPrint renders inline SVG).

Age runs along the bottom in months, from birth to six months past her latest measurement (at
least two years, at most five); the value up the side. The curves are WHO's (`growth.curves`);
length-for-age before two years and height-for-age after are drawn as WHO draws them, the
lying curve up to 730 days and the standing one from 731.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from komar.health import growth
from komar.health.models import Measurement

WIDTH = 360
HEIGHT = 260
LEFT = 40
RIGHT = 12
TOP = 10
BOTTOM = 34
# The curves' colours: -3 and +3 dark red, -2 and +2 red, -1 and +1 grey, the median green.
CURVE_COLOURS = ("#8b1a1a", "#d62728", "#9aa5b1", "#2ca02c", "#9aa5b1", "#d62728", "#8b1a1a")
POINT_COLOUR = "#0b3d91"

TITLES: dict[str, Promise] = {
    "wfa": _("Weight-for-age"),
    "lhfa": _("Length/height-for-age"),
    "hcfa": _("Head circumference-for-age"),
}
UNITS: dict[str, Promise] = {"wfa": _("kg"), "lhfa": _("cm"), "hcfa": _("cm")}


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: str
    on: str  # the date, for the point's tooltip
    z: float | None


@dataclass(frozen=True)
class Chart:
    indicator: str
    title: str | Promise
    unit: str | Promise
    width: int
    height: int
    left: int
    top: int
    plot_right: int
    plot_bottom: int
    curves: list[tuple[str, str, str]]  # (points, colour, label "-2 SD")
    points: list[Point]
    path: str  # the line through her points
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    empty: bool


def _nice_step(span: float, count: int = 5) -> float:
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if raw <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _value(m: Measurement, indicator: str) -> float | None:
    if indicator == "wfa":
        return float(m.weight_kg) if m.weight_kg and not m.oedema else None
    if indicator == "lhfa":
        if not m.length_cm:
            return None
        lying = m.position != Measurement.Position.STANDING
        return growth.standardised_length(m.age_days, float(m.length_cm), lying)
    return float(m.head_cm) if m.head_cm else None


def growth_chart(indicator: str, sex: str, measurements: Sequence[Measurement]) -> Chart:
    """The chart of one indicator ("wfa", "lhfa" or "hcfa") for a child of `sex`."""
    taken = sorted(
        (
            (m, value)
            for m in measurements
            if (value := _value(m, indicator)) is not None and growth.in_age_range(m.age_days)
        ),
        key=lambda pair: pair[0].age_days,
    )
    last_age = max((m.age_days for m, _v in taken), default=0)
    end_days = min(1826, max(730, int(last_age + 183)))
    end_months = math.ceil(end_days / growth.DAYS_PER_MONTH / 6) * 6
    end_days = min(1826, round(end_months * growth.DAYS_PER_MONTH))
    reference = [
        (age, values)
        for age, values in growth.curves(indicator, sex, step_days=15)
        if age <= end_days
    ]
    low = min(min(values) for _a, values in reference)
    high = max(max(values) for _a, values in reference)
    for _m, value in taken:
        low, high = min(low, value), max(high, value)
    step = _nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    plot_right = WIDTH - RIGHT
    plot_bottom = HEIGHT - BOTTOM

    def x(age_days: float) -> float:
        return round(LEFT + (plot_right - LEFT) * age_days / end_days, 1)

    def y(value: float) -> float:
        return round(plot_bottom - (plot_bottom - TOP) * (value - low) / (high - low), 1)

    labels = ["-3", "-2", "-1", "0", "+1", "+2", "+3"]
    curves = []
    for i in range(7):
        line = " ".join(f"{x(age)},{y(values[i])}" for age, values in reference)
        curves.append((line, CURVE_COLOURS[i], labels[i]))
    points = [
        Point(
            x(m.age_days),
            y(value),
            f"{value:.1f}",
            m.measured_on.isoformat(),
            m.z(indicator),
        )
        for m, value in taken
    ]
    month_step = 6 if end_months <= 36 else 12
    x_ticks = [
        Tick(x(round(month * growth.DAYS_PER_MONTH)), str(month))
        for month in range(0, end_months + 1, month_step)
    ]
    y_ticks = []
    value = low
    while value <= high + 1e-9:
        y_ticks.append(Tick(y(value), f"{value:g}"))
        value += step
    return Chart(
        indicator=indicator,
        title=TITLES[indicator],
        unit=UNITS[indicator],
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        top=TOP,
        plot_right=plot_right,
        plot_bottom=plot_bottom,
        curves=curves,
        points=points,
        path=" ".join(f"{p.x},{p.y}" for p in points),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        empty=not points,
    )


def charts_for(sex: str, measurements: Sequence[Measurement]) -> list[Chart]:
    return [growth_chart(indicator, sex, measurements) for indicator in ("wfa", "lhfa", "hcfa")]
