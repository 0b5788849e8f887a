"""The full lists behind the legal part of "My work" (hearings, women to screen, court reports
to finish or review, applications waiting for a decision), and a facility's legal page: month
by month, the screenings, the measures chosen and the applications, as a table and as a bar
chart drawn here as SVG (no script)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from komar.accounts.models import User
from komar.audit.actions import do_log_list_view
from komar.cases.access import require_case_reader
from komar.legal import queries
from komar.legal.models import Measure
from komar.legal.queries import FacilityFigures
from komar.lib.http import client_ip


def _paged(
    request: HttpRequest,
    user: User,
    name: str,
    template: str,
    queryset: QuerySet[Any],
    **context: Any,
) -> HttpResponse:
    """A page of a list of women's records, its opening audited as a list view."""
    page = Paginator(queryset, settings.KOMAR_CASES_PER_PAGE).get_page(request.GET.get("page"))
    do_log_list_view(actor=user, name=name, shown=page.paginator.count, ip=client_ip(request))
    return render(request, template, {"page": page, **context})


@login_required
@require_GET
def hearing_list(request: HttpRequest) -> HttpResponse:
    """Every hearing of the next two weeks on the cases she can see, the soonest first."""
    user = require_case_reader(request)
    today = timezone.localdate()
    hearings = queries.hearings_ahead(user, today)
    return _paged(
        request, user, "legal:hearings", "legal/work/hearing_list.html", hearings, today=today
    )


@login_required
@require_GET
def to_screen_list(request: HttpRequest) -> HttpResponse:
    """Every woman she can see who should be screened and has not been, the longest held
    first."""
    user = require_case_reader(request)
    today = timezone.localdate()
    women = queries.women_to_screen(user, today)
    return _paged(
        request, user, "legal:to_screen", "legal/work/to_screen_list.html", women, today=today
    )


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """Every court report of hers still in draft, those returned to her first."""
    user = require_case_reader(request)
    reports = queries.reports_to_finish(user)
    return _paged(request, user, "legal:reports", "legal/work/report_list.html", reports)


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """Every court report of her organisation waiting for her review (a supervisor's)."""
    user = require_case_reader(request)
    reports = queries.reports_to_review(user)
    return _paged(request, user, "legal:reviews", "legal/work/review_list.html", reports)


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """Every application waiting for the court's decision, the longest waiting first."""
    user = require_case_reader(request)
    applications = queries.applications_pending(user, timezone.localdate())
    return _paged(
        request, user, "legal:applications", "legal/work/application_list.html", applications
    )


# The facility's legal page.


def _require_overseer(request: HttpRequest) -> User:
    """A supervisor, an administrator or a facility monitor (403 for any other role). Not a
    case reader: the monitor reads no file, and the pages hold counts only."""
    user = request.user
    assert isinstance(user, User), "the facility pages require login"
    if not user.is_active or user.role not in queries.FACILITY_PAGE_ROLES:
        raise PermissionDenied
    return user


@login_required
@require_GET
def facility_choice(request: HttpRequest) -> HttpResponse:
    """The facilities whose legal page she may open; straight to it when there is one."""
    user = _require_overseer(request)
    facilities = list(queries.facilities_for(user))
    if len(facilities) == 1:
        return redirect("legal:facility_page", code=facilities[0].code)
    return render(request, "legal/work/facility_choice.html", {"facilities": facilities})


@dataclass(frozen=True)
class Series:
    key: str
    label: Any
    colour: str


# Okabe and Ito's colours, told apart with any colour vision, each at least 3:1 on white.
SERIES = (
    Series("screened", _("Women screened"), "#0072B2"),
    Series("filed", _("Applications filed"), "#D55E00"),
    Series("granted", _("Granted"), "#009E73"),
    Series("refused", _("Refused"), "#CC79A7"),
)

# The chart's geometry, in the SVG's own units (it scales to the width of its box).
CHART_WIDTH = 448
LABEL_WIDTH = 80  # the months, on the left
LABEL_GAP = 6
TICK_LABEL_DROP = 16
RIGHT_MARGIN = 24
BAR_HEIGHT = 6
BAR_GAP = 1
ROW_GAP = 8
AXIS_HEIGHT = 28
NICE_STEPS = (1, 2, 5)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: Any
    value: int


@dataclass(frozen=True)
class Row:
    month: Any
    y: float  # the middle of the month's bars
    bars: list[Bar]


