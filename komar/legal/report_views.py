"""The court report's pages: draft one from her file, edit its sections, submit it, approve or
return it (a supervisor), correct a final one, and print it (PDF, DOCX).

The workflow rules live in `report_actions.py`; the views check who may take a step before
asking the action, so that a refusal is a 403 and a step that no longer fits the report's state
is a message.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from komar.accounts.models import User
from komar.audit.actions import do_log_file_view
from komar.audit.models import AuditEntry
from komar.cases.access import (
    get_mother_for_user,
    require_case_reader,
    require_case_writer,
    scope,
)
from komar.cases.actions import EditConflict
from komar.legal import report_actions as actions
from komar.legal.models import CourtReport
from komar.legal.report import SECTIONS, latest_screening
from komar.legal.report_docx import render_report_docx
from komar.legal.report_forms import ReportEditForm, ReportStartForm, ReviewForm
from komar.legal.report_pdf import (
    DOCX_NAME,
    PDF_NAME,
    PrintedSection,
    printed_sections,
    render_report_pdf,
)
from komar.lib.http import client_ip

Status = CourtReport.Status
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def get_report_for_user(request: HttpRequest, code: uuid.UUID) -> CourtReport:
    """A report about a woman in her scope; anything else is a 404."""
    user = require_case_reader(request)
    try:
        return (
            CourtReport.objects.select_related(
                "mother__latest_episode__facility",
                "episode__facility",
                "author__organisation",
                "reviewer",
                "supersedes",
            )
            .filter(scope(user, "mother__"))
            .get(code=code)
        )
    except CourtReport.DoesNotExist:
        raise Http404 from None


def _log_view(request: HttpRequest, user: User, court_report: CourtReport) -> None:
    with transaction.atomic():
        do_log_file_view(
            actor=user, obj=court_report, mother=court_report.mother, ip=client_ip(request)
        )


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    if not actions.may_draft(user, mother):
        raise PermissionDenied
    current = actions.open_report(mother)
    if current is not None:
        messages.info(request, _("She has a report still being written: continue it."))
        return redirect(current.get_absolute_url())
    form = ReportStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        court_report = actions.do_start_report(
            mother, language=form.cleaned_data["language"], actor=user, ip=client_ip(request)
        )
        messages.success(
            request, _("Draft written from her file. Check each section and complete it.")
        )
        return redirect("legal:report_edit", code=court_report.code)
    assert mother.latest_episode is not None
    return render(
        request,
        "legal/report/report_new.html",
        {"form": form, "mother": mother, "screening": latest_screening(mother.latest_episode)},
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    court_report = get_report_for_user(request, code)
    _log_view(request, user, court_report)
    try:
        successor: CourtReport | None = court_report.superseded_by
    except CourtReport.DoesNotExist:
        successor = None
    may_write = actions.may_write(user, court_report) and not court_report.mother.is_closed
    status = court_report.status
    may_review = status == Status.IN_REVIEW and actions.may_review(user, court_report)
    context: dict[str, Any] = {
        "report": court_report,
        "mother": court_report.mother,
        "sections": _in_report_language(court_report),
        "successor": successor,
        "can_edit": may_write and status == Status.DRAFT,
        "can_submit": may_write and status == Status.DRAFT,
        "can_review": may_review,
        "can_correct": may_write
        and status == Status.FINAL
        and successor is None
        and actions.may_draft(user, court_report.mother),
        "review_form": ReviewForm() if may_review else None,
    }
    return render(request, "legal/report/report_detail.html", context)


def _in_report_language(court_report: CourtReport) -> list[PrintedSection]:
    """The sections, their titles in the report's language (the text is in it)."""
    with translation.override(court_report.language):
        return [replace(s, title=str(s.title)) for s in printed_sections(court_report)]


def _writable(request: HttpRequest, code: uuid.UUID) -> tuple[User, CourtReport]:
    user = require_case_writer(request)
    court_report = get_report_for_user(request, code)
    if not actions.may_write(user, court_report):
        raise PermissionDenied
    return user, court_report


