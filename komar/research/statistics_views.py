"""The monthly statistics page, its PDF and its XLSX (aggregates only), and the supervisor's
dashboard."""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from komar.counselling.pdf import render_pdf
from komar.lib.dates import add_months
from komar.research import dashboard, monthly
from komar.research.access import require_statistics_reader, require_supervisor


def _report(request: HttpRequest) -> tuple[monthly.Report, dt.date]:
    user = require_statistics_reader(request)
    today = timezone.localdate()
    month = add_months(today.replace(day=1), -1)  # the last whole month
    raw = request.GET.get("month", "")
    if raw:
        try:
            month = dt.date.fromisoformat(f"{raw}-01")
        except ValueError:
            raise Http404 from None
        if month > today:
            raise Http404
    facility = None
    code = request.GET.get("facility", "")
    if code:
        facility = next((f for f in monthly.facilities_for(user) if str(f.code) == code), None)
        if facility is None:
            raise Http404
    return monthly.report(user, month, today, facility), today


def _trend_chart(report: monthly.Report) -> dict[str, object]:
    values = [m.total("children_inside") for m in report.trend]
    top = max(max(values, default=0), 1)
    width, height, left, bottom = 460, 170, 30, 140
    step = (width - left - 10) / max(len(values), 1)
    bars = []
    for i, (m, v) in enumerate(zip(report.trend, values, strict=True)):
        h = 0 if (report.suppress and 0 < v < 5) else round((bottom - 10) * v / top, 1)
        bars.append(
            {
                "x": round(left + i * step + 2, 1),
                "y": round(bottom - h, 1),
                "w": round(step - 4, 1),
                "h": h,
                "label": m.first,
                "text": report.cell(v),
            }
        )
    return {"width": width, "height": height, "bottom": bottom, "bars": bars, "left": left}


@login_required
@require_GET
def monthly_page(request: HttpRequest) -> HttpResponse:
    report, today = _report(request)
    user = require_statistics_reader(request)
    first = today.replace(day=1)
    months = [add_months(first, -i) for i in range(24)]
    return render(
        request,
        "research/statistics.html",
        {
            "report": report,
            "today": today,
            "chart": _trend_chart(report),
            "query": request.GET.urlencode(),
            "months": months,
            "chosen_month": report.month.first,
            "facilities": monthly.facilities_for(user),
            "chosen_facility": request.GET.get("facility", ""),
            "settled_days": settings.KOMAR_FIGURES_SETTLED_DAYS,
        },
    )


@login_required
@require_GET
def monthly_pdf(request: HttpRequest) -> HttpResponse:
    report, today = _report(request)
    language = request.GET.get("lang") or request.LANGUAGE_CODE
    language = language if language in ("km", "en") else "en"
    pdf = render_pdf(
        "research/statistics_pdf.html",
        {"report": report, "today": today, "chart": _trend_chart(report)},
        language,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="komar-monthly-statistics.pdf"'
    return response


def _number(cell: str) -> int | str:
    """A count as a number in the workbook; "<5" stays text."""
    return int(cell) if cell.isdigit() else cell


@login_required
@require_GET
def monthly_xlsx(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # no stubs installed

    report, _today = _report(request)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = report.month.first.strftime("%Y-%m")
    sheet.append(["", *[f.name_en for f in report.facilities], "All"])
    for label, cells, total in report.table:
        sheet.append([str(label), *[_number(c) for c in [*cells, total]]])
    trend = book.create_sheet("12 months")
    trend.append(["", *[m.first.strftime("%Y-%m") for m in report.trend]])
    for label, cells in report.trend_table:
        trend.append([str(label), *[_number(c) for c in cells]])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="komar-monthly-statistics.xlsx"'
    return response


@login_required
@require_GET
def supervisor_dashboard(request: HttpRequest) -> HttpResponse:
    user = require_supervisor(request)
    today = timezone.localdate()
    board = dashboard.build(user, today)
    chart = dashboard.month_chart(
        board.months,
        [
            (str(_("Flags raised")), "#D55E00", board.raised),
            (str(_("Flags resolved")), "#009E73", board.resolved),
            (str(_("Counselling sessions")), "#0072B2", board.sessions),
        ],
    )
    return render(request, "research/dashboard.html", {"board": board, "chart": chart})
