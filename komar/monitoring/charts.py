"""Column charts drawn here as SVG geometry (the template `monitoring/_chart.html` draws them,
no script): one group of columns per period, one column per series, a value axis with 1-2-5
ticks. The same figures are always in a table beside the chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# Okabe and Ito's colours, told apart with any colour vision, each at least 3:1 on white.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")

WIDTH = 448
LEFT = 36  # the value axis' labels
RIGHT = 8
TOP = 8
PLOT_HEIGHT = 140
BOTTOM = 34  # the periods' labels
GROUP_GAP = 0.3  # of a group's width


@dataclass(frozen=True)
class Series:
    label: Any
    values: Sequence[float | int | Decimal | None]  # None: nothing recorded for that period


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: Any
    value: Any


@dataclass(frozen=True)
class Group:
    label: str
    x: float  # its middle
    columns: list[Column]


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_bottom: int
    label_y: int
    groups: list[Group]
    ticks: list[Tick]
    legend: list[tuple[Any, str]]
    empty: bool
    suffix: str


def nice_top(largest: float) -> tuple[int, int]:
    """The axis' end and its step: a 1, 2 or 5 step giving at most five ticks past zero, the axis
    ending on a tick at or past the largest value."""
    largest = max(float(largest), 1.0)
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            candidate = step * magnitude
            if largest <= candidate * 5:
                top = -int(-largest // candidate) * candidate
                return top, candidate
        magnitude *= 10


def column_chart(
    labels: Sequence[str], series: Sequence[Series], *, top: int | None = None, suffix: str = ""
) -> Chart:
    """Columns for each label (a period) and series; `top` fixes the axis (100 for a share)."""
    values = [float(v) for s in series for v in s.values if v is not None]
    if top is None:
        top, step = nice_top(max(values, default=0))
    else:
        step = max(top // 5, 1)
    plot_left, plot_right = LEFT, WIDTH - RIGHT
    plot_bottom = TOP + PLOT_HEIGHT
    group_width = (plot_right - plot_left) / max(len(labels), 1)
    column_width = group_width * (1 - GROUP_GAP) / max(len(series), 1)
    groups = []
    for index, label in enumerate(labels):
        left = plot_left + index * group_width + group_width * GROUP_GAP / 2
        columns = []
        for n, s in enumerate(series):
            value = s.values[index]
            if value is None:
                continue
            height = round(PLOT_HEIGHT * float(value) / top, 1)
            columns.append(
                Column(
                    x=round(left + n * column_width, 1),
                    y=round(plot_bottom - height, 1),
                    width=round(column_width, 1),
                    height=height,
                    colour=COLOURS[n % len(COLOURS)],
                    label=s.label,
                    value=value,
                )
            )
        groups.append(Group(label, round(plot_left + (index + 0.5) * group_width, 1), columns))
    ticks = [
        Tick(round(plot_bottom - PLOT_HEIGHT * value / top, 1), value)
        for value in range(0, top + 1, step)
    ]
    return Chart(
        width=WIDTH,
        height=plot_bottom + BOTTOM,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_bottom=plot_bottom,
        label_y=plot_bottom + 16,
        groups=groups,
        ticks=ticks,
        legend=[(s.label, COLOURS[n % len(COLOURS)]) for n, s in enumerate(series)],
        empty=not any(values),
        suffix=suffix,
    )
