"""The child-friendly space: today's register (on a phone, in a minute) and the month's
attendance per child and per day, as a table and a chart."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from komar.audit.actions import do_log_list_view
from komar.audit.models import AuditEntry
from komar.cases.access import scope
from komar.cases.actions import EditConflict, InvalidAction
from komar.cases.models import Child
from komar.facilities.models import Facility
from komar.lib.http import client_ip
from komar.monitoring import actions, attendance
from komar.monitoring.access import (
    facilities_for,
    get_cfs_facility_for_user,
    may_take_attendance,
    require_reader,
    require_recorder,
)
from komar.monitoring.charts import Series, column_chart
from komar.monitoring.forms import AttendanceForm
from komar.monitoring.models import Register, first_of_month, next_month, previous_month


@login_required
@require_GET
def register_choice(request: HttpRequest) -> HttpResponse:
    """Her facilities with a child-friendly space; straight to the register when there is one."""
    user = require_recorder(request)
    facilities = list(facilities_for(user).filter(has_child_friendly_space=True))
    if len(facilities) == 1:
        return redirect("monitoring:register", code=facilities[0].code)
    return render(request, "monitoring/register_choice.html", {"facilities": facilities})


def _register_page(
    request: HttpRequest,
    facility: Facility,
    form: AttendanceForm,
    register: Register | None,
    *,
    conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "monitoring/register.html",
        {
            "facility": facility,
            "form": form,
            "register": register,
            "today": timezone.localdate(),
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Today's register: the children inside whose files she may see, a tick and the hours for
    each who came. Saving again the same day corrects it."""
    user = require_recorder(request)
    facility = get_cfs_facility_for_user(user, code)
    today = timezone.localdate()
    children = attendance.children_for_register(user, facility)
    register = Register.objects.filter(facility=facility, on=today).first()
    saved = (
        dict(register.attendances.values_list("child_id", "hours")) if register is not None else {}
    )
    initial = {"version": register.version if register else None}
    form = AttendanceForm(request.POST or None, children=children, saved=saved, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            register = actions.do_take_attendance(
                facility,
                today,
                form.hours(),
                shown=[c.pk for c in children],
                expected_version=form.cleaned_data["version"],
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as conflict:
            current = conflict.current
            assert isinstance(current, Register)
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = AttendanceForm(data, children=children, saved=saved)
            form.is_valid()
            last = (
                AuditEntry.objects.filter(object_code=str(current.code))
                .select_related("actor")
                .first()
            )
            return _register_page(
                request, facility, form, current, conflict={"last": last, "differences": []}
            )
        except InvalidAction as refused:
            form.add_error(None, str(refused))
        else:
            came = len(form.hours())
            messages.success(
                request,
                _("Register saved: %(came)s of %(total)s children came.")
                % {"came": came, "total": len(children)},
            )
            return redirect("monitoring:register", code=facility.code)
    return _register_page(request, facility, form, register)


def _month(year: int, month: int) -> dt.date:
    try:
        return dt.date(year, month, 1)
    except ValueError:
        raise Http404 from None


@login_required
@require_GET
def attendance_month(
    request: HttpRequest, code: uuid.UUID, year: int | None = None, month: int | None = None
) -> HttpResponse:
    """The month's attendance at a facility: each day (a chart and a table) and each child who
    came (days, hours). Names only of the children whose files she may see; for the others, and
    for a monitor, the case number and age."""
    user = require_reader(request)
    facility = get_cfs_facility_for_user(user, code)
    today = timezone.localdate()
    first = first_of_month(today) if year is None or month is None else _month(year, month)
    if first > first_of_month(today):
        raise Http404
    figures = attendance.month_figures(facility, first, today)
    named = set()
    if user.can_read_cases and figures.children:
        named = set(
            Child.objects.filter(
                scope(user, "mother__"), pk__in=[c.child.pk for c in figures.children]
            ).values_list("pk", flat=True)
        )
    by_day = {d.on: d for d in figures.days}
    days = [first + dt.timedelta(days=n) for n in range((next_month(first) - first).days)]
    days = [d for d in days if d <= today]
    chart = column_chart(
        [str(d.day) for d in days],
        [
            Series(
                _("Children who came"), [by_day[d].children if d in by_day else None for d in days]
            )
        ],
    )
    do_log_list_view(
        actor=user,
        name=f"monitoring:attendance:{facility.pk}",
        shown=len(figures.children),
        ip=client_ip(request),
    )
    return render(
        request,
        "monitoring/attendance_month.html",
        {
            "facility": facility,
            "figures": figures,
            "named": named,
            "chart": chart,
            "month": first,
            "month_label": date_format(first, "YEAR_MONTH_FORMAT"),
            "previous": previous_month(first),
            "next": next_month(first) if next_month(first) <= today else None,
            "may_record": may_take_attendance(user),
        },
    )
