"""Horizontal bar charts with 95% intervals, drawn as inline SVG on the page (no script) and
with matplotlib for the PDF (it shapes Khmer through libraqm)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

WIDTH = 460
LABEL = 190
RIGHT = 44  # room for the share written after the interval
BAR = 12
GAP = 8
AXIS = 26
COLOUR = "#0072B2"  # Okabe and Ito's blue


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    width: float
    low: float
    high: float
    text: str
    suppressed: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_width: int
    bars: list[Bar]
    ticks: list[tuple[float, int]]
    bottom: float


def share_chart(items: list[tuple[str, Any]]) -> Chart:
    """`items`: (label, study.Share); a suppressed share is drawn as no bar, marked."""
    plot = WIDTH - LABEL - RIGHT
    bars = []
    y = float(GAP)
    for label, share in items:
        low, high = share.interval
        hidden = share.suppressed
        bars.append(
            Bar(
                label=label[:34] + ("…" if len(label) > 34 else ""),
                y=y,
                width=0 if hidden else round(plot * share.share, 1),
                low=round(LABEL + plot * low, 1),
                high=round(LABEL + plot * high, 1),
                text="<5" if hidden else f"{share.percent}%",
                suppressed=hidden,
            )
        )
        y += BAR + GAP
    ticks = [(round(LABEL + plot * t / 100, 1), t) for t in (0, 25, 50, 75, 100)]
    return Chart(WIDTH, round(y + AXIS), LABEL, plot, bars, ticks, y)


def share_figure(items: list[tuple[str, Any]], title: str, fmt: str = "svg") -> bytes:
    """The same chart drawn by matplotlib for the PDF: SVG with its text as paths (shaped
    Khmer, no font needed by the PDF renderer), or PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    matplotlib.rcParams["font.family"] = ["Khmer OS Battambang", "Noto Sans Khmer", "DejaVu Sans"]
    matplotlib.rcParams["svg.fonttype"] = "path"
    matplotlib.rcParams["svg.hashsalt"] = "komar"
    labels = [label[:40] for label, _s in items]
    values = [0 if s.suppressed else 100 * s.share for _l, s in items]
    errors = [
        [0 if s.suppressed else max(0.0, 100 * (s.share - s.interval[0])) for _l, s in items],
        [0 if s.suppressed else max(0.0, 100 * (s.interval[1] - s.share)) for _l, s in items],
    ]
    figure, axes = plt.subplots(figsize=(7, 0.35 * len(items) + 1.0), dpi=150)
    positions = list(range(len(items)))[::-1]
    axes.barh(positions, values, xerr=errors, color=COLOUR, ecolor="#1f2933", capsize=2)
    axes.set_yticks(positions, labels, fontsize=7)
    axes.set_xlim(0, 100)
    axes.set_xlabel("%")
    axes.set_title(title, fontsize=9)
    for position, (_l, share) in zip(positions, items, strict=True):
        if share.suppressed:
            axes.text(1, position, "<5", va="center", fontsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
    figure.savefig(buffer, format=fmt, metadata=metadata)
    plt.close(figure)
    return buffer.getvalue()
