"""The researcher's pages: her home (her organisation's projects), a project (its consent state
and its exports), an export's progress and its download. She never sees a personal record."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from komar.cases.actions import InvalidAction
from komar.lib.http import client_ip
from komar.research import actions, dataset, exports, facts
from komar.research.access import (
    get_export_for_user,
    get_project_for_user,
    projects_for,
    require_researcher,
)
from komar.research.forms import ExportForm, ProjectForm
from komar.research.models import ExportFormat, ResearchExport

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "codebook": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = require_researcher(request)
    projects = list(projects_for(user).order_by("name"))
    return render(request, "research/home.html", {"projects": projects, "form": ProjectForm()})


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    user = require_researcher(request)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = actions.do_create_project(
            name=form.cleaned_data["name"],
            purpose=form.cleaned_data["purpose"],
            actor=user,
            ip=client_ip(request),
        )
        return redirect("research:project", code=project.code)
    return render(request, "research/project_new.html", {"form": form})


@login_required
@require_GET
def project(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    project = get_project_for_user(request, code)
    today = timezone.localdate()
    consented = facts.consented_women(project, today).count()
    recent = list(project.exports.select_related("requested_by")[:20])
    return render(
        request,
        "research/project.html",
        {
            "project": project,
            "consented": consented,
            "exports": recent,
            "form": ExportForm(initial={"language": request.LANGUAGE_CODE, "table": "decisions"}),
            "k": settings.KOMAR_RESEARCH_K,
        },
    )


@login_required
@require_POST
def export_new(request: HttpRequest, code: uuid.UUID) -> HttpResponseBase:
    """Stream a CSV of a small dataset at once; write any other file now when it is small, and
    in the background (`manage.py run_exports`) when it is large."""
    project = get_project_for_user(request, code)
    user = require_researcher(request)
    form = ExportForm(request.POST)
    if not form.is_valid():
        today = timezone.localdate()
        return render(
            request,
            "research/project.html",
            {
                "project": project,
                "consented": facts.consented_women(project, today).count(),
                "exports": list(project.exports.select_related("requested_by")[:20]),
                "form": form,
                "k": settings.KOMAR_RESEARCH_K,
            },
            status=400,
        )
    definition = dataset.Definition(
        first_year=form.cleaned_data["first_year"],
        last_year=form.cleaned_data["last_year"],
        language=form.cleaned_data["language"],
    )
    fmt, table = form.cleaned_data["format"], form.cleaned_data["table"]
    ip = client_ip(request)
    export = actions.do_request_export(
        project, fmt=fmt, table=table, definition=definition, actor=user, ip=ip
    )
    today = timezone.localdate()
    women = len(facts.women_ids(project, today, definition.first_year, definition.last_year))
    if women > settings.KOMAR_RESEARCH_STREAM_WOMEN and fmt != ExportFormat.CSV:
        actions.start_in_background(export)
        return redirect("research:export", code=export.code)
    if fmt == ExportFormat.CSV:
        plan = dataset.make_plan(project, definition, today)
        if plan.usable:
            actions.do_start_streamed_export(export, plan)
            return _stream(export, plan)
    actions.do_write_export(export, today=today)
    return redirect("research:export", code=export.code)


def _stream(export: ResearchExport, plan: dataset.Plan) -> StreamingHttpResponse:
    def chunks() -> Iterator[bytes]:
        digest = hashlib.sha256()
        size = lines = 0
        for chunk in exports.csv_chunks(plan, export.table):
            digest.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\r\n")
            yield chunk
        actions.do_finish_streamed_export(
            export, plan, rows=lines - 1, sha256=digest.hexdigest(), size=size
        )

    response = StreamingHttpResponse(chunks(), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@login_required
@require_GET
def export_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    export = get_export_for_user(request, code)
    running = export.status in (ResearchExport.Status.QUEUED, ResearchExport.Status.RUNNING)
    response = render(
        request,
        "research/export.html",
        {"export": export, "project": export.project, "running": running},
    )
    if running:
        response["Refresh"] = "3"  # the page follows the background job, without a script
    return response


@login_required
@require_GET
def export_download(request: HttpRequest, code: uuid.UUID) -> HttpResponseBase:
    export = get_export_for_user(request, code)
    user = require_researcher(request)
    path = actions.export_path(export)
    if export.status != ResearchExport.Status.DONE or not path.exists():
        raise Http404
    actions.do_log_export_download(export, actor=user, ip=client_ip(request))
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type=CONTENT_TYPES[export.format],
    )


__all__ = ["InvalidAction", "_"]