@dataclass(frozen=True)
class Tick:
    x: float
    value: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_bottom: float
    label_x: int  # where the months' labels end
    tick_label_y: float
    rows: list[Row]
    ticks: list[Tick]
    series: tuple[Series, ...]
    empty: bool


def nice_top(largest: int) -> tuple[int, int]:
    """The end of the value axis and the step between its ticks: a 1, 2 or 5 step giving at
    most five ticks past zero, the axis ending on a tick at or past the largest value."""
    largest = max(largest, 1)
    magnitude = 1
    while True:
        for step in NICE_STEPS:
            candidate = step * magnitude
            if largest <= candidate * 5:
                top = -(-largest // candidate) * candidate
                return top, candidate
        magnitude *= 10


def bar_chart(figures: FacilityFigures) -> Chart:
    """Horizontal bars, one group per month (the oldest at the top, as in the table), one bar
    per series."""
    values = [[getattr(m, s.key) for s in SERIES] for m in figures.months]
    top, step = nice_top(max((v for row in values for v in row), default=0))
    plot_width = CHART_WIDTH - LABEL_WIDTH - RIGHT_MARGIN
    group = len(SERIES) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    rows = []
    y = float(ROW_GAP)
    for month, row in zip(figures.months, values, strict=True):
        bars = []
        for index, (series, value) in enumerate(zip(SERIES, row, strict=True)):
            bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=y + index * (BAR_HEIGHT + BAR_GAP),
                    width=round(plot_width * value / top, 1),
                    height=BAR_HEIGHT,
                    colour=series.colour,
                    label=series.label,
                    value=value,
                )
            )
        rows.append(Row(month.month, y + group / 2, bars))
        y += group + ROW_GAP
    ticks = [
        Tick(round(LABEL_WIDTH + plot_width * value / top, 1), value)
        for value in range(0, top + 1, step)
    ]
    return Chart(
        width=CHART_WIDTH,
        height=round(y + AXIS_HEIGHT),
        plot_left=LABEL_WIDTH,
        plot_bottom=y,
        label_x=LABEL_WIDTH - LABEL_GAP,
        tick_label_y=y + TICK_LABEL_DROP,
        rows=rows,
        ticks=ticks,
        series=SERIES,
        empty=not any(v for row in values for v in row),
    )


@dataclass(frozen=True)
class Cell:
    """A count in the tables, marked small under `queries.SMALL_COUNT` (zero is not)."""

    value: int

    @property
    def small(self) -> bool:
        return queries.is_small(self.value)


def month_table(figures: FacilityFigures) -> list[tuple[Any, list[Cell]]]:
    """A row per month (then the twelve months together, as `None`): the women screened, the
    measures proposed, the applications filed, granted and refused."""
    totals = figures.totals
    rows = []
    for m in [*figures.months, totals]:
        cells = [Cell(v) for v in (m.screened, m.proposed, m.filed, m.granted, m.refused)]
        rows.append((m.month if m is not totals else None, cells))
    return rows


def measure_table(figures: FacilityFigures) -> list[tuple[Any, list[Cell], Cell]]:
    """A row per measure: how many screenings chose it, each month and in all."""
    rows = []
    for code, label in Measure.choices:
        counts = [m.measures[code] for m in figures.months]
        rows.append((label, [Cell(c) for c in counts], Cell(sum(counts))))
    return rows


@login_required
@require_GET
def facility_page(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """One facility's legal work over the last twelve months, counted over the women in her
    scope only (for a facility monitor, those held or last held in her facilities); aggregated
    counts, no names, no links to a file. Audited as a list view."""
    user = _require_overseer(request)
    facility = queries.facilities_for(user).filter(code=code).first()
    if facility is None:
        raise Http404
    today = timezone.localdate()
    figures = queries.facility_figures(user, facility, today)
    others = [f for f in queries.facilities_for(user) if f.pk != facility.pk]
    do_log_list_view(
        actor=user,
        name=f"legal:facility:{facility.pk}",
        shown=figures.women,
        ip=client_ip(request),
    )
    return render(
        request,
        "legal/work/facility_page.html",
        {
            "facility": facility,
            "figures": figures,
            "chart": bar_chart(figures),
            "months": month_table(figures),
            "measures": measure_table(figures),
            "others": others,
            "today": today,
            "small_count": queries.SMALL_COUNT,
        },
    )