def _conflict(form: ReportEditForm, current: CourtReport) -> dict[str, Any]:
    """After a conflicting save: what the other person saved, section by section."""
    differences = [
        {"label": title, "saved": current.sections.get(key, "")}
        for key, title in SECTIONS
        if "\n".join(form.cleaned_data.get(key, "").strip().splitlines())
        != current.sections.get(key, "")
    ]
    return {"differences": differences, "last": AuditEntry.last_change(current)}


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user, court_report = _writable(request, code)
    if court_report.status != Status.DRAFT:
        messages.error(request, _("Only a draft can be edited. Correct a final report instead."))
        return redirect(court_report.get_absolute_url())
    form = ReportEditForm(request.POST or None, report=court_report)
    conflict = None
    if request.method == "GET":
        _log_view(request, user, court_report)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_report(
                court_report,
                form.sections(),
                expected_version=form.cleaned_data["version"],
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as refused:
            current = refused.current
            assert isinstance(current, CourtReport)
            conflict = _conflict(form, current)
            # Saving again now keeps her text deliberately, with the differences before her.
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = ReportEditForm(data, report=current)
            form.is_valid()
        except actions.NotAllowed:
            messages.error(
                request, _("Only a draft can be edited. Correct a final report instead.")
            )
            return redirect(court_report.get_absolute_url())
        else:
            messages.success(request, _("Saved."))
            return redirect(court_report.get_absolute_url())
    return render(
        request,
        "legal/report/report_edit.html",
        {"form": form, "report": court_report, "mother": court_report.mother, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def report_submit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user, court_report = _writable(request, code)
    try:
        actions.do_submit_report(court_report, actor=user, ip=client_ip(request))
    except actions.NotAllowed:
        messages.error(request, _("This report is not a draft any more."))
    else:
        messages.success(request, _("Submitted for a supervisor's review."))
    return redirect(court_report.get_absolute_url())


def _reviewed(request: HttpRequest, code: uuid.UUID) -> tuple[User, CourtReport, str]:
    user = require_case_writer(request)
    court_report = get_report_for_user(request, code)
    if not actions.may_review(user, court_report):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return user, court_report, note


@login_required
@require_POST
def report_approve(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user, court_report, note = _reviewed(request, code)
    try:
        final = actions.do_approve_report(
            court_report, note=note, actor=user, ip=client_ip(request)
        )
    except actions.NotAllowed:
        messages.error(request, _("This report is not waiting for review."))
    else:
        messages.success(
            request, _("Approved: report %(number)s is final.") % {"number": final.number}
        )
    return redirect(court_report.get_absolute_url())


@login_required
@require_POST
def report_return(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user, court_report, note = _reviewed(request, code)
    if not note.strip():
        messages.error(request, _("Write a note to say what to change."))
        return redirect(court_report.get_absolute_url())
    try:
        actions.do_return_report(court_report, note=note, actor=user, ip=client_ip(request))
    except actions.NotAllowed:
        messages.error(request, _("This report is not waiting for review."))
    else:
        messages.success(request, _("Returned to the author with your note."))
    return redirect(court_report.get_absolute_url())


@login_required
@require_POST
def report_correct(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user, court_report = _writable(request, code)
    if not actions.may_draft(user, court_report.mother):
        raise PermissionDenied
    try:
        correction = actions.do_correct_report(court_report, actor=user, ip=client_ip(request))
    except actions.NotAllowed:
        messages.error(request, _("This report cannot be corrected now."))
        return redirect(court_report.get_absolute_url())
    messages.success(
        request, _("A new version, to correct it: edit it, then submit it for review.")
    )
    return redirect("legal:report_edit", code=correction.code)


@login_required
@require_GET
def report_pdf(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The report printed, in its own language. Printing it is a view of her file."""
    user = require_case_reader(request)
    court_report = get_report_for_user(request, code)
    _log_view(request, user, court_report)
    response = HttpResponse(render_report_pdf(court_report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{PDF_NAME}"'
    return response


@login_required
@require_GET
def report_docx(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The report as a Word document, downloaded (never opened in the browser)."""
    user = require_case_reader(request)
    court_report = get_report_for_user(request, code)
    _log_view(request, user, court_report)
    response = HttpResponse(render_report_docx(court_report), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{DOCX_NAME}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
