"""The factor study's page and its printable report (PDF, in Khmer or English)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from komar.audit.actions import do_log_list_view
from komar.counselling.pdf import render_pdf
from komar.lib.http import client_ip
from komar.research import charts, study
from komar.research.access import get_project_for_user
from komar.research.forms import YearsForm
from komar.research.models import ResearchProject


def _compute(
    request: HttpRequest, project: ResearchProject, *, exact: bool = False
) -> tuple[study.Stored, YearsForm]:
    form = YearsForm(request.GET or None)
    first = last = None
    if form.is_valid():
        first, last = form.cleaned_data["first_year"], form.cleaned_data["last_year"]
    return study.stored(project, timezone.localdate(), first, last, exact=exact), form


def _context(project: ResearchProject, result: study.Study) -> dict[str, Any]:
    return {
        "project": project,
        "study": result,
        "k": settings.KOMAR_RESEARCH_K,
        "chart": charts.share_chart([(f.label, f.decisions) for f in result.factors]),
        "main_chart": charts.share_chart([(f.label, f.main) for f in result.factors]),
    }


@login_required
@require_GET
def study_page(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    project = get_project_for_user(request, code)
    found, form = _compute(request, project)
    result = found.study
    assert request.user.is_authenticated
    do_log_list_view(
        actor=request.user,
        name=f"research:study:{project.pk}",
        shown=result.women,
        ip=client_ip(request),
    )
    context = {
        **_context(project, result),
        "form": form,
        "computed_at": found.computed_at,
        "stale": found.stale,
    }
    return render(request, "research/study.html", context)


@login_required
@require_GET
def study_pdf(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    project = get_project_for_user(request, code)
    language = request.GET.get("lang") or request.LANGUAGE_CODE
    language = language if language in ("km", "en") else "en"
    with translation.override(language):
        # A printed report is counted from the data as they are now.
        result = _compute(request, project, exact=True)[0].study
        figure = charts.share_figure(
            [(f.label, f.decisions) for f in result.factors],
            _("Share of decisions citing each factor, with 95 per cent intervals"),
        ).decode()
        figure = figure[figure.index("<svg") :]
    context = {
        **_context(project, result),
        "figure": figure,
        "today": timezone.localdate(),
    }
    pdf = render_pdf("research/study_pdf.html", context, language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="komar-factor-study-{language}.pdf"'
    return response
