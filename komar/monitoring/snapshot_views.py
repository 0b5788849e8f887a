"""A facility's monthly snapshot: read it, start it, fill it in and complete it, correct it."""

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
from komar.facilities.models import Facility
from komar.lib.conflicts import field_differences
from komar.lib.http import client_ip
from komar.monitoring import actions, attendance, registry
from komar.monitoring.access import (
    get_facility_for_user,
    may_monitor,
    require_monitor,
    require_reader,
)
from komar.monitoring.forms import SnapshotForm
from komar.monitoring.models import COUNT_FIELDS, Snapshot, first_of_month, next_month


def month_of(year: int, month: int) -> dt.date:
    try:
        found = dt.date(year, month, 1)
    except ValueError:
        raise Http404 from None
    if found > first_of_month(timezone.localdate()):
        raise Http404
    return found


def _url_args(facility: Facility, month: dt.date) -> dict[str, Any]:
    return {"code": facility.code, "year": month.year, "month": month.month}


@login_required
@require_GET
def snapshot_detail(request: HttpRequest, code: uuid.UUID, year: int, month: int) -> HttpResponse:
    """The month's snapshot: the frozen counts and what the monitor recorded; before it is
    completed, the counts as they stand today (marked as not frozen)."""
    user = require_reader(request)
    facility = get_facility_for_user(user, code)
    first = month_of(year, month)
    snapshot = Snapshot.objects.filter(facility=facility, month=first).first()
    today = timezone.localdate()
    live: list[tuple[Any, int]] = []
    if snapshot is None or not snapshot.is_completed:
        last = min(next_month(first) - dt.timedelta(days=1), today)
        values = registry.snapshot_counts([facility.pk], first, last)[facility.pk]
        live = [(label, values[name]) for name, label in COUNT_FIELDS]
    return render(
        request,
        "monitoring/snapshot_detail.html",
        {
            "facility": facility,
            "month": first,
            "snapshot": snapshot,
            "live": live,
            "may_write": may_monitor(user),
            "month_over": next_month(first) <= today,
        },
    )


@login_required
@require_POST
def snapshot_start(request: HttpRequest, code: uuid.UUID, year: int, month: int) -> HttpResponse:
    user = require_monitor(request)
    facility = get_facility_for_user(user, code)
    first = month_of(year, month)
    actions.do_start_snapshot(facility, first, actor=user, ip=client_ip(request))
    return redirect("monitoring:snapshot_edit", **_url_args(facility, first))


def _edit_page(
    request: HttpRequest,
    facility: Facility,
    snapshot: Snapshot,
    form: SnapshotForm,
    conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    register_days = None
    if facility.has_child_friendly_space:
        register_days = attendance.open_days([facility.pk], snapshot.month).get(facility.pk, 0)
    return render(
        request,
        "monitoring/snapshot_form.html",
        {
            "facility": facility,
            "snapshot": snapshot,
            "month": snapshot.month,
            "form": form,
            "conflict": conflict,
            "register_days": register_days,
            "month_over": next_month(snapshot.month) <= timezone.localdate(),
        },
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def snapshot_edit(request: HttpRequest, code: uuid.UUID, year: int, month: int) -> HttpResponse:
    """Fill in the draft (Save), complete it (Save and complete: the counts are frozen), or
    correct a completed snapshot's answers (its counts stay as frozen)."""
    user = require_monitor(request)
    facility = get_facility_for_user(user, code)
    first = month_of(year, month)
    snapshot = Snapshot.objects.filter(facility=facility, month=first).first()
    if snapshot is None:
        raise Http404
    form = SnapshotForm(request.POST or None, instance=snapshot)
    if request.method == "POST" and form.is_valid():
        complete = "complete" in request.POST
        if complete and snapshot.is_completed:
            raise PermissionDenied
        try:
            snapshot = actions.do_change_snapshot(
                snapshot,
                form.data_for_action(),
                expected_version=form.cleaned_data["version"],
                complete=complete,
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as conflict:
            current = conflict.current
            assert isinstance(current, Snapshot)
            context = {
                "differences": field_differences(form, current),
                "last": AuditEntry.last_change(current),
            }
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = SnapshotForm(data, instance=current)
            form.is_valid()
            return _edit_page(request, facility, current, form, context)
        except InvalidAction as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, _("Snapshot completed.") if complete else _("Snapshot saved.")
            )
            return redirect("monitoring:snapshot", **_url_args(facility, first))
    return _edit_page(request, facility, snapshot, form)
