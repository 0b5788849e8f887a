"""A facility's Bangkok Rules checklist for a quarter: read it, start it, score it with evidence,
complete it, print it (PDF, in Khmer or English)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict, InvalidAction
from komar.counselling.pdf import PDF_LANGUAGES, render_pdf
from komar.facilities.models import Facility
from komar.lib.http import client_ip
from komar.monitoring import actions
from komar.monitoring.access import (
    get_facility_for_user,
    may_monitor,
    require_monitor,
    require_reader,
)
from komar.monitoring.forms import ChecklistForm
from komar.monitoring.models import Checklist, Indicator, Score, quarter_label, quarter_of
from komar.monitoring.queries import checklist_results

PDF_NAME = "bangkok-rules-checklist.pdf"  # fixed: no facility or person in a file name


def quarter_start(year: int, quarter: int) -> dt.date:
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        raise Http404
    found = dt.date(year, 3 * (quarter - 1) + 1, 1)
    if found > quarter_of(timezone.localdate()):
        raise Http404
    return found


def url_args(facility: Facility, period: dt.date) -> dict[str, Any]:
    return {"code": facility.code, "year": period.year, "quarter": (period.month - 1) // 3 + 1}


def _scores(checklist: Checklist) -> list[Score]:
    return list(checklist.scores.select_related("indicator"))


def _by_topic(scores: list[Score]) -> list[tuple[Any, list[Score]]]:
    topics: dict[str, list[Score]] = {}
    for score in scores:
        topics.setdefault(score.indicator.topic, []).append(score)
    labels = dict(Indicator.Topic.choices)
    return [(labels[t], rows) for t, rows in topics.items()]


def _context(facility: Facility, period: dt.date, checklist: Checklist | None) -> dict[str, Any]:
    scores = _scores(checklist) if checklist is not None else []
    result = (
        checklist_results(Checklist.objects.filter(pk=checklist.pk))[0]
        if checklist is not None
        else None
    )
    return {
        "facility": facility,
        "period": period,
        "quarter": (period.month - 1) // 3 + 1,
        "period_label": quarter_label(period),
        "checklist": checklist,
        "topics": _by_topic(scores),
        "result": result,
        "pdf_languages": PDF_LANGUAGES,
    }


@login_required
@require_GET
def checklist_detail(
    request: HttpRequest, code: uuid.UUID, year: int, quarter: int
) -> HttpResponse:
    user = require_reader(request)
    facility = get_facility_for_user(user, code)
    period = quarter_start(year, quarter)
    checklist = Checklist.objects.filter(facility=facility, period=period).first()
    return render(
        request,
        "monitoring/checklist_detail.html",
        {**_context(facility, period, checklist), "may_write": may_monitor(user)},
    )


@login_required
@require_POST
def checklist_start(request: HttpRequest, code: uuid.UUID, year: int, quarter: int) -> HttpResponse:
    user = require_monitor(request)
    facility = get_facility_for_user(user, code)
    period = quarter_start(year, quarter)
    actions.do_start_checklist(facility, period, actor=user, ip=client_ip(request))
    return redirect("monitoring:checklist_edit", **url_args(facility, period))


@login_required
@require_http_methods(["GET", "POST"])
def checklist_edit(request: HttpRequest, code: uuid.UUID, year: int, quarter: int) -> HttpResponse:
    """Score each indicator with its evidence; Save, or Save and complete; a completed checklist
    can be corrected the same way."""
    user = require_monitor(request)
    facility = get_facility_for_user(user, code)
    period = quarter_start(year, quarter)
    checklist = Checklist.objects.filter(facility=facility, period=period).first()
    if checklist is None:
        raise Http404
    scores = _scores(checklist)
    form = ChecklistForm(
        request.POST or None, scores=scores, initial={"version": checklist.version}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        complete = "complete" in request.POST
        if complete and checklist.is_completed:
            raise PermissionDenied
        try:
            actions.do_change_checklist(
                checklist,
                form.values(),
                expected_version=form.cleaned_data["version"],
                complete=complete,
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as clash:
            current = clash.current
            assert isinstance(current, Checklist)
            saved = {s.indicator_id: s for s in _scores(current)}
            differences = [
                {"label": s.indicator.text, "saved": saved[s.indicator_id].get_value_display()}
                for s in scores
                if (saved[s.indicator_id].value, saved[s.indicator_id].evidence)
                != (form.values()[s.indicator_id][0], form.values()[s.indicator_id][1].strip())
            ]
            conflict = {"differences": differences, "last": AuditEntry.last_change(current)}
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = ChecklistForm(data, scores=scores)
            form.is_valid()
        except InvalidAction as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, _("Checklist completed.") if complete else _("Checklist saved.")
            )
            return redirect("monitoring:checklist", **url_args(facility, period))
    return render(
        request,
        "monitoring/checklist_form.html",
        {**_context(facility, period, checklist), "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_GET
def checklist_pdf(request: HttpRequest, code: uuid.UUID, year: int, quarter: int) -> HttpResponse:
    """The checklist printed, in Khmer (`?lang=km`, the default) or English."""
    user = require_reader(request)
    facility = get_facility_for_user(user, code)
    period = quarter_start(year, quarter)
    checklist = Checklist.objects.filter(facility=facility, period=period).first()
    if checklist is None:
        raise Http404
    language = request.GET.get("lang", "km")
    if language not in PDF_LANGUAGES:
        raise Http404
    pdf = render_pdf(
        "monitoring/checklist_pdf.html",
        {**_context(facility, period, checklist), "today": timezone.localdate()},
        language,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{PDF_NAME}"'
    return response
