"""A child's health page and the forms that record and correct her health records, and her
printed health record (the handover summary at separation, in Khmer or English).

Reached from the child's page (the "Health" section). Readers: the readers of her file except
the facility monitor (`access.py`); writers: those who may write cases, while the case is open.
A correction carries the record's version: a second person saving meanwhile gets a 409 page
with what the first saved, and loses nothing she typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from komar.accounts.models import User
from komar.audit.actions import do_log_file_view
from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict, InvalidAction
from komar.cases.models import Child
from komar.health import actions, chart, status
from komar.health.access import (
    get_child,
    get_record,
    may_write_health,
    require_health_reader,
    require_health_writer,
)
from komar.health.forms import (
    HealthCheckEditForm,
    HealthCheckForm,
    HealthEventEditForm,
    HealthEventForm,
    ImmunisationEditForm,
    ImmunisationForm,
    MeasurementEditForm,
    MeasurementForm,
    MilestoneEditForm,
    MilestoneForm,
)
from komar.health.models import (
    HealthCheck,
    HealthEvent,
    Immunisation,
    Measurement,
    Milestone,
    ScheduleDose,
)
from komar.lib.conflicts import field_differences
from komar.lib.http import client_ip


def _log_view(request: HttpRequest, user: User, obj: Any, child: Child) -> None:
    with transaction.atomic():
        do_log_file_view(actor=user, obj=obj, mother=child.mother, ip=client_ip(request))


def health_context(child: Child, user: User | None) -> dict[str, Any]:
    """Everything the health page and the printed record show (a fixed number of queries)."""
    today = timezone.localdate()
    measurements = list(Measurement.objects.filter(child=child).select_related("recorded_by"))
    immunisations = list(Immunisation.objects.filter(child=child).select_related("dose__vaccine"))
    milestones = list(Milestone.objects.filter(child=child))
    events = list(HealthEvent.objects.filter(child=child))
    checks = list(HealthCheck.objects.filter(child=child))
    doses = status.active_doses()
    latest = measurements[0] if measurements else None
    health = status.ChildHealth(
        child=child,
        today=today,
        latest=latest,
        checks=checks,
        immunisations=immunisations,
        milestones=milestones,
        doses=doses,
    )
    findings = status.classify(latest) if latest is not None else []
    charts = [
        c for c in chart.charts_for(child.sex, measurements) if c.indicator != "hcfa" or not c.empty
    ]
    return {
        "child": child,
        "mother": child.mother,
        "today": today,
        "health": health,
        "latest": latest,
        "findings": findings,
        "level": status.worst_level(findings),
        "measurements": measurements,
        "charts": charts,
        "doses": health.dose_states(),
        "milestones": health.milestone_states(),
        "events": events,
        "checks": checks,
        "can_write": user is not None and may_write_health(user, child),
    }


@login_required
@require_GET
def child_health(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_health_reader(request)
    child = get_child(request, code)
    _log_view(request, user, child, child)
    return render(request, "health/child.html", health_context(child, user))


# -- Recording and correcting ----------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    child: Child,
    form: forms.BaseForm,
    *,
    title: str,
    submit: str,
    lead: str = "",
    conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "health/form.html",
        {
            "child": child,
            "mother": child.mother,
            "form": form,
            "title": title,
            "submit": submit,
            "lead": lead,
            "conflict": conflict,
            "cancel_url": _health_url(child),
        },
        status=409 if conflict else 200,
    )


def _health_url(child: Child) -> str:
    from django.urls import reverse

    return reverse("health:child", args=[child.code])


Record = Measurement | Immunisation | Milestone | HealthEvent | HealthCheck


def _new(
    request: HttpRequest,
    code: uuid.UUID,
    form_class: type[forms.ModelForm],
    record: Callable[..., Record],
    *,
    title: str,
    submit: str,
    saved: str,
    lead: str = "",
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    user = require_health_writer(request)
    child = get_child(request, code)
    if child.mother.is_closed:
        messages.error(request, _("This case is closed: its records can no longer be changed."))
        return redirect(_health_url(child))
    form = form_class(request.POST or None, child=child, initial=initial)  # type: ignore[call-arg]
    if request.method == "POST" and form.is_valid():
        try:
            record(child, form.cleaned_data, actor=user, ip=client_ip(request))
        except InvalidAction:
            form.add_error(None, _("This could not be saved: check the dates and try again."))
        else:
            messages.success(request, saved)
            return redirect(_health_url(child))
    return _form_page(request, child, form, title=title, submit=submit, lead=lead)


def _edit(
    request: HttpRequest,
    model: type[Record],
    code: uuid.UUID,
    form_class: type[forms.ModelForm],
    correct: Callable[..., Record],
    *,
    title: str,
    saved: str,
) -> HttpResponse:
    user = require_health_writer(request)
    instance = get_record(request, model, code)  # type: ignore[type-var]
    child = instance.child
    if child.mother.is_closed:
        messages.error(request, _("This case is closed: its records can no longer be changed."))
        return redirect(_health_url(child))
    form = form_class(request.POST or None, instance=instance, child=child)  # type: ignore[call-arg]
    if request.method == "GET":
        _log_view(request, user, instance, child)
    submit = _("Save the correction")
    if request.method == "POST" and form.is_valid():
        try:
            correct(
                instance,
                form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as conflict:
            current = model.objects.get(pk=instance.pk)
            fields = [f for f in form_class._meta.fields or () if f != "version"]
            details = {
                "differences": field_differences(form, current, names=fields),
                "last": AuditEntry.last_change(conflict.current),
            }
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = form_class(data, instance=current, child=child)  # type: ignore[call-arg]
            form.is_valid()
            return _form_page(request, child, form, title=title, submit=submit, conflict=details)
        except InvalidAction:
            form.add_error(None, _("This could not be saved: check the dates and try again."))
        else:
            messages.success(request, saved)
            return redirect(_health_url(child))
    return _form_page(request, child, form, title=title, submit=submit)


@login_required
@require_http_methods(["GET", "POST"])
def measurement_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _new(
        request,
        code,
        MeasurementForm,
        actions.do_record_measurement,
        title=_("Record a measurement"),
        submit=_("Save the measurement"),
        saved=_("Measurement saved."),
        lead=_(
            "Weigh the child without clothes. Measure her length lying down before 2 years, "
            "her height standing from 2 years. Enter what you measured; leave the rest empty."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def measurement_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _edit(
        request,
        Measurement,
        code,
        MeasurementEditForm,
        actions.do_correct_measurement,
        title=_("Correct a measurement"),
        saved=_("Measurement corrected."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def immunisation_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    initial: dict[str, Any] = {}
    dose_code = request.GET.get("dose", "")
    try:
        dose = ScheduleDose.objects.filter(code=uuid.UUID(dose_code)).first()
    except ValueError:
        dose = None
    if dose is not None:
        initial["dose"] = dose.pk
    return _new(
        request,
        code,
        ImmunisationForm,
        actions.do_record_immunisation,
        title=_("Record an immunisation given"),
        submit=_("Save the immunisation"),
        saved=_("Immunisation saved."),
        lead=_("Copy the date from the child's vaccination card or the health centre's record."),
        initial=initial,
    )


@login_required
@require_http_methods(["GET", "POST"])
def immunisation_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _edit(
        request,
        Immunisation,
        code,
        ImmunisationEditForm,
        actions.do_correct_immunisation,
        title=_("Correct an immunisation"),
        saved=_("Immunisation corrected."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _new(
        request,
        code,
        MilestoneForm,
        actions.do_record_milestone,
        title=_("Record a milestone achieved"),
        submit=_("Save the milestone"),
        saved=_("Milestone saved."),
        lead=_("The day the child first did it alone, as seen or as her mother tells it."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _edit(
        request,
        Milestone,
        code,
        MilestoneEditForm,
        actions.do_correct_milestone,
        title=_("Correct a milestone"),
        saved=_("Milestone corrected."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _new(
        request,
        code,
        HealthEventForm,
        actions.do_record_health_event,
        title=_("Record an illness, referral or hospital stay"),
        submit=_("Save"),
        saved=_("Saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _edit(
        request,
        HealthEvent,
        code,
        HealthEventEditForm,
        actions.do_correct_health_event,
        title=_("Correct an illness, referral or hospital stay"),
        saved=_("Corrected."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _new(
        request,
        code,
        HealthCheckForm,
        actions.do_record_health_check,
        title=_("Record the health check at admission"),
        submit=_("Save the health check"),
        saved=_("Health check saved."),
        lead=_(
            "Every child who comes to live in the facility is examined on admission (Nelson "
            "Mandela Rule 29(1)(b); Bangkok Rule 51)."
        ),
        initial={"checked_on": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _edit(
        request,
        HealthCheck,
        code,
        HealthCheckEditForm,
        actions.do_correct_health_check,
        title=_("Correct the health check"),
        saved=_("Health check corrected."),
    )


# -- The printed health record ---------------------------------------------------------------


@login_required
@require_GET
def record_pdf(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Her health record, printed for whoever cares for her next (Khmer by default)."""
    from komar.health.pdf import health_record_pdf

    user = require_health_reader(request)
    child = get_child(request, code)
    language = request.GET.get("lang", "km")
    if language not in ("km", "en"):
        language = "km"
    _log_view(request, user, child, child)
    pdf = health_record_pdf(child, language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="health-record-{language}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
